"""@-mentions (seed 003 SOP: @潜水成员): the operator and KOCs call quiet members by name.

A mention goes to a quiet, well-fitting member (the ones worth drawing in), activates them, counts
as attention from the group, and may break through a mute.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.replies import draw


def weight(fit: np.ndarray, recent_activity: np.ndarray, reachable: np.ndarray) -> np.ndarray:
    """How likely each member is to be @-ed: fitting and quiet (zero for those who cannot be reached)."""
    return fit * (1.0 - np.minimum(1.0, recent_activity)) * reachable


def deliver(
    rng: np.random.Generator,
    per_group: np.ndarray,
    weights: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    muted: np.ndarray,
    unmute_probability: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Today's mentions: a row per mention (a member may be @-ed more than once) and the muted
    members brought back (each mention is one chance to break through the mute)."""
    rows = np.arange(weights.shape[0])
    chosen_parts, back_parts = [], []
    for g in np.flatnonzero(per_group):
        candidates = rows if n_groups == 1 else rows[group == g]
        chosen = draw(rng, candidates, weights[candidates], int(per_group[g]))
        hit, times = np.unique(chosen[muted[chosen]], return_counts=True)
        back = hit[rng.random(hit.shape[0]) < 1.0 - (1.0 - unmute_probability) ** times]
        chosen_parts.append(chosen)
        back_parts.append(back)
    if not chosen_parts:
        return rows[:0], rows[:0]
    return np.concatenate(chosen_parts), np.concatenate(back_parts)
