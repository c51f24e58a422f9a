"""What the app draws that only a live model can tell: the alive/dead record, today's
satisfaction histogram and the network of members; and the app's list of charts.

Every function takes the runs on screen (one, or two in lockstep), in order A then B, and the
language, and reads the models without changing them. The charts over time are `sim.figures`'
(the same as in the run report), drawn from each run's `track`. The Solara page (`app.py`)
wraps each figure in a component; the unit tests and `benchmarks/app_step.py` call these directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Protocol

import numpy as np
import plotly.graph_objects as go

from sim.app.layout import NetworkLayout
from sim.enums import ROLE_LABELS, Role, State
from sim.figures import (
    ACTIVITY,
    COLORS,
    FLOWS,
    MEMBERS,
    ROLES,
    Chart,
    Ending,
    Track,
    axis,
    base_layout,
    daily_columns,
    time_series,
)
from sim.i18n import t
from sim.metrics import DAILY_COLUMNS
from sim.model import CommunityModel

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
#: Most ties drawn in the network view (the strongest): more clutter the picture, and ties are
#: most of the browser's drawing time (1500 semi-transparent ties took ~120 ms a redraw, 800
#: opaque ones ~50 ms, in headless chromium without a GPU).
MAX_TIES_DRAWN = 800
TIE_COLOR = "#dadada"  # opaque: transparency doubles the drawing time
#: Satisfaction histogram bins (members beyond the ends are counted in the end bins).
SATISFACTION_BINS = np.round(np.arange(-1.5, 1.5001, 0.1), 2)
ROLE_COLORS = {
    Role.LURKER: COLORS["lurkers"],
    Role.COMMENTER: COLORS["commenters"],
    Role.CREATOR: COLORS["creators"],
    Role.KOL: COLORS["kols"],
    Role.ADMIN: COLORS["admins"],
    Role.KOC: COLORS["kocs"],
}
ROLE_SYMBOLS = {Role.KOL: "star", Role.ADMIN: "square", Role.KOC: "diamond"}


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


# ----------------------------------------------------------------------------- charts


def track(run: RunLike) -> Track:
    """`run` as the charts over time see it: its days so far, interventions and ending."""
    model = run.model
    st = status(model)
    ending = None if st.died_on is None else Ending(st.died_on, st.state, st.lifespan)
    horizon = model.current.horizon
    return Track(
        daily_columns(model.daily_array()),
        model.intervention_log,
        ending,
        run.key,
        window=horizon.contributor_window_days,
        horizon=horizon.days,
    )


def chart_figure(chart: Chart, runs: Sequence[RunLike], lang: str) -> go.Figure:
    """`chart` (see `sim.figures`) of the runs on screen."""
    return time_series(chart, [track(run) for run in runs], lang)


def run_label(run: RunLike, lang: str) -> str:
    """ "A: baseline" (the run's letter and its scenario's name)."""
    return f"{t(lang, f'run.{run.key}')}: {run.name}"


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


def _histogram_bar(x: np.ndarray, y: np.ndarray, name: str, color: str, **extra) -> dict:
    width = float(SATISFACTION_BINS[1] - SATISFACTION_BINS[0])
    return dict(type="bar", x=x, y=y, width=width, name=name, marker=dict(color=color), **extra)


def satisfaction_figure(runs: Sequence[RunLike], lang: str) -> go.Figure:
    """Today's satisfaction distribution: active and muted stacked (one run), A and B overlaid."""
    centres = (SATISFACTION_BINS[:-1] + SATISFACTION_BINS[1:]) / 2
    if len(runs) == 1:
        active, muted = satisfaction_counts(runs[0].model)
        traces = [
            _histogram_bar(centres, active, t(lang, "series.active"), COLORS["active"]),
            _histogram_bar(centres, muted, t(lang, "series.muted"), COLORS["muted_member"]),
        ]
        barmode = "stack"
    else:
        traces = []
        for run, color in zip(runs, (COLORS["active"], COLORS["run_b"])):
            name = t(lang, "series.run", series=t(lang, "series.present"), run=t(lang, f"run.{run.key}"))
            traces.append(
                _histogram_bar(centres, sum(satisfaction_counts(run.model)), name, color, opacity=0.55)
            )
        barmode = "overlay"
    day = max(r.model.day for r in runs)
    layout = base_layout(
        t(lang, "chart.satisfaction", day=day),
        barmode=barmode,
        xaxis=axis(
            t(lang, "axis.satisfaction"), range=[float(SATISFACTION_BINS[0]), float(SATISFACTION_BINS[-1])]
        ),
        yaxis=axis(t(lang, "axis.people"), rangemode="tozero"),
    )
    return go.Figure(data=traces, layout=layout)


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
    axes: dict = {}
    for i, run in enumerate(runs):
        data = network_data(run)
        suffix = "" if i == 0 else str(i + 1)
        domain = [
            i / len(runs) + (0.02 if i else 0),
            (i + 1) / len(runs) - (0.02 if i + 1 < len(runs) else 0),
        ]
        axes[f"xaxis{suffix}"] = dict(
            domain=domain, visible=False, scaleanchor=f"y{suffix}", constrain="domain", range=_span(data["x"])
        )
        axes[f"yaxis{suffix}"] = dict(visible=False, constrain="domain", range=_span(data["y"]))
        if len(runs) > 1:
            notes.append(
                dict(
                    x=sum(domain) / 2,
                    y=1.0,
                    xref="paper",
                    yref="paper",
                    showarrow=False,
                    text=run_label(run, lang),
                    yanchor="bottom",
                    font=dict(size=12),
                )
            )
        traces += _network_traces(data, f"x{suffix}", f"y{suffix}", lang, legend=i == 0)
    day = max(r.model.day for r in runs)
    title = f"{t(lang, 'chart.network', day=day)}<br><sup>{t(lang, 'chart.network_hint')}</sup>"
    layout = base_layout(
        title,
        margin=dict(l=10, r=10, t=60, b=10),
        legend=dict(font=dict(size=11), itemsizing="constant", orientation="h", y=0, yanchor="top"),
        annotations=notes,
        hovermode="closest",
        **axes,
    )
    return go.Figure(data=traces, layout=layout)


