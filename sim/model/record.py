"""The end of a day: which groups died, and the day's row of the results table.

One row per simulated day, columns as in `sim.metrics.DAILY_COLUMNS`; the daily table
(sim/runner.py) is built from these rows and the day's notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.enums import ACTIVE, ADMIN, COMMENTER, CREATOR, KOC, KOL, LURKER, MUTED, Channel
from sim.metrics import DAILY_COLUMNS, popcount16
from sim.model import actions
from sim.model.day import Day

if TYPE_CHECKING:
    from sim.model.community import CommunityModel

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
_JOIN_COLUMN = {int(channel): _COL[f"joins_{channel.name.lower()}"] for channel in Channel}
_ROLE_COLUMNS = [
    (LURKER, _COL["lurkers"]), (COMMENTER, _COL["commenters"]), (CREATOR, _COL["creators"]),
    (KOL, _COL["kols"]), (ADMIN, _COL["admins"]), (KOC, _COL["kocs"]),
]  # fmt: skip


class DailyRecord:
    """The rows recorded so far, and what happened on each day, as text."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.notes: list[str] = []

    def add(self, row: np.ndarray, notes: list[str]) -> None:
        self.rows.append(row)
        self.notes.append("; ".join(notes))

    def array(self) -> np.ndarray:
        """Recorded days as a (days x columns) array, columns as in `DAILY_COLUMNS`."""
        return np.vstack(self.rows) if self.rows else np.empty((0, len(DAILY_COLUMNS)))


def check_death(model: CommunityModel, today: Day) -> None:
    """A group is dead once no member posted value for `dead_after_days`; the community once all
    are. It runs before the record, so the day a group is found dead records it as dead."""
    sc, groups, day = model.current, model.groups, today.number
    value_g = today.feed.value
    for g in groups.alive_groups():
        if value_g[g] > 0:
            groups.last_value_day[g] = day
        elif day - groups.last_value_day[g] >= sc.horizon.dead_after_days:
            groups.dead_day[g] = day
            groups.lifespan[g] = groups.last_value_day[g]
            model.note(f"group {g} died (last value post on day {groups.last_value_day[g]})")
            if sc.matrix.merge_dead and groups.alive_groups():
                actions.merge(model, g)
            elif sc.matrix.dissolve_dead and groups.alive_groups():
                actions.dissolve_group(model, g)
    if not groups.alive_groups():
        if model.ended_by is None:
            model.ended_by = "dead"
        if sc.horizon.stop_at_death:
            model.running = False


def record_day(model: CommunityModel, today: Day) -> None:
    """Append today's row of the per-day table (an empty day when the community was dissolved)."""
    h, m, n, flows = model.current.horizon, model.members, model.members.n, today.flows
    role, state = m.role[:n], m.state[:n]
    ordinary = (state <= MUTED) & (role != ADMIN)
    n_ordinary = int(np.count_nonzero(ordinary))
    row = np.zeros(len(DAILY_COLUMNS))
    state_counts = np.bincount(state, minlength=4)
    role_counts = np.bincount(role, state <= MUTED, minlength=6)
    for r, column in _ROLE_COLUMNS:
        row[column] = role_counts[r]
    for channel, joined in flows.joins.items():
        row[_JOIN_COLUMN[channel]] = joined
    weeks = popcount16((m.value_weeks[:n] >> 1) & ((1 << h.sustained_weeks) - 1))
    alive = model.groups.alive_groups()
    recent = m.last_value_day[:n] > today.number - h.contributor_window_days
    for column, value in (
        ("day", today.number),
        ("members", state_counts[ACTIVE] + state_counts[MUTED]),
        ("active", state_counts[ACTIVE]),
        ("muted", state_counts[MUTED]),
        ("joins", sum(flows.joins.values())),
        ("leaves", flows.leaves), ("kicks", flows.kicks), ("mutes", flows.mutes), ("unmutes", flows.unmutes),
        *_activity(model, today).items(),
        ("value_contributors", np.count_nonzero(ordinary & recent)),
        ("sustained_contributors", np.count_nonzero(ordinary & (weeks >= h.sustained_min_weeks))),
        ("mean_satisfaction", float(m.satisfaction[:n] @ ordinary) / n_ordinary if n_ordinary else np.nan),
        ("mean_fit", float(m.fit[:n] @ ordinary) / n_ordinary if n_ordinary else np.nan),
        ("cost_yuan", model.ledger.total_cost),
        ("revenue_yuan", model.ledger.total_revenue),
        ("groups", len(model.groups.open_groups())),
        ("groups_alive", len(alive)),
        ("alive", 1.0 if alive and model.ended_by is None else 0.0),
    ):  # fmt: skip
        row[_COL[column]] = value
    model.daily.add(row, model.take_notes() + flows.notes)


def _activity(model: CommunityModel, today: Day) -> dict[str, float]:
    """The day's messages: posts by kind (as readers saw them), removals, replies, invitations, and
    what a chat export shows — every message posted (removed ones too) and who spoke, the operator
    speaking through one account per group (its guided replies are among the replies)."""
    feed, posts, settled = today.feed, today.posts, today.replies
    if feed is None:  # the community was dissolved before anyone posted
        return dict.fromkeys(("value_posts", "operator_posts", "chatter", "ads", "removed", "replies",
                              "invitations", "messages", "speakers"), 0)  # fmt: skip
    enf = today.enforcement
    member_messages = int(posts.value.sum() + posts.chatter.sum() + posts.ads.sum())
    replies_n = int(settled.per_group.sum())
    spoke = posts.posted_value | (posts.chatter > 0) | (posts.ads > 0) | (settled.given > 0)
    operator_spoke = (feed.operator_posts + today.plan.guided_replies) > 0
    return {
        "value_posts": feed.value.sum(),
        "operator_posts": feed.operator_posts.sum(),
        "chatter": round(float(feed.chatter.sum())),
        "ads": round(float(feed.ads.sum())),
        "removed": int(enf.removed_ads.sum() + enf.removed_chatter.sum()),
        "replies": replies_n,
        "invitations": today.invitations,
        "messages": member_messages + int(feed.operator_posts.sum()) + replies_n,
        "speakers": int(np.count_nonzero(spoke)) + int(np.count_nonzero(operator_spoke)),
    }
