"""Events and rituals (seed 001 steps 3 and 5; seed 000): attendees bond with each other.

Who attends: members who are satisfied and fit the theme. Each attendee forms a few ties with
other attendees and carries activation back into the group.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.sampling import weighted_sample
from sim.scenario.schema import Events


def attendees(
    rng: np.random.Generator, candidates: np.ndarray, satisfaction: np.ndarray, fit: np.ndarray, capacity: int
) -> np.ndarray:
    """Members who attend, up to `capacity`, likelier if satisfied and fitting."""
    if candidates.shape[0] == 0:
        return candidates
    weight = fit[candidates] / (1.0 + np.exp(-satisfaction[candidates] / 0.3))
    return weighted_sample(rng, candidates, weight, capacity)


def event_ties(rng: np.random.Generator, people: np.ndarray, ties_each: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of attendees who form a tie: each attendee meets `ties_each` others at random."""
    if people.shape[0] < 2 or ties_each <= 0:
        return people[:0], people[:0]
    a = np.repeat(people, ties_each)
    b = people[rng.integers(0, people.shape[0], a.shape[0])]
    keep = a != b
    return a[keep], b[keep]


@dataclass(frozen=True)
class Gathering:
    """One event held today: its group, who came, and the ties they formed (pairs a[k]-b[k])."""

    group: int
    people: np.ndarray
    a: np.ndarray
    b: np.ndarray


def hold(
    rng: np.random.Generator,
    held: np.ndarray,
    group: np.ndarray,
    eligible: np.ndarray,
    satisfaction: np.ndarray,
    activation: np.ndarray,
    fit: np.ndarray,
    ev: Events,
) -> list[Gathering]:
    """Hold `held[g]` events in each group g. Attendees enjoy each event (satisfaction and activation
    are raised in place, so a second event the same day draws on the first one's glow)."""
    gatherings = []
    for g in np.flatnonzero(held):
        candidates = np.flatnonzero((group == g) & eligible)
        for _ in range(int(held[g])):
            people = attendees(rng, candidates, satisfaction, fit, ev.capacity)
            a, b = event_ties(rng, people, ev.ties_per_attendee)
            satisfaction[people] += ev.joy
            activation[people] += ev.activation
            gatherings.append(Gathering(int(g), people, a, b))
    return gatherings
