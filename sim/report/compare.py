"""The report of a compare: which strategy keeps the group alive longer, by how much, how sure.

Built from the folder's tables and summary.json only (never a live model): Kaplan-Meier
survival curves with confidence bands and log-rank p-values, value contributors and value
output over time (median and 10-90% band across replicates), members (the vanity figure), a
summary table with differences and bootstrap intervals, the plain sentences, failed runs, and
how the numbers were computed. Self-contained HTML (plotly.js inline), readable offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim import stats
from sim.batch.compare import SUMMARY_FILE, write_summary
from sim.batch.daily import bands, pad_to_horizon, rolling_mean
from sim.batch.store import DAILY_FILE, RUNS_FILE, replace_atomically
from sim.batch.worker import STATUS_OK
from sim.figures import axis, band_traces, base_layout, colour
from sim.report.page import Page

REPORT_FILE = "report.html"
#: Value output is shown as a trailing mean over this many days (daily counts are too jumpy to read).
OUTPUT_WINDOW_DAYS = 7


def write_compare_report(folder: Path, summary: dict[str, Any] | None = None) -> Path:
    """Write report.html in a finished compare folder (computing summary.json if it is missing)."""
    folder = Path(folder)
    if summary is None:
        path = folder / SUMMARY_FILE
        summary = json.loads(path.read_text(encoding="utf-8")) if path.exists() else write_summary(folder)
    runs = pd.read_parquet(folder / RUNS_FILE)
    daily = pd.read_parquet(folder / DAILY_FILE)
    page = build_page(summary, runs, daily)
    target = folder / REPORT_FILE
    replace_atomically(target, page.write)
    return target


def build_page(summary: dict[str, Any], runs: pd.DataFrame, daily: pd.DataFrame) -> Page:
    """The report as a `Page` (see the module docstring for its sections)."""
    labels = [s["label"] for s in summary["scenarios"]]
    title = "groupsim compare: " + " vs ".join(labels) if len(labels) > 1 else f"groupsim batch: {labels[0]}"
    page = Page(title)
    _introduction(page, summary)
    _survival_section(page, summary, runs[runs["status"] == STATUS_OK] if len(runs) else runs)
    if not daily.empty:
        _bands_section(page, summary, daily)
    page.heading("Summary table 汇总表")
    header, rows = summary_table(summary)
    page.table(header, rows)
    ci = f"{summary['confidence']:.0%}"
    page.paragraph(
        f"Per scenario: median [10th–90th percentile] across successful replicates. Differences: "
        f"scenario minus {summary['reference']}, difference of medians (or of restricted means) with a "
        f"{ci} bootstrap interval. 各方案：中位数 [10%–90% 分位]；差值为与参照方案 {summary['reference']} "
        f"之差及 {ci} 自助法置信区间。",
        css="note",
    )
    if summary["failures"]:
        _failures_section(page, summary["failures"])
    page.heading("How these numbers were computed 计算方法")
    for text in summary["method"].values():
        page.paragraph(text, css="note")
    return page


def _introduction(page: Page, summary: dict[str, Any]) -> None:
    """What was run (replicates, seeds, code, scenarios), the sentences, the descriptions."""
    page.paragraph(
        f"{summary.get('replicates')} replicates per scenario · root seed {summary['root_seed']} · "
        f"groupsim {summary['version']} · code fingerprint {summary['code_fingerprint']} · "
        + " · ".join(
            f"{s['label']}: hash {s['hash']}, {s['horizon_days']} days" for s in summary["scenarios"]
        ),
        css="meta",
    )
    for language in ("en", "zh"):
        if summary["sentences"][language]:
            page.paragraph(" ".join(summary["sentences"][language]), css="lead")
    for s in summary["scenarios"]:
        description = s.get("description") or {}
        words = " ".join(t for t in (description.get("en"), description.get("zh")) if t)
        if words:
            page.paragraph(f"{s['label']}: {words}", css="note")


def _survival_section(page: Page, summary: dict[str, Any], ok: pd.DataFrame) -> None:
    """Kaplan-Meier curves, and the log-rank tests against the reference."""
    labels = [s["label"] for s in summary["scenarios"]]
    horizons = {s["label"]: s["horizon_days"] for s in summary["scenarios"]}
    page.heading("How long groups stay alive 群能活多久")
    page.figure(survival_figure(ok, labels, horizons, summary))
    page.paragraph(
        "Share of groups still producing value after each day (Kaplan–Meier), with its 95% confidence "
        "band. A group is dead once nobody has posted value for the scenario's dead_after_days; its "
        "lifespan is the day of its last value post. Groups alive at the horizon are censored there. "
        "各天之后仍在产出价值的群的比例（Kaplan–Meier 曲线，阴影为 95% 置信带）。",
        css="note",
    )
    if summary["comparisons"]:
        page.table(
            ["log-rank test 检验", "statistic", "p-value", "runs"],
            [
                [
                    f"{c['scenario']} vs {c['reference']}",
                    _fmt(c["logrank"]["statistic"], 2),
                    _p(c["logrank"]["pvalue"]),
                    f"{summary['per_scenario'][c['scenario']]['runs']['ok']} / "
                    f"{summary['per_scenario'][c['reference']]['runs']['ok']}",
                ]
                for c in summary["comparisons"]
            ],
        )


#: The curves over time: (daily column, heading, figure title, y axis title).
BAND_CHARTS = (
    (
        "value_contributors",
        "Value contributors over time 价值贡献者",
        "Value contributors (posted value in the last 7 days) 价值贡献者",
        "members 人",
    ),
    (
        "value_posts_mean",
        "Value output over time 价值产出",
        f"Value posts per day ({OUTPUT_WINDOW_DAYS}-day mean) 每日价值内容",
        "posts/day 条/天",
    ),
    (
        "members",
        "Members over time (the vanity figure) 人数（虚荣指标）",
        "Members in the group 群成员数",
        "members 人",
    ),
)


def _bands_section(page: Page, summary: dict[str, Any], daily: pd.DataFrame) -> None:
    """Value contributors, value output and members over time: medians and 10-90% bands."""
    labels = [s["label"] for s in summary["scenarios"]]
    padded = pad_to_horizon(daily, {s["label"]: s["horizon_days"] for s in summary["scenarios"]})
    padded["value_posts_mean"] = rolling_mean(padded, "value_posts", OUTPUT_WINDOW_DAYS)
    for column, heading, title, y_title in BAND_CHARTS:
        page.heading(heading)
        page.figure(band_figure(padded, column, labels, title, y_title))
    page.paragraph(
        "Lines are medians across replicates, bands the 10th–90th percentiles. After a group dies "
        "the run stops; its later days count zero value posts and contributors, and its members "
        "are carried forward. 线为各次重复的中位数，阴影为 10%–90% 分位区间。",
        css="note",
    )


def _failures_section(page: Page, failures: list[dict[str, Any]]) -> None:
    page.heading("Failed runs 失败的模拟")
    page.table(
        ["scenario", "replicate", "seed", "error"],
        [[f.get("scenario"), f.get("replicate"), f.get("seed"), f.get("error")] for f in failures],
    )
    page.paragraph(
        "Each failed run can be repeated alone with `groupsim run SCENARIO --seed SEED`; "
        "`groupsim compare ... --retry-failed` runs the failed replicates again.",
        css="note",
    )


def survival_figure(
    ok: pd.DataFrame, labels: list[str], horizons: dict[str, int], summary: dict[str, Any]
) -> go.Figure:
    """Kaplan-Meier curves with 95% bands, one colour per scenario; log-rank p-values annotated."""
    traces: list[dict] = []
    for i, label in enumerate(labels):
        runs = ok[ok["scenario"] == label]
        if runs.empty:
            continue
        curve = stats.survival_curve(
            runs["lifespan_days"].to_numpy(),
            runs["censored"].to_numpy(bool),
            np.arange(0, horizons[label] + 1),
            summary["confidence"],
        )
        median = summary["per_scenario"][label]["lifespan"]["median"]["estimate"]
        shown = "median not reached" if median is None else f"median {median:.0f} d"
        traces += band_traces(curve["day"], curve["low"], curve["high"], colour(i, 0.18), label, "hv")
        name = f"{label} (n={len(runs)}, {shown})"
        hover = "day %{x}: %{y:.0%} alive<extra>" + label + "</extra>"
        traces.append(_centre_line(curve["day"], curve["survival"], name, i, label, hover, shape="hv"))
    notes = [
        f"log-rank {c['scenario']} vs {c['reference']}: {_p(c['logrank']['pvalue'])}"
        for c in summary["comparisons"]
    ]
    subtitle = f"<br><sup>{' · '.join(notes)}</sup>" if notes else ""
    shapes, labels_ = _survival_guides(max(horizons.values()))
    layout = base_layout(
        "Share of groups still alive (Kaplan–Meier, 95% band) 存活曲线" + subtitle,
        height=440,
        margin=dict(l=60, r=20, t=70, b=40),
        xaxis=axis("day 天"),
        yaxis=axis("still alive 仍存活", range=[0, 1.02], tickformat=".0%"),
        shapes=shapes,
        annotations=labels_,
        hovermode="x unified",
    )
    return go.Figure(data=traces, layout=layout)


def _centre_line(
    x: Any, y: Any, name: str, i: int, group: str, hover: str, shape: str = "linear", **extra
) -> dict:
    """Scenario `i`'s line over its band (`band_traces`), in its palette colour."""
    line = dict(color=colour(i), width=3, shape=shape)
    return dict(
        type="scatter", x=x, y=y, name=name, line=line, legendgroup=group, hovertemplate=hover, **extra
    )


