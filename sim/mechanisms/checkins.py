"""Check-ins with peer accountability (学习打卡; seed 003: "课程学习群:在大家一同学习打卡同一个课程,
并互相促进"; 学习类社群 "前期以学习互相坚督为主,后期互相交流与分享").

On a check-in day each active member (not the operator's side, not a KOL) checks in — posts their
day's progress, a small value post — with probability

    p = min(1, rate * habit * need * (0.5 + 0.5 * fit) * (1 + accountability * peers))

where `peers` is the share of the group's members who checked in last time (seeing others keep it
up holds one to it). Checking in strengthens the habit (habit += recovery * (1 - habit)) and draws
the member in (activation); a missed check-in day weakens it (habit *= 1 - lapse), and a muted
member misses every one. Without enough peers the habit wears down and the group stops checking
in; with them it can hold.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, CHECKIN_HABIT, FIT, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN, KOL, MUTED
from sim.mechanisms.draws import uniform
from sim.scenario.schema import CheckIns


@nb.njit(cache=True)
def chance(rate: float, habit: float, need: float, fit: float, accountability: float, peers: float) -> float:
    """Chance a member checks in today (see the module docstring)."""
    return min(1.0, rate * habit * need * (0.5 + 0.5 * fit) * (1.0 + accountability * peers))


def arguments(c: CheckIns) -> tuple:
    """The scenario's constants `check_in` takes, in its order."""
    return c.activation, c.rate, c.accountability, c.lapse, c.recovery


@nb.njit(cache=True)
def check_in(
    key: np.uint64, day: int, n: int, n_groups: int, F: np.ndarray, Z: np.ndarray, value: np.ndarray,
    checked: np.ndarray, need: np.ndarray, peers: np.ndarray, lift: float, rate: float, accountability: float,
    lapse: float, recovery: float,
) -> np.ndarray:  # fmt: skip
    """Today's check-ins (1 in `checked`, and one more value post in `value`) and habits, in place;
    `peers` is each group's share who checked in last time. Returns each group's share today."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    eligible, done = np.zeros(n_groups), np.zeros(n_groups)
    for i in range(n):
        checked[i] = 0
        if state[i] > MUTED or role[i] == ADMIN or role[i] == KOL:
            continue
        g = group[i]
        if state[i] == ACTIVE:
            eligible[g] += 1.0
            p = chance(rate, F[CHECKIN_HABIT, i], need[i], F[FIT, i], accountability, peers[g])
            if uniform(key, day, i, 0) < p:
                checked[i] = 1
                value[i] += 1
                done[g] += 1.0
                F[CHECKIN_HABIT, i] += recovery * (1.0 - F[CHECKIN_HABIT, i])
                F[ACTIVATION, i] += lift
                continue
        F[CHECKIN_HABIT, i] *= 1.0 - lapse
    share = np.zeros(n_groups)
    for g in range(n_groups):
        share[g] = done[g] / eligible[g] if eligible[g] > 0 else 0.0
    return share


@nb.njit(cache=True)
def discount(
    n: int, Z: np.ndarray, checked: np.ndarray, quality: np.ndarray, totals: np.ndarray, member_quality: float,
    checkin_quality: float,
) -> None:  # fmt: skip
    """A check-in is worth `checkin_quality` to readers, not a full post's `member_quality`: take the
    difference off each checker's quality-weighted posts and their group's total (row 1 of the
    feed's totals)."""
    for i in range(n):
        if checked[i]:
            cut = member_quality - checkin_quality
            quality[i] -= cut
            totals[1, Z[GROUP, i]] -= cut
