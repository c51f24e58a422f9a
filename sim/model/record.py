"""The end of a day: which groups died, and the day's row of the results table.

One row per simulated day, columns as in `sim.metrics.DAILY_COLUMNS`; the daily table
(sim/runner.py) is built from these rows and the day's notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numba as nb
import numpy as np

from sim.columns import FIT, LAST_VALUE_DAY, ROLE, SATISFACTION, STATE, VALUE_WEEKS
from sim.enums import ADMIN, MUTED, Channel, Role
from sim.mechanisms import value_sources
from sim.metrics import DAILY_COLUMNS
from sim.model import actions
from sim.model.day import Day

if TYPE_CHECKING:
    from sim.model.community import CommunityModel

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
_JOIN_COLUMN = {int(channel): _COL[f"joins_{channel.name.lower()}"] for channel in Channel}
# where things go in the row (the kernel writes by position; blocks follow DAILY_COLUMNS' order)
_DAY, _MEMBERS, _ACTIVE, _ROLES = _COL["day"], _COL["members"], _COL["active"], _COL["lurkers"]
_CONTRIBUTORS, _SUSTAINED, _SPEAKERS = (
    _COL["value_contributors"],
    _COL["sustained_contributors"],
    _COL["speakers"],
)
_SATISFACTION, _FIT, _ALIVE = _COL["mean_satisfaction"], _COL["mean_fit"], _COL["alive"]
_REMOVED, _REPLIES, _INVITATIONS, _MESSAGES = (
    _COL["removed"],
    _COL["replies"],
    _COL["invitations"],
    _COL["messages"],
)
_VALUE_POSTS, _OPERATOR_POSTS, _CHATTER, _ADS = (
    _COL["value_posts"],
    _COL["operator_posts"],
    _COL["chatter"],
    _COL["ads"],
)


def _block(*names: str) -> list[int]:
    return [_COL[name] for name in names]


_CHECKINS, _OWNER_DEAL_VALUE, _CULTURE, _ENERGY = _block(
    "checkins", "owner_deal_value", "culture", "owner_energy"
)
_FLOWS = _block("joins", "leaves", "kicks", "mutes", "unmutes")
_BOOKS = _block("cost_yuan", "revenue_yuan", "groups", "groups_alive")
if DAILY_COLUMNS[_ACTIVE : _ACTIVE + 2] != ("active", "muted") or DAILY_COLUMNS[
    _ROLES : _ROLES + len(Role)
] != tuple(f"{role.name.lower()}s" for role in Role):
    raise ImportError("the daily table's state and role columns must follow the State and Role codes")  # fmt: skip


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
    """A group is dead once it has had no value for `dead_after_days` — no member value post, nor
    the value its type counts besides (the owner's lessons, deals taken: `value_sources.counted`);
    the community once all are. It runs before the record, so the day a group is found dead
    records it as dead."""
    sc, groups, day = model.current, model.groups, today.number
    today.sourced = value_sources.counted(sc.group, today.plan.morning_report, today.deal_orders)
    value_g = today.feed.value + today.sourced
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


@nb.njit(cache=True)
def _tally(
    day: int, n: int, F: np.ndarray, Z: np.ndarray, window: int, weeks_mask: int, min_weeks: int, row: np.ndarray,
) -> None:  # fmt: skip
    """Fill the member-derived columns of today's row: present members by state and role; value
    contributors (ordinary members — not the operator's side — who posted value within `window`
    days) and sustained ones (in at least `min_weeks` of the last complete weeks: bits of
    `value_weeks` >> 1 under `weeks_mask`); mean satisfaction and fit of ordinary members."""
    state, role, last_value_day, value_weeks = Z[STATE], Z[ROLE], Z[LAST_VALUE_DAY], Z[VALUE_WEEKS]
    ordinary, satisfaction, fit, contributors, sustained = 0, 0.0, 0.0, 0, 0
    for i in range(n):
        if state[i] > MUTED:
            continue
        row[_ACTIVE + state[i]] += 1.0
        row[_ROLES + role[i]] += 1.0
        if role[i] == ADMIN:
            continue
        ordinary += 1
        satisfaction += F[SATISFACTION, i]
        fit += F[FIT, i]
        contributors += last_value_day[i] > day - window
        weeks, bits = 0, (value_weeks[i] >> 1) & weeks_mask
        while bits:
            weeks += bits & 1
            bits >>= 1
        sustained += weeks >= min_weeks
    row[_MEMBERS] = row[_ACTIVE] + row[_ACTIVE + 1]
    row[_CONTRIBUTORS], row[_SUSTAINED] = contributors, sustained
    row[_SATISFACTION] = satisfaction / ordinary if ordinary else np.nan
    row[_FIT] = fit / ordinary if ordinary else np.nan


@nb.njit(cache=True)
def _activity(
    n: int, value: np.ndarray, chatter: np.ndarray, ads: np.ndarray, given: np.ndarray, totals: np.ndarray,
    operator_posts: np.ndarray, guided: np.ndarray, removed_ads: np.ndarray, removed_chatter: np.ndarray,
    replies: np.ndarray, row: np.ndarray,
) -> None:  # fmt: skip
    """The day's messages: posts by kind as readers saw them (`totals` from `reading.feed`),
    removals, replies, and what a chat export shows — every message posted (removed ones too) and
    who spoke, the operator speaking through one account per group (its guided replies are among
    the replies)."""
    posted, speakers = 0, 0
    for i in range(n):
        posted += value[i] + chatter[i] + ads[i]
        speakers += value[i] > 0 or chatter[i] > 0 or ads[i] > 0 or given[i] > 0
    chatter_seen, ads_seen = 0.0, 0.0
    for g in range(totals.shape[1]):
        row[_VALUE_POSTS] += totals[0, g]
        chatter_seen += totals[2, g]
        ads_seen += totals[3, g]
        row[_OPERATOR_POSTS] += operator_posts[g]
        row[_REMOVED] += removed_ads[g] + removed_chatter[g]
        row[_REPLIES] += replies[g]
        speakers += operator_posts[g] + guided[g] > 0
    row[_CHATTER], row[_ADS] = np.round(chatter_seen), np.round(ads_seen)
    row[_MESSAGES] = posted + row[_OPERATOR_POSTS] + row[_REPLIES]
    row[_SPEAKERS] = speakers


def record_day(model: CommunityModel, today: Day) -> None:
    """Append today's row of the per-day table (an empty day when the community was dissolved)."""
    h, m, flows = model.current.horizon, model.members, today.flows
    row = np.zeros(len(DAILY_COLUMNS))
    _tally(today.number, m.n, m.F, m.Z, h.contributor_window_days, (1 << h.sustained_weeks) - 1,
           h.sustained_min_weeks, row)  # fmt: skip
    if today.feed is not None:
        p, enf = today.posts, today.enforcement
        _activity(today.n, p.value, p.chatter, p.ads, today.replies.given, today.feed.totals, today.feed.operator_posts,
                  today.plan.guided_replies, enf.removed_ads, enf.removed_chatter, today.replies.per_group, row)  # fmt: skip
        row[_INVITATIONS] = today.invitations
    for channel, joined in flows.joins.items():
        row[_JOIN_COLUMN[channel]] = joined
    row[_DAY] = today.number
    row[_FLOWS] = sum(flows.joins.values()), flows.leaves, flows.kicks, flows.mutes, flows.unmutes
    alive = model.groups.alive_groups()
    row[_BOOKS] = (
        model.ledger.total_cost,
        model.ledger.total_revenue,
        len(model.groups.open_groups()),
        len(alive),
    )
    row[_ALIVE] = 1.0 if alive and model.ended_by is None else 0.0
    _record_new_figures(model, today, alive, row)
    model.daily.add(row, model.take_notes() + flows.notes)


def _record_new_figures(model: CommunityModel, today: Day, alive: list[int], row: np.ndarray) -> None:
    """Check-ins, the value the group type counts besides members' posts, the mean culture of the
    live groups and the owner's energy (NaN for what is not tracked)."""
    sc = model.current
    row[_CHECKINS] = today.checked.sum() if today.checked is not None else 0.0
    row[_OWNER_DEAL_VALUE] = today.sourced.sum() if today.sourced is not None else 0.0
    row[_CULTURE] = model.culture[alive].mean() if sc.culture.enabled and alive else np.nan
    row[_ENERGY] = model.energy.level if sc.energy.enabled else np.nan
