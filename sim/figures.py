"""Every chart of a run over time, as pure functions: daily tables + interventions + language in,
Plotly figures out.

The HTML reports (`sim.report`) and the browser app (`sim.app`) both draw with this module, so a
chart, its colours and its intervention markers are written once and look the same everywhere.
A chart is a declarative `Chart` (which daily columns, labels, colours, stacking); `time_series`
draws it for one run, or two overlaid, from `Track`s: a run's daily table (a pandas DataFrame, or
`daily_columns` of a model's array), its intervention log and how it ended.

Visual grammar: run A is drawn with solid lines, run B dashed; interventions are dotted vertical
lines (one per day, labelled with everything done that day); the day a community died is a red
line. Markers are built as one list of shapes and one of annotations, set once per figure: their
cost grows with the number of marked days, never with its square (adding Plotly shapes one at a
time re-validates all earlier ones).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from sim.i18n import has, t
from sim.metrics import DAILY_COLUMNS

# ---------------------------------------------------------------------------- palette

#: One palette for every chart: categorical colours in order (scenarios, indices, second runs).
PALETTE: tuple[str, ...] = (
    "#4c78a8",  # blue
    "#e45756",  # red
    "#54a24b",  # green
    "#f58518",  # orange
    "#b279a2",  # purple
    "#72b7b2",  # teal
    "#eeca3b",  # yellow
    "#9d755d",  # brown
    "#ff9da6",  # pink
    "#bab0ac",  # grey
)
_BLUE, _RED, _GREEN, _ORANGE, _PURPLE, _TEAL, _YELLOW, _BROWN, _PINK, _GREY = PALETTE
#: What the colours mean on the charts of a run (a declarative table).
COLORS: dict[str, str] = {
    "members": _BLUE,
    "active": _TEAL,
    "muted": _GREY,
    "left": _RED,
    "mutes": "#888888",
    "value": _GREEN,
    "chatter": _YELLOW,
    "ads": _RED,
    "operator": _BROWN,
    "contributors": _GREEN,
    "sustained": "#2f6b2a",
    "lurkers": _GREY,
    "commenters": _TEAL,
    "creators": _GREEN,
    "kols": _PURPLE,
    "kocs": _PINK,
    "admins": _BROWN,
    "organic": _BLUE,
    "referral": _GREEN,
    "operator_added": _RED,
    "bait": _ORANGE,
    "seed": _GREY,
    "fit": _GREEN,
    "run_b": _ORANGE,  # run B where a chart tells the runs apart by colour (histograms)
    "muted_member": "#d0d0d0",
    "dead": _RED,
    "marker": "#666666",
    "marker_text": "#444444",
}
#: Line styles of run A and run B.
DASHES = ("solid", "dash")
FIGURE_HEIGHT = 370
#: Plotly's built-in empty template: "plotly_white" costs ~10-20 ms per figure to validate, and
#: `AXIS_STYLE` (white background, light grid) is all the charts need from it.
TEMPLATE = "none"
AXIS_STYLE: dict[str, Any] = dict(
    gridcolor="#ebebeb", zeroline=False, linecolor="#cccccc", showline=True, automargin=True
)


def colour(i: int, alpha: float | None = None) -> str:
    """The `i`-th palette colour (cycling), as "#rrggbb" or, with `alpha`, "rgba(r,g,b,alpha)"."""
    hex_colour = PALETTE[i % len(PALETTE)]
    if alpha is None:
        return hex_colour
    r, g, b = (int(hex_colour[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# ---------------------------------------------------------------------------- runs


@dataclass(frozen=True)
class Ending:
    """How a community ended: `state` "dead" (declared on `day`, its last value post on day
    `lifespan`) or "dissolved" (on `day`)."""

    day: int
    state: str
    lifespan: int


@dataclass(frozen=True)
class Track:
    """One run as the charts see it.

    `daily`: one row per simulated day, columns as in `sim.metrics.DAILY_COLUMNS` (a DataFrame,
    or `daily_columns(model.daily_array())`). `interventions`: intervention-log entries (dicts
    with "day", "action" and "detail"). `ending`: None while alive or censored. `key`: "a" or
    "b" (named in labels only when two runs are drawn). `window`: the contributor window in
    days (for the contributors' label). `horizon`: the scenario's days, which bound the day axis
    (None: the axis ends at the last simulated day).
    """

    daily: Mapping[str, Any]
    interventions: Sequence[Mapping[str, Any]] = ()
    ending: Ending | None = None
    key: str = "a"
    window: int = 7
    horizon: int | None = None

    @property
    def days(self) -> int:
        """Days simulated (rows of `daily`)."""
        return len(self.daily["day"])


def daily_columns(array: np.ndarray) -> dict[str, np.ndarray]:
    """A model's `daily_array()` (days x `DAILY_COLUMNS`) as columns by name (views, no copy)."""
    return {name: array[:, i] for i, name in enumerate(DAILY_COLUMNS)}


def x_max(tracks: Sequence[Track]) -> int:
    """Right end of the day axis: grows in 30-day blocks with the days simulated, up to the
    longest horizon (at least day 1)."""
    day = max(track.days for track in tracks)
    horizon = max(track.horizon if track.horizon is not None else day for track in tracks)
    return int(max(1, min(max(horizon, day), max(30, 30 * math.ceil((day + 1) / 30)))))


# ---------------------------------------------------------------------------- markers

#: What the app's "ban ads" button changes: posted rules that forbid ads (a ban is only enforced
#: with rules). A timeline `set` with exactly these changes is marked "ads banned".
BAN_ADS_CHANGES: dict[str, Any] = {"rules.enabled": True, "rules.ban_ads": True}


def marker_key(entry: Mapping[str, Any]) -> str:
    """What an intervention-log entry is, for its marker: an action name, or "ban_ads"."""
    if entry["action"] == "set" and entry.get("detail", {}).get("changes") == BAN_ADS_CHANGES:
        return "ban_ads"
    return str(entry["action"])


def marker_text(entry: Mapping[str, Any], lang: str) -> str:
    """Short label of an intervention, e.g. "selling", or "set: Selling starts=3" (a lever's name
    where it has one, else the parameter's path); an action a playbook rule fired starts with
    "rule N:" (its place in the playbook, from 1)."""
    key = marker_key(entry)
    text = t(lang, f"marker.{key}")
    if entry.get("rule") is not None:
        text = f"{t(lang, 'marker.playbook')} {int(entry['rule']) + 1}: {text}"
    if key == "set":
        parts = []
        for path, value in entry.get("detail", {}).get("changes", {}).items():
            name = t(lang, f"lever.{path}") if has(f"lever.{path}") else path
            if isinstance(value, bool):
                value = t(lang, "value.on" if value else "value.off")
            parts.append(f"{name}={value}")
        text = f"{text}: {', '.join(parts)}"
    return text


def day_labels(interventions: Sequence[Mapping[str, Any]], lang: str) -> dict[int, str]:
    """One label per day with interventions, e.g. {30: "event, red packet ×2"}, in day order."""
    by_day: dict[int, Counter[str]] = {}
    for entry in interventions:
        by_day.setdefault(int(entry["day"]), Counter())[marker_text(entry, lang)] += 1
    return {
        day: ", ".join(text if n == 1 else f"{text} ×{n}" for text, n in counts.items())
        for day, counts in sorted(by_day.items())
    }


def _vline(day: float, line: dict) -> dict:
    return dict(type="line", xref="x", yref="paper", x0=day, x1=day, y0=0, y1=1, line=line)


def intervention_markers(tracks: Sequence[Track], lang: str) -> tuple[list[dict], list[dict]]:
    """Plotly shapes and annotations: a dotted line per day with interventions (labelled with
    all of that day's), a red line where a community died or was dissolved. With two runs the
    labels start "A: " / "B: " and B's lines are dash-dotted."""
    shapes: list[dict] = []
    notes: list[dict] = []
    compare = len(tracks) > 1
    for i, track in enumerate(tracks):
        prefix = f"{t(lang, f'run.{track.key}')}: " if compare else ""
        style = dict(color=COLORS["marker"], width=1, dash="dot" if i == 0 else "dashdot")
        for day, text in day_labels(track.interventions, lang).items():
            shapes.append(_vline(day, style))
            notes.append(
                dict(
                    x=day,
                    y=1,
                    xref="x",
                    yref="paper",
                    text=prefix + text,
                    showarrow=False,
                    textangle=-90,
                    xanchor="right",
                    yanchor="top",
                    font=dict(size=10, color=COLORS["marker_text"]),
                )
            )
        end = track.ending
        if end is not None:
            shapes.append(_vline(end.day, dict(color=COLORS["dead"], width=2, dash=DASHES[i])))
            text = t(lang, f"marker.{end.state}", lifespan=end.lifespan)
            notes.append(
                dict(
                    x=end.day,
                    y=0.02,
                    xref="x",
                    yref="paper",
                    xanchor="left",
                    showarrow=False,
                    text=prefix + text,
                    font=dict(size=11, color=COLORS["dead"]),
                )
            )
    return shapes, notes


def hline_shapes(y: float, subplots: Iterable[int], line: dict | None = None) -> list[dict]:
    """A dashed grey line at `y` across each of the numbered `subplots` (1 = axes x/y, 2 = x2/y2,
    ..., `make_subplots`' row-major order), to set at once as `layout.shapes`."""
    style = line or dict(color="#999999", dash="dash", width=1)
    shapes = []
    for k in subplots:
        n = "" if k == 1 else str(k)
        shapes.append(
            dict(type="line", xref=f"x{n} domain", x0=0, x1=1, yref=f"y{n}", y0=y, y1=y, line=style)
        )
    return shapes


# ---------------------------------------------------------------------------- layout


def axis(title: str = "", **extra: Any) -> dict:
    """An axis in the charts' style, titled `title`."""
    return dict(title=dict(text=title, standoff=4), **AXIS_STYLE, **extra)


def base_layout(title: str, height: int = FIGURE_HEIGHT, **extra: Any) -> dict:
    """The layout every chart starts from (title, size, margins, legend below); `extra` wins.

    `uirevision` keeps a trainer's zoom in the app across daily redraws.
    """
    layout = dict(
        title=dict(text=title, font=dict(size=15)),
        height=height,
        margin=dict(l=50, r=15, t=45, b=40),
        template=TEMPLATE,
        autosize=True,
        legend=dict(orientation="h", y=-0.18, font=dict(size=11)),
        uirevision="keep",
    )
    layout.update(extra)
    return layout


def style_subplots(fig: go.Figure, title: str, height: int, **extra: Any) -> go.Figure:
    """Give a `make_subplots` figure the charts' look: `base_layout`, every axis in `AXIS_STYLE`,
    subplot titles in 11 px."""
    fig.update_layout(**base_layout(title, height=height, **extra))
    fig.update_xaxes(**AXIS_STYLE)
    fig.update_yaxes(**AXIS_STYLE)
    fig.update_annotations(font_size=11)
    return fig


# ---------------------------------------------------------------------------- time series


@dataclass(frozen=True)
class Line:
    """One daily column on a chart: its i18n label key, colour key (`COLORS`), width, y axis
    ("y" or "y2", on the right), Plotly line shape ("hv" for counts per day), and whether it
    joins the chart's stack (if the chart stacks)."""

    column: str
    label: str
    colour: str
    width: float = 2.0
    axis: str = "y"
    shape: str = "linear"
    stacked: bool = True


@dataclass(frozen=True)
class Chart:
    """A chart of daily columns: i18n keys of its title and axes, its lines, and how to draw them.

    `stack`: stacked areas for one run (lines when two runs are compared). `bars`: stacked bars
    (one run). `hide_empty`: leave out columns that are zero on every day.
    """

    key: str
    title: str
    y_title: str
    lines: tuple[Line, ...]
    y2_title: str = ""
    stack: bool = False
    bars: bool = False
    hide_empty: bool = False


#: Columns computed from others: (leaves + kicks) per day, and cumulated.
DERIVED: dict[str, Callable[[Mapping[str, Any]], np.ndarray]] = {
    "gone": lambda d: np.asarray(d["leaves"]) + np.asarray(d["kicks"]),
    "gone_total": lambda d: np.cumsum(np.asarray(d["leaves"]) + np.asarray(d["kicks"])),
}

# Declarative tables: the charts of a run. The app shows MEMBERS, ACTIVITY, ROLES and FLOWS; the
# run report all of them.
MEMBERS = Chart(
    "members",
    "chart.members",
    "axis.people",
    (
        Line("members", "series.members", "members"),
        Line("value_contributors", "series.contributors", "contributors", width=3, axis="y2"),
        Line("sustained_contributors", "series.sustained", "sustained", axis="y2"),
    ),
    y2_title="axis.contributors",
)
ACTIVITY = Chart(
    "activity",
    "chart.activity",
    "axis.messages",
    (
        Line("value_posts", "series.value_posts", "value", width=3),
        Line("chatter", "series.chatter", "chatter"),
        Line("ads", "series.ads", "ads"),
        Line("operator_posts", "series.operator_posts", "operator", width=1),
    ),
)
ROLES = Chart(
    "roles",
    "chart.roles",
    "axis.people",
    tuple(
        Line(column, f"role.{role}", column)
        for column, role in (
            ("lurkers", "lurker"),
            ("commenters", "commenter"),
            ("creators", "creator"),
            ("kols", "kol"),
            ("kocs", "koc"),
            ("admins", "admin"),
        )
    ),
    stack=True,
)
FLOWS = Chart(
    "flows",
    "chart.flows",
    "axis.people",
    (
        Line("joins", "series.joins", "members", shape="hv"),
        Line("gone", "series.leaves", "left", shape="hv"),
        Line("mutes", "series.mutes", "mutes", shape="hv"),
    ),
)
STATES = Chart(
    "states",
    "chart.states",
    "axis.people",
    (
        Line("active", "series.active", "active"),
        Line("muted", "series.muted", "muted"),
        Line("gone_total", "series.left_total", "left", stacked=False),
    ),
    stack=True,
)
CHANNELS = Chart(
    "channels",
    "chart.channels",
    "axis.people",
    tuple(
        Line(f"joins_{channel}", f"channel.{channel}", colour)
        for channel, colour in (
            ("organic", "organic"),
            ("referral", "referral"),
            ("operator", "operator_added"),
            ("bait", "bait"),
            ("seed", "seed"),
        )
    ),
    bars=True,
    hide_empty=True,
)
SATISFACTION_TREND = Chart(
    "satisfaction_trend",
    "chart.satisfaction_trend",
    "axis.mean",
    (
        Line("mean_satisfaction", "series.mean_satisfaction", "members"),
        Line("mean_fit", "series.mean_fit", "fit"),
    ),
)


def column(daily: Mapping[str, Any], name: str) -> np.ndarray:
    """Daily column `name` of a table (or a `DERIVED` one) as an array."""
    return DERIVED[name](daily) if name in DERIVED else np.asarray(daily[name])


def _trace(chart: Chart, line: Line, track: Track, run: int, lang: str, compare: bool) -> dict:
    name = t(lang, line.label, window=track.window)
    if compare:
        name = t(lang, "series.run", series=name, run=t(lang, f"run.{track.key}"))
    x, y = column(track.daily, "day"), column(track.daily, line.column)
    if chart.bars:
        return dict(type="bar", x=x, y=y, name=name, marker=dict(color=COLORS[line.colour]))
    style = dict(color=COLORS[line.colour], dash=DASHES[run], width=line.width)
    if line.shape != "linear":  # Plotly's default; every property set is validated on each redraw
        style["shape"] = line.shape
    trace = dict(type="scatter", mode="lines", x=x, y=y, name=name, line=style)
    if line.axis != "y":
        trace["yaxis"] = line.axis
    if chart.stack and line.stacked and not compare:
        trace["stackgroup"] = chart.key
    return trace


def time_series(chart: Chart, tracks: Sequence[Track], lang: str) -> go.Figure:
    """`chart` of one run, or two overlaid (B dashed), with every intervention and ending marked.

    The day axis runs from 0 to `x_max(tracks)`. Before day 1 the traces are empty.
    """
    compare = len(tracks) > 1
    traces = [
        _trace(chart, line, track, run, lang, compare)
        for run, track in enumerate(tracks)
        for line in chart.lines
        if not (chart.hide_empty and not column(track.daily, line.column).any())
    ]
    shapes, notes = intervention_markers(tracks, lang)
    layout = base_layout(
        t(lang, chart.title),
        xaxis=axis(t(lang, "axis.day"), range=[0, x_max(tracks)]),
        yaxis=axis(t(lang, chart.y_title), rangemode="tozero"),
        shapes=shapes,
        annotations=notes,
        hovermode="x unified",
    )
    if chart.y2_title:
        layout["yaxis2"] = axis(
            t(lang, chart.y2_title),
            overlaying="y",
            side="right",
            rangemode="tozero",
            showgrid=False,
            tickmode="auto",  # not ticks synced to the left axis' (fractions of a contributor)
        )
    if chart.bars:
        layout["barmode"] = "stack"
    return go.Figure(data=traces, layout=layout)


# ---------------------------------------------------------------------------- bands


def band_traces(x: Any, low: Any, high: Any, fill: str, group: str = "", shape: str = "linear") -> list[dict]:
    """An interval drawn as a filled band between `low` and `high` (two invisible lines, the
    second filled to the first), without legend entries or hover; `group` ties it to its
    centre line's legend entry. Draw the centre line after it."""
    edge = dict(type="scatter", mode="lines", x=x, line=dict(width=0, shape=shape), showlegend=False)
    edge.update(hoverinfo="skip", legendgroup=group)
    return [dict(edge, y=high), dict(edge, y=low, fill="tonexty", fillcolor=fill)]
