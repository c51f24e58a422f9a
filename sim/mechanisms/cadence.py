"""The operator's content SOP under limited operator hours (seeds 002, 003 SOP).

Each day the operator works down a fixed priority list — promotions (a sales KPI comes first),
morning report, topic prompt, guided replies, @-mentions, red packets, lotteries — in every open
group, until the day's hours are spent. Whatever time is left goes to moderation. A matrix of
groups therefore thins the operator's attention (seed 002: 一个人可能会负责较多个的群).
Scheduled events and the timeline's campaigns are prepared ahead: they always happen, and the
hours of events and red packets are charged on top of the day's budget (other interventions —
mass-adding, inviting a KOL, promoting KOCs, changing a rule — are not costed in hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Scenario


@dataclass
class OperatorDay:
    """What the operator does in each group today (arrays indexed by group)."""

    morning_report: np.ndarray
    topic_prompt: np.ndarray
    guided_replies: np.ndarray
    mentions: np.ndarray
    red_packets: np.ndarray
    lottery: np.ndarray
    promotion_posts: np.ndarray
    event: np.ndarray
    hours_used: float = 0.0
    hours_left: float = 0.0

    def operator_posts(self) -> np.ndarray:
        """Messages the operator itself posts in each group (reading load). Guided replies are
        replies: they are counted with the day's replies, not here."""
        return (
            self.morning_report + self.topic_prompt + self.promotion_posts + self.red_packets + self.lottery
        )


def plan_day(scenario: Scenario, day: int, open_groups: list[int], n_groups: int) -> OperatorDay:
    """Decide today's scheduled SOP tasks within the operator's hours."""
    c = scenario.cadence
    zeros = lambda dtype=np.int64: np.zeros(n_groups, dtype=dtype)  # noqa: E731
    plan = OperatorDay(zeros(), zeros(), zeros(), zeros(), zeros(), zeros(), zeros(), zeros())
    hours = scenario.operator.hours_per_day

    def spend(cost: float, units: int) -> int:
        nonlocal hours
        if cost <= 0:
            return units
        affordable = min(units, int(hours / cost + 1e-9))
        hours -= affordable * cost
        return affordable

    # selling first: an operator under a sales KPI posts the promotion before anything else
    steps = [
        ("promotion_posts", c.promotion.due(day), c.promotion.hours, c.promotion.posts),
        ("morning_report", c.morning_report.due(day), c.morning_report.hours, 1),
        ("topic_prompt", c.topic_prompts.due(day), c.topic_prompts.hours, 1),
        (
            "guided_replies",
            c.guided_discussion.enabled,
            c.guided_discussion.hours,
            c.guided_discussion.replies_per_day,
        ),
        ("mentions", c.mentions.enabled, c.mentions.hours, c.mentions.per_day),
        ("red_packets", c.red_packets.due(day), c.red_packets.hours, 1),
        ("lottery", c.lottery.due(day), c.lottery.hours, 1),
    ]
    for name, due, cost, units in steps:
        if not due or units <= 0:
            continue
        column = getattr(plan, name)
        for g in open_groups:
            column[g] = spend(cost, units)
    plan.hours_used = scenario.operator.hours_per_day - hours
    plan.hours_left = hours
    if scenario.events.due(day):
        plan.event[open_groups] = 1
        plan.hours_used += scenario.events.hours * len(open_groups)
    return plan
