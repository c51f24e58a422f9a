"""Group rules and their enforcement (群规, seed 000 §2 and 003).

Violations (member ads when ads are banned, off-topic chatter when it is banned) are caught in
proportion to enforcement capacity, which grows with the admins (owner time, volunteer admins,
KOCs) relative to the number of violations. Caught messages are removed after some readers saw
them; violators are warned and, past the allowed warnings, kicked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from sim.columns import GROUP, ROLE, STATE, WARNINGS
from sim.enums import ADMIN, KOC, MUTED
from sim.mechanisms.draws import uniform
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Enforcement:
    caught: np.ndarray  # bool per member: a violation of theirs was caught today
    kicked: np.ndarray  # bool per member: caught past the allowed warnings
    removed_ads: np.ndarray  # per group
    removed_chatter: np.ndarray  # per group
    operator_hours: float = 0.0  # owner's time spent on the violations the admins could not handle

    @classmethod
    def none(cls, n: int, n_groups: int) -> Enforcement:
        """A day on which nothing was caught."""
        no = np.zeros(n, dtype=np.bool_)
        return cls(no, no, np.zeros(n_groups), np.zeros(n_groups))


@nb.njit(cache=True)
def capacity(moderators: float, owner_hours: float, per_admin: float, per_hour: float) -> float:
    """Violations a group's moderators can handle today: its admins and KOCs, plus its share of the
    owner's time."""
    return moderators * per_admin + owner_hours * per_hour


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `enforce` takes, in its order."""
    r = sc.rules
    return (
        r.ban_ads,
        r.ban_off_topic,
        r.handled_per_admin_per_day,
        r.handled_per_operator_hour,
        r.warnings_before_kick,
    )


@nb.njit(cache=True)
def enforce(
    key: np.uint64, day: int, n: int, Z: np.ndarray, ads: np.ndarray, chatter: np.ndarray, owner_hours: np.ndarray,
    caught: np.ndarray, kicked: np.ndarray, removed_ads: np.ndarray, removed_chatter: np.ndarray, ban_ads: bool,
    ban_chatter: bool, per_admin: float, per_hour: float, warnings_before_kick: int,
) -> float:  # fmt: skip
    """Catch violations with probability min(1, capacity / violations) in each group.

    Fills `caught` and `kicked` (per member) and `removed_ads`, `removed_chatter` (per group);
    warnings of the caught go up by one. `owner_hours` is the owner's time left after the SOP, per
    group. Returns the hours the owner actually spent (on what the admins could not handle)."""
    group, role, state, warnings = Z[GROUP], Z[ROLE], Z[STATE], Z[WARNINGS]
    n_groups = owner_hours.shape[0]
    violations = np.zeros(n_groups)
    moderators = np.zeros(n_groups)
    for i in range(n):
        violations[group[i]] += ads[i] * ban_ads + chatter[i] * ban_chatter
        if state[i] <= MUTED and (role[i] == ADMIN or role[i] == KOC):
            moderators[group[i]] += 1.0
    p_catch = np.zeros(n_groups)
    for g in range(n_groups):
        p_catch[g] = min(
            1.0, capacity(moderators[g], owner_hours[g], per_admin, per_hour) / max(violations[g], 1.0)
        )
    for i in range(n):
        v_ads, v_chat = ads[i] * ban_ads, chatter[i] * ban_chatter
        caught[i] = (v_ads + v_chat) > 0 and uniform(key, day, i, 0) < p_catch[group[i]]
        kicked[i] = caught[i] and warnings[i] + 1 > warnings_before_kick
        if caught[i]:
            warnings[i] += 1
            removed_ads[group[i]] += v_ads
            removed_chatter[group[i]] += v_chat
    hours = 0.0
    for g in range(n_groups):
        left_to_owner = max(removed_ads[g] + removed_chatter[g] - moderators[g] * per_admin, 0.0)
        hours += min(owner_hours[g], left_to_owner / max(per_hour, 1e-9))
    return hours
