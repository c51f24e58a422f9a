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


@nb.njit(cache=True)
def fade(
    n_edges: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, alive: np.ndarray, lasting: np.ndarray,
    formed: np.ndarray, tie_strength: np.ndarray, tie_count: np.ndarray, day: int, half_life: float,
    forget_below: float, dunbar: float,
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
    count_before = tie_count.copy()
    forgotten = 0
    for e in range(n_edges):
        if not alive[e] or lasting[e]:
            continue
        a, b = src[e], dst[e]
        load = max(1.0, count_before[a] / dunbar, count_before[b] / dunbar)
        old = float(weight[e])
        new = old * np.exp(-load * np.log(2.0) / (half_life + max(day - formed[e], 0)))
        if new < forget_below:
            alive[e] = False
            new = 0.0
            tie_count[a] -= 1
            tie_count[b] -= 1
            forgotten += 1
        weight[e] = new
        lost = old - float(weight[e])
        tie_strength[a] = max(tie_strength[a] - lost, 0.0)
        tie_strength[b] = max(tie_strength[b] - lost, 0.0)
    return forgotten
