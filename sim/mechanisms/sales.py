"""Sales from the operator's promotions (发商品 / 推商品, seed 002 第二点).

A promotion converts readers who saw it, in proportion to their bond with the group (a sale to
people who know and trust the group is welcome; to strangers it is spam) and their fit.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import FIT, GROUP


@nb.njit(cache=True)
def buyers(
    n: int, F: np.ndarray, Z: np.ndarray, ads_read: np.ndarray, promotions: np.ndarray, ads_in_group: np.ndarray,
    bond: np.ndarray, conversion: float,
) -> float:  # fmt: skip
    """Expected orders today: the promotions' share of the ads each member read, times their bond
    and fit, times the conversion rate (`promotions` and `ads_in_group` are per group)."""
    total = 0.0
    for i in range(n):
        g = Z[GROUP, i]
        total += ads_read[i] * (promotions[g] / max(ads_in_group[g], 1e-9)) * bond[i] * F[FIT, i]
    return total * conversion