def _network_traces(data: dict[str, np.ndarray], xa: str, ya: str, lang: str, legend: bool) -> list[dict]:
    """The ties, one trace of members per role (active), and one of the muted (any role)."""
    ties = dict(
        type="scatter",
        mode="lines",
        x=data["edge_x"],
        y=data["edge_y"],
        xaxis=xa,
        yaxis=ya,
        line=dict(color=TIE_COLOR, width=0.8),
        hoverinfo="skip",
        name=t(lang, "series.ties"),
        showlegend=legend,
    )
    node = partial(
        _nodes,
        data,
        np.column_stack([data["fit"], data["satisfaction"], data["value_posts"]]),
        xa,
        ya,
        t(lang, "hover.member"),
        legend,
    )
    traces = [ties]
    for role in Role:
        pick = (data["role"] == role) & ~data["muted"]
        name = t(lang, f"role.{ROLE_LABELS[role]}")
        traces.append(
            node(pick, name, ROLE_COLORS[role], ROLE_SYMBOLS.get(role, "circle"), role in ROLE_SYMBOLS)
        )
    symbols = np.array([ROLE_SYMBOLS.get(Role(r), "circle") for r in range(len(Role))])
    muted = data["muted"]
    traces.append(
        node(muted, t(lang, "series.muted"), COLORS["muted_member"], symbols[data["role"][muted]], False)
    )
    return traces


def _span(values: np.ndarray) -> list[float]:
    """An axis range around `values` with 8% padding ([-1, 1] when there are none)."""
    if values.shape[0] == 0:
        return [-1.0, 1.0]
    lo, hi = float(values.min()), float(values.max())
    pad = 0.08 * max(hi - lo, 0.2)
    return [lo - pad, hi + pad]


def _nodes(data, custom, xa, ya, hover, legend, pick, name, color, symbol, outline) -> dict:
    """The members `pick` selects, as one marker trace (`symbol`: one, or one per member)."""
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
    ("members", partial(chart_figure, MEMBERS)),
    ("activity", partial(chart_figure, ACTIVITY)),
    ("roles", partial(chart_figure, ROLES)),
    ("satisfaction", satisfaction_figure),
    ("flows", partial(chart_figure, FLOWS)),
)
