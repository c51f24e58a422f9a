"""The report of a sweep: which levers drive lifespan and value, how they interact, where groups tip.

Built from a `SweepAnalysis` (itself computed from the sweep's tables, never a live model):
the headline sentences, sensitivity indices per outcome (Sobol S1/ST with intervals, Morris mu*
and sigma, RBD-FAST S1, or grid variance shares), main effects per lever, 2-D interaction
heatmaps (grid designs), the share of groups alive on the survival day along each numeric lever
with its 50% tipping points, the noise share, and how everything was computed. Self-contained
HTML (plotly.js inline), readable offline.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.batch.store import replace_atomically
from sim.figures import band_traces, colour, hline_shapes, style_subplots
from sim.report.page import Page
from sim.sweep.analysis import (
    CONFIDENCE,
    HEADLINE_INDEX,
    INDEX_LABEL,
    THRESHOLD,
    SweepAnalysis,
    conditional_curves,
)

REPORT_FILE = "report.html"
#: At most this many subplots per row.
COLUMNS = 4
#: Second-order Sobol indices: the table shows this many pairs.
MAX_PAIRS = 10
ZH = {
    "lifespan": "存活天数",
    "survival": "存活比例",
    "contributors": "价值贡献者",
    "value_output": "价值产出",
}


def write_sweep_report(analysis: SweepAnalysis, folder: Path, meta: dict | None = None) -> Path:
    """Write report.html into `folder` (atomically); returns its path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    page = build_page(analysis, meta or {})
    target = folder / REPORT_FILE
    replace_atomically(target, page.write)
    return target


def build_page(analysis: SweepAnalysis, meta: dict) -> Page:
    """The report as a `Page` (see the module docstring for its sections)."""
    page = Page(f"groupsim sweep: {analysis.name}")
    _introduction(page, analysis, meta)
    page.heading("Levers 参数")
    page.table(
        ["lever 参数", "kind", "varied over", "unit", "meaning"],
        [[p.path, p.kind, p.describe(), p.unit, p.doc] for p in analysis.parameters],
    )
    _sensitivity_section(page, analysis)
    _tipping_section(page, analysis)
    _effects_section(page, analysis)
    _noise_section(page, analysis)
    page.heading("How these numbers were computed 计算方法")
    for text in OUTCOME_NOTES:
        page.paragraph(text.format(day=analysis.survival_day, horizon=analysis.horizon), css="note")
    page.paragraph(
        "Tables: points.csv (per point), sensitivity.csv, effects.csv, interactions.csv, tipping_points.csv, "
        "noise.csv and summary.json beside this report; the runs themselves are in runs/ of the sweep "
        "folder (one row per run).",
        css="note",
    )
    return page


def _introduction(page: Page, analysis: SweepAnalysis, meta: dict) -> None:
    """What was run (design, replicates, seeds, code), the headline sentences, the notes."""
    summary = analysis.summary
    design = summary.get("design") or {}
    runs = summary["runs"]
    seeds = summary.get("seeds") or {}
    page.paragraph(
        f"{design.get('description', analysis.design)} · {summary.get('replicates')} replicates per point · "
        f"{runs['ok']} runs ({runs['failed']} failed) · {analysis.horizon}-day horizon · root seed {seeds.get('root')} "
        f"({seeds.get('scheme')} seeds) · experiment hash {summary.get('experiment_hash')} · groupsim "
        f"{summary.get('version')} · code fingerprint {summary.get('code_fingerprint')}",
        css="meta",
    )
    if meta.get("description"):
        page.paragraph(str(meta["description"]), css="note")
    if summary["sentences"]:
        page.lead(summary["sentences"])
    for note in analysis.notes:
        page.paragraph(note, css="note")


