"""The report of a forecast: will the group live, and which lever helps most - with honest bands.

Built from the forecast folder (forecast.json, outcomes.parquet, daily.parquet) and its
calibration's observed.parquet: the sentences, the ranked levers with their gains and intervals,
the share of possible groups still alive each day under every option, value contributors and
messages carried on from the observed history, and how the numbers were computed. Self-contained
HTML, in English and Chinese.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.batch.store import DAILY_FILE, replace_atomically
from sim.calibrate import folder as files
from sim.calibrate.forecast import FORECAST_FILE, NOTHING, PRIMARY, REPORT_FILE, SECONDARY, padded, verdict
from sim.figures import axis, base_layout, colour
from sim.report.page import Page

VERDICT_WORDS = {"helps": "helps 有效", "hurts": "hurts 有害", "unclear": "unclear 不明确"}


def write_forecast_report(folder: Path, calibration: Path) -> Path:
    """Write report.html in a finished forecast folder; returns its path."""
    folder = Path(folder)
    summary = json.loads((folder / FORECAST_FILE).read_text(encoding="utf-8"))
    daily = padded(pd.read_parquet(folder / DAILY_FILE), summary["last_forecast_day"])
    observed = pd.read_parquet(Path(calibration) / files.OBSERVED_FILE)
    posterior = pd.read_parquet(Path(calibration) / files.POSTERIOR_FILE)
    draws = posterior.set_index("particle")["draws"]
    page = build_page(summary, daily, observed, draws)
    target = folder / REPORT_FILE
    replace_atomically(target, page.write)
    return target


def build_page(
    summary: dict[str, Any], daily: pd.DataFrame, observed: pd.DataFrame, draws: pd.Series
) -> Page:
    page = Page(f"groupsim forecast: {summary['calibration']}, next {summary['days']} days")
    page.paragraph(
        f"calibration {summary['calibration']} · last observed day {summary['last_observed_day']}"
        f"{' (' + summary['last_observed_date'] + ')' if summary.get('last_observed_date') else ''} · forecast to day "
        f"{summary['last_forecast_day']} · {summary['draws']} posterior draws ({summary['particles']} distinct particles) "
        f"· {len(summary['levers'])} levers",
        css="meta",
    )
    page.paragraph(" ".join(summary["sentences"]["en"]), css="lead")
    page.paragraph("".join(summary["sentences"]["zh"]), css="lead")
    options = [NOTHING, *[c["lever"] for c in summary["levers"]]]
    if summary["levers"]:
        page.heading("Levers, ranked 杠杆排序")
        page.table(*ranking_table(summary))
        page.paragraph(
            "Gain = lever minus doing nothing, paired draw by draw (same particle, same seed). Expected gain with "
            "its 95% bootstrap interval; in brackets the 10–90% range of the gain across possible groups. "
            "增益 = 采用杠杆减去什么都不做（同一粒子、同一随机种子配对）；括号内为不同可能情形下增益的 10%–90% 范围。",
            css="note",
        )
    page.heading("How many possible groups are still alive 仍存活的比例")
    page.figure(survival_figure(daily, draws, options, summary))
    page.heading("Value contributors 价值贡献者")
    page.figure(band_figure(daily, draws, options[:3], "value_contributors", summary, None))
    page.heading("Messages per day, carried on from the history 每日消息数（接续观测）")
    page.figure(band_figure(daily, draws, [NOTHING], "messages", summary, observed))
    page.heading("Every option 各方案结果")
    page.table(*options_table(summary, options))
    page.heading("Method 方法")
    for text in summary["method"].values():
        page.paragraph(text, css="note")
    return page


def _gain_cell(g: dict[str, float], scale: float = 1.0, digits: int = 1) -> str:
    return (
        f"{g['estimate'] * scale:+.{digits}f} [{g['low'] * scale:+.{digits}f} to {g['high'] * scale:+.{digits}f}] "
        f"({g['p10'] * scale:+.{digits}f}…{g['p90'] * scale:+.{digits}f})"
    )


def ranking_table(summary: dict[str, Any]) -> tuple[list[str], list[list[object]]]:
    header = [
        "rank 排名",
        "lever 杠杆",
        "Δ value contributors, mean over the forecast 平均价值贡献者变化",
        "better in 更好的比例",
        "Δ survival, points 存活概率变化（百分点）",
        "verdict 结论",
    ]
    rows = []
    for i, c in enumerate(summary["levers"], start=1):
        words = " ".join(t for t in (c["en"], c["zh"]) if t)
        rows.append(
            [
                i,
                f"{c['lever']}{' — ' + words if words else ''}",
                _gain_cell(c["gains"][PRIMARY]),
                f"{c['gains'][PRIMARY]['better']:.0%}",
                _gain_cell(c["gains"][SECONDARY], 100, 0),
                VERDICT_WORDS[verdict(c["gains"][PRIMARY])],
            ]
        )
    return header, rows


def options_table(summary: dict[str, Any], options: list[str]) -> tuple[list[str], list[list[object]]]:
    header = ["outcome 结果", *options]
    rows = []
    for outcome in summary["outcomes"]:
        column = outcome["column"]
        cells = []
        for option in options:
            s = summary["options"][option][column]
            if column == "alive_end":
                cells.append(f"{s['mean']:.0%}")
            else:
                cells.append(f"{s['median']:.1f} [{s['low']:.1f}–{s['high']:.1f}]")
        rows.append([f"{outcome['en']} {outcome['zh']}", *cells])
    return header, rows


def _expanded(daily: pd.DataFrame, draws: pd.Series, option: str, column: str) -> pd.DataFrame:
    rows = daily[daily["option"] == option]
    repeat = rows["particle"].map(draws).to_numpy()
    return pd.DataFrame(
        {
            "day": np.repeat(rows["day"].to_numpy(), repeat),
            "value": np.repeat(rows[column].to_numpy(float), repeat),
        }
    )


def survival_figure(
    daily: pd.DataFrame, draws: pd.Series, options: list[str], summary: dict[str, Any]
) -> go.Figure:
    fig = go.Figure()
    start = summary["last_observed_day"]
    for i, option in enumerate(options):
        alive = _expanded(daily, draws, option, "alive")
        share = alive[alive["day"] >= start].groupby("day")["value"].mean()
        fig.add_scatter(
            x=share.index,
            y=share.to_numpy(),
            name="doing nothing 什么都不做" if option == NOTHING else option,
            line=dict(
                color=colour(i),
                width=3 if option == NOTHING else 2,
                dash=None if option == NOTHING else "dot",
            ),
        )
    fig.update_layout(
        **base_layout(
            "Share of posterior draws whose group is still alive 后验抽样中群仍存活的比例",
            height=380,
            xaxis=axis("day since founding 建群后天数"),
            yaxis=axis(range=[0, 1.02], tickformat=".0%"),
            hovermode="x unified",
        )
    )
    return fig


def band_figure(
    daily: pd.DataFrame,
    draws: pd.Series,
    options: list[str],
    column: str,
    summary: dict[str, Any],
    observed: pd.DataFrame | None,
) -> go.Figure:
    fig = go.Figure()
    last = summary["last_observed_day"]
    for i, option in enumerate(options):
        values = _expanded(daily, draws, option, column)
        values = values[values["day"] >= (last if observed is not None or option != NOTHING else 1)]
        q = values.groupby("day")["value"].quantile([0.05, 0.5, 0.95]).unstack()
        name = "doing nothing 什么都不做" if option == NOTHING else option
        fig.add_scatter(x=q.index, y=q[0.95], line=dict(width=0), showlegend=False, hoverinfo="skip")
        fig.add_scatter(
            x=q.index,
            y=q[0.05],
            line=dict(width=0),
            fill="tonexty",
            fillcolor=colour(i, 0.15),
            showlegend=False,
            hoverinfo="skip",
        )
        fig.add_scatter(
            x=q.index, y=q[0.5], name=f"{name} (median, 90% band)", line=dict(color=colour(i), width=2)
        )
    if observed is not None:
        fig.add_scatter(
            x=observed["day"],
            y=pd.to_numeric(observed[column], errors="coerce"),
            name="observed 观测",
            line=dict(color="#444", width=1.5),
        )
    fig.add_vline(x=last, line_dash="dot", line_color="#999", annotation_text="last observed day 最后观测日")
    fig.update_layout(
        **base_layout(
            "",
            height=380,
            xaxis=axis("day since founding 建群后天数"),
            yaxis=axis(rangemode="tozero"),
            hovermode="x unified",
        )
    )
    return fig
