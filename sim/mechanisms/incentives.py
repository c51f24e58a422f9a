"""Points, levels and a weekly leaderboard (seed 001 step 6).

Points make the rewarded behaviour more likely (extrinsic motivation) and a place on the weekly
leaderboard gives recognition. Rewarding raw chatter buys noise, not value.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.schema import Incentives


def multipliers(inc: Incentives) -> tuple[float, float, float]:
    """Propensity multipliers for value posts, replies and chatter while the scheme runs."""
    if not inc.enabled:
        return 1.0, 1.0, 1.0
    boost = lambda pts: 1.0 + inc.motivation * (pts > 0)  # noqa: E731
    return boost(inc.points_value_post), boost(inc.points_reply), boost(inc.points_chatter)


def points(value: np.ndarray, replies: np.ndarray, chatter: np.ndarray, inc: Incentives) -> np.ndarray:
    """Points each member earned today."""
    return inc.points_value_post * value + inc.points_reply * replies + inc.points_chatter * chatter


def level(points: np.ndarray, inc: Incentives) -> np.ndarray:
    """Level reached: 0 below `level_points`, then one more for each doubling of points."""
    return np.floor(np.log2(np.maximum(points, 1e-9) / inc.level_points) + 1.0).clip(min=0.0)


def leaderboard(week_points: np.ndarray, eligible: np.ndarray, size: int) -> np.ndarray:
    """Rows of this week's top scorers (ties broken by row order; zero scorers never listed)."""
    rows = np.flatnonzero(eligible & (week_points > 0))
    if rows.shape[0] == 0 or size <= 0:
        return rows
    order = np.argsort(-week_points[rows], kind="stable")
    return rows[order[:size]]
