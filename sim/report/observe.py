"""The short summary of an imported history: what was read, the daily series, and who speaks how much.

Built from an `Observation` only (its tables and metadata): no names and no message text exist
there to show. Self-contained HTML (plotly.js inline), in English and Chinese.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.figures import axis, base_layout
from sim.metrics import top_share
from sim.observe import Observation
from sim.report.page import Page

LABELS = {
    "members": ("members", "成员数"),
    "joins": ("joins", "入群"),
    "leaves": ("leaves (incl. removed)", "退群（含移出）"),
    "messages": ("messages", "消息数"),
    "speakers": ("speakers (distinct senders)", "发言人数"),
    "value_posts": ("value posts", "价值内容"),
}
COLOURS = {
    "members": "#4c78a8",
    "joins": "#54a24b",
    "leaves": "#e45756",
    "messages": "#f58518",
    "speakers": "#72b7b2",
    "value_posts": "#2f6b2a",
}


def label(column: str) -> str:
    en, zh = LABELS.get(column, (column, column))
    return f"{en} {zh}"


def write_observation_report(observation: Observation, path: Path) -> None:
    """Write the summary page of `observation` to `path`."""
    build_page(observation).write(path)


def build_page(observation: Observation) -> Page:
    meta = observation.meta
    source = meta.get("source", {})
    page = Page(f"groupsim observe: {source.get('file', 'observation')}")
    page.paragraph(
        f"{source.get('format', '?')} file · {meta.get('first_date')} to {meta.get('last_date')} "
        f"({meta.get('days')} days, day {meta.get('first_day')} to {meta.get('last_day')} since founding) · "
        f"{source.get('records', 0):,} records · encoding {source.get('encoding')} · "
        f"sha256 {str(source.get('sha256', ''))[:12]} · groupsim {meta.get('version')}",
        css="meta",
    )
    page.paragraph(_lead(observation), css="lead")
    page.heading("What was observed 观测到的数据")
    page.table(
        ["column 列", "how it was obtained 来源", "total 合计"],
        [
            [label(c), meta.get("columns", {}).get(c, ""), _total(observation.table, c)]
            for c in ("members", "joins", "leaves", "messages", "speakers", "value_posts")
        ],
    )
    table = observation.table
    for columns, title in (
        (("members",), "Members 成员数"),
        (("messages", "speakers"), "Messages and speakers per day 每日消息数与发言人数"),
        (("joins", "leaves"), "Joins and leaves per day 每日入群与退群"),
        (("value_posts",), "Value posts per day 每日价值内容"),
    ):
        shown = [c for c in columns if table[c].notna().any()]
        if shown:
            page.heading(title)
            page.figure(series_figure(table, shown, title))
    if observation.senders is not None and len(observation.senders):
        page.heading("Who speaks 谁在发言")
        page.figure(participation_figure(observation.senders))
        page.paragraph(_participation_text(observation.senders), css="note")
    page.heading("Privacy 隐私")
    for text in meta.get("privacy", {}).values():
        page.paragraph(text, css="note")
    page.paragraph(
        "发送者在导入时即被替换为带密钥的哈希（密钥不写入任何文件）；不保存任何消息文字，文字只用于识别入群/退群系统消息。",
        css="note",
    )
    return page


def _lead(observation: Observation) -> str:
    table = observation.table
    parts = [f"{observation.days} days observed."]
    zh = [f"共观测 {observation.days} 天。"]
    if table["messages"].notna().any():
        last = table["messages"].tail(7).astype("float").mean()
        parts.append(
            f"{int(table['messages'].sum()):,} messages in all, {last:.1f} a day over the last week."
        )
        zh.append(f"消息共 {int(table['messages'].sum()):,} 条，最近一周日均 {last:.1f} 条。")
    if table["members"].notna().any():
        known = table["members"].dropna()
        parts.append(f"{int(known.iloc[-1])} members on the last day.")
        zh.append(f"最后一天 {int(known.iloc[-1])} 名成员。")
    return " ".join(parts) + " " + "".join(zh)


def _total(table: pd.DataFrame, column: str) -> str:
    values = table[column]
    if values.isna().all():
        return "–"
    if column == "members":
        known = values.dropna()
        return f"{int(known.iloc[0])} → {int(known.iloc[-1])}"
    return f"{int(values.sum()):,}"


def series_figure(table: pd.DataFrame, columns: list[str], title: str) -> go.Figure:
    fig = go.Figure()
    for column in columns:
        values = table[column].astype("float")
        fig.add_scatter(
            x=table["date"],
            y=values,
            name=label(column),
            mode="lines+markers" if values.isna().any() else "lines",
            line=dict(color=COLOURS.get(column), width=2),
            marker=dict(size=4),
        )
    fig.update_layout(
        **base_layout(
            title, height=340, xaxis=axis("date 日期"), yaxis=axis(rangemode="tozero"), hovermode="x unified"
        )
    )
    return fig


def participation_figure(senders: pd.DataFrame) -> go.Figure:
    """Share of all messages written by the most active x% of senders (a Lorenz-type curve)."""
    counts = np.sort(senders["messages"].to_numpy(dtype=np.float64))[::-1]
    share = np.cumsum(counts) / counts.sum()
    people = np.arange(1, counts.size + 1) / counts.size
    fig = go.Figure()
    fig.add_scatter(
        x=np.r_[0, people], y=np.r_[0, share], name="observed 观测", line=dict(color="#4c78a8", width=3)
    )
    fig.add_scatter(x=[0, 1], y=[0, 1], name="everyone equal 人人相同", line=dict(color="#999", dash="dash"))
    fig.update_layout(
        **base_layout(
            "Share of messages by the most active senders 最活跃发言者的消息占比",
            height=360,
            xaxis=axis("share of senders (most active first) 发言者占比", tickformat=".0%"),
            yaxis=axis("share of messages 消息占比", tickformat=".0%"),
        )
    )
    return fig


def _participation_text(senders: pd.DataFrame) -> str:
    messages = senders["messages"].to_numpy()
    top = top_share(messages, 0.10)
    once = float((messages == 1).mean())
    return (
        f"{len(senders):,} people posted at least once; the most active 10% wrote {top:.0%} of the messages, "
        f"and {once:.0%} posted only once. 共 {len(senders):,} 人发过言；最活跃的 10% 写了 {top:.0%} 的消息，"
        f"{once:.0%} 的人只发过一次。"
    )
