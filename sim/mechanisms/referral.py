"""Referral and fission (转介绍 / 裂变; seeds 002, 003, 001).

Relationship referral needs all four of emotional connection, product quality, reliability and
benefit (seed 002: 几个缺一不可), so the invitation rate is their product. Each invitation spends
some of the inviter's social capital (fatigue). A bait offer (超级诱饵) multiplies sharing without
needing a bond, brings low-fit joiners, and overdraws social capital fast
(seed 001: 只有第一次的红利… 用一次就在损害一次社交货币).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import GROUP, INVITATIONS_SENT, INVITE_APPETITE, ROLE, SATISFACTION, SPEAK, STATE
from sim.enums import ACTIVE, ADMIN
from sim.mechanisms.draws import beta_with_mean, small_count, uniform
from sim.scenario.schema import Referral, Scenario


def reward_boost(r: Referral) -> float:
    """The referral reward's lift on the benefit of inviting (saturating in the reward)."""
    return r.reward_max_boost * r.reward_yuan / (r.reward_yuan + r.reward_scale_yuan)


@nb.njit(cache=True)
def invitation_rate(
    bond: float, satisfaction: float, appetite: float, base_rate: float, bait: bool, bait_boost: float,
    product_quality: float, reliability: float, reward: float,
) -> float:  # fmt: skip
    """Expected invitations a behaving member sends today. Sharing for a bait gift needs no bond,
    only trust that the gift is real."""
    if bait:
        return base_rate * bait_boost * reliability * appetite
    benefit = min(max(satisfaction, 0.0), 1.0) + reward
    return base_rate * bond * product_quality * reliability * benefit * appetite


def fatigue_factor(r: Referral) -> float:
    """What one invitation leaves of the inviter's appetite for the next."""
    return r.bait.fatigue if r.bait.enabled else r.fatigue


def acceptance(r: Referral) -> float:
    return r.bait.acceptance if r.bait.enabled else r.acceptance


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `invite` takes, in its order."""
    r = sc.referral
    return (r.base_rate, r.bait.enabled, r.bait.boost, r.product_quality, r.reliability, reward_boost(r),
            fatigue_factor(r), acceptance(r))  # fmt: skip


@nb.njit(cache=True)
def invite(
    keys: np.ndarray, day: int, n: int, F: np.ndarray, Z: np.ndarray, bond: np.ndarray, gate: np.ndarray,
    base_rate: float, bait: bool, bait_boost: float, product_quality: float, reliability: float, reward: float,
    fatigue: float, accept: float,
) -> tuple[np.ndarray, int]:  # fmt: skip
    """Invitations sent today by active members who are not the operator's side (counts drawn from
    `keys[0]`; each spends some of the inviter's appetite) and which are accepted (`keys[1]`).
    Relationship invitations are scaled by the inviter's group's `gate` (culture: 裂变的前提是…
    亚文化体系; 1 when culture is not tracked); sharing for a bait gift is not.
    Returns (an inviter row per accepted invitation, invitations sent)."""
    state, role, sent_so_far, group = Z[STATE], Z[ROLE], Z[INVITATIONS_SENT], Z[GROUP]
    accepted = np.empty(3 * n, dtype=np.int64)
    n_accepted, total = 0, 0
    for i in range(n):
        if state[i] != ACTIVE or role[i] == ADMIN:
            continue
        rate = invitation_rate(bond[i], F[SATISFACTION, i], F[INVITE_APPETITE, i], base_rate, bait, bait_boost,
                               product_quality, reliability, reward) * F[SPEAK, i]  # fmt: skip
        if not bait:
            rate *= gate[group[i]]
        sent = small_count(uniform(keys[0], day, i, 0), rate)
        if sent == 0:
            continue
        sent_so_far[i] += sent
        F[INVITE_APPETITE, i] *= fatigue**sent
        total += sent
        for k in range(sent):
            if uniform(keys[1], day, i, k) < accept:
                accepted[n_accepted] = i
                n_accepted += 1
    return accepted[:n_accepted], total


@nb.njit(cache=True)
def invitee_fit(
    key: np.uint64, day: int, inviter_fit: np.ndarray, organic_mean: float, concentration: float, homophily: float,
    bait: bool, bait_fit_mean: float,
) -> np.ndarray:  # fmt: skip
    """Fit of today's invitees: close to the inviter's through a relationship, the bait's through a bait."""
    out = np.empty(inviter_fit.shape[0])
    for k in range(inviter_fit.shape[0]):
        if bait:
            out[k] = beta_with_mean(key, day, k, bait_fit_mean, concentration)
        else:
            stranger = beta_with_mean(key, day, k, organic_mean, concentration)
            out[k] = min(max(homophily * inviter_fit[k] + (1.0 - homophily) * stranger, 0.0), 1.0)
    return out


def invitee_tie(r: Referral) -> float:
    """Tie strength between inviter and invitee on arrival (friends vs. a gift hunter)."""
    return 0.2 if r.bait.enabled else 1.0
