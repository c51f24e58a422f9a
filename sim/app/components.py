"""What the app draws, as pure functions: runs in, Plotly figures and status records out.

Every function takes the runs on screen (one, or two in lockstep), in order A then B, and the
language, and reads the models without changing them. The Solara page (`app.py`) wraps each
figure in a component; the unit tests and `benchmarks/app_step.py` call these directly.

Visual grammar: run A is drawn with solid lines, run B dashed; interventions are dotted
vertical lines labelled with what was done; the day a community died is a red line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import plotly.graph_objects as go

from sim.app.controls import LEVERS_BY_PATH, marker_key
from sim.app.i18n import t
from sim.app.layout import NetworkLayout
from sim.enums import ROLE_LABELS, Role, State
from sim.metrics import DAILY_COLUMNS
from sim.model import CommunityModel
from sim.report.single import COLORS

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
#: Most ties drawn in the network view (the strongest): more clutter the picture, and ties are
#: most of the browser's drawing time (1500 semi-transparent ties took ~120 ms a redraw, 800
#: opaque ones ~50 ms, in headless chromium without a GPU).
MAX_TIES_DRAWN = 800
TIE_COLOR = "#dadada"  # opaque: transparency doubles the drawing time
#: Satisfaction histogram bins (members beyond the ends are counted in the end bins).
SATISFACTION_BINS = np.round(np.arange(-1.5, 1.5001, 0.1), 2)
DASHES = ("solid", "dash")
ROLE_COLORS = {
    Role.LURKER: COLORS["lurkers"],
    Role.COMMENTER: COLORS["commenters"],
    Role.CREATOR: COLORS["creators"],
    Role.KOL: COLORS["kols"],
    Role.ADMIN: COLORS["admins"],
    Role.KOC: COLORS["kocs"],
}
ROLE_SYMBOLS = {Role.KOL: "star", Role.ADMIN: "square", Role.KOC: "diamond"}
MUTED_COLOR = "#d0d0d0"
DEAD_COLOR = "#e45756"
FIGURE_HEIGHT = 370
#: Plotly's built-in empty template: "plotly_white" costs ~20 ms per figure to validate, and
#: the styling below (white background, light grid) is all the app needs from it.
TEMPLATE = "none"
_AXIS_STYLE = dict(gridcolor="#ebebeb", zeroline=False, linecolor="#cccccc", showline=True, automargin=True)


class RunLike(Protocol):
    """What the figures need to know about a run (`sim.app.classroom.Run` is one)."""

    key: str  # "a" or "b"
    name: str  # the scenario's name
    model: CommunityModel
    layout: NetworkLayout


# ---------------------------------------------------------------------------- status


@dataclass(frozen=True)
class Status:
    """Whether a run's community is alive, and how long it has lived.

    `state` is "alive", "dead" or "dissolved". `lifespan` is the last day value was produced
    before death (while alive: the days so far). `quiet_days` counts days since the last value
    post in the liveliest group; the community is declared dead at `dead_after` quiet days.
    `died_on` is the day it was declared dead or dissolved (None while alive).
    """

    day: int
    state: str
    lifespan: int
    quiet_days: int
    dead_after: int
    members: int
    contributors: int
    died_on: int | None

    @property
    def alive(self) -> bool:
        return self.state == "alive"


def status(model: CommunityModel) -> Status:
    """The alive/dead record of `model` today."""
    groups = model.groups
    lifespan, _ = model.lifespan()
    alive = groups.alive_groups()
    if model.ended_by == "dissolved":
        state = "dissolved"
        died = [d for d in groups.dissolved_day if d >= 0]
    elif not alive:
        state = "dead"
        died = [d for d in groups.dead_day if d >= 0]
    else:
        state, died = "alive", []
    last_value = max((groups.last_value_day[g] for g in alive), default=model.day)
    daily = model.daily_array()
    today = daily[-1] if daily.shape[0] else None
    present = int(np.count_nonzero(model.members.state[: model.members.n] <= State.MUTED))
    return Status(
        day=int(model.day),
        state=state,
        lifespan=int(lifespan),
        quiet_days=int(model.day - last_value) if state == "alive" else 0,
        dead_after=int(model.current.horizon.dead_after_days),
        members=int(today[_COL["members"]]) if today is not None else present,
        contributors=int(today[_COL["value_contributors"]]) if today is not None else 0,
        died_on=int(max(died)) if died else None,
    )


def status_lines(st: Status, lang: str) -> tuple[str, str]:
    """(headline, details) for the alive indicator.

    For example ("ALIVE · Day 12", "lifespan so far 12 days · ...").
    """
    head = f"{t(lang, f'status.{st.state}')} · {t(lang, 'status.day', day=st.day)}"
    parts = []
    if st.alive:
        parts.append(t(lang, "status.lifespan_alive", days=st.lifespan))
        parts.append(t(lang, "status.quiet", quiet=st.quiet_days, limit=st.dead_after))
    else:
        parts.append(t(lang, "status.lifespan_dead", days=st.lifespan))
    parts.append(t(lang, "status.members", members=st.members, contributors=st.contributors))
    return head, " · ".join(parts)


# ---------------------------------------------------------------------------- helpers


def series(model: CommunityModel, *columns: str) -> tuple[np.ndarray, ...]:
    """Day numbers and the named daily columns of `model`, as arrays (empty before day 1)."""
    data = model.daily_array()
    return (data[:, _COL["day"]], *(data[:, _COL[c]] for c in columns))


def run_label(run: RunLike, lang: str) -> str:
    """ "A: baseline" (the run's letter and its scenario's name)."""
    return f"{t(lang, f'run.{run.key}')}: {run.name}"


def _name(lang: str, key: str, run: RunLike, compare: bool) -> str:
    label = t(lang, key)
    return t(lang, "series.run", series=label, run=t(lang, f"run.{run.key}")) if compare else label


def x_max(runs: Sequence[RunLike]) -> int:
    """Right end of the day axis: grows in 30-day blocks, up to the longest horizon."""
    day = max(r.model.day for r in runs)
    horizon = max(r.model.current.horizon.days for r in runs)
    return int(max(1, min(max(horizon, day), max(30, 30 * math.ceil((day + 1) / 30)))))


def marker_text(entry: dict, lang: str) -> str:
    """Short label of an intervention marker, e.g. "selling", or "set: Selling starts=3"."""
    key = marker_key(entry)
    text = t(lang, f"marker.{key}")
    if key == "set":
        changes = entry.get("detail", {}).get("changes", {})
        parts = []
        for path, value in changes.items():
            name = t(lang, f"lever.{path}") if path in LEVERS_BY_PATH else path
            if isinstance(value, bool):
                value = t(lang, "value.on" if value else "value.off")
            parts.append(f"{name}={value}")
        text = f"{text}: {', '.join(parts)}"
    return text


def markers(runs: Sequence[RunLike], lang: str, xref: str = "x") -> tuple[list[dict], list[dict]]:
    """Plotly shapes and annotations: a dotted line per intervention, a red line per death."""
    shapes: list[dict] = []
    notes: list[dict] = []
    compare = len(runs) > 1
    for run, dash in zip(runs, DASHES):
        prefix = f"{t(lang, f'run.{run.key}')}: " if compare else ""
        for entry in run.model.intervention_log:
            day = entry["day"]
            shapes.append(
                dict(
                    type="line",
                    xref=xref,
                    yref="paper",
                    x0=day,
                    x1=day,
                    y0=0,
                    y1=1,
                    line=dict(color="#666", width=1, dash="dot" if dash == "solid" else "dashdot"),
                )
            )
            notes.append(
                dict(
                    x=day,
                    y=1,
                    xref=xref,
                    yref="paper",
                    text=prefix + marker_text(entry, lang),
                    showarrow=False,
                    textangle=-90,
                    xanchor="right",
                    yanchor="top",
                    font=dict(size=10, color="#444"),
                )
            )
        st = status(run.model)
        if st.died_on is not None:
            shapes.append(
                dict(
                    type="line",
                    xref=xref,
                    yref="paper",
                    x0=st.died_on,
                    x1=st.died_on,
                    y0=0,
                    y1=1,
                    line=dict(color=DEAD_COLOR, width=2, dash=dash),
                )
            )
            notes.append(
                dict(
                    x=st.died_on,
                    y=0.02,
                    xref=xref,
                    yref="paper",
                    xanchor="left",
                    showarrow=False,
                    text=prefix + t(lang, f"marker.{st.state}"),
                    font=dict(size=11, color=DEAD_COLOR),
                )
            )
    return shapes, notes


def _figure(
    traces: list[dict], title: str, y_title: str, runs: Sequence[RunLike], lang: str, **layout
) -> go.Figure:
    shapes, notes = markers(runs, lang)
    base = dict(
        title=dict(text=title, font=dict(size=15)),
        height=FIGURE_HEIGHT,
        margin=dict(l=50, r=15, t=45, b=40),
        template=TEMPLATE,
        legend=dict(orientation="h", y=-0.18, font=dict(size=11)),
        xaxis=dict(title=dict(text=t(lang, "axis.day"), standoff=4), range=[0, x_max(runs)], **_AXIS_STYLE),
        yaxis=dict(title=dict(text=y_title), rangemode="tozero", **_AXIS_STYLE),
        shapes=shapes,
        annotations=notes,
        hovermode="x unified",
        autosize=True,
        uirevision="keep",  # a trainer's zoom survives the next day's redraw
    )
    base.update(layout)
    return go.Figure(data=traces, layout=base)


def _lines(runs: Sequence[RunLike], lang: str, items: Sequence[tuple[str, str, str]], **extra) -> list[dict]:
    """One line per (column, label key, colour) per run; B dashed."""
    compare = len(runs) > 1
    traces = []
    for run, dash in zip(runs, DASHES):
        x, *ys = series(run.model, *(column for column, _, _ in items))
        for (_, key, color), y in zip(items, ys):
            traces.append(
                dict(
                    type="scatter",
                    mode="lines",
                    x=x,
                    y=y,
                    name=_name(lang, key, run, compare),
                    line=dict(color=color, dash=dash, width=2),
                    **extra,
                )
            )
    return traces


# ----------------------------------------------------------------------------- figures


def members_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Members (the vanity figure) against value contributors (the yardstick), per day."""
    traces = _lines(
        runs,
        lang,
        (
            ("members", "series.members", COLORS["members"]),
            ("value_contributors", "series.contributors", COLORS["contributors"]),
        ),
    )
    return _figure(traces, t(lang, "chart.members"), t(lang, "axis.people"), runs, lang)


