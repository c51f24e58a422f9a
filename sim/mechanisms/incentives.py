"""Points, levels and a weekly leaderboard (seed 001 step 6).

Points make the rewarded behaviour more likely (extrinsic motivation) and a place on the weekly
leaderboard gives recognition. Rewarding raw chatter buys noise, not value.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, POINTS, ROLE, STATE, WEEK_POINTS
from sim.enums import ADMIN, MUTED
from sim.scenario.schema import Incentives


def multipliers(inc: Incentives) -> tuple[float, float, float]:
    """Propensity multipliers for value posts, replies and chatter while the scheme runs."""
    if not inc.enabled:
        return 1.0, 1.0, 1.0

    def boost(points: float) -> float:
        return 1.0 + inc.motivation * (points > 0)

    return boost(inc.points_value_post), boost(inc.points_reply), boost(inc.points_chatter)


@nb.njit(cache=True)
def level(points: float, level_points: float) -> float:
    """Level reached: 0 below `level_points`, then one more for each doubling of points."""
    return max(np.floor(np.log2(max(points, 1e-9) / level_points) + 1.0), 0.0)


@nb.njit(cache=True)
def leaderboard(n: int, week_points: np.ndarray, eligible: np.ndarray, size: int) -> np.ndarray:
    """Rows of this week's top scorers (ties broken by row order; zero scorers never listed)."""
    rows = np.array([i for i in range(n) if eligible[i] and week_points[i] > 0], dtype=np.int64)
    if rows.shape[0] == 0 or size <= 0:
        return rows[:0]
    order = np.argsort(-week_points[rows], kind="mergesort")
    return rows[order[:size]]


def arguments(inc: Incentives) -> tuple:
    """The scheme's constants `score` takes, in its order."""
    return (inc.points_value_post, inc.points_reply, inc.points_chatter, inc.level_points, inc.level_identity,
            inc.leaderboard_size, inc.recognition)  # fmt: skip


@nb.njit(cache=True)
def score(
    day: int, n: int, F: np.ndarray, Z: np.ndarray, value: np.ndarray, given: np.ndarray, chatter: np.ndarray,
    identity: np.ndarray, per_value: float, per_reply: float, per_chatter: float, level_points: float,
    level_identity: float, board_size: int, recognition: float,
) -> bool:  # fmt: skip
    """Points for today's activity and the identity of one's level; on the last day of each week
    the leaderboard of present members (not the operator's side) earns recognition (identity and
    activation), after which the week restarts. Returns whether a leaderboard was published."""
    for i in range(n):
        earned = per_value * value[i] + per_reply * given[i] + per_chatter * chatter[i]
        F[POINTS, i] += earned
        F[WEEK_POINTS, i] += earned
        identity[i] += level_identity * level(F[POINTS, i], level_points)
    if day % 7 != 0:
        return False
    eligible = (Z[STATE, :n] <= MUTED) & (Z[ROLE, :n] != ADMIN)
    for i in leaderboard(n, F[WEEK_POINTS], eligible, board_size):
        identity[i] += recognition
        F[ACTIVATION, i] += recognition
    F[WEEK_POINTS, :n] = 0.0
    return True
