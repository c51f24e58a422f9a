"""Lotteries (抽奖, seed 002): a prize drawn among members who enter by posting.

Entering is a message (buzz); one winner per draw per group takes the prize money.
"""

from __future__ import annotations

import numpy as np


def entrants(rng: np.random.Generator, draws_seen: np.ndarray, entry_share: float) -> np.ndarray:
    """Entries each member makes today: the draws in their group if they are drawn in
    (`draws_seen` is zero for members who cannot take part)."""
    return draws_seen * (rng.random(draws_seen.shape[0]) < entry_share)


def winners(
    rng: np.random.Generator, entering: np.ndarray, group: np.ndarray, draws: np.ndarray
) -> np.ndarray:
    """One winner per group that held a draw and had entrants (rows, in group order)."""
    won = []
    for g in np.flatnonzero(draws):
        rows = np.flatnonzero(entering * (group == g))
        if rows.shape[0]:
            won.append(rows[rng.integers(rows.shape[0])])
    return np.array(won, dtype=np.int64)
