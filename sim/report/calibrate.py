"""The report of a calibration: what the data pinned down, how well the model reproduces the group, how ABC went.

Built from the calibration folder's files only (summary.json, posterior.parquet,
generations.parquet, predictive.parquet, observed.parquet): the sentences on which parameters the
data determined, a parameter table, posterior marginals against their prior ranges, pair plots,
the posterior-predictive bands over every observed series, and the ABC diagnostics (tolerance,
acceptance, effective sample size per generation; the replay check). Self-contained HTML, in
English and Chinese.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from sim.batch.store import replace_atomically
from sim.calibrate import folder as files
from sim.calibrate.posterior import VERDICTS, drawn
from sim.figures import axis, base_layout, style_subplots
from sim.report.observe import label
from sim.report.page import Page

BAND = "rgba(76,120,168,0.18)"
INNER = "rgba(76,120,168,0.32)"
LINE = "#4c78a8"
OBSERVED = "#e45756"
#: Pair plots show at most this many parameters (the first ones of the FIT file).
MAX_PAIRS = 6


def write_calibration_report(folder: Path) -> Path:
    """Write report.html in a finished calibration folder; returns its path."""
    folder = Path(folder)
    summary = json.loads((folder / files.SUMMARY_FILE).read_text(encoding="utf-8"))
    posterior = pd.read_parquet(folder / files.POSTERIOR_FILE)
    generations = pd.read_parquet(folder / files.GENERATIONS_FILE)
    bands = pd.read_parquet(folder / files.BANDS_FILE)
    observed = pd.read_parquet(folder / files.OBSERVED_FILE)
    page = build_page(summary, posterior, generations, bands, observed)
    target = folder / files.REPORT_FILE
    replace_atomically(target, page.write)
    return target


def build_page(
    summary: dict[str, Any],
    posterior: pd.DataFrame,
    generations: pd.DataFrame,
    bands: pd.DataFrame,
    observed: pd.DataFrame,
) -> Page:
    diag, obs = summary["diagnostics"], summary["observed"]
    page = Page(f"groupsim calibrate: {summary['name']}")
    page.paragraph(
        f"base scenario {summary['base']} · observed days {obs['first_day']}–{obs['last_day']} "
        f"({obs['first_date']} to {obs['last_date']}) · matched: {', '.join(obs['columns'])} · "
        f"{diag['generations']} generations of {diag['population_size']} particles · "
        f"{diag['simulations']:,} simulations · stopped by {diag['stopped_by']}",
        css="meta",
    )
    page.paragraph(summary["sentences"]["en"], css="lead")
    page.paragraph(summary["sentences"]["zh"], css="lead")
    page.heading("Parameters 参数")
    page.table(*parameter_table(summary["parameters"]))
    page.paragraph(
        "Median and 90% credible interval over the posterior draws. 'Narrowed to' is the width of the 90% "
        "interval relative to the prior's (in the prior's own scale): below 50% the data pinned the parameter "
        "down, 50–80% narrowed it, above 80% said little about it. 中位数与 90% 可信区间；“收窄到”为后验 90% "
        "区间相对先验的宽度：低于 50% 为数据确定，50–80% 为缩小范围，高于 80% 为几乎没有约束。",
        css="note",
    )
    page.heading("Posterior marginals 后验边缘分布")
    page.figure(marginals_figure(summary["parameters"], posterior))
    if len(summary["parameters"]) > 1:
        page.heading("Pairs 参数两两关系")
        page.figure(pairs_figure(summary["parameters"][:MAX_PAIRS], posterior))
        page.paragraph(
            "Each dot is a posterior draw. A diagonal ridge means two parameters trade off: the data fix a "
            "combination of them, not each alone. 每个点是一次后验抽样；斜向的带状分布说明两个参数可以互相替代。",
            css="note",
        )
    page.heading("Does the calibrated model reproduce the group? 校准后的模型能重现这个群吗？")
    for column in obs["columns"]:
        share = summary["predictive_coverage"].get(column)
        page.figure(predictive_figure(bands, observed, column, share))
    page.paragraph(
        "Red: the observed series. Blue: median, 50% and 90% bands of the posterior particles replayed with "
        "the seeds of their accepted runs (parameter uncertainty and chance together). About 90% of observed "
        "days inside the 90% band is what a well-calibrated model gives. 红线为观测值；蓝色为后验粒子重放的中位数"
        "及 50%、90% 区间。",
        css="note",
    )
    page.heading("How the ABC went 近似贝叶斯计算过程")
    page.figure(diagnostics_figure(generations))
    page.table(*generation_table(generations))
    check = summary["replay_check"]
    page.paragraph(
        f"Replay check: the {check['particles']} posterior particles replayed with their seeds reproduce the "
        f"statistics of their accepted runs {'exactly' if check['identical'] else 'with a largest difference of ' + format(check['max_difference'], '.3g')}. "
        f"Simulations: {diag['simulations']:,} counted by pyabc ({diag['calibration_sample']:,} of them from the "
        f"prior to calibrate the distance), {diag['simulations_run']:,} run in all (candidates past a "
        f"generation's last acceptance are run and dropped), {diag['worker_seconds']:.0f} s of worker time. "
        f"Final tolerance {diag['final_epsilon']:.3g}, acceptance rate {diag['final_acceptance_rate']:.1%}, "
        f"effective sample size {diag['final_ess']:.0f} of {diag['population_size']}.",
        css="note",
    )
    page.heading("Method 方法")
    for text in summary["method"].values():
        page.paragraph(text, css="note")
    return page


def parameter_table(parameters: list[dict[str, Any]]) -> tuple[list[str], list[list[object]]]:
    header = [
        "parameter 参数",
        "prior range 先验",
        "median 中位数",
        "90% interval 区间",
        "narrowed to 收窄到",
        "verdict 结论",
    ]
    rows = []
    for p in parameters:
        prior = p["prior"]
        scale = " (log)" if prior["scale"] == "log" else ""
        en, zh = VERDICTS[p["verdict"]]
        rows.append(
            [
                f"{p['path']} [{p['unit']}]" if p["unit"] else p["path"],
                f"{_num(prior['low'])} – {_num(prior['high'])}{scale}",
                _num(p["median"]),
                f"{_num(p['low'])} – {_num(p['high'])}",
                f"{p['width_ratio']:.0%}",
                f"{en} {zh}" + (" · at the prior's edge 靠近先验边界" if p["at_edge"] else ""),
            ]
        )
    return header, rows


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:.3g}"


def _axis(p: dict[str, Any]) -> dict[str, Any]:
    prior = p["prior"]
    if prior["scale"] == "log":
        return dict(type="log", range=[np.log10(prior["low"]), np.log10(prior["high"])])
    return dict(range=[prior["low"], prior["high"]])


def marginals_figure(parameters: list[dict[str, Any]], posterior: pd.DataFrame) -> go.Figure:
    """A histogram of the posterior draws per parameter, over the whole prior range."""
    columns = min(3, len(parameters))
    rows = int(np.ceil(len(parameters) / columns))
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[p["path"] for p in parameters])
    for i, p in enumerate(parameters):
        row, col = i // columns + 1, i % columns + 1
        values = drawn(posterior, p["path"]).astype(float)
        prior = p["prior"]
        if prior["scale"] == "log":
            edges = np.geomspace(prior["low"], prior["high"], 26)
        else:
            edges = np.linspace(prior["low"], prior["high"], 26)
        counts, _ = np.histogram(values, bins=edges)
        fig.add_bar(
            x=np.sqrt(edges[:-1] * edges[1:]) if prior["scale"] == "log" else (edges[:-1] + edges[1:]) / 2,
            y=counts / max(1, counts.sum()),
            width=np.diff(edges),
            marker_color=LINE,
            showlegend=False,
            row=row,
            col=col,
            hovertemplate="%{x:.3g}: %{y:.1%}<extra></extra>",
        )
        fig.add_vline(x=p["median"], line_color=OBSERVED, line_dash="dash", row=row, col=col)
        fig.update_xaxes(**_axis(p), row=row, col=col)
        fig.update_yaxes(tickformat=".0%", row=row, col=col)
    return style_subplots(
        fig,
        "Posterior draws over each prior range (dashed: median) 后验抽样在先验范围内的分布（虚线：中位数）",
        280 * rows,
        bargap=0.05,
    )


def pairs_figure(parameters: list[dict[str, Any]], posterior: pd.DataFrame) -> go.Figure:
    dimensions = [
        dict(label=p["path"].rsplit(".", 1)[-1], values=drawn(posterior, p["path"])) for p in parameters
    ]
    fig = go.Figure(
        go.Splom(
            dimensions=dimensions,
            diagonal_visible=False,
            showupperhalf=False,
            marker=dict(size=4, color=LINE, opacity=0.45),
        )
    )
    size = 170 * len(parameters) + 80
    fig.update_layout(**base_layout("", height=size, width=size + 80, margin=dict(l=60, r=20, t=30, b=60)))
    for i, p in enumerate(parameters):
        if p["prior"]["scale"] == "log":
            fig.update_layout(
                {
                    f"xaxis{i + 1 if i else ''}": dict(type="log"),
                    f"yaxis{i + 1 if i else ''}": dict(type="log"),
                }
            )
    return fig


def predictive_figure(
    bands: pd.DataFrame, observed: pd.DataFrame, column: str, share: float | None
) -> go.Figure:
    band = bands[bands["column"] == column].sort_values("day")
    fig = go.Figure()
    for low, high, fill in (("q05", "q95", BAND), ("q25", "q75", INNER)):
        fig.add_scatter(x=band["day"], y=band[high], line=dict(width=0), showlegend=False, hoverinfo="skip")
        fig.add_scatter(
            x=band["day"],
            y=band[low],
            line=dict(width=0),
            fill="tonexty",
            fillcolor=fill,
            name="90% band" if low == "q05" else "50% band",
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=band["day"], y=band["q50"], name="posterior median 后验中位数", line=dict(color=LINE, width=2)
    )
    values = pd.to_numeric(observed[column], errors="coerce")
    fig.add_scatter(
        x=observed["day"],
        y=values,
        name="observed 观测",
        mode="lines+markers",
        line=dict(color=OBSERVED, width=1.5),
        marker=dict(size=3),
    )
    inside = "" if share is None or share != share else f" — {share:.0%} of observed days inside the 90% band"
    fig.update_layout(
        **base_layout(
            f"{label(column)}{inside}",
            height=330,
            xaxis=axis("day since founding 建群后天数"),
            yaxis=axis(rangemode="tozero"),
            hovermode="x unified",
        )
    )
    return fig


def diagnostics_figure(generations: pd.DataFrame) -> go.Figure:
    fig = make_subplots(
        rows=1,
        cols=3,
        subplot_titles=["tolerance ε 容差", "acceptance rate 接受率", "effective sample size 有效样本量"],
    )
    g = generations["generation"]
    fig.add_scatter(x=g, y=generations["epsilon"], mode="lines+markers", showlegend=False, row=1, col=1)
    fig.add_scatter(
        x=g, y=generations["acceptance_rate"], mode="lines+markers", showlegend=False, row=1, col=2
    )
    fig.add_scatter(x=g, y=generations["ess"], mode="lines+markers", showlegend=False, row=1, col=3)
    fig.update_yaxes(type="log", row=1, col=1)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero", row=1, col=2)
    fig.update_yaxes(rangemode="tozero", row=1, col=3)
    fig.update_xaxes(title_text="generation 代", dtick=1)
    return style_subplots(fig, "", 300)


def generation_table(generations: pd.DataFrame) -> tuple[list[str], list[list[object]]]:
    header = [
        "generation 代",
        "tolerance ε",
        "simulations 模拟",
        "accepted 接受",
        "acceptance 接受率",
        "ESS",
        "seconds 秒",
    ]
    rows = [
        [
            int(r.generation),
            f"{r.epsilon:.4g}",
            f"{int(r.simulations):,}",
            int(r.accepted),
            f"{r.acceptance_rate:.1%}",
            f"{r.ess:.0f}",
            "–" if r.seconds != r.seconds else f"{r.seconds:.1f}",
        ]
        for r in generations.itertuples()
    ]
    return header, rows
