"""Traits a newcomer brings: fit, attention, tolerance, activity, sociability, role, spam intent.

Fit comes from the join channel (`arrivals.organic_fit_mean`, the referral and bait rules in
`referral`, the mass-add and KOL means); everything else is drawn here from the population
parameters, so every channel shares one definition of a member. A member's traits are drawn for
their row: the same row gets the same traits whichever day, batch or scenario brings them.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import (
    ACTIVATION,
    ACTIVITY,
    ATTENTION,
    CHANNEL,
    COMMITMENT,
    FIT,
    INTEREST,
    INVITER,
    JOIN_DAY,
    RESTLESSNESS,
    ROLE,
    ROLE_AT_JOIN,
    SATISFACTION,
    SOCIABILITY,
    SPAMMER,
    SPEAK,
    TOLERANCE,
)
from sim.enums import COMMENTER, CREATOR, LURKER
from sim.mechanisms.draws import StreamKeys, beta_with_mean, normal, uniform
from sim.scenario.schema import Population
from sim.state import MemberTable  # fmt: skip


@nb.njit(cache=True)
def initial_role(
    u: float, fit: float, creator_share: float, commenter_share: float, participation: float
) -> int:
    """Creator / commenter / lurker at join, from one uniform `u`.

    Better-fitting people are likelier to take part; at fit 0.5 the shares equal `creator_share`
    and `commenter_share` (the 1-9-90 split); `participation` scales both (founders are picked seed users).
    """
    p_creator = min(1.0, participation * creator_share * 2.0 * fit)
    p_commenter = min(1.0 - p_creator, participation * commenter_share * 2.0 * fit)
    if u < p_creator:
        return CREATOR
    return COMMENTER if u < p_creator + p_commenter else LURKER


@nb.njit(cache=True)
def _enroll(
    keys: np.ndarray, lo: int, hi: int, F: np.ndarray, Z: np.ndarray, fit: np.ndarray, spam_share: np.ndarray,
    inviter: np.ndarray, commitment: np.ndarray, channel: int, day: int, speak: float, satisfaction: float,
    activation: float, participation: float, interests: int, attention_median: float, attention_spread: float,
    tolerance_median: float, tolerance_spread: float, activity_spread: float, restlessness_spread: float,
    creator_share: float, commenter_share: float,
) -> None:  # fmt: skip
    traits, roles, spam, social = keys[0], keys[1], keys[2], keys[3]
    sigma, rho = activity_spread, restlessness_spread
    for row in range(lo, hi):
        k = row - lo
        F[FIT, row] = fit[k]
        Z[INTEREST, row] = int(uniform(traits, 0, row, 0) * interests)
        F[ATTENTION, row] = attention_median * np.exp(attention_spread * normal(traits, 0, row, 0))
        F[TOLERANCE, row] = tolerance_median * np.exp(tolerance_spread * normal(traits, 0, row, 1))
        # lognormal with mean 1: a few very active people, most barely active (participation inequality)
        F[ACTIVITY, row] = np.exp(sigma * normal(traits, 0, row, 2) - 0.5 * sigma * sigma)
        # some people rarely leave any group, others prune their groups often (heavy-tailed stays)
        F[RESTLESSNESS, row] = np.exp(rho * normal(traits, 0, row, 3) - 0.5 * rho * rho)
        F[SOCIABILITY, row] = beta_with_mean(social, 0, row, 0.5, 4.0)  # Beta(2, 2)
        role = initial_role(uniform(roles, 0, row, 0), fit[k], creator_share, commenter_share, participation)
        Z[ROLE, row] = Z[ROLE_AT_JOIN, row] = role
        Z[SPAMMER, row] = uniform(spam, 0, row, 0) < spam_share[k]
        Z[CHANNEL, row], Z[JOIN_DAY, row], Z[INVITER, row] = channel, day, inviter[k]
        F[COMMITMENT, row], F[SPEAK, row] = commitment[k], speak
        F[SATISFACTION, row], F[ACTIVATION, row] = satisfaction, activation


def enroll(
    keys: StreamKeys, members: MemberTable, rows: slice, fit: np.ndarray, pop: Population,
    spam_share: float | np.ndarray, participation: float, channel: int, day: int, inviter: np.ndarray | int,
    commitment: np.ndarray | float, speak: float, satisfaction: float, activation: float,
) -> None:  # fmt: skip
    """Write the newcomers of `rows` into the member table: their fit, how they came (channel, day,
    inviter, commitment, starting satisfaction and activation, how often a KOL speaks) and the traits
    drawn from the population parameters — interest, attention, tolerance, activity, restlessness,
    sociability, role at join and spam intent. `spam_share`, `inviter` and `commitment` may be one
    value or one per newcomer; spam intent depends on the join channel."""
    count = rows.stop - rows.start

    def each(value: float | np.ndarray, dtype: type) -> np.ndarray:
        return (
            np.full(count, value, dtype=dtype)
            if np.ndim(value) == 0
            else np.ascontiguousarray(value, dtype=dtype)
        )

    _enroll(keys.traits, rows.start, rows.stop, members.F, members.Z, fit, each(spam_share, np.float64),
            each(inviter, np.int64), each(commitment, np.float64), channel, day, speak, satisfaction, activation,
            participation, pop.interests, pop.attention_median_msgs, pop.attention_spread, pop.tolerance_median_msgs,
            pop.tolerance_spread, pop.activity_spread, pop.restlessness_spread, pop.creator_share,
            pop.commenter_share)  # fmt: skip
