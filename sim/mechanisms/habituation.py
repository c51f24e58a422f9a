"""Engagement tricks wear off (seed 002: 集赞日,免单,抽奖 … 这些回答也是对的,但是做不长).

A group grows familiar with a trick it is served again and again (topic prompts, lotteries), and a
member with being @-mentioned: each use adds one to the familiarity, and rest lets it fade
(familiarity × keep per day, keep = 0.5^(1 / recovery half-life)). A trick's effect is its fresh
effect × wear^familiarity, `wear` being the trick's factor per use (1: it never wears off). Red
packets keep their own, older form of habituation (sim/mechanisms/red_packets.py).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import MENTION_FATIGUE
from sim.scenario.schema import Scenario

#: Rows of the per-group familiarity table (`CommunityModel.familiarity`).
PROMPTS, LOTTERIES = 0, 1
TRICKS = 2


def keep_per_day(half_life_days: float) -> float:
    """Share of familiarity left after a day of rest (1 when familiarity never fades)."""
    return 0.5 ** (1.0 / half_life_days) if half_life_days > 0 else 1.0


def arguments(sc: Scenario) -> tuple[float, float, float, float]:
    """(prompt wear, lottery wear, mention wear, overnight keep) of the scenario."""
    h = sc.behaviour.habituation
    return h.topic_prompts, h.lotteries, h.mentions, keep_per_day(h.recovery_half_life_days)


def strength(wear: float, familiarity: np.ndarray) -> np.ndarray:
    """What is left of a trick's effect in each group: wear^familiarity (1 for a fresh trick)."""
    return np.power(wear, familiarity)


@nb.njit(cache=True)
def rest(n: int, F: np.ndarray, familiarity: np.ndarray, keep: float) -> None:
    """Overnight, familiarity with every trick fades to `keep` of itself (groups' and members')."""
    if keep >= 1.0:
        return
    for i in range(n):
        F[MENTION_FATIGUE, i] *= keep
    for t in range(familiarity.shape[0]):
        for g in range(familiarity.shape[1]):
            familiarity[t, g] *= keep