def activity_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Value posts, chatter and ads per day."""
    traces = _lines(
        runs,
        lang,
        (
            ("value_posts", "series.value_posts", COLORS["value"]),
            ("chatter", "series.chatter", COLORS["chatter"]),
            ("ads", "series.ads", COLORS["ads"]),
        ),
    )
    return _figure(traces, t(lang, "chart.activity"), t(lang, "axis.messages"), runs, lang)


_ROLE_COLUMNS = (
    (Role.LURKER, "lurkers"),
    (Role.COMMENTER, "commenters"),
    (Role.CREATOR, "creators"),
    (Role.KOL, "kols"),
    (Role.KOC, "kocs"),
    (Role.ADMIN, "admins"),
)


def roles_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Present members by role per day: stacked areas for one run, lines (B dashed) for two."""
    items = tuple((column, f"role.{ROLE_LABELS[role]}", ROLE_COLORS[role]) for role, column in _ROLE_COLUMNS)
    traces = _lines(runs, lang, items, stackgroup="roles") if len(runs) == 1 else _lines(runs, lang, items)
    return _figure(traces, t(lang, "chart.roles"), t(lang, "axis.people"), runs, lang)


def flows_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """People joining, leaving (or kicked) and muting the group each day."""
    compare = len(runs) > 1
    traces = []
    for run, dash in zip(runs, DASHES):
        x, joins, leaves, kicks, mutes = series(run.model, "joins", "leaves", "kicks", "mutes")
        for key, y, color in (
            ("series.joins", joins, COLORS["members"]),
            ("series.leaves", leaves + kicks, COLORS["left"]),
            ("series.mutes", mutes, "#888888"),
        ):
            traces.append(
                dict(
                    type="scatter",
                    mode="lines",
                    x=x,
                    y=y,
                    name=_name(lang, key, run, compare),
                    line=dict(color=color, dash=dash, width=2, shape="hv"),
                )
            )
    return _figure(traces, t(lang, "chart.flows"), t(lang, "axis.people"), runs, lang)


