"""Replies: who answers whom. Replies form ties and reward posters (MODEL.md: "the replies are
what reward creators").

Each reader replies to value posts they read with a role-specific chance; a post can only hold a
conversation of limited size, so replies saturate in big, busy groups.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.groups import per_member
from sim.mechanisms.sampling import small_counts


def reply_counts(
    u: np.ndarray,
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
    """Replies each member gives today (`u`: one uniform per member)."""
    expected = role_rate * fit * value_posts_read * (1.0 + value_gain * activation) * need * incentive
    n_groups = posts_in_group.shape[0]
    raw = np.bincount(group, expected, minlength=n_groups)
    cap = posts_in_group * max_per_post
    # conversation saturation: total replies approach the cap smoothly
    scale = np.where(
        raw > 0, cap * (1.0 - np.exp(-raw / np.maximum(cap, 1e-12))) / np.maximum(raw, 1e-12), 0.0
    )
    return small_counts(u, expected * per_member(scale, group))


def pick_targets(
    rng: np.random.Generator,
    reply_group: np.ndarray,
    group: np.ndarray,
    poster_weight: np.ndarray,
    n_groups: int,
) -> np.ndarray:
    """For each reply made in group `reply_group[k]`, the member whose value post it answers.

    Posters are chosen in proportion to `poster_weight` (posts x quality) within the group. A
    reply in a group where nobody posted value today gets target -1.
    """
    targets = np.full(reply_group.shape[0], -1, dtype=np.int64)
    if reply_group.shape[0] == 0:
        return targets
    posters = np.flatnonzero(poster_weight)
    if posters.shape[0] == 0:
        return targets
    if n_groups == 1:
        return draw(rng, posters, poster_weight[posters], reply_group.shape[0])
    for g in np.unique(reply_group):
        in_group = posters[group[posters] == g]
        if in_group.shape[0]:
            slots = np.flatnonzero(reply_group == g)
            targets[slots] = draw(rng, in_group, poster_weight[in_group], slots.shape[0])
    return targets


def draw(rng: np.random.Generator, candidates: np.ndarray, weight: np.ndarray, k: int) -> np.ndarray:
    """`k` draws with replacement from `candidates`, proportional to `weight` (inverse CDF).

    Returns an empty array when every weight is zero.
    """
    cum = np.cumsum(weight)
    if cum.shape[0] == 0 or cum[-1] <= 0:
        return candidates[:0]
    idx = np.searchsorted(cum, rng.random(k) * cum[-1], side="right")
    return candidates[np.minimum(idx, candidates.shape[0] - 1)]


def chatter_pairs(
    rng: np.random.Generator, chatter: np.ndarray, group: np.ndarray, pairs_per_message: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of members who chatted with each other today (small talk builds weak ties)."""
    talkers = np.flatnonzero(chatter)
    if talkers.shape[0] < 2:
        return talkers[:0], talkers[:0]
    n_pairs = rng.poisson(pairs_per_message * chatter[talkers].sum())
    if n_pairs == 0:
        return talkers[:0], talkers[:0]
    ends = draw(rng, talkers, chatter[talkers], 2 * n_pairs)
    a, b = ends[:n_pairs], ends[n_pairs:]
    keep = (a != b) & (group[a] == group[b])
    return a[keep], b[keep]
