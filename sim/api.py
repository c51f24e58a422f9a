"""Python API for notebooks and scripts: run a scenario, run a batch, load results as DataFrames.

    import sim.api as gs

    one = gs.run("scenarios/baseline.yaml", seed=7)                  # a RunResult
    one.daily, one.members, one.summary

    batch = gs.run_batch(["scenarios/baseline.yaml", "scenarios/unmanaged.yaml"], replicates=200)
    batch.runs          # one row per run (pandas)
    batch.daily         # one row per run and day
    batch.summary       # the statistics and sentences of summary.json
    batch.survival()    # Kaplan-Meier curves with bands, per scenario
    batch.bands("value_contributors")                               # median and 10-90% band by day

    again = gs.load_results(batch.folder)   # also works on a folder still being filled

`run_batch` is `groupsim compare` without the command line: same folder layout, same resume
behaviour, same numbers. Local worker processes import the main script, so in a script (not
in a notebook) call it under `if __name__ == "__main__":`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import stats
from sim.batch.compare import SUMMARY_FILE, compare_job, default_folder, run_compare, scenario_labels
from sim.batch.daily import bands, pad_to_horizon
from sim.batch.engine import BatchOutcome, BatchProgress
from sim.batch.executors import BatchExecutor, make_executor
from sim.batch.store import DAILY_FILE, RUNS_FILE, load_partial, read_manifest
from sim.batch.worker import STATUS_OK
from sim.runner import RunResult, run_scenario
from sim.scenario import Scenario, apply_overrides, load_scenario

ScenarioLike = Scenario | str | Path


def scenario(
    source: ScenarioLike, *, days: int | None = None, sets: Mapping[str, Any] | None = None
) -> Scenario:
    """A validated scenario from a file path or a Scenario, with `sets` ({dotted.path: value})
    and `days` (horizon.days) applied. Raises ScenarioError / ValueError with readable messages."""
    loaded = source if isinstance(source, Scenario) else load_scenario(Path(source))
    changes = dict(sets or {})
    if days is not None:
        changes["horizon.days"] = days
    return apply_overrides(loaded, changes)


def run(
    source: ScenarioLike, seed: int = 1, *, days: int | None = None, sets: Mapping[str, Any] | None = None
) -> RunResult:
    """One replicate: `.daily` (one row per day), `.members`, `.summary` (dict), `.interventions`.

    Raises ScenarioError / ValueError for bad input, and `sim.limits.RunTooLarge` (naming the
    fields responsible) if the run would outgrow the run limits."""
    return run_scenario(scenario(source, days=days, sets=sets), seed)


@dataclass
class BatchResult:
    """The tables of a batch folder. `complete` is False while runs are still missing (then
    `runs` and `daily` hold what has finished, and `summary` is None)."""

    folder: Path
    runs: pd.DataFrame
    daily: pd.DataFrame
    summary: dict[str, Any] | None
    manifest: dict[str, Any]
    complete: bool
    outcome: BatchOutcome | None = None  # how the session that produced it went (run_batch only)

    @property
    def labels(self) -> list[str]:
        """Scenario labels in the order given (the first is the reference)."""
        return [s["label"] for s in self.manifest["identity"]["scenarios"]]

    @property
    def horizons(self) -> dict[str, int]:
        """Horizon in days of each scenario."""
        return {label: int(self.manifest["scenarios"][label]["horizon"]["days"]) for label in self.labels}

    @property
    def report(self) -> Path | None:
        """report.html, if it has been written."""
        path = self.folder / "report.html"
        return path if path.exists() else None

    def ok_runs(self) -> pd.DataFrame:
        """The runs that finished without error."""
        return self.runs[self.runs["status"] == STATUS_OK] if len(self.runs) else self.runs

    def survival(self, confidence: float = 0.95) -> pd.DataFrame:
        """Kaplan-Meier share still alive by day, with its band: scenario, day, survival, low, high."""
        ok = self.ok_runs()
        frames = []
        for label, horizon in self.horizons.items():
            runs = ok[ok["scenario"] == label]
            if runs.empty:
                continue
            curve = stats.survival_curve(
                runs["lifespan_days"].to_numpy(),
                runs["censored"].to_numpy(bool),
                np.arange(0, horizon + 1),
                confidence,
            )
            frames.append(curve.assign(scenario=label)[["scenario", "day", "survival", "low", "high"]])
        return (
            pd.concat(frames, ignore_index=True)
            if frames
            else pd.DataFrame(columns=["scenario", "day", "survival", "low", "high"])
        )

    def padded_daily(self) -> pd.DataFrame:
        """`daily` with every run extended to its horizon (see `sim.batch.daily.pad_to_horizon`)."""
        return pad_to_horizon(self.daily, self.horizons)

    def bands(self, column: str, quantiles: tuple[float, float, float] = (0.1, 0.5, 0.9)) -> pd.DataFrame:
        """`column` by scenario and day across runs (padded to the horizon): low, median, high, runs."""
        return bands(self.padded_daily(), column, quantiles=quantiles)


def run_batch(
    scenarios: ScenarioLike | Sequence[ScenarioLike],
    replicates: int,
    *,
    seed: int = 1,
    days: int | None = None,
    sets: Mapping[str, Any] | None = None,
    out: str | Path | None = None,
    executor: str | BatchExecutor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    report: bool = True,
    overwrite: bool = False,
    retry_failed: bool = False,
    progress: bool = False,
) -> BatchResult:
    """Run `replicates` replicates of each scenario (the first is the reference), like `groupsim compare`.

    `executor` is "local" (processes, `workers` of them, default one per core), "dask" (the cluster
    at `scheduler`, or a local one), "serial" (this process), or a ready `BatchExecutor`.
    `out` defaults to results/compare-<labels>-seed<seed>-<id> under the current folder; calling
    again with the same arguments resumes or reuses it. Writes runs.parquet, daily.parquet,
    summary.json and (with `report`) report.html, and returns them loaded. A replicate that
    outgrows the run limits is recorded with its error (status "error"), like any that fails;
    ValueError if the batch itself is larger than `sim.limits` allows.
    """
    sources = [scenarios] if isinstance(scenarios, (Scenario, str, Path)) else list(scenarios)
    loaded = [scenario(s, days=days, sets=sets) for s in sources]
    labels = scenario_labels(loaded, [None if isinstance(s, Scenario) else str(s) for s in sources])
    job = compare_job(list(zip(labels, loaded)), replicates, seed)
    folder = Path(out) if out is not None else default_folder(job)
    bar = _ProgressBar(" vs ".join(labels)) if progress else None
    with bar or nullcontext():
        result = run_compare(
            job,
            folder,
            _executor_starter(executor, workers, scheduler),
            overwrite=overwrite,
            retry_failed=retry_failed,
            on_start=bar.start if bar else None,
            on_progress=bar.update if bar else None,
        )
    if report:
        from sim.report.compare import write_compare_report

        write_compare_report(result.folder)
    loaded_result = load_results(result.folder)
    loaded_result.outcome = result.outcome
    return loaded_result


def _executor_starter(
    executor: str | BatchExecutor, workers: int | None, scheduler: str | None
) -> Callable[[], Any]:
    """What `run_compare` calls to start the executor, if any run is left: a context manager that
    yields `executor` itself (left running) when it is a BatchExecutor, else a new one of that kind."""
    if isinstance(executor, BatchExecutor):
        return lambda: nullcontext(executor)
    return lambda: make_executor(executor, workers, scheduler)


def load_results(folder: str | Path) -> BatchResult:
    """The tables of a batch folder as DataFrames (a finished one, or whatever has finished so far)."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    runs_path, daily_path, summary_path = folder / RUNS_FILE, folder / DAILY_FILE, folder / SUMMARY_FILE
    complete = False
    if runs_path.exists() and daily_path.exists():
        runs, daily = pd.read_parquet(runs_path), pd.read_parquet(daily_path)
        complete = len(runs) == manifest.get("tasks")  # consolidated tables of the latest job
    if not complete:  # still running, interrupted, or being extended: read the parts
        runs, daily = load_partial(folder)
    summary = (
        json.loads(summary_path.read_text(encoding="utf-8")) if complete and summary_path.exists() else None
    )
    return BatchResult(folder, runs, daily, summary, manifest, complete)


class _ProgressBar:
    """A rich progress bar (terminal or notebook) for `run_batch(progress=True)`."""

    def __init__(self, title: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._title = title
        self._progress = Progress(
            "[bold]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
        )
        self._task: Any = None

    def start(self, now: BatchProgress, executor: BatchExecutor) -> None:
        self._progress.start()
        self._task = self._progress.add_task(self._title, total=now.total, completed=now.done)

    def update(self, now: BatchProgress) -> None:
        if self._task is not None:
            self._progress.update(self._task, completed=now.done)

    def __enter__(self) -> _ProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()
