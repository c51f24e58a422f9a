"""Ties between members (seed 004 情感连接; seed 001 第3步): formed by replies, small talk, events,
invitations and the owner's personal asks; they hold members in the group, make up the bond and
draw lurkers into talk. The tie log (sim/state.py `TieLog`) keeps every edge; these kernels keep
each member's summed tie strength and count of live ties in step with it.
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
        _add(a[k], b[k], weight, F, Z)
    return e


@nb.njit(cache=True)
def _add(a: int, b: int, weight: float, F: np.ndarray, Z: np.ndarray) -> None:
    """Add (or with a negative weight, take off) a tie a-b at both ends."""
    step = 1 if weight >= 0 else -1
    for end, other in ((a, b), (b, a)):
        F[TIE_STRENGTH, end] = max(
            F[TIE_STRENGTH, end] + weight, 0.0
        )  # round-off never leaves a negative tie
        Z[TIE_COUNT, end] += step
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
            _add(src[e], dst[e], -np.float64(weight[e]), F, Z)
