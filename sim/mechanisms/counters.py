"""Each member's running record: lifetime counters, the last day they posted, the weeks they
posted value in, and a 14-day memory of how active they are (what KOC reviews, @-mentions and
lurker clean-ups look at)."""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import (  # fmt: skip
    ADS_POSTED,
    CHATTER_POSTS,
    LAST_POST_DAY,
    LAST_VALUE_DAY,
    RECENT_ACTIVITY,
    REPLIES_GIVEN,
    REPLIES_RECEIVED,
    VALUE_POSTS,
    VALUE_WEEKS,
)


@nb.njit(cache=True)
def tally(
    day: int, n: int, F: np.ndarray, Z: np.ndarray, value: np.ndarray, chatter: np.ndarray, ads: np.ndarray,
    given: np.ndarray, received: np.ndarray,
) -> None:  # fmt: skip
    """Add today's posts and replies to each member's record."""
    for i in range(n):
        Z[VALUE_POSTS, i] += value[i]
        Z[CHATTER_POSTS, i] += chatter[i]
        Z[ADS_POSTED, i] += ads[i]
        Z[REPLIES_GIVEN, i] += given[i]
        Z[REPLIES_RECEIVED, i] += received[i]
        if value[i] > 0:
            Z[LAST_VALUE_DAY, i] = day
            Z[VALUE_WEEKS, i] |= 1
        if value[i] > 0 or chatter[i] > 0 or given[i] > 0:
            Z[LAST_POST_DAY, i] = day
        F[RECENT_ACTIVITY, i] = (13.0 * F[RECENT_ACTIVITY, i] + 3.0 * value[i] + given[i]) / 14.0
