"""KOL seeding (seed 003: 每个群务必有一到两个KOL; seed 004 ⑽; seed 001 step 2).

A KOL posts high-value content, sparks activation in everyone who reads it, keeps members from
leaving while they speak, and draws organic prospects. All of it follows from the KOL actually
posting: a KOL who never speaks has no effect (KOL得没事说说话).
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import KOL


def spark(kol_posts_in_group: np.ndarray, kol: KOL) -> np.ndarray:
    """Activation each reader in a group gets from today's KOL posts (saturating after three)."""
    return kol.spark * np.minimum(kol_posts_in_group, 3.0)


def spoke_recently(kol_last_post_day: np.ndarray, day: int, window: int = 7) -> np.ndarray:
    """Per group: did a KOL post value content within the last week?"""
    return (day - kol_last_post_day) < window