def _sensitivity_section(page: Page, analysis: SweepAnalysis) -> None:
    """Index bars (and Morris' mu*-sigma plane), the ranking, and the pairs' indices."""
    page.heading("Which levers matter 敏感性分析")
    if analysis.sensitivity.empty:
        page.paragraph("No sensitivity indices could be computed (see the notes above).", css="note")
        return
    page.figure(sensitivity_figure(analysis))
    if analysis.method == "morris":
        page.figure(morris_figure(analysis))
    page.table(*ranking_table(analysis))
    page.paragraph(METHOD_NOTES[analysis.method], css="note")
    if analysis.method == "anova":
        pairs = analysis.sensitivity[analysis.sensitivity["index"] == "interaction"]
        if len(pairs):
            page.table(
                ["interaction 交互", *[_outcome_label(analysis, o) for o in _keys(analysis)]],
                [
                    [f"{a} × {b}", *[_num(_value(pairs, o, a, b)) for o in _keys(analysis)]]
                    for a, b in pairs[["parameter", "parameter_b"]].drop_duplicates().itertuples(index=False)
                ],
            )
    if analysis.method == "sobol":
        _second_order_table(page, analysis)


def _second_order_table(page: Page, analysis: SweepAnalysis) -> None:
    """The pairs with the largest second-order Sobol index for lifespan."""
    second = analysis.sensitivity[analysis.sensitivity["index"] == "S2"]
    if not len(second):
        return
    pairs = (
        second[second["outcome"] == "lifespan"]
        .sort_values("estimate", ascending=False)[["parameter", "parameter_b"]]
        .drop_duplicates()
        .head(MAX_PAIRS)
    )
    page.table(
        ["second-order S2 二阶", *[_outcome_label(analysis, o) for o in _keys(analysis)]],
        [
            [f"{a} × {b}", *[_interval_text(second, o, a, b) for o in _keys(analysis)]]
            for a, b in pairs.itertuples(index=False)
        ],
    )
    page.paragraph(
        f"The {len(pairs)} pairs with the largest S2 for lifespan; every pair is in "
        "sensitivity.csv (index S2). S2 is noisy: trust it only where its interval excludes 0.",
        css="note",
    )


def _tipping_section(page: Page, analysis: SweepAnalysis) -> None:
    """The share alive along each numeric lever, and where it crosses 50%."""
    page.heading("Tipping points 临界点")
    page.paragraph(
        f"Share of groups alive on day {analysis.survival_day} along each numeric lever (mean over every "
        f"other lever, with a {CONFIDENCE:.0%} Wilson interval); a tipping point is where it crosses 50%. "
        f"第 {analysis.survival_day} 天仍存活的群的比例；跨过 50% 之处为临界点。",
        css="note",
    )
    if any(p.ordered for p in analysis.parameters):
        page.figure(survival_figure(analysis))
    if not len(analysis.tipping):
        page.paragraph(
            "No numeric lever in this sweep, so no tipping points along a lever; see the main effects.",
            css="note",
        )
        return
    page.table(
        [
            "lever 参数",
            "given 条件",
            "share alive crosses 50% 临界点",
            "between levels",
            "interpolated",
            "clear?",
            "share alive, range",
        ],
        [
            [
                t.parameter,
                t.condition or "all points",
                t.direction,
                "" if not np.isfinite(t.low_level) else f"{_num(t.low_level)} and {_num(t.high_level)}",
                _num(t.crossing),
                "yes" if t.clear else "no (intervals include 50%)",
                f"{t.survival_min:.0%} to {t.survival_max:.0%}",
            ]
            for t in analysis.tipping.itertuples()
        ],
    )


def _effects_section(page: Page, analysis: SweepAnalysis) -> None:
    """Main effects per outcome and, for grids, a heatmap per pair of levers."""
    page.heading("Main effects 主效应")
    for key in _keys(analysis):
        page.figure(effects_figure(analysis, key))
    page.paragraph(
        f"Mean of each outcome at each level of a lever, over every run there (all levels of the other "
        f"levers), with {CONFIDENCE:.0%} intervals (Student t; Wilson for the survival share). "
        + (
            "Sampled levers with many values are shown in quantile bins. "
            if analysis.design != "grid"
            else ""
        ),
        css="note",
    )
    if analysis.design == "grid" and len(analysis.parameters) > 1:
        page.heading("Interactions 交互作用")
        for a, b in itertools.combinations(analysis.parameters, 2):
            page.figure(heatmap_figure(analysis, a.path, b.path))
        page.paragraph(
            "Each cell: the mean over every run with that pair of levels (averaged over any other levers). "
            "On the survival map white marks 50%: the boundary between blue and red cells is the tipping "
            "line. 每格为该组合下所有模拟的平均值。",
            css="note",
        )


