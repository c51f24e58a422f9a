"""Per-group quantities seen from each member, and members sorted by group for per-group draws."""

from __future__ import annotations

import numba as nb
import numpy as np


def per_member(values: np.ndarray, group: np.ndarray) -> np.ndarray | np.floating:
    """Each member's value of a per-group quantity.

    With one group this is the scalar itself (NumPy broadcasts it), which spares a gather over
    all members: most communities are a single group.
    """
    return values[0] if values.shape[0] == 1 else values[group]


@nb.njit(cache=True)
def by_group(n: int, n_groups: int, group: np.ndarray, weight: np.ndarray):
    """Members with weight > 0 sorted by group (row order within a group), each group's slice
    `start[g]:start[g + 1]` of them, and the cumulative weight within each group's slice.

    Returns (rows, cumulative, start). Weighted draws within one group invert the cumulative weight
    of its slice (see `pick`)."""
    start = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(n):
        if weight[i] > 0:
            start[group[i] + 1] += 1
    for g in range(n_groups):
        start[g + 1] += start[g]
    rows = np.empty(start[n_groups], dtype=np.int64)
    cumulative = np.empty(start[n_groups])
    fill = start[:-1].copy()
    for i in range(n):
        if weight[i] > 0:
            rows[fill[group[i]]] = i
            fill[group[i]] += 1
    for g in range(n_groups):
        total = 0.0
        for k in range(start[g], start[g + 1]):
            total += weight[rows[k]]
            cumulative[k] = total
    return rows, cumulative, start


@nb.njit(cache=True)
def pick(rows: np.ndarray, cumulative: np.ndarray, lo: int, hi: int, u: float) -> int:
    """The member at cumulative probability `u` within the slice lo:hi (weighted, with replacement);
    -1 if the slice is empty."""
    if hi <= lo:
        return -1
    k = lo + np.searchsorted(cumulative[lo:hi], u * cumulative[hi - 1], side="right")
    return rows[min(k, hi - 1)]
