"""What each member posts today: value content, off-topic chatter, ads.

Value posting follows role, fit, personal activity, remembered recognition ("keeps doing so while
it gets responses", the brief), activation (topics, @-mentions, KOL sparks, events) and falls with
group size (crowding: each member's share of the audience's attention shrinks; Butler 2001).
Chatter follows sociability and buzz (red packets). Ads come from members who joined to sell.

The formulas are small compiled functions of one member; `post` applies them to every member.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import (
    ACTIVATION,
    ACTIVITY,
    BUZZ,
    COMMITMENT,
    FIT,
    GROUP,
    JOIN_DAY,
    OPERATOR_TIE,
    REWARD,
    ROLE,
    SATISFACTION,
    SOCIABILITY,
    SPAMMER,
    SPEAK,
    STATE,
    TIE_STRENGTH,  # fmt: skip
    WARNINGS,
)
from sim.enums import ACTIVE, ADMIN
from sim.mechanisms import incentives
from sim.mechanisms.draws import small_count, uniform
from sim.scenario.schema import Scenario


@nb.njit(cache=True)
def crowding(present_in_group: float, crowd_size: float, crowd_exponent: float) -> float:
    """Multiplier on each member's posting in a group of this size: 1 for an empty group, falling
    smoothly with size (at `crowd_size` members it is 2^-crowd_exponent)."""
    return (1.0 + present_in_group / crowd_size) ** (-crowd_exponent)


@nb.njit(cache=True)
def recognition_motivation(reward: float, satisfaction: float, reward_scale: float) -> float:
    """From 0.25 for an ignored, thoroughly unhappy poster (0.5 when indifferent) up to 2.25 for a
    well-answered, happy one: (0.5 + tanh(reward / reward_scale)) * (1 + 0.5 * clip(satisfaction, -1, 1))."""
    return (0.5 + np.tanh(reward / reward_scale)) * (1.0 + 0.5 * min(max(satisfaction, -1.0), 1.0))


@nb.njit(cache=True)
def need_remaining(tenure: float, half_life_days: float) -> float:
    """Share of a member's need for the group left after `tenure` days (1 when needs last)."""
    return 0.5 ** (tenure / half_life_days) if half_life_days > 0 else 1.0


@nb.njit(cache=True)
def value_rate(
    role_rate: float, fit: float, fit_exponent: float, activity: float, speak: float, motivation: float,
    activation: float, value_gain: float, crowd: float, need: float, incentive: float,
) -> float:  # fmt: skip
    """Expected value posts of an active member today."""
    gain = 1.0 + value_gain * activation
    return role_rate * fit**fit_exponent * activity * speak * motivation * gain * crowd * need * incentive


@nb.njit(cache=True)
def chatter_rate(
    role_rate: float, fit: float, sociability: float, activity: float, buzz: float, activation: float,
    chatter_gain: float, thanks_per_buzz: float, crowd: float, restraint: float, incentive: float,
) -> float:  # fmt: skip
    """Expected off-topic messages of an active member today.

    Off-topic chatter comes from sociable members who are not there for the theme (a group filled
    with misfits becomes a 平庸的聊天群, seed 000). Buzz (red packets) adds thank-you messages from
    everyone, whatever their fit. `restraint` (0..1) is how much a known ban on off-topic chatter
    holds members back.
    """
    drawn = 1.0 + chatter_gain * buzz + 0.3 * activation
    social = role_rate * sociability * sociability * (1.0 - fit) * activity * drawn * crowd
    return (social + thanks_per_buzz * buzz) * (1.0 - restraint) * incentive


