"""Parameter recovery: calibrate synthetic groups whose parameters are known, and count how often the
credible intervals hold the truth.

For group g of a study: draw "true" parameters from the FIT file's priors (Latin hypercube in the
unit cube, seeded), simulate the base scenario with them (seed from the study's root seed), read the
run as a chat export would (`observation_from_daily`: members, joins, leaves, messages, speakers),
calibrate to it exactly as `groupsim calibrate` does, and record for every parameter whether the
truth lies inside the posterior's 90% credible interval. Over many groups a calibrated method puts
the truth inside the 90% interval in about 90% of cases; ABC with a finite tolerance is expected
to be somewhat conservative (wider intervals, higher coverage).

Used by `scripts/recovery.py` (the full study) and the test suite (a small one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import qmc

from sim.batch.executors import BatchExecutor
from sim.batch.seeds import replicate_seed
from sim.calibrate.fit import Fit
from sim.calibrate.model import replay_scenario
from sim.calibrate.posterior import LEVEL
from sim.calibrate.run import prepare, run_calibration
from sim.calibrate.statistics import observable_daily
from sim.observe import Observation, table_hash
from sim.observe.formats import COUNT_FIELDS
from sim.runner import run_scenario
from sim.scenario import Scenario, apply_overrides

FIRST_DATE = date(2024, 1, 1)


def observation_from_daily(daily: pd.DataFrame, first_date: date = FIRST_DATE) -> Observation:
    """A simulated run as `groupsim observe` would read its chat export (value posts not labelled)."""
    view = observable_daily(daily)
    table = pd.DataFrame(
        {
            "date": pd.to_datetime([first_date + timedelta(days=int(d) - 1) for d in view["day"]]),
            "day": view["day"].to_numpy(dtype=np.int64),
        }
    )
    for column in COUNT_FIELDS:
        if column == "value_posts":
            table[column] = pd.array([pd.NA] * len(table), dtype="Int64")
        else:
            table[column] = pd.array(np.round(view[column].to_numpy()).astype(np.int64), dtype="Int64")
    meta = {
        "source": {"file": "synthetic", "format": "simulated"},
        "first_date": table["date"].iloc[0].date().isoformat(),
        "last_date": table["date"].iloc[-1].date().isoformat(),
        "first_day": int(table["day"].iloc[0]),
        "last_day": int(table["day"].iloc[-1]),
        "days": len(table),
        "table_sha256": table_hash(table),
    }
    return Observation(table, None, meta)


def true_parameters(fit: Fit, groups: int, seed: int) -> list[dict[str, Any]]:
    """`groups` parameter sets drawn from the FIT's priors (a seeded Latin hypercube)."""
    unit = qmc.LatinHypercube(d=len(fit.parameters), seed=np.random.default_rng(seed)).random(groups)
    return [
        {p.path: p.from_unit(np.asarray([unit[g, i]]))[0] for i, p in enumerate(fit.parameters)}
        for g in range(groups)
    ]


@dataclass(frozen=True)
class GroupResult:
    """One synthetic group: its truth, the posterior summary, and whether each 90% interval held it."""

    group: int
    truth: dict[str, Any]
    rows: list[dict[str, Any]]
    simulations: int
    seconds: float


def recover_group(
    group: int,
    truth: dict[str, Any],
    base: Scenario,
    fit: Fit,
    days: int,
    folder: Path,
    start_executor: Callable[[], BatchExecutor],
    seed: int,
) -> GroupResult:
    """Simulate a group with `truth`, calibrate `fit` to it in `folder`, and compare."""
    fixed = apply_overrides(base, fit.fixed)
    simulated = run_scenario(
        apply_overrides(replay_scenario(fixed, days), truth), replicate_seed(seed, group)
    ).daily
    observation = observation_from_daily(simulated)
    group_fit = replace(fit, seed=replicate_seed(seed + 1, group))
    calibration = prepare(observation, base, "recovery", group_fit)
    result = run_calibration(calibration, folder, start_executor)
    rows = []
    for summary in result.summary["parameters"]:
        value = truth[summary["path"]]
        rows.append(
            {
                "group": group,
                "parameter": summary["path"],
                "truth": value,
                "median": summary["median"],
                "low": summary["low"],
                "high": summary["high"],
                "inside": bool(summary["low"] <= value <= summary["high"]),
                "width_ratio": summary["width_ratio"],
            }
        )
    return GroupResult(group, truth, rows, int(result.summary["diagnostics"]["simulations"]), result.seconds)


def coverage_table(results: list[GroupResult]) -> pd.DataFrame:
    """Per parameter: groups, share of 90% intervals holding the truth, mean narrowing ratio."""
    rows = pd.DataFrame([row for result in results for row in result.rows])
    table = rows.groupby("parameter", sort=False).agg(
        groups=("inside", "size"), coverage=("inside", "mean"), width_ratio=("width_ratio", "mean")
    )
    return table.reset_index().assign(level=LEVEL)
