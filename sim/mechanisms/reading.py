"""Reading with information overload (Dunbar ~150, WeChat's 500 cap; seed 004 ⒊).

Every active member reads a share min(1, attention / volume) of the day's messages in their
group; muted members read nothing. What they read is split by kind in proportion to volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, ATTENTION, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN, KOL


@dataclass(frozen=True)
class Exposure:
    """What each member read today: `rows` (6 x members) holds, in order, the share of the
    group's messages read, quality-weighted value posts read, value posts read (for reply chances),
    chatter read, ads read, and overload ((volume / attention - 1)+). Kernels take `rows`."""

    rows: np.ndarray

    read_share = property(lambda self: self.rows[0])
    value_read = property(lambda self: self.rows[1])
    value_posts_read = property(lambda self: self.rows[2])
    chatter_read = property(lambda self: self.rows[3])
    ads_read = property(lambda self: self.rows[4])
    overload = property(lambda self: self.rows[5])


@nb.njit(cache=True)
def feed(
    n: int, n_groups: int, Z: np.ndarray, value: np.ndarray, chatter: np.ndarray, ads: np.ndarray,
    kol_quality: float, member_quality: float, quality: np.ndarray, extra_quality: np.ndarray, unseen: float,
    removed_chatter: np.ndarray, removed_ads: np.ndarray, promotions: np.ndarray, other_operator_posts: np.ndarray,
    yesterdays_replies: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """What there is to read in each group: rows [value posts, their quality, chatter, ads, KOLs'
    value posts, volume]. Members' posts count as moderation left them (removed messages are seen
    by a share 1 - `unseen` of readers); the operator adds `extra_quality` (morning report),
    promotions (ads) and its other posts; yesterday's replies add to the reading load. Each member's
    quality-weighted value posts go into `quality` (KOL posts carry more information)."""
    group, role = Z[GROUP], Z[ROLE]
    totals = np.zeros((6, n_groups))
    for i in range(n):
        g, v = group[i], value[i]
        quality[i] = (kol_quality if role[i] == KOL else member_quality) * v
        totals[0, g] += v
        totals[1, g] += quality[i]
        totals[2, g] += chatter[i]
        totals[3, g] += ads[i]
        if role[i] == KOL:
            totals[4, g] += v
    for g in range(n_groups):
        totals[1, g] += extra_quality[g]
        totals[2, g] -= unseen * removed_chatter[g]
        totals[3, g] += promotions[g] - unseen * removed_ads[g]
        totals[5, g] = (
            totals[0, g] + totals[2, g] + totals[3, g] + other_operator_posts[g] + yesterdays_replies[g]
        )
    return totals


@nb.njit(cache=True)
def expose(
    n: int, F: np.ndarray, Z: np.ndarray, totals: np.ndarray, own_quality: np.ndarray, own_value: np.ndarray,
    own_chatter: np.ndarray, own_ads: np.ndarray, kol_spark: float, kol_last_post: np.ndarray, day: int,
) -> np.ndarray:  # fmt: skip
    """Per-member exposure, rows in `Exposure`'s field order, for members who read (active, not
    the operator's side); `totals` as from `feed`. Nobody learns from, or is annoyed by, their own
    messages (moderation may have removed one, so what others posted cannot go below zero).
    Readers of KOL posts are sparked: activation + spark x min(KOL posts, 3) x the share of the group
    they read; a group whose KOLs posted today has `kol_last_post` set to `day`."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    spark = np.empty(totals.shape[1])
    for g in range(totals.shape[1]):
        spark[g] = kol_spark * min(totals[4, g], 3.0)  # saturating after three posts
        if totals[4, g] > 0:
            kol_last_post[g] = day
    out = np.zeros((6, n))
    for i in range(n):
        if state[i] != ACTIVE or role[i] == ADMIN:
            continue
        g = group[i]
        load = totals[5, g] / F[ATTENTION, i]
        s = 1.0 / max(load, 1.0)
        out[0, i] = s
        out[1, i] = (totals[1, g] - own_quality[i]) * s
        out[2, i] = (totals[0, g] - own_value[i]) * s
        out[3, i] = max(totals[2, g] - own_chatter[i], 0.0) * s
        out[4, i] = max(totals[3, g] - own_ads[i], 0.0) * s
        out[5, i] = max(load - 1.0, 0.0)
        F[ACTIVATION, i] += spark[g] * s
    return out
