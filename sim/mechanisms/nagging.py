"""Over-control backfires (seed 004 ⑸: 社群运营其实不要控制,越控制越失控).

A group takes the operator's messages — reports, prompts, packets, lotteries, unwelcome
promotions, guided replies, @-mentions, reminders and introductions — as long as they do not
outnumber what members say themselves. Beyond `tolerated_ratio` operator messages per member
message, each excess message a member reads counts as `weight` irritating messages against their
tolerance, added to the day's overload: it costs attention and goodwill (satisfaction, through the
overload cost) and, past tolerance, gets the group muted (churn's irritation).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import GROUP, ROLE, STATE, TOLERANCE
from sim.enums import ACTIVE, ADMIN


@nb.njit(cache=True)
def excess(operator_messages: np.ndarray, member_messages: np.ndarray, tolerated_ratio: float) -> np.ndarray:
    """Operator messages in each group beyond `tolerated_ratio` per member message (never below 0)."""
    out = np.empty(operator_messages.shape[0])
    for g in range(operator_messages.shape[0]):
        out[g] = max(operator_messages[g] - tolerated_ratio * member_messages[g], 0.0)
    return out


@nb.njit(cache=True)
def nag(
    n: int, F: np.ndarray, Z: np.ndarray, excess_g: np.ndarray, exposure: np.ndarray, weight: float
) -> None:
    """Add each reader's share of the excess operator messages, `weight` irritating messages each
    relative to their tolerance, to their overload (row 5 of `exposure`; row 0 is the share read)."""
    group, state, role = Z[GROUP], Z[STATE], Z[ROLE]
    for i in range(n):
        if state[i] == ACTIVE and role[i] != ADMIN and excess_g[group[i]] > 0:
            exposure[5, i] += weight * excess_g[group[i]] * exposure[0, i] / F[TOLERANCE, i]
