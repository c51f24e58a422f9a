"""Run a sweep: every point of the design, `replicates` times, as one resumable batch job.

The sweep is a `sim.batch` job like `groupsim compare`: one scenario (the experiment's base) and
one task per point and replicate, each task carrying its point's lever values as overrides. The
batch layer does the rest - chunks, local processes or a Dask cluster, streaming finished runs
to `parts/`, surviving Ctrl-C and SIGKILL, resuming. Runs are scheduled replicate by replicate
(replicate 0 of every point, then replicate 1, ...), so an interrupted sweep already covers the
whole design; its task key is `r<replicate>/p<point>`.

Seeds come from the root seed with NumPy's SeedSequence (`sim.batch.seeds`):

* `common` (default): replicate *i* of every point runs with `replicate_seed(root, i)`, the seed
  replicate *i* of `groupsim compare` uses - common random numbers, so two points differ by their
  levers, not by their luck, and effects are estimated with far less noise;
* `independent`: the run of replicate *i* at point *p* gets the child `spawn_key=(i, p)` of the
  root (the p-th child of replicate i's sequence), shifted to 63 bits as in `sim.batch.seeds`.

A folder is resumed only by the same design (the hash of every point's values), seeding, root
seed, base scenario and model code; more replicates extend it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.batch.engine import BatchOutcome, BatchProgress, run_remaining
from sim.batch.executors import BatchExecutor
from sim.batch.job import Job
from sim.batch.seeds import SEED_BITS, check_root_seed, replicate_seed
from sim.batch.store import ResultStore, replace_atomically
from sim.batch.worker import Task
from sim.outputs import slug
from sim.scenario import ScenarioError, apply_overrides
from sim.scenario.loading import Problem
from sim.sweep.design import Design, make_design
from sim.sweep.experiment import Experiment, known_outcomes
from sim.sweep.tables import DESIGN_FILE, EXPERIMENT_FILE, ROWS_PER_FILE, RUNS_DIR, RunsWriter

KIND = "sweep"
BASE_LABEL = "base"
SEEDING_RULES = {
    "common": "replicate i of every point: replicate_seed(root, i) = SeedSequence(root, spawn_key=(i,)), "
    "first 64-bit word >> 1",
    "independent": "replicate i of point p: SeedSequence(root, spawn_key=(i, p)), first 64-bit word >> 1",
}


def run_seed(root_seed: int, replicate: int, point: int, seeding: str = "common") -> int:
    """The seed of replicate `replicate` at point `point` (see the module docstring): an int in [0, 2**63)."""
    if seeding == "common":
        return replicate_seed(root_seed, replicate)
    if seeding != "independent":
        raise ValueError(f"seeding is 'common' or 'independent', got {seeding!r}")
    child = np.random.SeedSequence(check_root_seed(root_seed), spawn_key=(int(replicate), int(point)))
    return int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(64 - SEED_BITS))


def task_key(replicate: int, point: int) -> str:
    return f"r{replicate:05d}/p{point:07d}"


def sweep_job(experiment: Experiment, design: Design) -> Job:
    """The batch job of `experiment`: one task per replicate and point, replicate-major."""
    root = experiment.root_seed
    common = [replicate_seed(root, r) for r in range(experiment.replicates)]
    overrides = [design.overrides(p) for p in range(len(design))]  # shared by a point's replicates
    tasks = tuple(
        Task(
            task_key(r, p),
            BASE_LABEL,
            common[r] if experiment.seeds == "common" else run_seed(root, r, p, "independent"),
            {"point": p, "replicate": r},
            overrides[p],
        )
        for r in range(experiment.replicates)
        for p in range(len(design))
    )
    kinds = known_outcomes(experiment.base)
    outcome_types = {name: kinds[name] for name in experiment.outcomes}
    details = {
        "experiment": experiment.definition(),
        "experiment_hash": experiment.hash(),
        "experiment_file": str(experiment.source),
        "design": {
            "kind": design.kind,
            "description": design.describe(),
            "points": len(design),
            "hash": design.hash(),
            "settings": design.settings,
            "file": DESIGN_FILE,
        },
        "replicates": experiment.replicates,
        "runs": len(tasks),
        "seeds": {
            "root": root,
            "scheme": experiment.seeds,
            "rule": SEEDING_RULES[experiment.seeds],
            "per_replicate": common if experiment.seeds == "common" else None,
        },
        "outcome_types": outcome_types,
        "runs_files": {"folder": RUNS_DIR, "rows_per_file": ROWS_PER_FILE, "order": "replicate, then point"},
    }
    return Job(
        KIND,
        {BASE_LABEL: experiment.base},
        tasks,
        root,
        daily_columns=(),
        details=details,
        extra_identity={"design": design.hash(), "seeding": experiment.seeds},
    )


def check_points(experiment: Experiment, design: Design, *, examples: int = 3) -> None:
    """ScenarioError unless every point is a valid scenario (levers can break rules across
    fields, e.g. sustained_min_weeks <= sustained_weeks). Names the rule and a few points."""
    failures: dict[str, list[int]] = {}
    for point in range(len(design)):
        try:
            apply_overrides(experiment.base, design.overrides(point))
        except ValueError as exc:
            failures.setdefault(str(exc), []).append(point)
    if not failures:
        return
    problems = []
    for message, points in failures.items():
        shown = "; ".join(
            f"point {p}: " + ", ".join(f"{k}={v}" for k, v in design.overrides(p).items())
            for p in points[:examples]
        )
        problems.append(
            Problem(
                str(experiment.source),
                None,
                "parameters",
                f"{len(points)} of {len(design)} points are not valid scenarios ({message}), "
                f"e.g. {shown}; narrow the ranges or fix the other field under set:",
            )
        )
    raise ScenarioError(problems)


def prepare(experiment: Experiment) -> tuple[Design, Job]:
    """The design of `experiment` (every point checked) and its batch job."""
    if experiment.optimize is not None:
        message = (
            "this experiment is an optimisation (it has an optimize: block); run it with groupsim optimize"
        )
        raise ScenarioError([Problem(str(experiment.source), None, "optimize", message)])
    design = make_design(experiment)
    check_points(experiment, design)
    return design, sweep_job(experiment, design)


def default_folder(experiment: Experiment, job: Job, root: Path = Path("results")) -> Path:
    """Where a sweep writes without --out: named after the experiment and the job's identity, so
    the same command finds (and resumes) the same folder; more replicates keep the folder."""
    return root / f"sweep-{slug(experiment.name)}-seed{experiment.root_seed}-{job.identity_hash()}"


@dataclass(frozen=True)
class SweepRun:
    """How a `run_sweep` call ended."""

    folder: Path
    job: Job
    design: Design
    outcome: BatchOutcome | None  # None when every run was already done
    runs_written: int  # runs in runs/ (all of them when the sweep is complete)
    failed: int  # runs recorded as failed

    @property
    def complete(self) -> bool:
        return self.runs_written == len(self.job.tasks)


def run_sweep(
    experiment: Experiment,
    design: Design,
    job: Job,
    folder: Path,
    make_executor: Callable[[], BatchExecutor],
    *,
    overwrite: bool = False,
    retry_failed: bool = False,
    on_start: Callable[[BatchProgress, BatchExecutor], None] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
    rows_per_file: int = ROWS_PER_FILE,
) -> SweepRun:
    """Run (or resume, or extend) `job` into `folder`: design.parquet, experiment.yaml, runs/.

    The executor is started only if some run is left. Raises StoreError, ExecutorError,
    BatchError (worded for the user) and KeyboardInterrupt (finished runs are kept).
    """
    folder = Path(folder)
    with ResultStore(folder, keep_rows=False).open(job, overwrite=overwrite) as store:
        table = design.table()
        replace_atomically(
            folder / DESIGN_FILE, lambda tmp: table.to_parquet(tmp, index=False, compression="zstd")
        )
        replace_atomically(
            folder / EXPERIMENT_FILE, lambda tmp: tmp.write_text(experiment.text, encoding="utf-8")
        )
        keys = [task.key for task in job.tasks]
        writer = RunsWriter(
            folder, store, keys, design, job.details["outcome_types"], rows_per_file=rows_per_file
        )

        def progress(now: BatchProgress) -> None:
            if not retry_failed:  # a retried run may replace a row already written
                writer.advance()
            if on_progress is not None:
                on_progress(now)

        outcome = run_remaining(
            job, store, make_executor, on_start=on_start, on_progress=progress, retry_failed=retry_failed
        )
        written = writer.finish()
        _, failed = store.counts(keys)
    return SweepRun(folder, job, design, outcome, written, failed)
