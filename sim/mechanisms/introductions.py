"""Weak ties made on purpose: newcomers' self-introductions and the operator's introductions.

Seed 003 前期推广: "群成员自我介绍(名字、职业、行业、城市等 … 以增进群里成员相互链接)" — a newcomer
who introduces themselves forms a few weak ties with members who read it. Seed 002 引导: "提到了
(某个话题的某个专业问题)你立马想到了某个人,你帮他推荐,认识" — the operator introduces a member to
another who shares their sub-topic, those with the fewest ties first.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import CHANNEL, GROUP, INTEREST, JOIN_DAY, ROLE, STATE, TIE_STRENGTH
from sim.enums import ACTIVE, ADMIN, OPERATOR
from sim.mechanisms.draws import uniform
from sim.mechanisms.groups import by_group, pick

_TRIES = 8  # draws to find a partner who shares the sub-topic before settling for anyone in the group


@nb.njit(cache=True)
def _readers(n: int, Z: np.ndarray) -> np.ndarray:
    """Weight 1 for active members who are not the operator's side, else 0."""
    weight = np.zeros(n)
    for i in range(n):
        if Z[STATE, i] == ACTIVE and Z[ROLE, i] != ADMIN:
            weight[i] = 1.0
    return weight


@nb.njit(cache=True)
def self_introductions(key: np.uint64, day: int, n: int, n_groups: int, Z: np.ndarray, ties_each: int):
    """Ties of today's newcomers who chose to join (not those added without asking), each with
    `ties_each` members of their group drawn at random among its active readers (oneself dropped).
    Returns the tie ends (a, b)."""
    rows, cumulative, start = by_group(n, n_groups, Z[GROUP], _readers(n, Z))
    a, b = np.empty(n * ties_each, dtype=np.int64), np.empty(n * ties_each, dtype=np.int64)
    made = 0
    for i in range(n):
        if Z[JOIN_DAY, i] != day or Z[CHANNEL, i] == OPERATOR or Z[STATE, i] != ACTIVE or Z[ROLE, i] == ADMIN:
            continue
        g = Z[GROUP, i]
        for k in range(ties_each):
            other = pick(rows, cumulative, start[g], start[g + 1], uniform(key, day, i, k))
            if other >= 0 and other != i:
                a[made], b[made] = i, other
                made += 1
    return a[:made], b[:made]


@nb.njit(cache=True)
def introduce(
    key: np.uint64, day: int, n: int, n_groups: int, F: np.ndarray, Z: np.ndarray, per_group: np.ndarray
):
    """The operator's introductions: `per_group[g]` in each group g. The first member is drawn in
    proportion to 1 / (1 + tie strength) (newcomers and loners first), the second among the
    group's readers, preferring one of the same sub-topic (up to a few draws). Returns (a, b)."""
    readers = _readers(n, Z)
    lonely = np.zeros(n)
    for i in range(n):
        if readers[i] > 0:
            lonely[i] = 1.0 / (1.0 + F[TIE_STRENGTH, i])
    rows_l, cum_l, start_l = by_group(n, n_groups, Z[GROUP], lonely)
    rows, cumulative, start = by_group(n, n_groups, Z[GROUP], readers)
    total = int(per_group.sum())
    a, b = np.empty(total, dtype=np.int64), np.empty(total, dtype=np.int64)
    made = 0
    for g in range(n_groups):
        for k in range(per_group[g]):
            first = pick(rows_l, cum_l, start_l[g], start_l[g + 1], uniform(key, day, g, k * (_TRIES + 1)))
            if first < 0:
                break
            second = -1
            for t in range(_TRIES):
                other = pick(
                    rows, cumulative, start[g], start[g + 1], uniform(key, day, g, k * (_TRIES + 1) + 1 + t)
                )
                if other != first:
                    second = other
                    if Z[INTEREST, other] == Z[INTEREST, first]:
                        break
            if second >= 0:
                a[made], b[made] = first, second
                made += 1
    return a[:made], b[:made]
