"""Ties between members (seed 004 情感连接; seed 001 第3步): formed by replies, small talk, events,
invitations and the owner's personal asks; they hold members in the group, make up the bond and
draw lurkers into talk. The tie log (sim/state.py `TieLog`) keeps every edge; these kernels keep
each member's summed tie strength and count of live ties in step with it.
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def form(
    a: np.ndarray, b: np.ndarray, weight: float, day: int, start: int, src: np.ndarray, dst: np.ndarray,
    strength: np.ndarray, alive: np.ndarray, when: np.ndarray, tie_strength: np.ndarray, tie_count: np.ndarray,
) -> int:  # fmt: skip
    """Log ties a[k]-b[k] of strength `weight` from edge `start` on (the log has room; ties of a
    member with themself are dropped) and add them to both ends; returns the log's new length."""
    e = start
    for k in range(a.shape[0]):
        if a[k] == b[k]:
            continue
        src[e], dst[e], strength[e], alive[e], when[e] = a[k], b[k], weight, True, day
        e += 1
        tie_strength[a[k]] += weight
        tie_strength[b[k]] += weight
        tie_count[a[k]] += 1
        tie_count[b[k]] += 1
    return e


@nb.njit(cache=True)
def retire(
    ids: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, alive: np.ndarray,
    tie_strength: np.ndarray, tie_count: np.ndarray,
) -> None:  # fmt: skip
    """Retire the live edges among `ids` (an edge listed twice is retired once), taking them off
    both ends' strength and count; round-off never leaves a negative strength."""
    for e in ids:
        if not alive[e]:
            continue
        alive[e] = False
        for end in (src[e], dst[e]):
            tie_strength[end] = max(tie_strength[end] - weight[e], 0.0)
            tie_count[end] -= 1