def satisfaction_counts(model: CommunityModel) -> tuple[np.ndarray, np.ndarray]:
    """Present ordinary members (not the owner/admins) per satisfaction bin: (active, muted).

    Bins are `SATISFACTION_BINS` (left edges of the bars are bins[:-1]); values beyond the
    ends fall in the end bins. Both arrays are zero when nobody is present.
    """
    m, n = model.members, model.members.n
    state, role = m.state[:n], m.role[:n]
    ordinary = role != Role.ADMIN
    sat = np.clip(m.satisfaction[:n], SATISFACTION_BINS[0], SATISFACTION_BINS[-1] - 1e-9)
    active = np.histogram(sat[ordinary & (state == State.ACTIVE)], SATISFACTION_BINS)[0]
    muted = np.histogram(sat[ordinary & (state == State.MUTED)], SATISFACTION_BINS)[0]
    return active, muted


def satisfaction_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Today's satisfaction distribution: active and muted stacked (one run), A and B overlaid."""
    centres = (SATISFACTION_BINS[:-1] + SATISFACTION_BINS[1:]) / 2
    width = float(SATISFACTION_BINS[1] - SATISFACTION_BINS[0])
    traces = []
    if len(runs) == 1:
        active, muted = satisfaction_counts(runs[0].model)
        traces.append(
            dict(
                type="bar",
                x=centres,
                y=active,
                width=width,
                name=t(lang, "series.active"),
                marker=dict(color=COLORS["active"]),
            )
        )
        traces.append(
            dict(
                type="bar",
                x=centres,
                y=muted,
                width=width,
                name=t(lang, "series.muted"),
                marker=dict(color=MUTED_COLOR),
            )
        )
        barmode = "stack"
    else:
        for run, color in zip(runs, (COLORS["active"], "#f58518")):
            active, muted = satisfaction_counts(run.model)
            traces.append(
                dict(
                    type="bar",
                    x=centres,
                    y=active + muted,
                    width=width,
                    opacity=0.55,
                    name=_name(lang, "series.present", run, True),
                    marker=dict(color=color),
                )
            )
        barmode = "overlay"
    day = max(r.model.day for r in runs)
    return go.Figure(
        data=traces,
        layout=dict(
            title=dict(text=t(lang, "chart.satisfaction", day=day), font=dict(size=15)),
            height=FIGURE_HEIGHT,
            margin=dict(l=50, r=15, t=45, b=40),
            template=TEMPLATE,
            barmode=barmode,
            autosize=True,
            legend=dict(orientation="h", y=-0.18, font=dict(size=11)),
            xaxis=dict(
                title=dict(text=t(lang, "axis.satisfaction"), standoff=4),
                range=[float(SATISFACTION_BINS[0]), float(SATISFACTION_BINS[-1])],
                **_AXIS_STYLE,
            ),
            yaxis=dict(title=dict(text=t(lang, "axis.people")), rangemode="tozero", **_AXIS_STYLE),
            uirevision="keep",
        ),
    )


