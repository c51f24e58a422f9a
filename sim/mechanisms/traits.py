"""Traits a newcomer brings: fit, attention, tolerance, activity, sociability, role, spam intent.

Fit comes from the join channel (see `arrivals.channel_fit_mean`); everything else is drawn here
from the population parameters, so every channel shares one definition of a member.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Role
from sim.mechanisms.sampling import beta_with_mean
from sim.scenario.schema import Population


def draw_traits(rng: np.random.Generator, fit: np.ndarray, pop: Population, spam_share: float) -> dict[str, np.ndarray]:
    """Columns for `len(fit)` newcomers of the given fit (see MemberTable for their meaning)."""
    count = fit.shape[0]
    sigma = pop.activity_spread
    return {
        "fit": fit,
        "interest": rng.integers(0, pop.interests, count).astype(np.int16),
        "attention": pop.attention_median_msgs * np.exp(pop.attention_spread * rng.standard_normal(count)),
        "tolerance": pop.tolerance_median_msgs * np.exp(pop.tolerance_spread * rng.standard_normal(count)),
        # lognormal with mean 1: a few very active people, most barely active (participation inequality)
        "activity": np.exp(sigma * rng.standard_normal(count) - 0.5 * sigma * sigma),
        "sociability": rng.beta(2.0, 2.0, count),
        "role": initial_roles(rng, fit, pop),
        "spammer": rng.random(count) < spam_share,
    }


def initial_roles(rng: np.random.Generator, fit: np.ndarray, pop: Population) -> np.ndarray:
    """Creator / commenter / lurker at join; better-fitting people are likelier to take part.

    At fit 0.5 the shares equal `creator_share` and `commenter_share` (the 1-9-90 split).
    """
    u = rng.random(fit.shape[0])
    p_creator = np.minimum(1.0, pop.creator_share * 2.0 * fit)
    p_commenter = np.minimum(1.0 - p_creator, pop.commenter_share * 2.0 * fit)
    role = np.full(fit.shape[0], Role.LURKER, dtype=np.int8)
    role[u < p_creator + p_commenter] = Role.COMMENTER
    role[u < p_creator] = Role.CREATOR
    return role


def kol_fit(rng: np.random.Generator, count: int) -> np.ndarray:
    """KOLs are invited because they embody the theme."""
    return beta_with_mean(rng, 0.9, 20.0, count)
