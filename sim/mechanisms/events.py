"""Events and rituals (seed 001 steps 3 and 5; seed 000): attendees bond with each other.

Who attends: members who are satisfied and fit the theme. Each attendee forms a few ties with
other attendees and carries activation back into the group. Meeting offline builds more than
meeting online (线上聊一百次不如线下见一面): the phase holding an offline event passes a heavier tie
weight and a trust gain (`trust`), which an online event does not give.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, FIT, GROUP, ROLE, SATISFACTION, STATE, TRUST
from sim.enums import ACTIVE, ADMIN
from sim.mechanisms.draws import exponential, uniform


@nb.njit(cache=True)
def attendance_weight(satisfaction: float, fit: float) -> float:
    """How likely a member is to come: fitting and satisfied (a logistic in satisfaction, scale 0.3)."""
    return fit / (1.0 + np.exp(-satisfaction / 0.3))


@nb.njit(cache=True)
def attendees(
    key: np.uint64, day: int, event: int, candidates: np.ndarray, satisfaction: np.ndarray, fit: np.ndarray,
    capacity: int,
) -> np.ndarray:  # fmt: skip
    """Up to `capacity` distinct candidates, drawn without replacement in proportion to their
    attendance weight (exponential keys: the `capacity` smallest of Exp(1) / weight)."""
    keys = np.empty(candidates.shape[0])
    for k in range(candidates.shape[0]):
        i = candidates[k]
        w = attendance_weight(satisfaction[i], fit[i])
        keys[k] = exponential(key, day, i, event) / w if w > 0 else np.inf
    order = np.argsort(keys, kind="mergesort")
    chosen = 0
    while chosen < min(capacity, order.shape[0]) and keys[order[chosen]] < np.inf:
        chosen += 1
    return np.sort(candidates[order[:chosen]])


@nb.njit(cache=True)
def hold(
    key: np.uint64, day: int, n: int, F: np.ndarray, Z: np.ndarray, held: np.ndarray, capacity: int,
    ties_each: int, joy: float, lift: float, trust: float,
):  # fmt: skip
    """Hold `held[g]` events in each group g, open to its active members (not the operator's side).
    Attendees enjoy each event (satisfaction + `joy`, activation + `lift`, trust + `trust`, in
    place, so a second event the same day draws on the first one's glow) and each meets
    `ties_each` other attendees at random.

    Returns (group and attendance of each event, tie ends a and b)."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    satisfaction, activation, fit = F[SATISFACTION], F[ACTIVATION], F[FIT]
    n_events = int(held.sum())
    held_in, came = np.empty(n_events, dtype=np.int64), np.empty(n_events, dtype=np.int64)
    a, b = (
        np.empty(n_events * capacity * ties_each, dtype=np.int64),
        np.empty(n_events * capacity * ties_each, dtype=np.int64),
    )
    event, pairs = 0, 0
    for g in range(held.shape[0]):
        if held[g] == 0:
            continue
        candidates = np.array(
            [i for i in range(n) if group[i] == g and state[i] == ACTIVE and role[i] != ADMIN], dtype=np.int64
        )
        for _ in range(held[g]):
            people = attendees(key, day, event, candidates, satisfaction, fit, capacity)
            for j in range(people.shape[0]):
                for t in range(ties_each if people.shape[0] > 1 else 0):
                    other = people[int(uniform(key, day, people[j], 1000 + 64 * event + t) * people.shape[0])]
                    if other != people[j]:
                        a[pairs], b[pairs] = people[j], other
                        pairs += 1
            for i in people:
                satisfaction[i] += joy
                activation[i] += lift
                F[TRUST, i] += trust
            held_in[event], came[event] = g, people.shape[0]
            event += 1
    return held_in, came, a[:pairs], b[:pairs]
