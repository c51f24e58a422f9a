"""The group matrix (seed 004 ⒁⒂, seed 003 促活): size caps with overflow groups, splitting a large
group into focused sub-groups, merging or dissolving dead groups, removing long-term lurkers.
"""

from __future__ import annotations

import numba as nb
import numpy as np


@nb.njit(cache=True)
def route(
    interest: np.ndarray, sizes: np.ndarray, focus_slot: np.ndarray, focus_modulus: np.ndarray,
    open_groups: np.ndarray, cap: int,
) -> np.ndarray:  # fmt: skip
    """Group for each newcomer: the smallest open group with room that is focused on their sub-topic,
    else the smallest general one, else the smallest of any (ties to the lower index). Group g
    serves sub-topic i if i % focus_modulus[g] == focus_slot[g] (modulus 0: a general group).

    Returns -1 where no open group has room (the caller opens overflow groups). `sizes` is updated.
    The cost is newcomers x groups."""
    out = np.full(interest.shape[0], -1, dtype=np.int64)
    for k in range(interest.shape[0]):
        best, best_rank = -1, 3
        for g in range(sizes.shape[0]):
            if not open_groups[g] or sizes[g] >= cap:
                continue
            if focus_modulus[g] == 0:
                rank = 1
            elif interest[k] % focus_modulus[g] == focus_slot[g]:
                rank = 0
            else:
                rank = 2
            if rank < best_rank or (rank == best_rank and sizes[g] < sizes[best]):
                best, best_rank = g, rank
        if best >= 0:
            out[k] = best
            sizes[best] += 1
    return out


def split_assignment(interest: np.ndarray, subgroups: int) -> np.ndarray:
    """Which of `subgroups` focused sub-groups each member goes to (by sub-topic)."""
    return interest.astype(np.int64) % subgroups


def lurkers_to_remove(
    present: np.ndarray,
    removable: np.ndarray,
    last_post_day: np.ndarray,
    join_day: np.ndarray,
    day: int,
    inactive_days: int,
) -> np.ndarray:
    """Rows of members who have been present and silent for `inactive_days` or more."""
    quiet_since = np.maximum(last_post_day, join_day)
    return np.flatnonzero(present & removable & (day - quiet_since >= inactive_days))