def _noise_section(page: Page, analysis: SweepAnalysis) -> None:
    page.heading("Chance versus levers 随机性")
    page.table(
        ["outcome 指标", "noise share 随机波动占比", "runs", "points"],
        [
            [
                _outcome_label(analysis, row.outcome),
                "–" if not np.isfinite(row.noise_share) else f"{row.noise_share:.0%}",
                row.runs,
                row.points,
            ]
            for row in analysis.noise.itertuples()
        ],
    )
    page.paragraph(
        "Noise share: the variance between replicates of the same point over the total variance across all "
        "runs - the part of the run-to-run spread that no lever explains. Indices are computed on the "
        "point means (mean over replicates), so more replicates shrink the noise in them.",
        css="note",
    )


OUTCOME_NOTES = (
    "Lifespan: the day a group stops producing value (no value post for dead_after_days). Groups alive at the "
    "{horizon}-day horizon are right-censored; every analysis uses the restricted lifespan min(lifespan, horizon) - "
    "'days of value within the horizon' - whose mean over replicates is the restricted mean survival time (exact, "
    "as runs are censored only at the horizon).",
    "Survival: 1 if the group was still alive on day {day} (it died later, or outlived the horizon), else 0; its "
    "mean over a point's replicates is the Kaplan-Meier share alive on day {day}.",
    "Value contributors: members who posted value in the week before the contributors day (0 once the group died). "
    "Value output: value posts per day over the horizon (days after death count zero).",
)
METHOD_NOTES = {
    "sobol": "Sobol indices (SALib, Saltelli's estimators) on the point means: S1 is the share of the outcome's "
    "variance a lever explains alone, ST the share it is involved in, interactions included (ST − S1 large: "
    "the lever acts through interactions). Bars show 95% bootstrap intervals; small negative estimates "
    "are sampling error around zero.",
    "morris": "Morris elementary effects (SALib) on the point means, in outcome units per full range of the lever: "
    "mu* (mean absolute effect, with a 95% bootstrap interval) ranks the levers; sigma large relative to "
    "mu* means the effect depends on the other levers (interactions or non-linearity); mu far below mu* "
    "means effects of both signs.",
    "rbd_fast": "First-order indices by RBD-FAST (SALib) on the point means, with 95% bootstrap intervals: the share "
    "of the outcome's variance each lever explains alone.",
    "anova": "Grid designs: the share of the variance between points (each point's mean over its replicates, "
    "points weighted equally) explained by each lever's main effect - η² of a balanced ANOVA, which on a "
    "full grid is the lever's first-order Sobol index - and below, by each pair's interaction beyond both "
    "main effects. The rest is higher-order interactions and the chance left in the point means.",
}


def _keys(analysis: SweepAnalysis) -> list[str]:
    return [o.key for o in analysis.outcomes]


def _outcome_label(analysis: SweepAnalysis, key: str) -> str:
    label = next(o.label for o in analysis.outcomes if o.key == key)
    return f"{label} {ZH.get(key, '')}".strip()


def _outcome_title(analysis: SweepAnalysis, key: str) -> str:
    return next(o.title for o in analysis.outcomes if o.key == key)


def _num(x: float | None) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _value(table: pd.DataFrame, outcome: str, a: str, b: str = "") -> float:
    row = table[(table["outcome"] == outcome) & (table["parameter"] == a) & (table["parameter_b"] == b)]
    return float(row["estimate"].iloc[0]) if len(row) else math.nan


def _interval_text(table: pd.DataFrame, outcome: str, a: str, b: str = "") -> str:
    row = table[(table["outcome"] == outcome) & (table["parameter"] == a) & (table["parameter_b"] == b)]
    if row.empty:
        return "–"
    r = row.iloc[0]
    if np.isfinite(r["low"]):
        return f"{_num(r['estimate'])} [{_num(r['low'])}, {_num(r['high'])}]"
    return _num(r["estimate"])


