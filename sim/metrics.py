"""The outputs of a run: the per-day table's columns and the summary statistics.

One implementation per metric; the summary reads only the finished tables, never a live model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Per-day table columns, in order (all numeric except `interventions`).
DAILY_COLUMNS: tuple[str, ...] = (
    "day",
    "members",
    "active",
    "muted",
    "lurkers",
    "commenters",
    "creators",
    "kols",
    "admins",
    "kocs",
    "joins",
    "joins_organic",
    "joins_referral",
    "joins_operator",
    "joins_bait",
    "joins_seed",
    "leaves",
    "kicks",
    "mutes",
    "unmutes",
    "value_posts",
    "operator_posts",
    "chatter",
    "ads",
    "removed",
    "replies",
    "invitations",
    "messages",
    "speakers",
    "value_contributors",
    "sustained_contributors",
    "mean_satisfaction",
    "mean_fit",
    "cost_yuan",
    "revenue_yuan",
    "groups",
    "groups_alive",
    "alive",
    "checkins",
    "owner_deal_value",
    "culture",
    "owner_energy",
)

#: Columns stored as floats; every other numeric column is a whole-number count.
FLOAT_COLUMNS = frozenset(
    {"mean_satisfaction", "mean_fit", "cost_yuan", "revenue_yuan", "culture", "owner_energy"}
)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, ->1 = one member has everything).

    Returns 0.0 for an empty array or when the total is zero.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    total = x.sum()
    if x.size == 0 or total <= 0:
        return 0.0
    ranks = np.arange(1, x.size + 1)
    return float((2.0 * (ranks * x).sum()) / (x.size * total) - (x.size + 1) / x.size)


def top_share(values: np.ndarray, fraction: float) -> float:
    """Share of the total produced by the top `fraction` of members (at least one member).

    Returns 0.0 when the total is zero.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = x.sum()
    if x.size == 0 or total <= 0:
        return 0.0
    k = max(1, int(round(fraction * x.size)))
    return float(x[:k].sum() / total)


def participation(members: pd.DataFrame) -> dict[str, float]:
    """Participation inequality among non-operator members who ever joined."""
    people = members[members["role_at_join"] != "admin"]
    posts = people["value_posts"].to_numpy()
    n = max(1, len(people))
    return {
        "value_gini": gini(posts),
        "value_top1pct_share": top_share(posts, 0.01),
        "value_top10pct_share": top_share(posts, 0.10),
        "never_posted_value_share": float((posts == 0).sum() / n),
        "never_posted_anything_share": float(
            ((people["value_posts"] + people["chatter_posts"] + people["replies_given"]) == 0).sum() / n
        ),
    }


def value_at_days(
    daily: pd.DataFrame, column: str, days: tuple[int, ...], horizon: int
) -> dict[str, int | None]:
    """`column` on each of `days`: 0 after the run stopped early (a dead group has no
    contributors), None for a day beyond the horizon (never simulated)."""
    by_day = daily.set_index("day")[column]
    return {str(d): (int(by_day.get(d, 0)) if d <= horizon else None) for d in days}
