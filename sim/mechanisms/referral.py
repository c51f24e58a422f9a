"""Referral and fission (转介绍 / 裂变; seeds 002, 003, 001).

Relationship referral needs all four of emotional connection, product quality, reliability and
benefit (seed 002: 几个缺一不可), so the invitation rate is their product. Each invitation spends
some of the inviter's social capital (fatigue). A bait offer (超级诱饵) multiplies sharing without
needing a bond, brings low-fit joiners, and overdraws social capital fast
(seed 001: 只有第一次的红利… 用一次就在损害一次社交货币).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.sampling import beta_with_mean, small_counts
from sim.scenario.schema import Referral


def invitation_rate(
    active: np.ndarray,
    bond: np.ndarray,
    satisfaction: np.ndarray,
    appetite: np.ndarray,
    r: Referral,
) -> np.ndarray:
    """Expected invitations each member sends today."""
    if not r.enabled:
        return np.zeros(active.shape[0])
    if r.bait.enabled:
        # sharing for the gift: no bond needed, only trust that the gift is real
        return active * r.base_rate * r.bait.boost * r.reliability * appetite
    reward = r.reward_max_boost * r.reward_yuan / (r.reward_yuan + r.reward_scale_yuan)
    benefit = np.clip(satisfaction, 0.0, 1.0) + reward
    return active * r.base_rate * bond * r.product_quality * r.reliability * benefit * appetite


def fatigue_factor(r: Referral) -> float:
    """What one invitation leaves of the inviter's appetite for the next."""
    return r.bait.fatigue if r.bait.enabled else r.fatigue


def acceptance(r: Referral) -> float:
    return r.bait.acceptance if r.bait.enabled else r.acceptance


def invitee_fit(
    rng: np.random.Generator, inviter_fit: np.ndarray, organic_mean: float, concentration: float, r: Referral
) -> np.ndarray:
    """Fit of invitees: close to the inviter's through a relationship, the bait's through a bait."""
    n = inviter_fit.shape[0]
    if r.bait.enabled:
        return beta_with_mean(rng, r.bait.fit_mean, concentration, n)
    stranger = beta_with_mean(rng, organic_mean, concentration, n)
    return np.clip(r.homophily * inviter_fit + (1.0 - r.homophily) * stranger, 0.0, 1.0)


def invitee_tie(r: Referral) -> float:
    """Tie strength between inviter and invitee on arrival (friends vs. a gift hunter)."""
    return 0.2 if r.bait.enabled else 1.0


@dataclass(frozen=True)
class Invitations:
    """Invitations sent today: who sent them, how many each, and the inviters of those accepted
    (a row per accepted invitation; the invitees arrive tomorrow)."""

    inviters: np.ndarray
    sent: np.ndarray
    accepted: np.ndarray

    @property
    def total(self) -> int:
        return int(self.sent.sum())


def send(rng: np.random.Generator, u: np.ndarray, rate: np.ndarray, r: Referral) -> Invitations:
    """Invitations each member sends today (`u`: one uniform per member) and which are accepted."""
    invites = small_counts(u, rate)
    inviters = np.flatnonzero(invites)
    if inviters.shape[0] == 0:
        return Invitations(inviters, inviters, inviters)
    sent = invites[inviters]
    return Invitations(inviters, sent, np.repeat(inviters, rng.binomial(sent, acceptance(r))))
