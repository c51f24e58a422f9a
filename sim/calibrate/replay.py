"""Replaying posterior particles as a resumable batch: the posterior-predictive check and the forecast.

Every accepted particle carries its parameter values and the seed of the run that was accepted.
Running the same scenario with those values and that seed again gives the same trajectory, day for
day (the model is deterministic given its seed, and a longer horizon or a timeline action on a
later day changes nothing before that day). So replaying a particle through the last observed day
reproduces a trajectory that matched the observation, and replaying it further continues that very
trajectory into the future.

Replays are ordinary `sim.batch` jobs (one task per particle and option, with the particle's
overrides and seed): local processes or a Dask cluster, parts streamed to disk, resumed after a
kill. The posterior's hash is part of the job's identity, so a folder of replays of an earlier
posterior is started again rather than mixed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.batch.engine import BatchError, BatchProgress, run_job
from sim.batch.executors import BatchExecutor
from sim.batch.job import Job
from sim.batch.store import DAILY_FILE, MANIFEST, RUNS_FILE, ResultStore, read_manifest
from sim.batch.worker import STATUS_OK, Task
from sim.scenario import Scenario
from sim.sweep.experiment import Parameter

#: Daily columns kept from a replay (what the statistics, bands and forecast outcomes need).
REPLAY_COLUMNS = (
    "day",
    "members",
    "joins",
    "leaves",
    "kicks",
    "messages",
    "speakers",
    "value_posts",
    "value_contributors",
    "alive",
)


class ReplayError(BatchError):
    """Replays could not be completed; worded for the user."""


class LazyExecutor:
    """Starts an executor the first time one is needed, and shuts it down on `close`."""

    def __init__(self, start: Callable[[], BatchExecutor]) -> None:
        self._start = start
        self._executor: BatchExecutor | None = None
        self.description: str | None = None  # what was started (kept after it is shut down)

    def get(self) -> BatchExecutor:
        if self._executor is None:
            self._executor = self._start()
            self.description = self._executor.describe()
        return self._executor

    @property
    def started(self) -> BatchExecutor | None:
        return self._executor

    def abort(self) -> None:
        if self._executor is not None:
            self._executor.abort()
            self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown()
            self._executor = None


def particle_overrides(row: Mapping[str, Any], parameters: tuple[Parameter, ...]) -> dict[str, Any]:
    """A posterior row's parameter values as overrides (Python ints for int parameters)."""
    return {p.path: int(row[p.path]) if p.kind == "int" else float(row[p.path]) for p in parameters}


def posterior_hash(posterior: pd.DataFrame, parameters: tuple[Parameter, ...]) -> str:
    """A hash of the replayed particles: their seeds and parameter values."""
    columns = ["particle", "seed", *[p.path for p in parameters]]
    text = posterior[columns].to_csv(index=False, float_format="%.17g")
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def replay_job(
    kind: str,
    scenarios: Mapping[str, Scenario],
    posterior: pd.DataFrame,
    parameters: tuple[Parameter, ...],
    root_seed: int,
    details: Mapping[str, Any] | None = None,
) -> Job:
    """One task per option (scenario label) and particle that has draws, option-major."""
    used = posterior[posterior["draws"] > 0]
    tasks = tuple(
        Task(
            f"{label}/p{int(row['particle']):05d}",
            label,
            int(row["seed"]),
            {"option": label, "particle": int(row["particle"])},
            particle_overrides(row, parameters),
        )
        for label in scenarios
        for row in used.to_dict("records")
    )
    return Job(
        kind,
        dict(scenarios),
        tasks,
        root_seed,
        daily_columns=REPLAY_COLUMNS,
        details=dict(details or {}),
        extra_identity={"posterior": posterior_hash(posterior, parameters)},
    )


@dataclass(frozen=True)
class Replays:
    """The consolidated replays: one row per run, and their daily tables (option, particle, day...)."""

    runs: pd.DataFrame
    daily: pd.DataFrame
    ran: int  # runs simulated in this session


def run_replays(
    job: Job,
    folder: Path,
    executor: LazyExecutor,
    *,
    on_start: Callable[[BatchProgress, BatchExecutor], None] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    overwrite: bool = False,
) -> Replays:
    """Run what `folder` lacks of `job` (starting the executor only then), consolidate, and read back.

    A folder holding replays of another posterior or scenario is started again (so is any earlier
    batch in it with `overwrite`). StoreError if the folder holds something else.
    """
    folder = Path(folder)
    stale = (folder / MANIFEST).is_file() and read_manifest(folder).get("identity") != job.identity()
    ran = 0
    with ResultStore(folder).open(job, overwrite=stale or overwrite) as store:
        keys = [task.key for task in job.tasks]
        ok, failed = store.counts(keys)
        if ok + failed < len(keys):
            pool = executor.get()
            if on_start is not None:
                on_start(BatchProgress(len(keys), ok + failed, failed, 0, 0.0), pool)
            outcome = run_job(job, store, pool, on_progress=on_progress)
            ran = outcome.ran
        store.consolidate(job)
    runs = pd.read_parquet(folder / RUNS_FILE)
    bad = runs[runs["status"] != STATUS_OK]
    if len(bad):
        first = bad.iloc[0]
        raise ReplayError(
            f"{len(bad)} replays failed, e.g. option {first['option']} particle {first['particle']}: {first['error']}"
        )
    return Replays(runs, pd.read_parquet(folder / DAILY_FILE), ran)
