"""Red packets (红包, seeds 002, 003): money dropped in the group for the quickest to grab.

Everyone active grabs; the packet sets off a burst of chatter (thanks, stickers) and a little
activation, both fading within days. Each packet excites less than the last (habituation), so
red packets alone buy a spike of noise, not lasting value (claim 5).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, BUZZ, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN


def strength(habituation: float, sent_before: int) -> float:
    """How much a packet still excites, after `sent_before` packets in this community."""
    return habituation**sent_before


@nb.njit(cache=True)
def grab(
    n: int, F: np.ndarray, Z: np.ndarray, packets: np.ndarray, pool_yuan: np.ndarray, buzz_each: float,
    activation_each: float, money: np.ndarray,
) -> None:  # fmt: skip
    """Every active member (not the operator's side) grabs from each packet in their group: buzz
    and activation per packet (already scaled by habituation), and an even share of the group's
    pool of money."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    grabbers = np.zeros(packets.shape[0])
    for i in range(n):
        if state[i] == ACTIVE and role[i] != ADMIN and packets[group[i]] > 0:
            grabbers[group[i]] += 1.0
    for i in range(n):
        g = group[i]
        if state[i] == ACTIVE and role[i] != ADMIN and packets[g] > 0:
            F[BUZZ, i] += buzz_each * packets[g]
            F[ACTIVATION, i] += activation_each * packets[g]
            money[i] += pool_yuan[g] / grabbers[g]