def _survival_guides(horizon: int) -> tuple[list[dict], list[dict]]:
    """A dashed line where half the groups are alive and, past day 21, a dotted line there."""
    grey = dict(color="#999999", width=1, dash="dash")
    shapes = [dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=0.5, y1=0.5, line=grey)]
    notes = [dict(x=1, xref="paper", y=0.5, yref="y", text="half the groups 一半", showarrow=False)]
    notes[0].update(xanchor="right", yanchor="top")
    if horizon > 21:
        shapes.append(
            dict(type="line", xref="x", x0=21, x1=21, yref="paper", y0=0, y1=1, line=dict(grey, dash="dot"))
        )
        notes.append(dict(x=21, xref="x", y=1, yref="paper", text="21 days", showarrow=False, xanchor="left"))
    return shapes, notes


def band_figure(padded: pd.DataFrame, column: str, labels: list[str], title: str, y_title: str) -> go.Figure:
    """Median line and 10-90% band of `column` by day, one colour per scenario."""
    table = bands(padded, column)
    traces: list[dict] = []
    for i, label in enumerate(labels):
        b = table[table["scenario"] == label]
        if b.empty:
            continue
        traces += band_traces(b["day"], b["low"], b["high"], colour(i, 0.18), label)
        hover = "day %{x}: %{y:.1f} (%{customdata[0]:.1f}–%{customdata[1]:.1f})<extra>" + label + "</extra>"
        traces.append(
            _centre_line(
                b["day"],
                b["median"],
                f"{label} (median, 10–90% band)",
                i,
                label,
                hover,
                customdata=np.stack([b["low"], b["high"]], axis=1),
            )
        )
    layout = base_layout(
        title,
        height=400,
        margin=dict(l=60, r=20, t=60, b=40),
        xaxis=axis("day 天"),
        yaxis=axis(y_title, rangemode="tozero"),
        hovermode="x unified",
    )
    return go.Figure(data=traces, layout=layout)


