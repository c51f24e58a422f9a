"""Ties between members (seed 004 情感连接; seed 001 第3步): formed by replies, small talk, events,
invitations, introductions and the owner's personal asks; they hold members in the group, make up
the bond and draw lurkers into talk. Without renewed contact they fade (线上… 一周看不到…就被人们
遗忘), and a member who keeps up more ties than Dunbar's number lets each fade faster. The tie log
(sim/state.py `TieLog`) keeps every edge; these kernels keep each member's summed tie strength and
count of live ties in step with it.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import GROUP, OPERATOR_TIE, ROLE, TIE_COUNT, TIE_STRENGTH
from sim.enums import ADMIN


@nb.njit(cache=True)
def form(
    a: np.ndarray, b: np.ndarray, weight: float, day: int, start: int, src: np.ndarray, dst: np.ndarray,
    strength: np.ndarray, alive: np.ndarray, when: np.ndarray, F: np.ndarray, Z: np.ndarray,
) -> int:  # fmt: skip
    """Log ties a[k]-b[k] of strength `weight` from edge `start` on (the log has room; ties of a
    member with themself are dropped) and add them to both ends (a tie with the owner or an admin
    also to the other end's `operator_tie`); returns the log's new length."""
    e = start
    for k in range(a.shape[0]):
        if a[k] == b[k]:
            continue
        src[e], dst[e], strength[e], alive[e], when[e] = a[k], b[k], weight, True, day
        e += 1
        _add(a[k], b[k], weight, 1, F, Z)
    return e


@nb.njit(cache=True)
def _add(a: int, b: int, weight: float, count: int, F: np.ndarray, Z: np.ndarray) -> None:
    """Add `weight` (negative: take it off) and `count` live ties to both ends of the tie a-b (and
    to an end's `operator_tie` when the other end is the owner or an admin)."""
    for end, other in ((a, b), (b, a)):
        F[TIE_STRENGTH, end] = max(
            F[TIE_STRENGTH, end] + weight, 0.0
        )  # round-off never leaves a negative tie
        Z[TIE_COUNT, end] += count
        if Z[ROLE, other] == ADMIN:
            F[OPERATOR_TIE, end] = max(F[OPERATOR_TIE, end] + weight, 0.0)


@nb.njit(cache=True)
def effective(n: int, F: np.ndarray, Z: np.ndarray, span: np.ndarray, out: np.ndarray) -> None:
    """Each member's tie strength as it holds them: ties to other members count in full, ties to the
    owner and admins only as far as their personal attention reaches in the member's group
    (`span[g]` = min(1, operator side x personal span / present members))."""
    for i in range(n):
        operator = F[OPERATOR_TIE, i]
        out[i] = F[TIE_STRENGTH, i] - operator + operator * span[Z[GROUP, i]]


@nb.njit(cache=True)
def retire(ids: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, alive: np.ndarray, F: np.ndarray,
           Z: np.ndarray) -> None:  # fmt: skip
    """Retire the live edges among `ids` (an edge listed twice is retired once), taking them off
    both ends' strength and count."""
    for e in ids:
        if alive[e]:
            alive[e] = False
            _add(src[e], dst[e], -np.float64(weight[e]), -1, F, Z)


@nb.njit(cache=True)
def fade(
    n_edges: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, alive: np.ndarray, lasting: np.ndarray,
    formed: np.ndarray, F: np.ndarray, Z: np.ndarray, day: int, half_life: float, forget_below: float,
    dunbar: float,
) -> int:  # fmt: skip
    """A night without contact. Every live edge formed in the group (not `lasting`: the ties between
    friends who invited each other, or the owner and the founders they asked, predate the group and
    do not depend on it) loses the share 1 - exp(-load x ln 2 / (half_life + age)) of its weight,
    age being the days since it formed: a new tie fades at the pace of a `half_life` half-life, an
    old one ever more slowly (ties that lasted tend to last: the liability of newness). `load` is
    the larger of 1 and its ends' live ties / `dunbar` (counted before tonight's fading): keeping up
    more ties than one can costs each of them. An edge that falls below `forget_below` is forgotten
    (it dies). Both ends' strength and count follow. Renewed contact adds a new edge, so a tie lasts
    while the pair keeps talking. Returns the number of edges forgotten."""
    count_before = Z[TIE_COUNT].copy()
    forgotten = 0
    for e in range(n_edges):
        if not alive[e] or lasting[e]:
            continue
        a, b = src[e], dst[e]
        load = max(1.0, count_before[a] / dunbar, count_before[b] / dunbar)
        old = float(weight[e])
        new = old * np.exp(-load * np.log(2.0) / (half_life + max(day - formed[e], 0)))
        lost_tie = 0
        if new < forget_below:
            alive[e] = False
            new = 0.0
            lost_tie = -1
            forgotten += 1
        weight[e] = new
        _add(a, b, -(old - float(weight[e])), lost_tie, F, Z)
    return forgotten
