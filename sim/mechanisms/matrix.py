"""The group matrix (seed 004 ⒁⒂, seed 003 促活): size caps with overflow groups, splitting a large
group into focused sub-groups, merging or dissolving dead groups, removing long-term lurkers.
"""

from __future__ import annotations

import numpy as np


def route(
    interest: np.ndarray, sizes: dict[int, int], focus: dict[int, tuple[int, int]], cap: int
) -> np.ndarray:
    """Group for each newcomer: a group focused on their sub-topic, else a general group, else any
    open group with room. `focus[g]` is (slot, modulus): g serves sub-topic i if i % modulus == slot
    (modulus 0: a general group).

    Returns -1 where no open group has room (the caller opens an overflow group). `sizes` is updated.
    """
    out = np.full(interest.shape[0], -1, dtype=np.int64)
    for k in range(interest.shape[0]):
        matching = [
            g for g in sizes if focus[g][1] and interest[k] % focus[g][1] == focus[g][0] and sizes[g] < cap
        ]
        general = [g for g in sizes if not focus[g][1] and sizes[g] < cap]
        options = matching or general or [g for g in sizes if sizes[g] < cap]
        if options:
            g = min(options, key=lambda x: (sizes[x], x))
            out[k] = g
            sizes[g] += 1
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
