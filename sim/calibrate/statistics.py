"""Summary statistics of a group's daily series: what the simulated and observed groups are compared on.

For each matched column (members, joins, leaves, messages, speakers, value posts):

* the mean over each window of consecutive observed days (the first window starts on the first
  observed day; a last window shorter than half a window joins the one before), on a log scale,
  log(1 + mean) - the level and the trajectory of the series, with multiplicative differences (30
  vs 60 messages a day) counting alike at every size. Windows are `window_days` long, and longer
  for a sparse flow: long enough to hold about `min_events` observed events (a window's log-mean
  then varies by chance by roughly 1/sqrt(min_events)), so a series such as leaves - a handful in
  three months - gives one or two statistics rather than a dozen that are mostly noise;
* for the flows (all but members), the dispersion over all observed days, log((var + 1) / (mean + 1))
  - whether activity is steady or comes in bursts.

Only the days a column was observed on count (a missing value is not a zero), and the simulated
series is read on exactly the same days. The statistics are weighted by pyabc's adaptive distance
(`AdaptivePNormDistance` with `pcmad` scales), so no weights are chosen here.

The simulated group is read the way a chat export sees it: `members` (present members, operator
accounts included), `joins`, `leaves` (leaves plus removals: an export shows both as leaving),
`messages`, `speakers` and `value_posts` of the model's daily table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.metrics import DAILY_COLUMNS

#: Observed columns that count events per day (the rest, members, is a level).
FLOWS = ("joins", "leaves", "messages", "speakers", "value_posts")


def observable_daily(daily: pd.DataFrame) -> pd.DataFrame:
    """A simulated daily table as a chat export would show it: day and the observed columns."""
    return pd.DataFrame(
        {"day": daily["day"].to_numpy(), **{c: _column(daily, c) for c in ("members", *FLOWS)}}
    )


def _column(daily: pd.DataFrame | np.ndarray, column: str) -> np.ndarray:
    """An observable column of a daily table, or of the model's raw daily array (`DAILY_COLUMNS`)."""
    get = (
        (lambda c: daily[c].to_numpy(dtype=np.float64))
        if isinstance(daily, pd.DataFrame)
        else (lambda c: daily[:, _INDEX[c]])
    )
    if column == "leaves":  # an export shows removals as leaving too
        return get("leaves") + get("kicks")
    return get(column)


_INDEX = {name: i for i, name in enumerate(DAILY_COLUMNS)}


def simulated_view(daily: pd.DataFrame | np.ndarray, first_day: int, last_day: int) -> dict[str, np.ndarray]:
    """The observable columns of one run's daily table (or raw daily array, days 1, 2, ...) on days
    first_day..last_day.

    Days the run did not reach (it ended early, e.g. dissolved) count zero events and keep the
    last member count.
    """
    want = last_day - first_day + 1
    out = {}
    for column in ("members", *FLOWS):
        values = _column(daily, column)[first_day - 1 : last_day]
        if values.size < want:
            fill = values[-1] if (column == "members" and values.size) else 0.0
            values = np.concatenate([values, np.full(want - values.size, fill)])
        out[column] = values
    return out


def observed_view(table: pd.DataFrame) -> dict[str, np.ndarray]:
    """The columns of an observation table as float arrays (NaN = not observed)."""
    return {
        c: pd.to_numeric(table[c], errors="coerce").astype("float64").to_numpy() for c in FLOWS + ("members",)
    }


@dataclass(frozen=True)
class Statistics:
    """How series over the observed days become one vector of summary statistics."""

    columns: tuple[str, ...]
    masks: Mapping[str, np.ndarray]  # column -> observed days (bool over the observed period)
    windows: Mapping[str, tuple[tuple[int, int], ...]]  # column -> [start, stop) positions of its windows

    @classmethod
    def for_observation(
        cls, table: pd.DataFrame, columns: list[str], window_days: int, min_events: int = 0
    ) -> Statistics:
        """The statistics of `columns` over an observation table's days (see the module docstring)."""
        view = observed_view(table)
        masks = {c: ~np.isnan(view[c]) for c in columns}
        days = len(table)
        spans = {
            c: windows(days, window_length(view[c][masks[c]], c, days, window_days, min_events))
            for c in columns
        }
        return cls(tuple(columns), masks, spans)

    def labels(self) -> list[str]:
        """A name per statistic, in vector order (e.g. 'messages days 1-7', 'messages dispersion')."""
        out: list[str] = []
        for column in self.columns:
            mask = self.masks[column]
            out += [f"{column} days {a + 1}-{b}" for a, b in self.windows[column] if mask[a:b].any()]
            if column in FLOWS and mask.any():
                out.append(f"{column} dispersion")
        return out

    def compute(self, series: Mapping[str, np.ndarray]) -> np.ndarray:
        """The statistics of `series` (column -> values over the observed days)."""
        out: list[float] = []
        for column in self.columns:
            mask = self.masks[column]
            values = np.asarray(series[column], dtype=np.float64)
            for a, b in self.windows[column]:
                known = mask[a:b]
                if known.any():
                    out.append(float(np.log1p(values[a:b][known].mean())))
            if column in FLOWS and mask.any():
                seen = values[mask]
                out.append(float(np.log((seen.var() + 1.0) / (seen.mean() + 1.0))))
        return np.asarray(out, dtype=np.float64)


def window_length(observed: np.ndarray, column: str, days: int, window_days: int, min_events: int) -> int:
    """Days per window of `column`: `window_days`, or longer for a flow too sparse to hold about
    `min_events` observed events per window (the whole period for one that never happened)."""
    if column not in FLOWS or min_events <= 0 or observed.size == 0:
        return min(window_days, days)
    per_day = float(observed.sum()) / observed.size
    if per_day <= 0:
        return days
    return int(min(days, max(window_days, math.ceil(min_events / per_day))))


def windows(days: int, window_days: int) -> tuple[tuple[int, int], ...]:
    """[start, stop) of consecutive windows over `days` days; a short tail (< half a window) joins the last."""
    starts = list(range(0, days, window_days))
    spans = [(a, min(a + window_days, days)) for a in starts]
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < window_days / 2:
        last = spans.pop()
        spans[-1] = (spans[-1][0], last[1])
    return tuple(spans)
