"""Reading with information overload (Dunbar ~150, WeChat's 500 cap; seed 004 ⒊).

Every active member reads a share min(1, attention / volume) of the day's messages in their
group; muted members read nothing. What they read is split by kind in proportion to volume.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.mechanisms.groups import per_member


@dataclass(frozen=True)
class Exposure:
    read_share: np.ndarray  # share of the group's messages each member read
    value_read: np.ndarray  # quality-weighted value posts read
    value_posts_read: np.ndarray  # value posts read (count, for reply chances)
    chatter_read: np.ndarray
    ads_read: np.ndarray
    overload: np.ndarray  # (volume / attention - 1)+


def expose(
    reading: np.ndarray,
    attention: np.ndarray,
    group: np.ndarray,
    volume: np.ndarray,
    value_quality: np.ndarray,
    value_posts: np.ndarray,
    chatter: np.ndarray,
    ads: np.ndarray,
    own_value_quality: np.ndarray,
    own_value_posts: np.ndarray,
    own_chatter: np.ndarray,
    own_ads: np.ndarray,
) -> Exposure:
    """Per-member exposure. Group totals are per group; `own_*` are the member's own posts
    (nobody learns from, or is annoyed by, their own messages). `reading` is True for members
    who read (active, not muted)."""
    load = per_member(volume, group) / attention
    share = reading / np.maximum(load, 1.0)
    # moderation may have removed a member's own message, so others' chatter and ads can't go below zero
    return Exposure(
        read_share=share,
        value_read=(per_member(value_quality, group) - own_value_quality) * share,
        value_posts_read=(per_member(value_posts, group) - own_value_posts) * share,
        chatter_read=np.maximum(per_member(chatter, group) - own_chatter, 0.0) * share,
        ads_read=np.maximum(per_member(ads, group) - own_ads, 0.0) * share,
        overload=np.maximum(load - 1.0, 0.0) * reading,
    )
