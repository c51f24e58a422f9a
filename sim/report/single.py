"""The report of one run: what happened to the group, day by day, in a strategist's terms.

Its charts are `sim.figures`' (the same as the browser app's), in both languages, with a marker
for every intervention and for the day the group died or was dissolved.
"""

from __future__ import annotations

from pathlib import Path

from sim.figures import (
    ACTIVITY,
    CHANNELS,
    FLOWS,
    MEMBERS,
    ROLES,
    SATISFACTION_TREND,
    STATES,
    Ending,
    Track,
    time_series,
)
from sim.i18n import BOTH
from sim.report.page import Page
from sim.runner import RunResult

#: The charts of the report, in order.
CHARTS = (MEMBERS, STATES, ACTIVITY, ROLES, FLOWS, CHANNELS, SATISFACTION_TREND)


def ending(s: dict) -> Ending | None:
    """How the run of summary `s` ended, for its marker: declared dead on the day its last value
    post was `dead_after_days` old, or dissolved on its last simulated day; None if censored."""
    if s["ended_by"] == "dissolved":
        return Ending(s["days_simulated"], "dissolved", s["lifespan_days"])
    if s["ended_by"] == "dead" and not s["censored"]:
        return Ending(s["lifespan_days"] + s["dead_after_days"], "dead", s["lifespan_days"])
    return None


def track(result: RunResult, window_days: int = 7) -> Track:
    """`result` as the charts see it (`window_days`: the scenario's contributor window)."""
    s = result.summary
    return Track(result.daily, result.interventions, ending(s), window=window_days, horizon=s["horizon_days"])


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
    description = scenario_description or {}
    for text in (description.get("en"), description.get("zh")):
        if text:
            page.paragraph(text, css="note")
    page.paragraph(_headline(s, contributor_window_days), css="lead")
    page.paragraph(_headline_zh(s), css="lead")
    page.heading("Summary 摘要")
    page.table(["measure", "value", "note"], summary_rows(s))
    run = [track(result, contributor_window_days)]
    for chart in CHARTS:
        page.figure(time_series(chart, run, BOTH))
    if result.interventions:
        page.heading("Interventions 干预记录")
        page.table(
            ["day", "action", "by 由", "note", "detail"],
            [
                [
                    i["day"],
                    i["action"],
                    f"playbook rule {i['rule'] + 1} 规则" if i.get("rule") is not None else "timeline 时间线",
                    i["note"],
                    ", ".join(f"{k}={v}" for k, v in i["detail"].items()),
                ]
                for i in result.interventions
            ],
        )
    page.write(path)


def summary_rows(s: dict) -> list[list[object]]:
    """The summary table: (measure, value, note) rows of run summary `s`."""
    p = s["participation"]
    return [
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
