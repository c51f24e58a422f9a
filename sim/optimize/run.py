"""`groupsim optimize` without the command line: trials, confirmation, tables, scenario files, summary.

Folder layout (everything written atomically; the same call resumes it)::

    manifest.json, parts/   the result store of the trials' runs (see sim.batch.store)
    study.db                the Optuna study (SQLite): every trial's levers, values, constraints
    experiment.yaml         the experiment file as run
    trials.parquet          one row per trial (sim.optimize.study.trials_table)
    runs.parquet            one row per run of a told trial: trial, replicate, seed, levers, summary
    confirm/                the result store of the confirmation runs (sim.optimize.confirm)
    confirmed.csv           per strategy (baseline first) and metric: mean, interval, difference
    best/<level>.yaml       the best confirmed strategy of each budget level, a ready scenario
    summary.json            the answer per budget level, importances and the sentences
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import pandas as pd

from sim.batch.engine import BatchProgress
from sim.batch.executors import BatchExecutor
from sim.batch.store import ResultStore, replace_atomically, rows_table
from sim.batch.worker import Simulate, code_fingerprint
from sim.optimize.confirm import (
    Best,
    Candidate,
    best_per_level,
    confirmed_means,
    confirmed_statistics,
    pick_candidates,
    run_confirmation,
)
from sim.optimize.scenario_file import scenario_yaml
from sim.optimize.study import (
    LazyExecutor,
    StudyProgress,
    counted,
    open_study,
    run_trials,
    study_job,
    trial_key,
    trials_table,
    write_experiment_file,
)
from sim.optimize.summary import sentences
from sim.runner import run_scenario
from sim.scenario import apply_overrides, scenario_hash
from sim.scenario.schema import Description
from sim.sweep.experiment import Experiment

TRIALS_FILE = "trials.parquet"
RUNS_FILE = "runs.parquet"
CONFIRMED_FILE = "confirmed.csv"
SUMMARY_FILE = "summary.json"
BEST_DIR = "best"


@dataclass
class OptimizationResult:
    """What an optimisation produced (the same as its folder holds)."""

    folder: Path
    experiment: Experiment
    trials: pd.DataFrame
    candidates: list[Candidate]
    confirmed: pd.DataFrame
    best: list[Best]
    best_files: dict[float | None, Path]
    importances: dict[str, dict[str, float]]
    told: int
    summary: dict[str, Any]


def run_optimization(
    experiment: Experiment,
    folder: Path,
    make_executor: Callable[[], BatchExecutor],
    *,
    trials: int | None = None,
    overwrite: bool = False,
    on_start: Callable[[BatchExecutor], None] | None = None,
    on_progress: Callable[[StudyProgress], None] | None = None,
    on_runs: Callable[[BatchProgress], None] | None = None,
    on_confirm: Callable[[int], None] | None = None,
    simulate: Simulate = run_scenario,
) -> OptimizationResult:
    """Run (or resume, or extend) the optimisation of `experiment` in `folder`: `trials` trials
    (default: the file's), then the confirmation, tables, scenario files and summary.

    Raises StoreError (another job in the folder, or it is locked), ExecutorError, BatchError and
    KeyboardInterrupt (every stored run and told trial is kept). `simulate` runs one replicate
    (the model, `run_scenario`; tests pass a cheap stand-in)."""
    spec = experiment.optimize
    if spec is None:
        raise ValueError(f"{experiment.source} has no optimize: block")
    target = trials if trials is not None else spec.trials
    folder = Path(folder)
    with ResultStore(folder).open(study_job(experiment, [], simulate=simulate), overwrite=overwrite) as store:
        write_experiment_file(folder, experiment)
        study = open_study(folder, experiment)
        with LazyExecutor(make_executor, on_start) as executor:
            told = run_trials(experiment, study, store, executor, target, on_progress, on_runs, simulate)
            table = trials_table(study, experiment)
            write_runs(folder, store, table, experiment.replicates)
            candidates = pick_candidates(table, spec, experiment.paths)
            if on_confirm is not None:
                on_confirm(len(candidates))
            runs = run_confirmation(experiment, folder, candidates, executor, on_runs, simulate)
    replace_atomically(folder / TRIALS_FILE, lambda tmp: table.to_parquet(tmp, index=False))
    confirmed = confirmed_statistics(runs, spec, candidates)
    replace_atomically(folder / CONFIRMED_FILE, lambda tmp: confirmed.to_csv(tmp, index=False))
    best = best_per_level(confirmed, spec, candidates)
    files = write_best_scenarios(folder, experiment, best, confirmed)
    importances = param_importances(study, experiment)
    result = OptimizationResult(
        folder, experiment, table, candidates, confirmed, best, files, importances, told, {}
    )
    result.summary = summary(result)
    text = json.dumps(result.summary, indent=2, ensure_ascii=False, default=_json_default)
    replace_atomically(folder / SUMMARY_FILE, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return result


def write_runs(folder: Path, store: ResultStore, table: pd.DataFrame, replicates: int) -> None:
    """runs.parquet: the rows of every told trial's runs, trial by trial."""
    told = table[table["state"].isin(["complete", "failed"])]["trial"]
    keys = [trial_key(int(n), r) for n in told for r in range(replicates)]
    runs = rows_table(store.rows(keys))
    replace_atomically(folder / RUNS_FILE, lambda tmp: runs.to_pandas().to_parquet(tmp, index=False))


def level_name(level: float | None) -> str:
    """File stem of a budget level's scenario: best-under-5000-yuan, or best without a budget."""
    return "best" if level is None else f"best-under-{level:g}-yuan"


def write_best_scenarios(
    folder: Path, experiment: Experiment, best: list[Best], confirmed: pd.DataFrame
) -> dict[float | None, Path]:
    """best/<level>.yaml for every budget level with a confirmed best strategy."""
    out: dict[float | None, Path] = {}
    target = folder / BEST_DIR
    target.mkdir(exist_ok=True)
    for answer in best:
        if answer.candidate is None:
            continue
        path = target / f"{level_name(answer.level)}.yaml"
        text = best_scenario_text(experiment, answer, confirmed)
        replace_atomically(path, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8"))
        out[answer.level] = path
    return out


def best_scenario_text(experiment: Experiment, answer: Best, confirmed: pd.DataFrame) -> str:
    """The scenario of `answer` as a ready YAML file, with where it came from in its header."""
    spec = experiment.optimize
    candidate = answer.candidate
    assert spec is not None and candidate is not None
    levers = ", ".join(f"{k} = {_show(v)}" for k, v in candidate.params.items())
    means = confirmed_means(confirmed, candidate.name)
    runs = spec.confirm_replicates
    value, cost = means[spec.primary.metric], means[spec.cost_metric]
    under = "" if answer.level is None else f" under a budget of {answer.level:,.0f} yuan"
    under_zh = "" if answer.level is None else f"预算 {answer.level:,.0f} 元以内"
    description = Description(
        en=f"The best strategy groupsim optimize found for {experiment.name}{under}: {experiment.base.name} "
        f"with {levers}. Confirmed over {runs} fresh replicates: {spec.primary.metric} {value:.3g}, "
        f"{spec.cost_metric} {cost:,.0f} yuan on average.",
        zh=f"groupsim optimize 为 {experiment.name} 找到的{under_zh}最佳策略：在 {experiment.base.name} 基础上 "
        f"{levers}。在 {runs} 个新种子上复核：{spec.primary.metric} 平均 {value:.3g}，"
        f"{spec.cost_metric} 平均 {cost:,.0f} 元。",
    )
    scenario = apply_overrides(experiment.base, candidate.params).model_copy(
        update={"name": f"{experiment.name}-{level_name(answer.level)}", "description": description}
    )
    comments = [
        f"{level_name(answer.level)}: trial {candidate.trial} of groupsim optimize {experiment.source.name}",
        f"(experiment hash {experiment.hash()}, code fingerprint {code_fingerprint()},",
        f"scenario hash {scenario_hash(scenario)}). Run it: groupsim run THIS_FILE",
    ]
    return scenario_yaml(scenario, comments)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value).lower() if isinstance(value, bool) else str(value)


def param_importances(study: optuna.Study, experiment: Experiment) -> dict[str, dict[str, float]]:
    """Optuna's parameter importances (its default evaluator, PED-ANOVA) for each objective, over
    the complete trials; an objective left out when they cannot be computed (too few trials)."""
    spec = experiment.optimize
    assert spec is not None
    out: dict[str, dict[str, float]] = {}
    complete = [t for t in study.get_trials(deepcopy=False) if counted(t) and t.values]
    if len(complete) < 2:
        return out
    for i, objective in enumerate(spec.objectives):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = optuna.importance.get_param_importances(study, target=lambda t, i=i: t.values[i])
        except (RuntimeError, ValueError, ZeroDivisionError):
            continue
        out[objective.metric] = {k: float(v) for k, v in values.items()}
    return out


def summary(result: OptimizationResult) -> dict[str, Any]:
    """The JSON summary: the study, the answer per budget level, the importances and sentences."""
    experiment, table = result.experiment, result.trials
    spec = experiment.optimize
    assert spec is not None
    answers = []
    for answer in result.best:
        entry: dict[str, Any] = {"budget_yuan": answer.level, "reason": answer.reason, "strategy": None}
        if answer.candidate is not None:
            c = answer.candidate
            rows = result.confirmed[result.confirmed["strategy"] == c.name]
            entry["strategy"] = {
                "trial": c.trial,
                "levers": c.params,
                "searched": c.searched,
                "confirmed": {r.metric: _row(r) for r in rows.itertuples()},
                "scenario_file": str(result.best_files.get(answer.level, "")),
            }
        answers.append(entry)
    baseline = result.confirmed[result.confirmed["strategy"] == "baseline"]
    return {
        "experiment": experiment.name,
        "experiment_hash": experiment.hash(),
        "code_fingerprint": code_fingerprint(),
        "optimize": spec.definition(),
        "trials": {
            "told": int(table["state"].isin(["complete", "failed"]).sum()),
            "complete": int((table["state"] == "complete").sum()),
            "failed": int((table["state"] == "failed").sum()),
            "feasible": int(table["feasible"].sum()),
            "this_session": result.told,
        },
        "replicates_per_trial": experiment.replicates,
        "baseline": {
            "scenario": experiment.base.name,
            "confirmed": {r.metric: _row(r) for r in baseline.itertuples()},
        },
        "answers": answers,
        "importances": result.importances,
        "sentences": sentences(result),
    }


def _row(row: Any) -> dict[str, float | None]:
    keys = ("mean", "low", "high", "runs", "diff", "diff_low", "diff_high", "p_value")
    return {k: _finite(getattr(row, k)) for k in keys}


def _finite(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)