def ranking_table(analysis: SweepAnalysis) -> tuple[list[str], list[list[str]]]:
    """One row per lever (ordered by importance for lifespan), one column per outcome and index."""
    s = analysis.sensitivity
    indices = {"sobol": ["S1", "ST"], "morris": ["mu_star", "sigma"], "rbd_fast": ["S1"], "anova": ["main"]}[
        analysis.method
    ]
    order = list(analysis.ranking("lifespan")["parameter"])
    order += [p.path for p in analysis.parameters if p.path not in order]
    header = ["lever 参数"] + [
        f"{_outcome_label(analysis, o)}: {INDEX_LABEL[i]}" for o in _keys(analysis) for i in indices
    ]
    rows = [
        [path, *[_interval_text(s[s["index"] == i], o, path) for o in _keys(analysis) for i in indices]]
        for path in order
    ]
    return header, rows


def _lever_grid(parameters: list) -> tuple[go.Figure, int, int]:
    """A figure with one subplot per lever (titled with its path), at most `COLUMNS` a row and a
    shared y axis; returns it with its numbers of rows and columns."""
    cols = min(COLUMNS, max(1, len(parameters)))
    rows = math.ceil(len(parameters) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        shared_yaxes=True,
        horizontal_spacing=0.04,
        vertical_spacing=0.16,
        subplot_titles=[p.path for p in parameters],
    )
    return fig, rows, cols


def sensitivity_figure(analysis: SweepAnalysis) -> go.Figure:
    """Horizontal bars per outcome: the design's indices for each lever, with intervals."""
    s = analysis.sensitivity
    keys = [k for k in _keys(analysis) if (s["outcome"] == k).any()]
    indices = {"sobol": ["S1", "ST"], "morris": ["mu_star", "sigma"], "rbd_fast": ["S1"], "anova": ["main"]}[
        analysis.method
    ]
    order = list(analysis.ranking("lifespan")["parameter"])[::-1]
    order = [p.path for p in analysis.parameters if p.path not in order][::-1] + order
    fig = make_subplots(
        rows=1,
        cols=max(1, len(keys)),
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=[_outcome_title(analysis, k) for k in keys],
    )
    for c, key in enumerate(keys, start=1):
        for i, index in enumerate(indices):
            rows = s[(s["outcome"] == key) & (s["index"] == index) & (s["parameter_b"] == "")].set_index(
                "parameter"
            )
            rows = rows.reindex(order)
            has_ci = rows["low"].notna().any()
            fig.add_bar(
                y=order,
                x=rows["estimate"],
                orientation="h",
                name=INDEX_LABEL[index],
                marker_color=colour(i),
                legendgroup=index,
                showlegend=c == 1,
                error_x=dict(
                    type="data",
                    symmetric=False,
                    array=(rows["high"] - rows["estimate"]).clip(lower=0),
                    arrayminus=(rows["estimate"] - rows["low"]).clip(lower=0),
                    visible=bool(has_ci),
                ),
                hovertemplate="%{y}: %{x:.3g}<extra>" + index + "</extra>",
                row=1,
                col=c,
            )
    return style_subplots(
        fig,
        f"Sensitivity: {INDEX_LABEL[HEADLINE_INDEX[analysis.method]]} and more, per outcome 敏感性",
        max(320, 120 + 46 * len(analysis.parameters)),
        barmode="group",
        margin=dict(l=60, r=20, t=80, b=40),
        legend=dict(orientation="h", y=-0.12),
    )


def morris_figure(analysis: SweepAnalysis) -> go.Figure:
    """mu* against sigma per outcome: far right = important; high = interacting or non-linear."""
    s = analysis.sensitivity
    keys = [k for k in _keys(analysis) if (s["outcome"] == k).any()]
    fig = make_subplots(
        rows=1,
        cols=max(1, len(keys)),
        horizontal_spacing=0.06,
        subplot_titles=[_outcome_title(analysis, k) for k in keys],
    )
    for c, key in enumerate(keys, start=1):
        star = s[(s["outcome"] == key) & (s["index"] == "mu_star")].set_index("parameter")["estimate"]
        sigma = (
            s[(s["outcome"] == key) & (s["index"] == "sigma")]
            .set_index("parameter")["estimate"]
            .reindex(star.index)
        )
        fig.add_scatter(
            x=star,
            y=sigma,
            mode="markers+text",
            text=[p.rsplit(".", 1)[-1] for p in star.index],
            textposition="top center",
            marker=dict(size=9, color=colour(0)),
            showlegend=False,
            customdata=list(star.index),
            hovertemplate="%{customdata}: mu* %{x:.3g}, sigma %{y:.3g}<extra></extra>",
            row=1,
            col=c,
        )
        fig.update_xaxes(title_text="mu*", row=1, col=c)
    fig.update_yaxes(title_text="sigma", row=1, col=1)
    return style_subplots(
        fig,
        "Morris screening: mu* (importance) against sigma (interactions) 筛选",
        380,
        margin=dict(l=60, r=20, t=80, b=50),
    )


