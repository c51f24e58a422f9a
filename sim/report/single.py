"""The report of one run: what happened to the group, day by day, in a strategist's terms."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sim.report.page import Page
from sim.runner import RunResult

COLORS = {
    "members": "#4c78a8",
    "active": "#72b7b2",
    "muted": "#bab0ac",
    "left": "#e45756",
    "value": "#54a24b",
    "chatter": "#eeca3b",
    "ads": "#e45756",
    "operator": "#9d755d",
    "contributors": "#54a24b",
    "sustained": "#2f6b2a",
    "lurkers": "#bab0ac",
    "commenters": "#72b7b2",
    "creators": "#54a24b",
    "kols": "#b279a2",
    "kocs": "#ff9da6",
    "admins": "#9d755d",
}


def _markers(fig: go.Figure, result: RunResult) -> None:
    """Vertical markers: every intervention, and the day the group died."""
    same_day: dict[int, int] = {}
    for item in result.interventions:
        if item["day"] > 0:
            k = same_day.get(item["day"], 0)  # stack labels of interventions on the same day
            same_day[item["day"]] = k + 1
            fig.add_vline(
                x=item["day"],
                line_dash="dot",
                line_color="#888",
                annotation_yshift=-14 * k,
                annotation_text=item["action"],
                annotation_position="top left",
                annotation_font_size=10,
            )
    s = result.summary
    if not s["censored"] and s["ended_by"] == "dead":
        died = s["lifespan_days"] + s["dead_after_days"]
        fig.add_vline(
            x=died,
            line_color="#e45756",
            line_width=2,
            annotation_text=f"dead (last value post day {s['lifespan_days']}) 群死亡",
            annotation_position="top right",
        )
    elif s["ended_by"] == "dissolved":
        fig.add_vline(
            x=s["days_simulated"], line_color="#9d755d", line_width=2, annotation_text="dissolved 解散"
        )


def _layout(fig: go.Figure, title: str, y: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title="day 天",
        yaxis_title=y,
        height=380,
        margin=dict(l=60, r=20, t=60, b=40),
        legend=dict(orientation="h", y=-0.2),
        hovermode="x unified",
        template="plotly_white",
    )
    return fig


def members_by_state(daily: pd.DataFrame) -> go.Figure:
    left_total = (daily["leaves"] + daily["kicks"]).cumsum()
    fig = go.Figure()
    fig.add_scatter(
        x=daily["day"], y=daily["active"], name="active 活跃", stackgroup="s", line_color=COLORS["active"]
    )
    fig.add_scatter(
        x=daily["day"], y=daily["muted"], name="muted 屏蔽", stackgroup="s", line_color=COLORS["muted"]
    )
    fig.add_scatter(
        x=daily["day"],
        y=left_total,
        name="left or kicked (cumulative) 已退群",
        line_color=COLORS["left"],
        line_dash="dash",
    )
    return _layout(fig, "Members by state 成员状态", "members 人")


def contributors_vs_members(daily: pd.DataFrame, window_days: int = 7) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=daily["day"], y=daily["members"], name="members 成员数 (vanity)", line_color=COLORS["members"]
    )
    fig.add_scatter(
        x=daily["day"],
        y=daily["value_contributors"],
        name=f"value contributors, last {window_days} days 价值贡献者",
        line_color=COLORS["contributors"],
        yaxis="y2",
        line_width=3,
    )
    fig.add_scatter(
        x=daily["day"],
        y=daily["sustained_contributors"],
        name="sustained contributors 持续贡献者",
        line_color=COLORS["sustained"],
        yaxis="y2",
        line_dash="dash",
    )
    fig.update_layout(
        yaxis2=dict(
            title="contributors 贡献者", overlaying="y", side="right", rangemode="tozero", tickformat=",d"
        )
    )
    return _layout(fig, "Value contributors against members 价值贡献者 vs 人数", "members 人")


def content_mix(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=daily["day"],
        y=daily["value_posts"],
        name="value posts 价值内容",
        line_color=COLORS["value"],
        line_width=3,
    )
    fig.add_scatter(x=daily["day"], y=daily["chatter"], name="chatter 闲聊", line_color=COLORS["chatter"])
    fig.add_scatter(x=daily["day"], y=daily["ads"], name="ads 广告", line_color=COLORS["ads"])
    fig.add_scatter(
        x=daily["day"],
        y=daily["operator_posts"],
        name="operator posts 运营发帖",
        line_color=COLORS["operator"],
        line_dash="dot",
    )
    return _layout(fig, "Value posts vs chatter vs ads per day 每日内容构成", "messages/day 条/天")


def role_mix(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for column, label in (
        ("lurkers", "lurkers 潜水"),
        ("commenters", "commenters 评论者"),
        ("creators", "creators 创作者"),
        ("kols", "KOLs 意见领袖"),
        ("kocs", "KOCs"),
        ("admins", "admins 管理员"),
    ):
        fig.add_scatter(
            x=daily["day"],
            y=daily[column],
            name=label,
            stackgroup="r",
            line_color=COLORS[column],
            groupnorm="percent",
        )
    return _layout(fig, "Role mix over time 角色构成", "% of members")


def flows(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for column, label in (
        ("joins_organic", "organic"),
        ("joins_referral", "referral"),
        ("joins_operator", "operator-added"),
        ("joins_bait", "bait"),
        ("joins_seed", "seeded"),
    ):
        if daily[column].sum() > 0:
            fig.add_bar(x=daily["day"], y=daily[column], name=f"joins: {label}")
    fig.add_scatter(
        x=daily["day"],
        y=-(daily["leaves"] + daily["kicks"]),
        name="leaves + kicks 退群",
        line_color=COLORS["left"],
    )
    fig.add_scatter(x=daily["day"], y=-daily["mutes"], name="mutes 屏蔽", line_color=COLORS["muted"])
    fig.update_layout(barmode="stack")
    return _layout(fig, "Joins by channel, and leaves 入群渠道与退群", "people/day")


def satisfaction(daily: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(
        x=daily["day"],
        y=daily["mean_satisfaction"],
        name="mean satisfaction 平均满意度",
        line_color=COLORS["members"],
    )
    fig.add_scatter(
        x=daily["day"],
        y=daily["mean_fit"],
        name="mean fit of members 平均契合度",
        line_color=COLORS["creators"],
        line_dash="dash",
    )
    return _layout(fig, "Satisfaction and fit 满意度与契合度", "")


def _headline(s: dict, window_days: int = 7) -> str:
    if s["ended_by"] == "dissolved":
        fate = f"The group was dissolved on day {s['days_simulated']}."
    elif s["censored"]:
        fate = f"The group was still producing value at the end of the {s['horizon_days']}-day horizon (lifespan censored)."
    else:
        fate = (
            f"The group died: its last value post was on day {s['lifespan_days']}, followed by "
            f"{s['dead_after_days']} days without one."
        )
    contributors = ", ".join(f"day {d}: {v}" for d, v in reported_days(s).items())
    return (
        f"{fate} Peak size {s['peak_members']} members (day {s['peak_day']}), final {s['final_members']}. "
        + (
            f"Value contributors (posted value in the last {window_days} days) — {contributors}. "
            if contributors
            else ""
        )
        + f"{s['participation']['never_posted_value_share']:.0%} of members never posted value content."
    )


def reported_days(s: dict) -> dict[str, int]:
    """Value contributors on the summary's report days within the horizon.

    The summary also lists report days past a shortened horizon (--days 50 still gives day 90 and
    day 180) as 0, which would read as "the group had no contributors then"; they were never
    simulated, so they are left out. Days after a group died stay in: it had none.
    """
    return {d: v for d, v in s["value_contributors_at"].items() if int(d) <= s["horizon_days"]}


def _headline_zh(s: dict) -> str:
    if s["ended_by"] == "dissolved":
        fate = f"该群在第 {s['days_simulated']} 天解散。"
    elif s["censored"]:
        fate = f"模拟结束（{s['horizon_days']} 天）时该群仍在产出价值内容（寿命为删失值）。"
    else:
        fate = f"该群已死亡：最后一条价值内容出现在第 {s['lifespan_days']} 天，此后连续 {s['dead_after_days']} 天无人输出价值。"
    return f"{fate} 人数峰值 {s['peak_members']}（第 {s['peak_day']} 天），最终 {s['final_members']} 人。"


def write_run_report(
    result: RunResult,
    path: Path,
    scenario_description: dict[str, str] | None = None,
    contributor_window_days: int = 7,
) -> None:
    """Write report.html for one run (`contributor_window_days`: the scenario's horizon.contributor_window_days)."""
    s = result.summary
    page = Page(f"groupsim run: {s['scenario']} (seed {s['seed']})")
    page.paragraph(
        f"scenario hash {s['scenario_hash']} · seed {s['seed']} · groupsim {s['version']} · "
        f"{s['days_simulated']} of {s['horizon_days']} days simulated",
        css="meta",
    )
    if scenario_description:
        for text in (scenario_description.get("en"), scenario_description.get("zh")):
            if text:
                page.paragraph(text, css="note")
    page.paragraph(_headline(s, contributor_window_days), css="lead")
    page.paragraph(_headline_zh(s), css="lead")
    page.heading("Summary 摘要")
    p = s["participation"]
    rows = [
        ["lifespan (days) 寿命", s["lifespan_days"], "censored 删失" if s["censored"] else s["ended_by"]],
        [
            "peak / final members 峰值/最终人数",
            f"{s['peak_members']} / {s['final_members']}",
            f"{s['members_ever']} ever joined",
        ],
        [
            "value posts total 价值内容总数",
            s["value_posts_total"],
            f"{s['value_posts_per_member']:.2f} per member",
        ],
        ["value posts per member-day", round(s["value_posts_per_member_day"], 4), ""],
        [
            "participation Gini (value posts)",
            round(p["value_gini"], 3),
            f"top 1% wrote {p['value_top1pct_share']:.0%}",
        ],
        [
            "never posted value / anything",
            f"{p['never_posted_value_share']:.0%} / {p['never_posted_anything_share']:.0%}",
            "",
        ],
        ["joined by referral 转介绍占比", f"{s['referral_share']:.0%}", ""],
        ["muted at the end 屏蔽占比", f"{s['muted_share_final']:.0%}", ""],
        [
            "operator cost (yuan) 运营成本",
            s["operator_cost_yuan"],
            f"{s['operator_hours']:.1f} operator hours",
        ],
        ["revenue (yuan) 收入", s["revenue_yuan"], ""],
    ]
    page.table(["measure", "value", "note"], rows)
    daily = result.daily
    figures = [contributors_vs_members(daily, contributor_window_days)]
    figures += [make(daily) for make in (members_by_state, content_mix, role_mix, flows, satisfaction)]
    for fig in figures:
        _markers(fig, result)
        page.figure(fig)
    if result.interventions:
        page.heading("Interventions 干预记录")
        page.table(
            ["day", "action", "note", "detail"],
            [
                [i["day"], i["action"], i["note"], ", ".join(f"{k}={v}" for k, v in i["detail"].items())]
                for i in result.interventions
            ],
        )
    page.write(path)
