"""Daily tables of many runs: fill in the days after a group died, and summarise days as bands.

A run stops on the day its group is found dead (`horizon.stop_at_death`), so its daily table can
be shorter than the horizon. To compare runs day by day, `pad_to_horizon` adds the missing days
with what a dead group looks like:

* activity on those days is zero: value posts, chatter, ads, replies, joins, leaves, mutes,
  invitations, costs and revenue (every column not listed below);
* value contributors, sustained contributors and live groups are zero (nobody posts value);
* `alive` is False;
* who is still in the group is carried forward from the last simulated day: members, active,
  muted, the role counts, the number of groups, mean satisfaction and fit (nobody is assumed to
  leave a silent group, and nobody joins it);
* `interventions` is empty; a new column `simulated` is False on added days.

The stored `daily.parquet` is not padded (it holds what was simulated); padding happens when
a table is analysed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

#: Columns whose last simulated value holds after the run stopped.
CARRIED_FORWARD = (
    "members",
    "active",
    "muted",
    "lurkers",
    "commenters",
    "creators",
    "kols",
    "admins",
    "kocs",
    "groups",
    "mean_satisfaction",
    "mean_fit",
)
#: Columns that are False after the run stopped.
FALSE_AFTER = ("alive",)
#: Text columns: empty after the run stopped.
TEXT_AFTER = ("interventions",)


def pad_to_horizon(
    daily: pd.DataFrame, horizons: Mapping[str, int] | int, *, run: Sequence[str] = ("scenario", "replicate")
) -> pd.DataFrame:
    """Every run in `daily` extended to days 1..horizon (see the module docstring for the fill).

    `run` names the columns that identify a run; `horizons` maps each scenario label (the first
    `run` column) to its horizon in days, or is one horizon for all. Rows are ordered by run (in
    order of first appearance) and day. Days beyond the horizon, if any, are kept.
    """
    if daily.empty:
        return daily.assign(simulated=pd.Series(dtype=bool))
    keys = list(run)
    runs = daily[keys].drop_duplicates().reset_index(drop=True)
    label = keys[0]
    horizon = (
        runs[label].map(horizons)
        if isinstance(horizons, Mapping)
        else pd.Series(int(horizons), index=runs.index)
    ).astype(np.int64)
    last = daily.groupby(keys, sort=False)["day"].max().reindex(pd.MultiIndex.from_frame(runs)).to_numpy()
    length = np.maximum(horizon.to_numpy(), last)
    grid = runs.loc[runs.index.repeat(length)].reset_index(drop=True)
    grid["day"] = np.concatenate([np.arange(1, n + 1) for n in length]).astype(np.int64)
    full = grid.merge(daily.assign(simulated=True), on=[*keys, "day"], how="left", sort=False)
    added = full["simulated"].isna()
    full["simulated"] = ~added
    carried = [c for c in CARRIED_FORWARD if c in full.columns]
    if carried:
        full[carried] = full.groupby(keys, sort=False)[carried].ffill()
    for column in full.columns:
        if column in keys or column in ("day", "simulated") or column in carried:
            continue
        if column in FALSE_AFTER:
            full[column] = full[column].fillna(False).astype(bool)
        elif column in TEXT_AFTER or not pd.api.types.is_numeric_dtype(daily[column]):
            full.loc[added, column] = ""
        else:
            full[column] = full[column].fillna(0).astype(daily[column].dtype)
    for column in carried:
        full[column] = full[column].astype(daily[column].dtype)
    return full


def rolling_mean(
    padded: pd.DataFrame, column: str, window: int, *, run: Sequence[str] = ("scenario", "replicate")
) -> pd.Series:
    """`column` averaged over the last `window` days of each run (fewer at the start of a run)."""
    keys = list(run)
    rolled = padded.groupby(keys, sort=False)[column].rolling(window, min_periods=1).mean()
    return rolled.reset_index(level=keys, drop=True).reindex(padded.index)


def bands(
    padded: pd.DataFrame,
    column: str,
    *,
    by: str = "scenario",
    quantiles: tuple[float, float, float] = (0.1, 0.5, 0.9),
) -> pd.DataFrame:
    """Per `by` group and day: the low, middle and high quantiles of `column` across runs.

    Columns: `by`, day, low, median, high, runs (how many runs had that day).
    """
    grouped = padded.groupby([by, "day"], sort=False)[column]
    q = grouped.quantile(list(quantiles)).unstack()
    q.columns = ["low", "median", "high"]
    q["runs"] = grouped.size()
    return q.reset_index()
