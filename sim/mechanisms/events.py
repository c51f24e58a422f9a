"""Events and rituals (seed 001 steps 3 and 5; seed 000): attendees bond with each other.

Who attends: members who are satisfied and fit the theme. Each attendee forms a few ties with
other attendees and carries activation back into the group.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.sampling import weighted_sample


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
