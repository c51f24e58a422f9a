"""No winner's curse: the best strategies are re-run on fresh seeds, next to the baseline.

A search keeps the trials that did best over a few replicates, and some did best by luck: their
search figures are biased upwards (the winner's curse). So, once the trials are done, the `top`
best feasible trials for each budget level (by the first objective, among those whose mean cost
was within the level) and the baseline - the experiment's base scenario with its `set:` changes,
no lever moved - are each run `replicates` more times, on seeds no trial used: confirmation
replicate j runs with `replicate_seed(root, FRESH_OFFSET + j)` (a trial's replicates are below
100,000, the most an experiment file may ask for). Replicate j of every strategy and of the
baseline share that seed, so differences from the baseline are paired (common random numbers).

For each strategy and metric: the mean over the confirmation runs with a 95% BCa bootstrap
interval, and the paired difference from the baseline with its interval (a bootstrap of the mean
of the per-replicate differences) and a two-sided Wilcoxon signed-rank p-value. The best strategy
of a budget level is the candidate with the best confirmed mean of the first objective among
those whose *confirmed* means keep every constraint, with the level as the budget.

The confirmation runs live in `confirm/`, a result store of their own, so they resume after a
kill like any batch; a strategy is keyed by its trial number.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.batch.engine import BatchProgress, run_job
from sim.batch.job import Job
from sim.batch.seeds import replicate_seed
from sim.batch.store import ResultStore
from sim.batch.worker import STATUS_OK, Simulate, Task
from sim.optimize.metrics import run_metrics
from sim.optimize.spec import OptimizeSpec
from sim.optimize.study import LABEL, LazyExecutor, study_job
from sim.runner import run_scenario
from sim.stats import bootstrap_interval
from sim.sweep.experiment import Experiment

CONFIRM_DIR = "confirm"
CONFIRM_KIND = "optimize-confirm"
FRESH_OFFSET = 100_000
BASELINE = "baseline"
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Candidate:
    """A strategy to confirm: a trial (its number and levers) or the baseline (no trial, no levers).
    `levels` are the budget levels it is a candidate for (None: no budget); `searched` its metric
    means in the search."""

    name: str
    trial: int | None
    params: dict[str, Any]
    levels: tuple[float | None, ...] = ()
    searched: dict[str, float] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return BASELINE if self.trial is None else f"t{self.trial:05d}"


def budget_levels(spec: OptimizeSpec) -> tuple[float | None, ...]:
    """The budget levels answered: each given level, or one level (None) without a budget."""
    return spec.budgets or (None,)


def ranked(trials: pd.DataFrame, spec: OptimizeSpec) -> pd.DataFrame:
    """Feasible complete trials, best first by the first objective (then cheaper, then earlier)."""
    ok = trials[(trials["state"] == "complete") & trials["feasible"]]
    primary = spec.primary
    return ok.sort_values(
        [primary.metric, spec.cost_metric, "trial"],
        ascending=[primary.direction == "minimize", True, True],
        kind="stable",
    )


def pick_candidates(trials: pd.DataFrame, spec: OptimizeSpec, paths: Sequence[str]) -> list[Candidate]:
    """The best `confirm_top` feasible trials per budget level (mean cost within the level), in
    the order first picked; the same trial may serve several levels. A trial that repeats an
    earlier trial's levers (samplers do revisit points) is the same strategy: only the first
    (the best) of them counts."""
    best = ranked(trials, spec)
    best = best[~best[list(paths)].astype(str).duplicated()] if len(paths) else best
    chosen: dict[int, list[float | None]] = {}
    for level in budget_levels(spec):
        eligible = best if level is None else best[best[spec.cost_metric] <= level]
        for number in eligible["trial"].head(spec.confirm_top):
            chosen.setdefault(int(number), []).append(level)
    rows = trials.set_index("trial")
    out = []
    for number, levels in chosen.items():
        row = rows.loc[number]
        out.append(
            Candidate(
                f"trial {number}",
                number,
                {p: _plain(row[p]) for p in paths},
                tuple(levels),
                {m: float(row[m]) for m in spec.metrics()},
            )
        )
    return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def confirm_job(
    experiment: Experiment, candidates: Sequence[Candidate], simulate: Simulate = run_scenario
) -> Job:
    """The baseline and every candidate, `confirm_replicates` runs each on fresh common seeds."""
    spec = experiment.optimize
    assert spec is not None
    base = study_job(experiment, [], kind=CONFIRM_KIND, simulate=simulate)
    seeds = [replicate_seed(experiment.root_seed, FRESH_OFFSET + j) for j in range(spec.confirm_replicates)]
    arms = [Candidate("baseline", None, {}), *candidates]
    tasks = tuple(
        Task(
            f"{arm.key}/c{j:05d}",
            LABEL,
            seeds[j],
            {"strategy": arm.name, "trial": -1 if arm.trial is None else arm.trial, "replicate": j},
            arm.params,
        )
        for arm in arms
        for j in range(spec.confirm_replicates)
    )
    details = dict(base.details) | {"confirmation": {"offset": FRESH_OFFSET, "seeds": seeds}}
    return Job(
        CONFIRM_KIND,
        base.scenarios,
        tasks,
        experiment.root_seed,
        simulate=simulate,
        daily_columns=(),
        details=details,
        extra_identity=base.extra_identity,
    )


def run_confirmation(
    experiment: Experiment,
    folder: Path,
    candidates: Sequence[Candidate],
    executor: LazyExecutor,
    on_runs: Callable[[BatchProgress], None] | None = None,
    simulate: Simulate = run_scenario,
) -> pd.DataFrame:
    """Run (or resume) the confirmation in `folder`/confirm; its run rows, baseline first."""
    job = confirm_job(experiment, candidates, simulate)
    with ResultStore(Path(folder) / CONFIRM_DIR).open(job) as store:
        if any(store.status(task.key) is None for task in job.tasks):
            run_job(job, store, executor.get(), on_progress=on_runs)
        rows = store.rows([task.key for task in job.tasks])
    return pd.DataFrame(rows).drop(columns=["_key", "_traceback"], errors="ignore")


def confirmed_statistics(
    runs: pd.DataFrame, spec: OptimizeSpec, candidates: Sequence[Candidate]
) -> pd.DataFrame:
    """One row per strategy (baseline first) and metric: mean with interval, runs, and the paired
    difference from the baseline with its interval and Wilcoxon p-value (NaN for the baseline)."""
    failed = runs[runs["status"] != STATUS_OK]
    if len(failed):
        raise ValueError(
            f"{len(failed)} confirmation runs failed (first: {failed['error'].iloc[0]}); "
            "see confirm/ and run the command again"
        )
    metrics = run_metrics(runs, spec.metrics())
    metrics[["strategy", "replicate"]] = runs[["strategy", "replicate"]]
    baseline = metrics[metrics["strategy"] == "baseline"].set_index("replicate")
    rows = []
    for arm in ["baseline", *(c.name for c in candidates)]:
        mine = metrics[metrics["strategy"] == arm].set_index("replicate")
        for metric in spec.metrics():
            rows.append(_metric_row(arm, metric, mine[metric], baseline[metric]))
    return pd.DataFrame(rows)


def _metric_row(arm: str, metric: str, values: pd.Series, baseline: pd.Series) -> dict[str, Any]:
    seed = zlib.crc32(f"{arm}|{metric}".encode())  # intervals depend only on the data and the names
    interval = bootstrap_interval(values.to_numpy(), "mean", confidence=CONFIDENCE, rng=seed)
    row = {
        "strategy": arm,
        "metric": metric,
        "mean": interval.estimate,
        "low": interval.low,
        "high": interval.high,
        "runs": int(values.notna().sum()),
        "diff": math.nan,
        "diff_low": math.nan,
        "diff_high": math.nan,
        "p_value": math.nan,
    }
    if arm == "baseline":
        return row
    paired = pd.concat([values, baseline], axis=1, keys=["a", "b"]).dropna()
    differences = (paired["a"] - paired["b"]).to_numpy()
    diff = bootstrap_interval(differences, "mean", confidence=CONFIDENCE, rng=seed + 1)
    row.update(diff=diff.estimate, diff_low=diff.low, diff_high=diff.high, p_value=wilcoxon_p(differences))
    return row


def wilcoxon_p(differences: np.ndarray) -> float:
    """Two-sided Wilcoxon signed-rank p-value of paired differences (NaN when all are zero)."""
    d = np.asarray(differences, dtype=np.float64)
    d = d[~np.isnan(d)]
    if d.size == 0 or np.all(d == 0):
        return math.nan
    return float(stats.wilcoxon(d).pvalue)


@dataclass(frozen=True)
class Best:
    """The answer for one budget level: the chosen strategy (None if no candidate kept to the
    constraints once confirmed) and why."""

    level: float | None
    candidate: Candidate | None
    reason: str


def confirmed_means(table: pd.DataFrame, name: str) -> dict[str, float]:
    rows = table[table["strategy"] == name]
    return dict(zip(rows["metric"], rows["mean"].astype(float)))


def keeps_constraints(spec: OptimizeSpec, means: dict[str, float], level: float | None) -> list[str]:
    """The constraints that confirmed `means` break at budget `level` (empty: all kept)."""
    return [b.describe() for b in spec.bounds_at(level) if b.slack(means.get(b.metric, math.nan)) > 0]


def best_per_level(table: pd.DataFrame, spec: OptimizeSpec, candidates: Sequence[Candidate]) -> list[Best]:
    """For each budget level, the candidate with the best confirmed first objective among those
    whose confirmed means keep every constraint at that level."""
    sign = spec.primary.sign
    out = []
    for level in budget_levels(spec):
        mine = [c for c in candidates if level in c.levels]
        kept = [c for c in mine if not keeps_constraints(spec, confirmed_means(table, c.name), level)]
        if not mine:
            out.append(Best(level, None, "no trial kept to the constraints at this level"))
        elif not kept:
            out.append(Best(level, None, "no candidate kept to the constraints once confirmed"))
        else:
            score = {c.name: sign * confirmed_means(table, c.name)[spec.primary.metric] for c in kept}
            best = max(kept, key=lambda c: (score[c.name], -(c.trial or 0)))
            out.append(Best(level, best, "best confirmed value within the constraints"))
    return out
