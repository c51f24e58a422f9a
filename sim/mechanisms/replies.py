"""Replies: who answers whom. Replies form ties and reward posters (MODEL.md: "the replies are
what reward creators").

Each reader replies to value posts they read with a role-specific chance; a post can only hold a
conversation of limited size, so replies saturate in big, busy groups.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.sampling import small_counts


def reply_counts(
    rng: np.random.Generator,
    role_rate: np.ndarray,
    fit: np.ndarray,
    value_posts_read: np.ndarray,
    activation: np.ndarray,
    need: np.ndarray,
    group: np.ndarray,
    posts_in_group: np.ndarray,
    max_per_post: float,
    value_gain: float,
    incentive: float,
) -> np.ndarray:
    """Replies each member gives today."""
    expected = role_rate * fit * value_posts_read * (1.0 + value_gain * activation) * need * incentive
    n_groups = posts_in_group.shape[0]
    raw = np.bincount(group, expected, minlength=n_groups)
    cap = posts_in_group * max_per_post
    # conversation saturation: total replies approach the cap smoothly
    scale = np.where(raw > 0, cap * (1.0 - np.exp(-raw / np.maximum(cap, 1e-12))) / np.maximum(raw, 1e-12), 0.0)
    return small_counts(rng, expected * scale[group])


def pick_targets(
    rng: np.random.Generator,
    repliers: np.ndarray,
    group: np.ndarray,
    poster_weight: np.ndarray,
) -> np.ndarray:
    """For each reply (given by `repliers[k]`), the member whose value post it answers.

    Posters are chosen in proportion to `poster_weight` (posts x quality) within the replier's
    group. A reply with no poster to answer in its group gets target -1.
    """
    targets = np.full(repliers.shape[0], -1, dtype=np.int64)
    if repliers.shape[0] == 0:
        return targets
    reply_group = group[repliers]
    for g in np.unique(reply_group):
        in_group = np.flatnonzero((group == g) & (poster_weight > 0))
        if in_group.shape[0] == 0:
            continue
        w = poster_weight[in_group]
        slots = np.flatnonzero(reply_group == g)
        targets[slots] = in_group[np.searchsorted(np.cumsum(w), rng.random(slots.shape[0]) * w.sum(), side="right").clip(0, in_group.shape[0] - 1)]
    return targets


def chatter_pairs(rng: np.random.Generator, chatter: np.ndarray, group: np.ndarray, pairs_per_message: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of members who chatted with each other today (small talk builds weak ties)."""
    talkers = np.flatnonzero(chatter)
    if talkers.shape[0] < 2:
        return talkers[:0], talkers[:0]
    n_pairs = rng.poisson(pairs_per_message * chatter[talkers].sum())
    if n_pairs == 0:
        return talkers[:0], talkers[:0]
    weight = np.cumsum(chatter[talkers].astype(np.float64))
    a = talkers[np.searchsorted(weight, rng.random(n_pairs) * weight[-1], side="right").clip(0, talkers.shape[0] - 1)]
    b = talkers[np.searchsorted(weight, rng.random(n_pairs) * weight[-1], side="right").clip(0, talkers.shape[0] - 1)]
    keep = (a != b) & (group[a] == group[b])
    return a[keep], b[keep]