def network_data(run: RunLike) -> dict[str, np.ndarray]:
    """Positions and attributes of present members, and the strongest ties between them.

    Returns arrays: `row`, `x`, `y`, `role`, `muted` (bool), `value_posts`, `fit`,
    `satisfaction` (one entry per present member) and `edge_x`, `edge_y` (line segments
    separated by NaN, at most `MAX_TIES_DRAWN` ties, strongest first). Updates the run's
    layout (placing newcomers and relaxing a little).
    """
    model = run.model
    m, n = model.members, model.members.n
    src, dst, weight = model.ties.edges()
    pos = run.layout.update(model, src, dst, weight)
    rows = np.flatnonzero(m.state[:n] <= State.MUTED)
    if weight.shape[0] > MAX_TIES_DRAWN:
        keep = np.argpartition(weight, -MAX_TIES_DRAWN)[-MAX_TIES_DRAWN:]
        src, dst = src[keep], dst[keep]
    seg = np.full((src.shape[0], 3), np.nan)
    edge_x, edge_y = seg.copy(), seg.copy()
    edge_x[:, 0], edge_x[:, 1] = pos[src, 0], pos[dst, 0]
    edge_y[:, 0], edge_y[:, 1] = pos[src, 1], pos[dst, 1]
    return {
        "row": rows,
        "x": pos[rows, 0],
        "y": pos[rows, 1],
        "role": m.role[rows].astype(np.int64),
        "muted": m.state[rows] == State.MUTED,
        "value_posts": m.value_posts[rows].astype(np.int64),
        "fit": m.fit[rows],
        "satisfaction": m.satisfaction[rows],
        "edge_x": edge_x.ravel(),
        "edge_y": edge_y.ravel(),
    }


def node_size(value_posts: np.ndarray) -> np.ndarray:
    """Marker size in pixels: 5 without value posts, growing with sqrt(posts), at most 26."""
    return np.minimum(5.0 + 2.0 * np.sqrt(value_posts), 26.0)