def summary_table(summary: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: lifespan rows, then each measure; one column per scenario, one per difference."""
    labels = [s["label"] for s in summary["scenarios"]]
    per = summary["per_scenario"]
    comps = summary["comparisons"]
    header = ["measure 指标", *labels, *[f"{c['scenario']} − {c['reference']}" for c in comps]]
    blank = ["" for _ in comps]
    rows = [
        [
            "successful runs (failed) 成功模拟数",
            *[f"{per[x]['runs']['ok']} ({per[x]['runs']['failed']})" for x in labels],
            *blank,
        ],
        *_lifespan_rows(summary, labels),
    ]
    for measure in summary["measures"]:
        column = measure["column"]
        cells = []
        for x in labels:
            s = per[x]["measures"].get(column)
            cells.append(
                "–"
                if not s or s["median"] is None
                else f"{_fmt(s['median'])} [{_fmt(s['p10'])}–{_fmt(s['p90'])}]"
            )
        diffs = [_signed(c["differences"][column]) if column in c["differences"] else "–" for c in comps]
        rows.append([f"{measure['en']} {measure['zh']}", *cells, *diffs])
    return header, rows


def _median_cell(lifespan: dict[str, Any] | None, horizon: int) -> str:
    """ "40 [35–48]", "not reached (> 180)" or "–" (no successful run)."""
    if lifespan is None:
        return "–"
    m = lifespan["median"]
    if m["estimate"] is None:
        return f"not reached (> {horizon})"
    return f"{_fmt(m['estimate'])} [{_fmt(m['low'])}–{'n.r.' if m['high'] is None else _fmt(m['high'])}]"


def _lifespan_rows(summary: dict[str, Any], labels: list[str]) -> list[list[str]]:
    """Median lifespan, restricted mean, and the share alive on each reported day."""
    per = summary["per_scenario"]
    comps = summary["comparisons"]
    life = {x: per[x]["lifespan"] for x in labels}
    rows = [
        [
            "median lifespan, days [95% CI] 寿命中位数",
            *[_median_cell(life[x], per[x]["horizon_days"]) for x in labels],
            *[f"log-rank {_p(c['logrank']['pvalue'])}" for c in comps],
        ],
        [
            "days of value, mean over the horizon [95% CI] 平均存活天数",
            *["–" if life[x] is None else _interval(life[x]["restricted_mean"]) for x in labels],
            *[f"{_signed(c['restricted_mean_difference'])} (first {c['tau']} d)" for c in comps],
        ],
    ]
    for d in sorted({int(d) for x in labels if life[x] for d in life[x]["alive_at"]}):
        cells = []
        for x in labels:
            entry = life[x]["alive_at"].get(str(d)) if life[x] else None
            cells.append(
                "–" if entry is None else f"{entry['estimate']:.0%} [{entry['low']:.0%}–{entry['high']:.0%}]"
            )
        rows.append([f"alive on day {d} [95% CI] 第 {d} 天存活比例", *cells, *["" for _ in comps]])
    return rows


def _fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "–"
    if abs(x) >= 100 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def _interval(i: dict[str, Any]) -> str:
    return f"{_fmt(i['estimate'])} [{_fmt(i['low'])}–{_fmt(i['high'])}]"


def _signed(i: dict[str, Any]) -> str:
    if i is None or i.get("estimate") is None:
        return "–"
    sign = "+" if i["estimate"] > 0 else ""
    return f"{sign}{_fmt(i['estimate'])} [{_fmt(i['low'])} to {_fmt(i['high'])}]"


def _p(p: float | None) -> str:
    if p is None:
        return "–"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
