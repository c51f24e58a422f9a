"""@-mentions (seed 003 SOP: @潜水成员): the operator and KOCs call quiet members by name.

A mention goes to a quiet, well-fitting member (the ones worth drawing in), activates them, counts
as attention from the group, and may break through a mute. A member @-ed again and again grows
used to it: each mention's pull is wear^(their recent mentions) of a fresh one's (habituation,
sim/mechanisms/habituation.py; seed 002: 做不长).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import (
    ACTIVATION,
    FIT,
    GROUP,
    MENTION_FATIGUE,
    MENTIONS_RECEIVED,
    RECENT_ACTIVITY,
    ROLE,
    STATE,
)
from sim.enums import ACTIVE, ADMIN, MUTED
from sim.mechanisms.draws import uniform
from sim.mechanisms.groups import by_group, pick


@nb.njit(cache=True)
def deliver(
    key: np.uint64, day: int, n: int, F: np.ndarray, Z: np.ndarray, per_group: np.ndarray, mentions: np.ndarray,
    unmute_probability: float, boost: float, wear: float,
) -> int:  # fmt: skip
    """Send `per_group[g]` mentions in each group g, each to a present member (not the operator's
    side) drawn in proportion to fit x quietness (1 - recent activity, floored at 0); a member may be
    @-ed more than once. Each mention activates (`boost`), is counted in `mentions` (today) and in the
    member's record, and is one chance to unmute (`unmute_probability`); boost and unmute chance are
    scaled by wear^(the member's mention fatigue), which each mention raises by one. Returns the
    members unmuted."""
    state, role = Z[STATE], Z[ROLE]
    weight = np.zeros(n)
    for i in range(n):
        if state[i] <= MUTED and role[i] != ADMIN:
            weight[i] = F[FIT, i] * (1.0 - min(1.0, F[RECENT_ACTIVITY, i]))
    rows, cumulative, start = by_group(n, per_group.shape[0], Z[GROUP], weight)
    unmuted = 0
    for g in range(per_group.shape[0]):
        for k in range(per_group[g]):
            i = pick(rows, cumulative, start[g], start[g + 1], uniform(key, day, g, 2 * k))
            if i < 0:
                break
            mentions[i] += 1
            Z[MENTIONS_RECEIVED, i] += 1
            fresh = wear ** F[MENTION_FATIGUE, i]
            F[MENTION_FATIGUE, i] += 1.0
            F[ACTIVATION, i] += boost * fresh
            if state[i] == MUTED and uniform(key, day, g, 2 * k + 1) < unmute_probability * fresh:
                state[i] = ACTIVE
                unmuted += 1
    return unmuted
