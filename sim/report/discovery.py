"""The report of a scenario discovery: where in the lever space the cases of interest concentrate.

Sections: the plain sentences (English and Chinese); the peeling trajectory (coverage against
density, every box PRIM passed through, the chosen one marked) to pick a box from; the chosen
box's limits with quasi-p-values (table and figure); the runs on the two levers that matter most,
with the box drawn; and how it was computed. Self-contained HTML (plotly.js inline).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.batch.store import replace_atomically
from sim.figures import colour
from sim.report.page import Page
from sim.sweep.discovery import SIGNIFICANT, Discovery

REPORT_FILE = "report.html"


def write_discovery_report(d: Discovery, folder: Path) -> Path:
    """Write report.html into `folder` (atomically); returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / REPORT_FILE
    replace_atomically(target, build_page(d).write)
    return target


def build_page(d: Discovery) -> Page:
    """The report as a `Page` (see the module docstring)."""
    page = Page(f"groupsim discover: {d.cases.label()} — {d.name}")
    b = d.box
    page.paragraph(
        f"{d.runs:,} runs · cases of interest: {d.cases.label()} ({d.cases.label('zh')}), {d.hits:,} runs "
        f"({d.hits / d.runs:.0%}) · PRIM (EMA Workbench) peel_alpha {d.settings['peel_alpha']}, paste_alpha "
        f"{d.settings['paste_alpha']}, mass_min {d.settings['mass_min']} · chosen box {d.chosen} of "
        f"{len(d.trajectory)}: coverage {b['coverage']:.0%}, density {b['density']:.0%}, mass {b['mass']:.0%}",
        css="meta",
    )
    for language in ("en", "zh"):
        page.paragraph(" ".join(d.sentences[language]), css="lead")
    _trajectory_section(page, d)
    _box_section(page, d)
    page.heading("How this was computed 计算方法")
    page.paragraph(
        "PRIM (Patient Rule Induction Method; EMA Workbench's ema_workbench.analysis.prim) on one row per run of the "
        "sweep: the levers as the design set them, and a 0/1 case of interest. dead_by_day_D is 1 when the group was "
        "no longer alive on day D (its last value post was on or before day D and it did not outlive the horizon). "
        "Tables beside this report: trajectory.csv (every box), box.csv (the chosen box's limits) and summary.json.",
        css="note",
    )
    return page


def _trajectory_section(page: Page, d: Discovery) -> None:
    """The peeling trajectory (coverage against density of every box), and how to pick a box."""
    page.heading("Peeling trajectory 剥离轨迹")
    page.figure(trajectory_figure(d))
    page.paragraph(
        "Each point is a box PRIM passed through, from the whole lever space (coverage 100%, density = the share of "
        "cases over all runs) to small dense boxes. Coverage: the share of all cases inside the box; density: the share "
        "of runs inside the box that are cases. Pick the trade-off you need, then `groupsim discover ... --box N`. "
        f"By default the densest box holding at least {d.settings['min_coverage']:.0%} of the cases is chosen. "
        "每个点是一个盒子：覆盖率=盒内案例占全部案例的比例，密度=盒内运行中案例的比例。",
        css="note",
    )


def _box_section(page: Page, d: Discovery) -> None:
    """The chosen box's limits (figure and table, with quasi-p-values) and the runs on the two
    levers that matter most; a note instead when the box restricts no lever."""
    page.heading(f"Box {d.chosen}: its limits 盒子的参数范围")
    restricted = d.limits[d.limits["restricted"]]
    if restricted.empty:
        page.paragraph("This box restricts no lever (it is the whole lever space).", css="note")
        return
    page.figure(limits_figure(d))
    page.table(
        [
            "lever 参数",
            "limit 范围",
            "限制",
            "quasi-p (lower)",
            "quasi-p (upper)",
            f"significant (< {SIGNIFICANT})",
        ],
        [
            [
                r.lever,
                r.text,
                r.text_zh,
                _p(r.qp_lower),
                _p(r.qp_upper),
                "yes 是" if r.significant else "no 否",
            ]
            for r in restricted.itertuples()
        ],
    )
    page.paragraph(
        "Quasi-p-value of a restriction: a one-sided binomial test of whether the box's density could arise in the "
        "box without that limit (Bryant and Lempert 2010). Large values mean the limit is not needed; the "
        "sentences name only the significant ones, with coverage and density recomputed for that simpler box. "
        "拟 p 值越小，该限制越重要。",
        css="note",
    )
    pair = scatter_levers(d)
    if pair:
        page.heading("Runs on the levers that matter most 关键参数上的运行")
        page.figure(scatter_figure(d, *pair))


def _p(value: float) -> str:
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:.2g}"


