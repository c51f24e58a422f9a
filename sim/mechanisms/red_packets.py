"""Red packets (红包, seeds 002, 003): money dropped in the group for the quickest to grab.

Everyone active grabs; the packet sets off a burst of chatter (thanks, stickers) and a little
activation, both fading within days. Each packet excites less than the last (habituation), so
red packets alone buy a spike of noise, not lasting value (claim 5).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.groups import per_member


def strength(habituation: float, sent_before: int) -> float:
    """How much a packet still excites, after `sent_before` packets in this community."""
    return habituation**sent_before


def shares_yuan(grabbing: np.ndarray, group: np.ndarray, pool: np.ndarray, n_groups: int) -> np.ndarray:
    """Yuan each member grabs: each group's pool split evenly among its grabbers."""
    grabbed = grabbing > 0
    grabbers = np.bincount(group, grabbed, minlength=n_groups)
    return grabbed * per_member(pool / np.maximum(grabbers, 1), group)