def network_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Members and their ties: colour = role, size = value posts, grey = muted, gone = left.

    KOLs are stars, owner/admins squares and KOCs diamonds, all with a dark outline. With two
    runs, A is on the left and B on the right.
    """
    traces: list[dict] = []
    notes: list[dict] = []
    layout: dict = {}
    hover = t(lang, "hover.member")
    width = 1.0 / len(runs)
    for i, run in enumerate(runs):
        data = network_data(run)
        axis = "" if i == 0 else str(i + 1)
        xa, ya = f"x{axis}", f"y{axis}"
        domain = [
            i * width + (0.02 if i else 0),
            (i + 1) * width - (0.02 if i + 1 < len(runs) else 0),
        ]
        layout[f"xaxis{axis}"] = dict(
            domain=domain, visible=False, scaleanchor=ya, constrain="domain", range=_span(data["x"])
        )
        layout[f"yaxis{axis}"] = dict(visible=False, constrain="domain", range=_span(data["y"]))
        if len(runs) > 1:
            notes.append(
                dict(
                    x=(domain[0] + domain[1]) / 2,
                    y=1.0,
                    xref="paper",
                    yref="paper",
                    showarrow=False,
                    text=run_label(run, lang),
                    yanchor="bottom",
                    font=dict(size=12),
                )
            )
        traces.append(
            dict(
                type="scatter",
                mode="lines",
                x=data["edge_x"],
                y=data["edge_y"],
                xaxis=xa,
                yaxis=ya,
                line=dict(color=TIE_COLOR, width=0.8),
                hoverinfo="skip",
                name=t(lang, "series.ties"),
                showlegend=i == 0,
            )
        )
        custom = np.column_stack([data["fit"], data["satisfaction"], data["value_posts"]])
        for role in Role:
            pick = (data["role"] == role) & ~data["muted"]
            traces.append(
                _nodes(
                    data,
                    pick,
                    custom,
                    xa,
                    ya,
                    t(lang, f"role.{ROLE_LABELS[role]}"),
                    ROLE_COLORS[role],
                    ROLE_SYMBOLS.get(role, "circle"),
                    hover,
                    i == 0,
                    role in ROLE_SYMBOLS,
                )
            )
        pick = data["muted"]
        symbols = np.array([ROLE_SYMBOLS.get(Role(r), "circle") for r in range(len(Role))])[
            data["role"][pick]
        ]
        traces.append(
            _nodes(
                data,
                pick,
                custom,
                xa,
                ya,
                t(lang, "series.muted"),
                MUTED_COLOR,
                symbols,
                hover,
                i == 0,
                False,
            )
        )
    day = max(r.model.day for r in runs)
    return go.Figure(
        data=traces,
        layout=dict(
            title=dict(
                text=f"{t(lang, 'chart.network', day=day)}<br><sup>{t(lang, 'chart.network_hint')}</sup>",
                font=dict(size=15),
            ),
            height=FIGURE_HEIGHT,
            margin=dict(l=10, r=10, t=60, b=10),
            template=TEMPLATE,
            autosize=True,
            legend=dict(font=dict(size=11), itemsizing="constant", orientation="h", y=0, yanchor="top"),
            annotations=notes,
            uirevision="keep",
            hovermode="closest",
            **layout,
        ),
    )


def _span(values: np.ndarray) -> list[float]:
    """An axis range around `values` with 8% padding ([-1, 1] when there are none)."""
    if values.shape[0] == 0:
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    pad = 0.08 * max(hi - lo, 0.2)
    return [lo - pad, hi + pad]


def _nodes(data, pick, custom, xa, ya, name, color, symbol, hover, legend, outline) -> dict:
    line = dict(color="#222222", width=1.5) if outline else dict(width=0)
    return dict(
        type="scatter",
        mode="markers",
        x=data["x"][pick],
        y=data["y"][pick],
        xaxis=xa,
        yaxis=ya,
        name=name,
        showlegend=legend,
        customdata=custom[pick],
        hovertemplate=hover,
        marker=dict(color=color, size=node_size(data["value_posts"][pick]), symbol=symbol, line=line),
    )


#: The figures the app shows, in display order: (key, builder).
FIGURES: tuple[tuple[str, Callable[[Sequence[RunLike], str], go.Figure]], ...] = (
    ("network", network_figure),
    ("members", members_figure),
    ("activity", activity_figure),
    ("roles", roles_figure),
    ("satisfaction", satisfaction_figure),
    ("flows", flows_figure),
)
