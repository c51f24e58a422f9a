"""Sales from the operator's promotions (发商品 / 推商品, seed 002 第二点).

A promotion converts readers who saw it, in proportion to their bond with the group (a sale to
people who know and trust the group is welcome; to strangers it is spam) and their fit.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.groups import per_member
from sim.scenario.schema import Promotion


def revenue_yuan(
    ads_read: np.ndarray,
    promotions: np.ndarray,
    ads_in_group: np.ndarray,
    group: np.ndarray,
    bond: np.ndarray,
    fit: np.ndarray,
    promotion: Promotion,
) -> float:
    """Yuan of today's orders: the promotions' share of the ads each member read, times their bond
    and fit, times the conversion rate and order value. `promotions` and `ads_in_group` are per group."""
    share_promo = per_member(promotions / np.maximum(ads_in_group, 1e-9), group)
    buyers = float((ads_read * share_promo * bond * fit).sum()) * promotion.conversion
    return buyers * promotion.order_value_yuan
