"""Replies: who answers whom. Replies form ties and reward posters (the brief: "the replies are
what reward creators").

Each reader replies to value posts they read with a role-specific chance; a post can only hold a
conversation of limited size, so replies saturate in big, busy groups.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Settlement:
    """The day's replies once each has found the post it answers."""

    repliers: np.ndarray  # one row per reply that found a post (members and KOCs; no self-replies)
    targets: np.ndarray  # the poster each of those replies answers
    received: np.ndarray  # per member: replies received (from members, KOCs and the operator)
    given: np.ndarray  # per member: replies given that found a post
    per_group: np.ndarray  # replies in each group, the operator's guided replies included


def settle(
    rng: np.random.Generator,
    given: np.ndarray,
    koc_repliers: np.ndarray,
    guided_per_group: np.ndarray,
    group: np.ndarray,
    poster_weight: np.ndarray,
    n_groups: int,
) -> Settlement:
    """Match every reply of the day to a value post in its group: members' replies (`given` per
    member), KOCs' (a row per reply) and the operator's guided replies (a count per group) share
    one targeting pass. A reply with no post to answer in its group, or that would answer the
    replier's own post, is dropped."""
    n = group.shape[0]
    repliers = np.repeat(np.arange(n), given)
    operator_groups = np.repeat(np.arange(n_groups), guided_per_group)
    if koc_repliers.shape[0]:
        repliers = np.concatenate([repliers, koc_repliers])
    reply_group = np.concatenate([group[repliers], operator_groups])
    all_targets = pick_targets(rng, reply_group, group, poster_weight, n_groups)
    targets, operator_t = all_targets[: repliers.shape[0]], all_targets[repliers.shape[0] :]
    operator_t = operator_t[operator_t >= 0]
    ok = (targets >= 0) & (targets != repliers)
    repliers, targets = repliers[ok], targets[ok]
    received = np.bincount(targets, minlength=n)
    given_ok = np.bincount(repliers, minlength=n)
    per_group = np.bincount(group, given_ok, minlength=n_groups)
    if operator_t.shape[0]:
        received += np.bincount(operator_t, minlength=n)
        per_group += np.bincount(group[operator_t], minlength=n_groups)
    return Settlement(repliers, targets, received, given_ok, per_group)


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
