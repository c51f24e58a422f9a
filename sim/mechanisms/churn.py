"""Muting and leaving (seed 003: 经常收到无用的信息… 会自动屏蔽或直接退群).

A member mutes when irritating noise (ads, off-topic chatter for those who came for value,
overload) exceeds their tolerance, and leaves when the group stops being worth it. Ties, commitment
from a costly entry threshold and an active KOL hold people in; muted members mostly stay silent.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import (  # fmt: skip
    CHANNEL,
    COMMITMENT,
    FIRST_MUTE_DAY,
    FIT,
    GOODWILL,
    GROUP,
    RESTLESSNESS,
    ROLE,
    SATISFACTION,
    STATE,
    TOLERANCE,
)
from sim.enums import ACTIVE, ADMIN, MUTED, OPERATOR
from sim.mechanisms.draws import uniform
from sim.scenario.schema import Scenario


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `churn_out` takes, in its order."""
    c = sc.behaviour.churn
    return (
        sc.kol.retention, c.leave_max, c.leave_midpoint, c.leave_scale, c.background_leave, c.tie_lock,
        c.operator_added_leave, c.muted_leave_factor, c.noticed_muted_rate, c.ad_irritation, c.mute_rate,
        c.reciprocity, sc.behaviour.satisfaction.goodwill_needed,
    )  # fmt: skip


@nb.njit(cache=True)
def irritation(
    chatter_read: float, ads_read: float, fit: float, bond: float, overload: float, tolerance: float,
    ad_irritation: float,
) -> float:  # fmt: skip
    """Irritating messages read today relative to tolerance (1 = exactly at tolerance).

    An ad from a group one has no bond with counts as `ad_irritation` messages; off-topic chatter
    irritates in proportion to how much the member came for the theme; overload adds on top.
    """
    return (ad_irritation * ads_read * (1.0 - bond) + chatter_read * fit) / tolerance + 0.5 * overload


@nb.njit(cache=True)
def mute_probability(irritation_ratio: float, mute_rate: float) -> float:
    """Chance of muting today: zero below tolerance, `mute_rate` at twice tolerance."""
    return mute_rate * min(max(irritation_ratio - 1.0, 0.0), 2.0)


@nb.njit(cache=True)
def leave_probability(
    satisfaction: float, restlessness: float, tie_strength: float, commitment: float, kol_spoke: bool,
    kol_retention: float, leave_max: float, leave_midpoint: float, leave_scale: float, background_leave: float,
    tie_lock: float,
) -> float:  # fmt: skip
    """Chance of leaving today for an active member (capped at 1).

    Dissatisfied members leave at up to `leave_max` a day; everyone also leaves at a small
    background rate for reasons outside the group (pruning one's chats). Both scale with the
    member's restlessness, whose wide spread makes time in the group heavy-tailed, and both are
    held back by ties, commitment and a KOL who speaks (one keeps the groups one's friends are in).
    """
    dissatisfied = 1.0 / (1.0 + np.exp((satisfaction - leave_midpoint) / leave_scale))
    held = np.exp(-tie_strength / tie_lock) * (1.0 - commitment) * (1.0 - kol_retention * kol_spoke)
    return min(restlessness * held * (leave_max * dissatisfied + background_leave), 1.0)


@nb.njit(cache=True)
def churn_out(
    key: np.uint64, day: int, n: int, F: np.ndarray, Z: np.ndarray, ties: np.ndarray, kol_last_post: np.ndarray,
    bond: np.ndarray, exposure: np.ndarray, group_hold: np.ndarray, kol_retention: float, leave_max: float,
    leave_midpoint: float, leave_scale: float, background_leave: float, tie_lock: float, operator_added_leave: float,
    muted_leave_factor: float, noticed_muted_rate: float, ad_irritation: float, mute_rate: float, reciprocity: float,
    goodwill_needed: float,
) -> tuple[np.ndarray, int]:  # fmt: skip
    """Who leaves today (rows, returned) and who mutes (done here, in place): one uniform per
    member decides both — low draws leave, high draws mute. `exposure` has the rows of
    `reading.Exposure`; a KOL holds members while they spoke within the week (`kol_last_post` per
    group), and the group's culture by `group_hold` (a multiplier on the leaving hazard per group,
    1 when culture is not tracked). Returns (leavers, mutes)."""
    state, role, channel, group, first_mute = Z[STATE], Z[ROLE], Z[CHANNEL], Z[GROUP], Z[FIRST_MUTE_DAY]
    leavers = np.empty(n, dtype=np.int64)
    n_leave, mutes = 0, 0
    for i in range(n):
        if role[i] == ADMIN or state[i] > MUTED:
            continue
        p = leave_probability(F[SATISFACTION, i], F[RESTLESSNESS, i], ties[i], F[COMMITMENT, i],
                              day - kol_last_post[group[i]] < 7, kol_retention, leave_max, leave_midpoint, leave_scale,
                              background_leave, tie_lock) * group_hold[group[i]]  # fmt: skip
        if channel[i] == OPERATOR:  # added without being asked: less likely to stay if the theme does not fit
            p += operator_added_leave * (1.0 - F[FIT, i])
        if state[i] == MUTED:
            p = p * muted_leave_factor + noticed_muted_rate
        u = uniform(key, day, i, 0)
        if u < p:
            leavers[n_leave] = i
            n_leave += 1
        elif state[i] == ACTIVE:
            owed = 1.0 + reciprocity * max(0.0, 1.0 - F[GOODWILL, i] / goodwill_needed)
            ratio = irritation(exposure[3, i], exposure[4, i], F[FIT, i], bond[i], exposure[5, i], F[TOLERANCE, i],
                               ad_irritation * owed)  # fmt: skip
            if u > 1.0 - mute_probability(ratio, mute_rate):
                state[i] = MUTED
                if first_mute[i] < 0:
                    first_mute[i] = day
                mutes += 1
    return leavers[:n_leave], mutes
