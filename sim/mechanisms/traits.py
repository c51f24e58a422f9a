"""Traits a newcomer brings: fit, attention, tolerance, activity, sociability, role, spam intent.

Fit comes from the join channel (`arrivals.organic_fit_mean`, the referral and bait rules in
`referral`, the mass-add and KOL means); everything else is drawn here from the population
parameters, so every channel shares one definition of a member.
"""

from __future__ import annotations

import numpy as np

from sim.enums import COMMENTER, CREATOR, LURKER
from sim.mechanisms.sampling import beta_with_mean
from sim.scenario.schema import Population


class TraitPool:
    """Newcomers' fit-independent traits, drawn a block at a time and handed out in order.

    A few arrivals a day would otherwise cost a dozen small NumPy calls each day. The raw draws
    come from the model's generator in a fixed order, so runs stay reproducible; derived columns
    are recomputed if the population parameters change mid-run (a timeline 'set').
    """

    def __init__(self, rng: np.random.Generator, block: int = 256) -> None:
        self.rng = rng
        self.block = block
        self._raw = np.empty((8, 0))  # 4 normals, 3 uniforms, 1 Beta(2,2) per future newcomer
        self._cols: dict[str, np.ndarray] = {}
        self._pop: Population | None = None

    def take(self, count: int, pop: Population) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Trait columns for the next `count` newcomers, and two uniforms each (role, spam intent)."""
        if self._raw.shape[1] < count:
            size = max(self.block, count)
            fresh = np.concatenate(
                [
                    self.rng.standard_normal((4, size)),
                    self.rng.random((3, size)),
                    self.rng.beta(2.0, 2.0, (1, size)),
                ]
            )
            self._raw = np.concatenate([self._raw, fresh], axis=1)
            self._pop = None
        if self._pop is not pop:
            self._derive(pop)
        cols = {name: column[:count] for name, column in self._cols.items()}
        uniforms = self._raw[5:7, :count]
        self._raw = self._raw[:, count:]
        self._cols = {name: column[count:] for name, column in self._cols.items()}
        return cols, uniforms

    def _derive(self, pop: Population) -> None:
        z, u, b = self._raw[0:4], self._raw[4], self._raw[7]
        sigma, rho = pop.activity_spread, pop.restlessness_spread
        self._cols = {
            "interest": (u * pop.interests).astype(np.int16),
            "attention": pop.attention_median_msgs * np.exp(pop.attention_spread * z[0]),
            "tolerance": pop.tolerance_median_msgs * np.exp(pop.tolerance_spread * z[1]),
            # lognormal with mean 1: a few very active people, most barely active (participation inequality)
            "activity": np.exp(sigma * z[2] - 0.5 * sigma * sigma),
            # some people rarely leave any group, others prune their groups often (heavy-tailed stays)
            "restlessness": np.exp(rho * z[3] - 0.5 * rho * rho),
            "sociability": b,
        }
        self._pop = pop


def draw_traits(
    pool: TraitPool,
    fit: np.ndarray,
    pop: Population,
    spam_share: float | np.ndarray,
    participation: float = 1.0,
) -> dict[str, np.ndarray]:
    """Columns for `len(fit)` newcomers of the given fit (see MemberTable for their meaning).

    `spam_share` may be one value or one per newcomer (it depends on the join channel);
    `participation` scales the creator and commenter shares (founders are picked seed users).
    """
    cols, u = pool.take(fit.shape[0], pop)
    cols["fit"] = fit
    cols["role"] = initial_roles(u[0], fit, pop, participation)
    cols["spammer"] = u[1] < spam_share
    return cols


def initial_roles(u: np.ndarray, fit: np.ndarray, pop: Population, participation: float = 1.0) -> np.ndarray:
    """Creator / commenter / lurker at join, from one uniform draw `u` per newcomer.

    Better-fitting people are likelier to take part; at fit 0.5 the shares equal `creator_share`
    and `commenter_share` (the 1-9-90 split).
    """
    p_creator = np.minimum(1.0, participation * pop.creator_share * 2.0 * fit)
    p_commenter = np.minimum(1.0 - p_creator, participation * pop.commenter_share * 2.0 * fit)
    role = np.full(fit.shape[0], LURKER, dtype=np.int8)
    role[u < p_creator + p_commenter] = COMMENTER
    role[u < p_creator] = CREATOR
    return role


def kol_fit(rng: np.random.Generator, count: int) -> np.ndarray:
    """KOLs are invited because they embody the theme."""
    return beta_with_mean(rng, 0.9, 20.0, count)