@nb.njit(cache=True)
def ad_rate(spammer: bool, warnings: int, spam_rate: float, norm: float, deterrence: float) -> float:
    """Expected ads of a member today: only spammers advertise; posted rules and warnings deter them."""
    if not spammer:
        return 0.0
    return spam_rate * (1.0 - norm) * (1.0 - deterrence) ** warnings


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `post` takes after the crowding, in its order."""
    beh, rules = sc.behaviour, sc.rules
    restraint = rules.norm_effect if (rules.enabled and rules.ban_off_topic) else 0.0
    norm = rules.norm_effect if (rules.enabled and rules.ban_ads) else 0.0  # rules deter what they ban
    inc_value, _, inc_chatter = incentives.multipliers(sc.incentives)
    return (
        beh.posting.crowd_size, beh.posting.crowd_exponent,
        np.array(beh.posting.value_rate.as_tuple()), np.array(beh.posting.chatter_rate.as_tuple()),
        sc.lifecycle.need_half_life(), beh.posting.fit_exponent, beh.activation.value_gain,
        beh.activation.chatter_gain, beh.posting.thanks_per_buzz, beh.posting.spam_rate,
        beh.posting.commitment_engagement, beh.posting.tie_lift, beh.satisfaction.tie_half, beh.roles.reward_scale, restraint, norm, rules.deterrence,
        inc_value, inc_chatter,
    )  # fmt: skip


@nb.njit(cache=True)
def post(
    keys: np.ndarray, day: int, n: int, F: np.ndarray, Z: np.ndarray, present: np.ndarray, proof: np.ndarray,
    value: np.ndarray, chatter: np.ndarray, ads: np.ndarray, need: np.ndarray, engagement: np.ndarray, crowd_size: float,
    crowd_exponent: float, value_by_role: np.ndarray, chatter_by_role: np.ndarray, need_half_life: float, fit_exponent: float,
    value_gain: float, chatter_gain: float, thanks_per_buzz: float, spam_rate: float,
    commitment_engagement: float, tie_lift: float, tie_half: float, reward_scale: float, restraint: float, norm: float, deterrence: float,
    inc_value: float, inc_chatter: float,
) -> tuple[int, int, int]:  # fmt: skip
    """Today's value posts, chatter and ads of every member (into `value`, `chatter`, `ads`; only
    active members who are not the operator's side post), with each member's remaining need and
    engagement (the lift on taking part from commitment and from ties to other members), which
    replies and satisfaction use later.

    `keys` are the three posting streams (value, chatter, ads); `present` (members per group) sets
    the crowding and `proof` (per group, norms.proof) how much a quiet group holds everyone back. A
    KOL who never speaks (speak 0) posts, chats and replies nothing (KOL得没事说说话). Returns the
    day's totals (value, chatter, ads)."""
    crowd = np.empty(present.shape[0])
    for g in range(present.shape[0]):
        crowd[g] = crowding(present[g], crowd_size, crowd_exponent) * proof[g]
    totals = np.zeros(3, dtype=np.int64)
    for i in range(n):
        need[i] = need_remaining(day - Z[JOIN_DAY, i], need_half_life)
        # commitment (a costly threshold passed) and ties to other members (people talk where they know
        # people; a tie to the owner alone does not make one talk to the group) draw members in
        peers = F[TIE_STRENGTH, i] - F[OPERATOR_TIE, i]
        engagement[i] = (1.0 + commitment_engagement * F[COMMITMENT, i]) * (
            1.0 + tie_lift * peers / (peers + tie_half)
        )
        value[i] = chatter[i] = ads[i] = 0
        r = Z[ROLE, i]
        if Z[STATE, i] != ACTIVE or r == ADMIN:
            continue
        c, fit, activity, speak, activation = (
            crowd[Z[GROUP, i]],
            F[FIT, i],
            F[ACTIVITY, i],
            F[SPEAK, i],
            F[ACTIVATION, i],
        )
        motivation = recognition_motivation(F[REWARD, i], F[SATISFACTION, i], reward_scale) * engagement[i]
        v = value_rate(value_by_role[r], fit, fit_exponent, activity, speak, motivation, activation, value_gain, c,
                       need[i], inc_value)  # fmt: skip
        ch = chatter_rate(chatter_by_role[r], fit, F[SOCIABILITY, i], activity, F[BUZZ, i], activation,
                          chatter_gain, thanks_per_buzz, c, restraint, inc_chatter) * speak  # fmt: skip
        value[i] = small_count(uniform(keys[0], day, i, 0), v)
        chatter[i] = small_count(uniform(keys[1], day, i, 0), ch)
        if Z[SPAMMER, i]:
            ads[i] = small_count(
                uniform(keys[2], day, i, 0), ad_rate(True, Z[WARNINGS, i], spam_rate, norm, deterrence)
            )
        totals[0] += value[i]
        totals[1] += chatter[i]
        totals[2] += ads[i]
    return totals[0], totals[1], totals[2]
