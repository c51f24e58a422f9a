"""Replies: who answers whom. Replies form ties and reward posters (the brief: "the replies are
what reward creators").

Each reader replies to value posts they read with a role-specific chance; a post can only hold a
conversation of limited size, so replies saturate in big, busy groups. Members, KOCs and the
operator (guided discussion) answer today's posts, each reply going to a poster in the replier's
group in proportion to the quality of what they posted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, FIT, GROUP, ROLE, SPEAK, STATE
from sim.enums import ACTIVE, ADMIN, KOC
from sim.mechanisms import incentives
from sim.mechanisms.draws import poisson, small_count, uniform
from sim.mechanisms.groups import by_group, pick
from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class Settlement:
    """The day's replies once each has found the post it answers."""

    repliers: np.ndarray  # one row per reply that found a post (members and KOCs; no self-replies)
    targets: np.ndarray  # the poster each of those replies answers
    received: np.ndarray  # per member: replies received (from members, KOCs and the operator)
    given: np.ndarray  # per member: replies given that found a post
    per_group: np.ndarray  # replies in each group, the operator's guided replies included


@nb.njit(cache=True)
def expected_replies(
    role_rate: float, fit: float, value_posts_read: float, activation: float, value_gain: float, need: float,
    incentive: float,
) -> float:  # fmt: skip
    """Replies a member would give today before the conversations saturate."""
    return role_rate * fit * value_posts_read * (1.0 + value_gain * activation) * need * incentive


@nb.njit(cache=True)
def saturation(raw: float, posts: float, max_per_post: float) -> float:
    """Scale on a group's replies: total replies approach `posts * max_per_post` smoothly."""
    if raw <= 0.0:
        return 0.0
    cap = posts * max_per_post
    return cap * (1.0 - np.exp(-raw / max(cap, 1e-12))) / raw


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `reply` takes, in its order."""
    beh = sc.behaviour
    return (np.array(beh.replies.rate.as_tuple()), beh.replies.max_per_post, beh.activation.value_gain,
            incentives.multipliers(sc.incentives)[1], sc.rules.admin_replies_per_day if sc.rules.enabled else 0)  # fmt: skip


@nb.njit(cache=True)
def reply(
    keys: np.ndarray, day: int, n: int, n_groups: int, F: np.ndarray, Z: np.ndarray, value_posts_read: np.ndarray,
    need: np.ndarray, engagement: np.ndarray, proof: np.ndarray, value_g: np.ndarray, quality: np.ndarray,
    koc_replies_each: int, guided: np.ndarray, rate_by_role: np.ndarray, max_per_post: float, value_gain: float,
    incentive: float, admin_replies_each: int,
):  # fmt: skip
    """The day's replies: members' (drawn from `keys[0]`; fewer in a group that feels dead, `proof`),
    KOCs' (`koc_replies_each` per active KOC), volunteer admins' (`admin_replies_each` each; the
    owner, row 0, answers through guided discussion) and the operator's (`guided` per group), each
    answering a value post of its group chosen by
    quality (`keys[1]`). A reply with no post to answer in its group, or that would answer the
    replier's own post, is dropped. Readers are the active members who are not the operator's side.

    Returns (repliers, targets, received, given, per_group), as in `Settlement`."""
    group, role, state = Z[GROUP], Z[ROLE], Z[STATE]
    expected = np.zeros(n)
    raw = np.zeros(n_groups)
    for i in range(n):
        if state[i] == ACTIVE and role[i] != ADMIN:
            lift = incentive * engagement[i] * F[SPEAK, i] * proof[group[i]]
            expected[i] = expected_replies(rate_by_role[role[i]], F[FIT, i], value_posts_read[i], F[ACTIVATION, i],
                                           value_gain, need[i], lift)  # fmt: skip
            raw[group[i]] += expected[i]
    scale = np.zeros(n_groups)
    for g in range(n_groups):
        scale[g] = saturation(raw[g], value_g[g], max_per_post)
    rows, cum, start = by_group(n, n_groups, group, quality)
    room = (3 + max(koc_replies_each, admin_replies_each)) * n
    repliers, targets = np.empty(room, dtype=np.int64), np.empty(room, dtype=np.int64)
    received, given, per_group = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), np.zeros(n_groups)
    made = 0
    for i in range(n):
        count = (
            small_count(uniform(keys[0], day, i, 0), expected[i] * scale[group[i]]) if expected[i] > 0 else 0
        )
        if koc_replies_each and role[i] == KOC and state[i] == ACTIVE:
            count += koc_replies_each
        elif admin_replies_each and role[i] == ADMIN and i > 0 and state[i] == ACTIVE:
            count += admin_replies_each
        g = group[i]
        for k in range(count):
            target = pick(rows, cum, start[g], start[g + 1], uniform(keys[1], day, i, k))
            if target >= 0 and target != i:
                repliers[made], targets[made] = i, target
                made += 1
                received[target] += 1
                given[i] += 1
                per_group[g] += 1
    for g in range(n_groups):
        for k in range(guided[g]):
            target = pick(rows, cum, start[g], start[g + 1], uniform(keys[1], day, n + g, k))
            if target >= 0:
                received[target] += 1
                per_group[g] += 1
    return repliers[:made], targets[:made], received, given, per_group


@nb.njit(cache=True)
def chatter_pairs(
    key: np.uint64, day: int, n: int, Z: np.ndarray, chatter: np.ndarray, pairs_per_message: float
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of members who chatted with each other today (small talk builds weak ties): a Poisson
    number of pairs per message, each end drawn in proportion to how much a member chatted; pairs
    across groups or with oneself are dropped."""
    group = Z[GROUP]
    talkers = np.flatnonzero(chatter[:n])
    if talkers.shape[0] < 2:
        return talkers[:0], talkers[:0]
    cum = np.cumsum(chatter[talkers].astype(np.float64))
    n_pairs = poisson(key, day, 0, pairs_per_message * cum[-1])
    a, b = np.empty(n_pairs, dtype=np.int64), np.empty(n_pairs, dtype=np.int64)
    kept = 0
    for k in range(n_pairs):
        ia = np.searchsorted(cum, uniform(key, day, 1 + 2 * k, 0) * cum[-1], side="right")
        ib = np.searchsorted(cum, uniform(key, day, 2 + 2 * k, 0) * cum[-1], side="right")
        x, y = talkers[min(ia, talkers.shape[0] - 1)], talkers[min(ib, talkers.shape[0] - 1)]
        if x != y and group[x] == group[y]:
            a[kept], b[kept] = x, y
            kept += 1
    return a[:kept], b[:kept]
