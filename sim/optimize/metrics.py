"""What an optimisation can aim at or bound: per-run metrics, and a trial's value (their mean).

A *metric* is a number per run. It is either a numeric column of the run summary, flattened as
in `runs.parquet` (`sustained_contributors_at_180`, `value_posts_per_1000_yuan`,
`operator_cost_yuan`, `peak_members`, `lifespan_days`, ...), or one of three derived ones:

* `survival_at_<D>` - 1 if the group is still alive on day D, else 0 (`sim.stats.alive_on_day`,
  the sweep analysis' survival); its mean over replicates is the share of groups alive on day D;
* `cash_cost_yuan` - the operator's cost without the operator's own hours: what is paid out
  (red packets, referral rewards, bait gifts, KOC rewards, KOL fees, events, prizes), in yuan;
* `operator_hours_per_day` - operator hours used (the SOP within `operator.hours_per_day`, plus
  vetting, red packets and events, which come on top) per simulated day. A run stops the day its
  group is found dead, so this is the daily load while the group ran.

A trial's value of a metric is its mean over the trial's replicates, runs where the metric is
undefined left out (`value_posts_per_1000_yuan` of a run that spent nothing); it is undefined
(NaN) when every replicate left it undefined.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from sim.stats import alive_on_day

CASH_COST = "cash_cost_yuan"
COST = "operator_cost_yuan"
HOURS_PER_DAY = "operator_hours_per_day"
#: The summary column holding the cost of the operator's hours (yuan).
HOURS_COST_COLUMN = "cost_breakdown_yuan_operator_hours"
_SURVIVAL = re.compile(r"^survival_at_(\d+)$")
_NUMERIC = ("int", "float", "bool")
#: Examples offered when a name is unknown.
DERIVED_EXAMPLES = (CASH_COST, HOURS_PER_DAY, "survival_at_90")


def survival_day(name: str) -> int | None:
    """D of `survival_at_<D>`, else None."""
    match = _SURVIVAL.match(name)
    return int(match.group(1)) if match else None


def metric_problem(name: str, known: Mapping[str, str], horizon: int) -> str | None:
    """Why `name` is not a metric of runs whose summary has the columns `known` (name -> kind),
    or None if it is one."""
    day = survival_day(name)
    if day is not None:
        if not 1 <= day <= horizon:
            return f"survival_at_{day}: day {day} is outside the horizon (1 to {horizon} days, horizon.days)"
        return None
    if name in (CASH_COST, HOURS_PER_DAY):
        return None
    kind = known.get(name)
    if kind in _NUMERIC:
        return None
    if kind is not None:
        return f"{name} is not a number (it is {kind}), so it cannot be optimised or bounded"
    names = [n for n, k in known.items() if k in _NUMERIC] + list(DERIVED_EXAMPLES)
    close = difflib.get_close_matches(name, names, n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else "."
    return (
        f"no metric {name!r}{hint} A metric is a numeric column of the run summary (e.g. "
        "sustained_contributors_at_180, value_posts_per_1000_yuan, operator_cost_yuan), "
        f"survival_at_<day>, {CASH_COST} or {HOURS_PER_DAY}"
    )


def run_metrics(runs: pd.DataFrame, names: Iterable[str]) -> pd.DataFrame:
    """Per run (the rows of `runs`: flattened run summaries), one float column per metric in
    `names` (NaN where a run leaves it undefined)."""
    out = pd.DataFrame(index=runs.index)
    for name in dict.fromkeys(names):
        out[name] = _per_run(runs, name)
    return out


def _per_run(runs: pd.DataFrame, name: str) -> np.ndarray:
    def column(col: str) -> np.ndarray:
        return pd.to_numeric(runs[col], errors="coerce").to_numpy(dtype=np.float64)

    day = survival_day(name)
    if day is not None:
        return alive_on_day(column("lifespan_days"), runs["censored"].to_numpy(dtype=bool), day)
    if name == CASH_COST:
        return column(COST) - column(HOURS_COST_COLUMN)
    if name == HOURS_PER_DAY:
        return column("operator_hours") / np.maximum(1.0, column("days_simulated"))
    return column(name)


def trial_means(runs: pd.DataFrame, names: Iterable[str]) -> dict[str, float]:
    """The mean over the runs of each metric (NaNs left out; NaN if every run left it undefined)."""
    table = run_metrics(runs, names)
    means: dict[str, float] = {}
    for name in table.columns:
        values = table[name].to_numpy()
        values = values[~np.isnan(values)]
        means[name] = float(values.mean()) if values.size else float("nan")
    return means


_DAY_LABELS = {
    "sustained_contributors_at_": ("sustained contributors on day {d}", "第 {d} 天的持续贡献者"),
    "value_contributors_at_": ("value contributors on day {d}", "第 {d} 天的价值贡献者"),
    "survival_at_": ("share of groups alive on day {d}", "第 {d} 天仍存活的群占比"),
}
_LABELS = {
    COST: ("operator cost (yuan)", "运营成本（元）"),
    CASH_COST: ("cash paid out (yuan)", "现金支出（元）"),
    HOURS_PER_DAY: ("operator hours per day", "每日运营时长（小时）"),
    "operator_hours": ("operator hours", "运营时长（小时）"),
    "value_posts_per_1000_yuan": ("value posts per 1,000 yuan", "每千元带来的价值内容数"),
    "value_posts_total": ("value posts", "价值内容总数"),
    "value_posts_per_member": ("value posts per member", "人均价值内容数"),
    "lifespan_days": ("lifespan (days)", "存活天数"),
    "peak_members": ("peak members", "最多成员数"),
    "final_members": ("final members", "最终成员数"),
    "revenue_yuan": ("revenue (yuan)", "收入（元）"),
}


def label(name: str, language: str = "en") -> str:
    """A readable name of a metric in English ("en") or Chinese ("zh"); the name itself if unknown."""
    index = 0 if language == "en" else 1
    for prefix, texts in _DAY_LABELS.items():
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            return texts[index].format(d=name[len(prefix) :])
    return _LABELS[name][index] if name in _LABELS else name
