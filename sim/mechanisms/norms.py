"""Social proof: members post and reply more in a group where they see others take part, and less
in one that feels dead — so a group that goes quiet stays quiet (Kraut & Resnick 2012, Building
Successful Online Communities: descriptive norms; Cialdini's social proof).

Each group remembers its liveliness: the share of its present members (the operator's side aside)
who spoke on a day — posted anything or replied — as an exponentially weighted memory. Below a
reference share, everyone's posting and replying is scaled down by (liveliness / reference) to a
power. A group the operator filled with people who never asked to be there (胡乱拉人, seed 000;
Kraut & Fiore 2014: groups whose founder added all the members failed more often) is mostly silent
members, so it feels dead even while a few still post; a group whose members muted it after a hard
sell (seed 002: 三天群就被屏蔽了) goes quiet and stays quiet.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import GROUP, ROLE, STATE
from sim.enums import ADMIN, MUTED
from sim.scenario.schema import Scenario


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `proof` takes, in its order."""
    n = sc.behaviour.norms
    return n.liveliness_reference, n.liveliness_strength


@nb.njit(cache=True)
def census(n: int, Z: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group: [present members (active or muted, the operator's side included), present members
    who are not the operator's side]."""
    out = np.zeros((2, n_groups))
    for i in range(n):
        if Z[STATE, i] <= MUTED:
            g = Z[GROUP, i]
            out[0, g] += 1.0
            if Z[ROLE, i] != ADMIN:
                out[1, g] += 1.0
    return out


@nb.njit(cache=True)
def proof(liveliness: np.ndarray, reference: float, strength: float) -> np.ndarray:
    """Per group: the factor on members' posting and replying, (liveliness / reference)^strength,
    at most 1."""
    out = np.ones(liveliness.shape[0])
    for g in range(liveliness.shape[0]):
        if liveliness[g] < reference:
            out[g] = (liveliness[g] / reference) ** strength
    return out


@nb.njit(cache=True)
def sense(
    n: int, Z: np.ndarray, value: np.ndarray, chatter: np.ndarray, ads: np.ndarray, given: np.ndarray,
    members: np.ndarray, liveliness: np.ndarray, memory: float,
) -> None:  # fmt: skip
    """Update each group's remembered liveliness with today's share of its present members (not the
    operator's side, `members` per group) who posted or replied."""
    spoke = np.zeros(liveliness.shape[0])
    for i in range(n):
        if Z[ROLE, i] != ADMIN and (value[i] > 0 or chatter[i] > 0 or ads[i] > 0 or given[i] > 0):
            spoke[Z[GROUP, i]] += 1.0
    for g in range(liveliness.shape[0]):
        if members[g] > 0:
            liveliness[g] = (1.0 - memory) * liveliness[g] + memory * spoke[g] / members[g]
