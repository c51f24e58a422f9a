"""KOL seeding (seed 003: 每个群务必有一到两个KOL; seed 004 ⑽; seed 001 step 2).

A KOL posts high-value content, sparks activation in everyone who reads it, keeps members from
leaving while they speak, and draws organic prospects. All of it follows from the KOL actually
posting: a KOL who never speaks has no effect (KOL得没事说说话). The spark is applied while members
read (sim/mechanisms/reading.py `expose`), the hold while they decide to leave (churn).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import LAST_VALUE_DAY, ROLE, STATE
from sim.enums import KOL, MUTED


@nb.njit(cache=True)
def active(n: int, Z: np.ndarray, day: int) -> int:
    """Present KOLs who posted value content within the last week (they draw organic prospects)."""
    count = 0
    for i in range(n):
        if Z[ROLE, i] == KOL and Z[STATE, i] <= MUTED and day - Z[LAST_VALUE_DAY, i] < 7:
            count += 1
    return count
