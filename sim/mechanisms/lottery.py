"""Lotteries (抽奖, seed 002): a prize drawn among members who enter by posting.

Entering is a message (buzz); one winner per draw per group takes the prize money. A group that
has had many lotteries lately enters fewer and with less excitement (habituation, `strength`;
seed 002: 抽奖 … 做不长).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import BUZZ, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN
from sim.mechanisms.draws import uniform


@nb.njit(cache=True)
def draw(
    key: np.uint64, day: int, n: int, F: np.ndarray, Z: np.ndarray, draws: np.ndarray, entry_share: float,
    entry_buzz: float, prize: float, money: np.ndarray, strength: np.ndarray,
) -> None:  # fmt: skip
    """Hold `draws[g]` draws in each group g: active members (not the operator's side) enter with
    chance `entry_share` x `strength[g]` (an entry is a message: buzz `entry_buzz` x `strength[g]`,
    once per draw), and each draw's winner takes the prize. `strength` is what habituation has
    left of a lottery's pull in each group (1 = fresh)."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    n_groups = draws.shape[0]
    entrants = np.zeros(n_groups, dtype=np.int64)
    entered = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        g = group[i]
        if (
            state[i] == ACTIVE and role[i] != ADMIN and draws[g] > 0
            and uniform(key, day, i, 0) < entry_share * strength[g]
        ):  # fmt: skip
            entered[i] = True
            entrants[g] += 1
            F[BUZZ, i] += entry_buzz * strength[g] * draws[g]
    for g in range(n_groups):
        for d in range(draws[g]):
            if entrants[g] == 0:
                break
            winner = int(uniform(key, day, n + g, d) * entrants[g])
            for i in range(n):
                if entered[i] and group[i] == g:
                    if winner == 0:
                        money[i] += prize
                        break
                    winner -= 1
