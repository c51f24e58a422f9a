"""Muting and leaving (seed 003: 经常收到无用的信息… 会自动屏蔽或直接退群).

A member mutes when irritating noise (ads, off-topic chatter for those who came for value,
overload) exceeds their tolerance, and leaves when the group stops being worth it. Ties, commitment
from a costly entry threshold and an active KOL hold people in; muted members mostly stay silent.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import Churn


def irritation(
    chatter_read: np.ndarray,
    ads_read: np.ndarray,
    fit: np.ndarray,
    bond: np.ndarray,
    overload: np.ndarray,
    tolerance: np.ndarray,
    c: Churn,
) -> np.ndarray:
    """Irritating messages read today relative to tolerance (1 = exactly at tolerance).

    An ad from a group one has no bond with counts as `ad_irritation` messages; off-topic chatter
    irritates in proportion to how much the member came for the theme; overload adds on top.
    """
    return (c.ad_irritation * ads_read * (1.0 - bond) + chatter_read * fit) / tolerance + 0.5 * overload


def mute_probability(irritation_ratio: np.ndarray, c: Churn) -> np.ndarray:
    """Chance of muting today: zero below tolerance, `mute_rate` at twice tolerance."""
    return c.mute_rate * np.clip(irritation_ratio - 1.0, 0.0, 2.0)


def leave_probability(
    satisfaction: np.ndarray,
    restlessness: np.ndarray,
    tie_strength: np.ndarray,
    commitment: np.ndarray,
    kol_spoke: np.ndarray,
    kol_retention: float,
    c: Churn,
) -> np.ndarray:
    """Chance of leaving today for an active member (capped at 1).

    Dissatisfied members leave at up to `leave_max` a day; everyone also leaves at a small
    background rate for reasons outside the group (pruning one's chats). Both scale with the
    member's restlessness, whose wide spread makes time in the group heavy-tailed, and both are
    held back by ties, commitment and a KOL who speaks (one keeps the groups one's friends are in).
    """
    dissatisfied = 1.0 / (1.0 + np.exp((satisfaction - c.leave_midpoint) / c.leave_scale))
    held = np.exp(-tie_strength / c.tie_lock) * (1.0 - commitment) * (1.0 - kol_retention * kol_spoke)
    return np.minimum(restlessness * held * (c.leave_max * dissatisfied + c.background_leave), 1.0)


def unconsented_leave_probability(fit: np.ndarray, c: Churn) -> np.ndarray:
    """Extra chance that someone added without being asked quietly leaves (less if the theme fits them)."""
    return c.operator_added_leave * (1.0 - fit)