def effects_figure(analysis: SweepAnalysis, key: str) -> go.Figure:
    """One subplot per lever: the mean of `key` at each level, with its interval."""
    params = analysis.parameters
    fig, n_rows, n_cols = _lever_grid(params)
    e = analysis.effects[analysis.effects["outcome"] == key]
    for i, p in enumerate(params):
        rows = e[e["parameter"] == p.path]
        x = rows["x"] if p.ordered else rows["level"]
        fig.add_scatter(
            x=x,
            y=rows["mean"],
            mode="lines+markers" if p.ordered else "markers",
            marker=dict(size=8, color=colour(0)),
            line=dict(color=colour(0)),
            showlegend=False,
            error_y=dict(
                type="data",
                symmetric=False,
                array=(rows["high"] - rows["mean"]).clip(lower=0),
                arrayminus=(rows["mean"] - rows["low"]).clip(lower=0),
            ),
            customdata=np.stack([rows["level"], rows["runs"]], axis=1),
            hovertemplate=p.path + " %{customdata[0]}: %{y:.3g} (%{customdata[1]} runs)<extra></extra>",
            row=i // n_cols + 1,
            col=i % n_cols + 1,
        )
    title = f"Main effects on {_outcome_label(analysis, key)}"
    return _finish_lever_grid(fig, params, n_cols, title, 90 + 250 * n_rows, survival=key == "survival")


