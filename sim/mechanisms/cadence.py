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

from dataclasses import dataclass, field

import numba as nb
import numpy as np

from sim.scenario.schema import Scenario

#: The SOP in the operator's order of priority (selling first: an operator under a sales KPI posts
#: the promotion before anything else); rows of `OperatorDay.tasks`. Events come last and are
#: prepared ahead, outside the day's hours.
TASKS = ("promotion_posts", "morning_report", "topic_prompt", "guided_replies", "mentions", "red_packets", "lottery",
         "event")  # fmt: skip
PROMOTION_POSTS, MORNING_REPORT, TOPIC_PROMPT, GUIDED_REPLIES, MENTIONS, RED_PACKETS, LOTTERY, EVENT = range(
    8
)
_OPERATOR_POSTS = (
    PROMOTION_POSTS,
    MORNING_REPORT,
    TOPIC_PROMPT,
    RED_PACKETS,
    LOTTERY,
)  # guided replies are replies


@dataclass
class OperatorDay:
    """What the operator does in each group today: `tasks` has a row per task of `TASKS` (how many
    of each, per group) and a last row, the operator's posts (reading load); and the hours."""

    tasks: np.ndarray
    hours_used: float = 0.0
    hours_left: float = 0.0
    done: list[int] = field(default_factory=list)  # of each task, in all groups together

    def __post_init__(self) -> None:
        self.done = self.tasks.sum(axis=1).tolist()

    promotion_posts = property(lambda self: self.tasks[0])
    morning_report = property(lambda self: self.tasks[1])
    topic_prompt = property(lambda self: self.tasks[2])
    guided_replies = property(lambda self: self.tasks[3])
    mentions = property(lambda self: self.tasks[4])
    red_packets = property(lambda self: self.tasks[5])
    lottery = property(lambda self: self.tasks[6])
    event = property(lambda self: self.tasks[7])
    operator_posts = property(lambda self: self.tasks[8])


def task_table(sc: Scenario) -> np.ndarray:
    """Per task of `TASKS`: [enabled, start day, every how many days, hours each, units per group]."""
    c, e = sc.cadence, sc.events

    def scheduled(s, units: int) -> list[float]:
        return [s.enabled, s.start_day, s.every_days, s.hours, units]

    def daily(s, units: int) -> list[float]:
        return [s.enabled, 0, 1, s.hours, units]

    return np.array([
        scheduled(c.promotion, c.promotion.posts), scheduled(c.morning_report, 1), scheduled(c.topic_prompts, 1),
        daily(c.guided_discussion, c.guided_discussion.replies_per_day), daily(c.mentions, c.mentions.per_day),
        scheduled(c.red_packets, 1), scheduled(c.lottery, 1), scheduled(e, 1),
    ], dtype=np.float64)  # fmt: skip


@nb.njit(cache=True)
def plan_day(
    day: int, hours: float, table: np.ndarray, open_groups: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """Today's SOP tasks within the operator's `hours`: down the priority list, each due task is
    done in every open group in turn (up to its units) while the hours last. A scheduled event is
    held in every open group and its hours are booked on top. Returns (tasks, hours used, hours left)."""
    n_groups = open_groups.shape[0]
    tasks = np.zeros((EVENT + 2, n_groups), dtype=np.int64)
    left = hours
    used_outside = 0.0
    for t in range(EVENT + 1):
        enabled, start, every, cost, units = (
            table[t, 0],
            table[t, 1],
            table[t, 2],
            table[t, 3],
            int(table[t, 4]),
        )
        if not enabled or day < start or (day - start) % every != 0 or units <= 0:
            continue
        for g in range(n_groups):
            if not open_groups[g]:
                continue
            if t == EVENT:  # an event: prepared ahead, on top of the day's hours
                tasks[t, g] = 1
                used_outside += cost
                continue
            done = units if cost <= 0 else min(units, int(left / cost + 1e-9))
            left -= done * cost
            tasks[t, g] = done
    for t in _OPERATOR_POSTS:
        tasks[EVENT + 1] += tasks[t]
    return tasks, hours - left + used_outside, left