def trajectory_figure(d: Discovery) -> go.Figure:
    """Coverage (x) against density (y) of every box, coloured by restricted levers."""
    t = d.trajectory
    fig = go.Figure()
    for dims in sorted(t["res_dim"].unique()):
        part = t[t["res_dim"] == dims]
        fig.add_trace(
            go.Scatter(
                x=part["coverage"],
                y=part["density"],
                mode="markers",
                name=f"{dims} lever{'s' if dims != 1 else ''} restricted",
                marker={"color": colour(int(dims)), "size": 8},
                text=[
                    f"box {r.box}<br>coverage {r.coverage:.0%}<br>density {r.density:.0%}<br>mass {r.mass:.0%}"
                    f"<br>{r.n} runs, {r.k} cases"
                    for r in part.itertuples()
                ],
                hoverinfo="text",
            )
        )
    b = d.box
    fig.add_trace(
        go.Scatter(
            x=[b["coverage"]],
            y=[b["density"]],
            mode="markers+text",
            name=f"chosen: box {d.chosen}",
            marker={"symbol": "circle-open", "size": 20, "color": "#222", "line": {"width": 2}},
            text=[f"box {d.chosen}"],
            textposition="top right",
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=460,
        xaxis={"title": "coverage 覆盖率", "tickformat": ".0%", "range": [0, 1.05]},
        yaxis={"title": "density 密度", "tickformat": ".0%", "range": [0, 1.05]},
        margin={"t": 30},
    )
    return fig


def limits_figure(d: Discovery) -> go.Figure:
    """Each restricted lever on its full range (0 to 1): the box's part of it, labelled; grey for
    restrictions that are not significant."""
    fig = go.Figure()
    restricted = d.limits[d.limits["restricted"]].reset_index(drop=True)
    for i, row in restricted.iterrows():
        y = len(restricted) - 1 - i
        tint = colour(0) if row["significant"] else "#aaaaaa"
        fig.add_trace(_line([0, 1], y, "#e0e0e0"))
        fig.add_trace(_limit_trace(row, d.x[row["lever"]], y, tint))
    fig.update_layout(
        height=120 + 70 * len(restricted),
        xaxis={
            "range": [-0.08, 1.08],
            "showticklabels": False,
            "title": "share of the lever's range 参数范围",
        },
        yaxis={
            "tickvals": list(range(len(restricted)))[::-1],
            "ticktext": list(restricted["lever"]),
            "range": [-0.7, len(restricted) - 0.3],
        },
        margin={"t": 30, "l": 220},
    )
    return fig


def _line(xs: list[float], y: float, tint: str, labels: list[str] | None = None) -> go.Scatter:
    return go.Scatter(
        x=xs,
        y=[y] * len(xs),
        mode="lines+markers+text" if labels else "lines",
        line={"color": tint, "width": 10},
        text=labels,
        textposition="top center",
        showlegend=False,
        hoverinfo="skip",
    )


def _limit_trace(row: pd.Series, column: pd.Series, y: float, tint: str) -> go.Scatter:
    """A number's box range as a segment of its full range; a choice's levels as dots, kept filled."""
    if row["kind"] in ("int", "float"):
        lo, hi = float(column.min()), float(column.max())
        span = (hi - lo) or 1.0
        xs = [(row["lower"] - lo) / span, (row["upper"] - lo) / span]
        return _line(xs, y, tint, [f"{row['lower']:g}", f"{row['upper']:g}"])
    levels = [str(c) for c in column.cat.categories]
    kept = set(row["levels"].split(", "))
    return go.Scatter(
        x=list(np.linspace(0, 1, len(levels))),
        y=[y] * len(levels),
        mode="markers+text",
        text=levels,
        textposition="top center",
        marker={
            "size": 14,
            "color": [tint if lv in kept else "white" for lv in levels],
            "line": {"color": tint, "width": 2},
        },
        showlegend=False,
        hoverinfo="skip",
    )


def scatter_levers(d: Discovery) -> tuple[str, str] | None:
    """The two restricted levers with the smallest quasi-p-values (None with fewer than two)."""
    restricted = d.limits[d.limits["restricted"]].assign(q=lambda t: t["qp"].fillna(1.0))
    if len(restricted) < 2:
        return None
    a, b = restricted.sort_values("q", kind="stable")["lever"].head(2)
    return a, b


def _axis(
    d: Discovery, lever: str, rng: np.random.Generator
) -> tuple[np.ndarray, dict, tuple[float, float] | None]:
    """Positions of the runs along a lever (jittered), the axis layout, and the box's span on it."""
    column = d.x[lever]
    row = d.limits.set_index("lever").loc[lever]
    if isinstance(column.dtype, pd.CategoricalDtype):
        levels = [str(c) for c in column.cat.categories]
        codes = column.cat.codes.to_numpy().astype(np.float64)
        kept = sorted(levels.index(v) for v in row["levels"].split(", "))
        span = (kept[0] - 0.45, kept[-1] + 0.45) if kept == list(range(kept[0], kept[-1] + 1)) else None
        return (
            codes + rng.uniform(-0.3, 0.3, len(codes)),
            {"tickvals": list(range(len(levels))), "ticktext": levels},
            span,
        )
    values = column.to_numpy()
    distinct = np.unique(values)
    gap = float(np.min(np.diff(distinct))) if len(distinct) > 1 else 1.0
    jitter = rng.uniform(-0.3, 0.3, len(values)) * gap if len(distinct) <= 30 else 0.0
    return values + jitter, {}, (float(row["lower"]) - 0.4 * gap, float(row["upper"]) + 0.4 * gap)


def scatter_figure(d: Discovery, a: str, b: str) -> go.Figure:
    """Every run on levers `a` (x) and `b` (y), cases in red, with the chosen box's limits drawn."""
    rng = np.random.default_rng(0)  # jitter only: the same picture every time
    xs, x_layout, x_span = _axis(d, a, rng)
    ys, y_layout, y_span = _axis(d, b, rng)
    fig = go.Figure()
    for flag, name, tint in (
        (False, "other runs 其他", "rgba(120,120,120,0.35)"),
        (True, f"{d.cases.label()} 案例", colour(1, 0.7)),
    ):
        mask = d.y == flag
        fig.add_trace(
            go.Scattergl(x=xs[mask], y=ys[mask], mode="markers", name=name, marker={"color": tint, "size": 6})
        )
    if x_span and y_span:
        fig.add_shape(
            type="rect",
            x0=x_span[0],
            x1=x_span[1],
            y0=y_span[0],
            y1=y_span[1],
            line={"color": "#222", "width": 2},
        )
    fig.update_layout(
        height=480, xaxis={"title": a, **x_layout}, yaxis={"title": b, **y_layout}, margin={"t": 30}
    )
    return fig