def _finish_lever_grid(
    fig: go.Figure, parameters: list, n_cols: int, title: str, height: int, survival: bool, **extra
) -> go.Figure:
    """Log x axes for log-scaled levers; for a share alive, percent ticks and the 50% line in
    every subplot; then the charts' style."""
    for i, p in enumerate(parameters):
        if p.kind == "float" and p.scale == "log":
            fig.update_xaxes(type="log", row=i // n_cols + 1, col=i % n_cols + 1)
    if survival:
        fig.update_yaxes(tickformat=".0%")
        fig.update_layout(shapes=hline_shapes(THRESHOLD, range(1, len(parameters) + 1)))
    return style_subplots(fig, title, height, margin=dict(l=60, r=20, t=80, b=40), **extra)


def survival_figure(analysis: SweepAnalysis) -> go.Figure:
    """Share alive on the survival day along each numeric lever: all points (black, with band) and,
    for grids, one line per level of each other lever; crossings of 50% marked."""
    ordered = [p for p in analysis.parameters if p.ordered]
    fig, n_rows, n_cols = _lever_grid(ordered)
    legend_seen: set[str] = set()
    for i, p in enumerate(ordered):
        row, col = i // n_cols + 1, i % n_cols + 1
        for trace in (*_conditional_traces(analysis, p.path), *_overall_traces(analysis, p.path)):
            if "showlegend" not in trace:  # one legend entry per name across the subplots
                trace["showlegend"] = trace["legendgroup"] not in legend_seen
                legend_seen.add(trace["legendgroup"])
            fig.add_trace(trace, row=row, col=col)
    fig.update_yaxes(range=[-0.02, 1.02])
    title = f"Share of groups alive on day {analysis.survival_day} 第 {analysis.survival_day} 天存活比例"
    height = 110 + 270 * n_rows
    return _finish_lever_grid(
        fig, ordered, n_cols, title, height, True, legend=dict(orientation="h", y=-0.08)
    )


def _conditional_traces(analysis: SweepAnalysis, path: str) -> list[dict]:
    """Grids of up to three levers: the share alive along `path` at each level of each other lever."""
    if not len(analysis.interactions) or len(analysis.parameters) > 3:
        return []
    cells = analysis.interactions[analysis.interactions["outcome"] == "survival"]
    traces = []
    for other in (p for p in analysis.parameters if p.path != path):
        for level, curve in conditional_curves(cells, path, other.path):
            name = f"{other.path} = {level}"
            traces.append(
                dict(
                    type="scatter",
                    x=curve["x"],
                    y=curve["mean"],
                    mode="lines+markers",
                    name=name,
                    legendgroup=name,
                    line=dict(color=colour(len(traces) + 1), width=1.5),
                    marker=dict(size=5),
                    hovertemplate=name + ": %{y:.0%}<extra></extra>",
                )
            )
    return traces


def _overall_traces(analysis: SweepAnalysis, path: str) -> list[dict]:
    """The share alive along `path` over all points, its interval, and its 50% crossings."""
    e = analysis.effects
    rows = e[(e["outcome"] == "survival") & (e["parameter"] == path)].sort_values("x")
    traces = band_traces(rows["x"], rows["low"], rows["high"], "rgba(0,0,0,0.10)")
    traces.append(
        dict(
            type="scatter",
            x=rows["x"],
            y=rows["mean"],
            mode="lines+markers",
            name="all points",
            legendgroup="all",
            line=dict(color="#222222", width=3),
            hovertemplate="%{x}: %{y:.0%} alive<extra>all points</extra>",
        )
    )
    tips = analysis.tipping[(analysis.tipping["parameter"] == path) & (analysis.tipping["condition"] == "")]
    tips = tips[np.isfinite(tips["crossing"].astype(float))]
    if len(tips):
        traces.append(
            dict(
                type="scatter",
                x=tips["crossing"],
                y=[THRESHOLD] * len(tips),
                mode="markers",
                showlegend=False,
                marker=dict(symbol="x", size=12, color=colour(1)),
                hovertemplate="tipping point %{x:.3g}<extra></extra>",
            )
        )
    return traces


def heatmap_figure(analysis: SweepAnalysis, a: str, b: str) -> go.Figure:
    """One heatmap per outcome of the mean over runs in each (level of a, level of b) cell."""
    keys = _keys(analysis)
    fig = make_subplots(
        rows=1,
        cols=len(keys),
        horizontal_spacing=0.07,
        subplot_titles=[_outcome_title(analysis, k) for k in keys],
    )
    table = analysis.interactions[
        (analysis.interactions["parameter_a"] == a) & (analysis.interactions["parameter_b"] == b)
    ]
    for c, key in enumerate(keys, start=1):
        t = table[table["outcome"] == key]
        grid = t.pivot_table(index="level_b", columns="level_a", values="mean", sort=False)
        order_a = (
            t.drop_duplicates("level_a").sort_values("x_a", na_position="last")["level_a"]
            if t["x_a"].notna().all()
            else t.drop_duplicates("level_a")["level_a"]
        )
        order_b = (
            t.drop_duplicates("level_b").sort_values("x_b", na_position="last")["level_b"]
            if t["x_b"].notna().all()
            else t.drop_duplicates("level_b")["level_b"]
        )
        grid = grid.reindex(index=list(order_b), columns=list(order_a))
        survival = key == "survival"
        text = [
            [("" if not np.isfinite(v) else (f"{v:.0%}" if survival else f"{v:.3g}")) for v in r]
            for r in grid.to_numpy()
        ]
        fig.add_heatmap(
            z=grid.to_numpy(),
            x=[str(v) for v in grid.columns],
            y=[str(v) for v in grid.index],
            text=text,
            texttemplate="%{text}",
            textfont=dict(size=10),
            showscale=False,
            colorscale="RdBu" if survival else "Viridis",
            zmid=THRESHOLD if survival else None,
            zmin=0 if survival else None,
            zmax=1 if survival else None,
            hovertemplate=f"{a} %{{x}}, {b} %{{y}}: %{{z:.3g}}<extra></extra>",
            row=1,
            col=c,
        )
        fig.update_xaxes(title_text=a, type="category", row=1, col=c)
        fig.update_yaxes(type="category", row=1, col=c)
    fig.update_yaxes(title_text=b, row=1, col=1)
    return style_subplots(fig, f"{a} × {b}", 420, margin=dict(l=70, r=20, t=80, b=60))
