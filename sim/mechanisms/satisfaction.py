"""Satisfaction: perceived value minus costs, remembered over time (all seeds).

Benefits: fitting information, replies and mentions received (relationship), ties, identity
(titles, leaderboard), fun (chatter, for those who like it), money (red packets). Costs: reading
overload, ads (cheaper once bonded: seed 002 第二点), off-topic chatter for those who came for value,
and the opportunity cost of membership. Satisfaction is an exponentially weighted memory.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.reading import Exposure
from sim.scenario.schema import Satisfaction


def bond(tie_strength: np.ndarray, trust: np.ndarray, s: Satisfaction) -> np.ndarray:
    """0..1 relationship with the group (情感连接): ties to members plus trust built over weeks
    of good experience. It is what makes a sale acceptable (seed 002 第二点) and referral possible."""
    return -np.expm1(-(tie_strength / s.bond_ties + np.maximum(trust, 0.0) / s.bond_trust))


def daily_utility(
    exposure: Exposure,
    fit: np.ndarray,
    tie_strength: np.ndarray,
    bond_now: np.ndarray,
    replies_received: np.ndarray,
    mentions: np.ndarray,
    identity: np.ndarray,
    money_yuan: np.ndarray,
    need: np.ndarray,
    s: Satisfaction,
) -> np.ndarray:
    """Today's net experience of each member, in satisfaction units."""
    info = -s.info_weight * np.expm1(exposure.value_read * fit * (-1.0 / s.info_scale)) * need
    relation = -s.reply_weight * np.expm1(-(replies_received + 0.5 * mentions))
    ties = s.tie_weight * tie_strength / (tie_strength + s.tie_half)
    fun = -s.fun_weight * (1.0 - fit) * np.expm1(exposure.chatter_read * (-1.0 / s.fun_scale))
    overload = s.overload_weight * exposure.overload
    ads = s.ad_weight * exposure.ads_read * (1.0 - bond_now)
    off_topic = s.offtopic_weight * fit * exposure.chatter_read / (exposure.chatter_read + s.offtopic_scale)
    money = s.money_weight * money_yuan
    return info + relation + ties + fun + identity + money - overload - ads - off_topic - s.reference


def remember(satisfaction: np.ndarray, utility: np.ndarray, s: Satisfaction) -> np.ndarray:
    """Exponentially weighted update of remembered satisfaction."""
    return (1.0 - s.memory) * satisfaction + s.memory * utility


def build_trust(trust: np.ndarray, satisfaction: np.ndarray, s: Satisfaction) -> np.ndarray:
    """Trust follows satisfaction slowly (weeks): a group earns it by being worth it, day after day."""
    return (1.0 - s.trust_memory) * trust + s.trust_memory * satisfaction


def need_remaining(tenure: np.ndarray, half_life_days: float) -> np.ndarray | float:
    """Share of a member's need for the group left after `tenure` days (1 when needs last)."""
    if half_life_days <= 0:
        return 1.0
    return 0.5 ** (tenure / half_life_days)
