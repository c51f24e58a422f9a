"""Satisfaction: perceived value minus costs, remembered over time (all seeds).

Benefits: fitting information, replies and mentions received (relationship), ties, identity
(titles, leaderboard), fun (chatter, for those who like it), money (red packets). Costs: reading
overload, ads (cheaper once bonded: seed 002 第二点), off-topic chatter for those who came for value,
and the opportunity cost of membership. Satisfaction is an exponentially weighted memory; trust
follows it slowly, and ties plus trust make the member's bond with the group.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import FIT, GOODWILL, ROLE, SATISFACTION, STATE, TRUST
from sim.enums import ADMIN, KOC, MUTED
from sim.scenario.schema import Scenario


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `feel` takes, in its order."""
    s = sc.behaviour.satisfaction
    return (
        s.bond_ties, s.bond_trust, s.memory, s.trust_memory, s.goodwill_memory, sc.behaviour.churn.reciprocity,
        s.goodwill_needed, s.info_weight, s.info_scale, s.reply_weight,
        s.tie_weight, s.tie_half, s.fun_weight, s.fun_scale, s.overload_weight, s.ad_weight, s.offtopic_weight,
        s.offtopic_scale, s.money_weight, s.reference,
    )  # fmt: skip


@nb.njit(cache=True)
def bond(tie_strength: float, trust: float, bond_ties: float, bond_trust: float) -> float:
    """0..1 relationship with the group (情感连接): ties to members plus trust built over weeks of
    good experience. It is what makes a sale acceptable (seed 002 第二点) and referral possible."""
    return -np.expm1(-(tie_strength / bond_ties + max(trust, 0.0) / bond_trust))


@nb.njit(cache=True)
def daily_utility(
    value_read: float, chatter_read: float, ads_read: float, overload: float, fit: float, tie: float,
    bond_now: float, received: float, mentions: float, identity: float, money: float, need: float,
    info_weight: float, info_scale: float, reply_weight: float, tie_weight: float, tie_half: float,
    fun_weight: float, fun_scale: float, overload_weight: float, ad_weight: float, offtopic_weight: float,
    offtopic_scale: float, money_weight: float, reference: float,
) -> float:  # fmt: skip
    """A member's net experience today, in satisfaction units."""
    info = -info_weight * np.expm1(value_read * fit * (-1.0 / info_scale)) * need
    relation = -reply_weight * np.expm1(-(received + 0.5 * mentions))
    ties = tie_weight * tie / (tie + tie_half)
    fun = -fun_weight * (1.0 - fit) * np.expm1(chatter_read * (-1.0 / fun_scale))
    ads = ad_weight * ads_read * (1.0 - bond_now)
    off_topic = offtopic_weight * fit * chatter_read / (chatter_read + offtopic_scale)
    costs = overload_weight * overload + ads + off_topic + reference
    return info + relation + ties + fun + identity + money_weight * money - costs


@nb.njit(cache=True)
def feel(
    n: int, F: np.ndarray, Z: np.ndarray, ties: np.ndarray, received: np.ndarray, mentions: np.ndarray,
    identity: np.ndarray, koc_identity: float, money: np.ndarray, need: np.ndarray, exposure: np.ndarray,
    bond_out: np.ndarray, bond_ties: float, bond_trust: float, memory: float, trust_memory: float,
    goodwill_memory: float, reciprocity: float, goodwill_needed: float, info_weight: float,
    info_scale: float, reply_weight: float, tie_weight: float, tie_half: float, fun_weight: float,
    fun_scale: float, overload_weight: float, ad_weight: float, offtopic_weight: float, offtopic_scale: float,
    money_weight: float, reference: float,
) -> None:  # fmt: skip
    """Update satisfaction (of present members who are not the operator's side), trust and
    goodwill (the value read lately); write each member's bond (from the ties that hold them, `ties`,
    and yesterday's trust) into `bond_out`. `exposure` has the rows of `reading.Exposure`; a KOC's
    title adds `koc_identity` to their recognition every day."""
    role, state = Z[ROLE], Z[STATE]
    for i in range(n):
        tie, satisfaction = ties[i], F[SATISFACTION, i]
        F[GOODWILL, i] = (1.0 - goodwill_memory) * F[GOODWILL, i] + goodwill_memory * exposure[1, i]
        b = bond(tie, F[TRUST, i], bond_ties, bond_trust)
        bond_out[i] = b
        if state[i] <= MUTED and role[i] != ADMIN:
            recognition = identity[i] + koc_identity * (role[i] == KOC)
            # an ad from a group that has given the member little yet costs more (先给价值再卖货)
            ads = exposure[4, i] * (1.0 + reciprocity * max(0.0, 1.0 - F[GOODWILL, i] / goodwill_needed))
            u = daily_utility(exposure[1, i], exposure[3, i], ads, exposure[5, i], F[FIT, i], tie, b,
                              received[i], mentions[i], recognition, money[i], need[i], info_weight, info_scale,
                              reply_weight, tie_weight, tie_half, fun_weight, fun_scale, overload_weight, ad_weight,
                              offtopic_weight, offtopic_scale, money_weight, reference)  # fmt: skip
            satisfaction = (1.0 - memory) * satisfaction + memory * u
            F[SATISFACTION, i] = satisfaction
        F[TRUST, i] = (1.0 - trust_memory) * F[TRUST, i] + trust_memory * satisfaction
