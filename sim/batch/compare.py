"""`compare`: replicates of one or more scenarios, run as one resumable batch.

Replicate *i* of every scenario uses `replicate_seed(root_seed, i)`; the task key is
`<label>/<replicate>`. The outputs are sorted by scenario (in the order given) and replicate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.batch.analysis import compare_summary
from sim.batch.engine import BatchOutcome, BatchProgress, run_remaining
from sim.batch.executors import BatchExecutor
from sim.batch.job import Job
from sim.batch.seeds import check_root_seed, replicate_seed
from sim.batch.store import DAILY_FILE, RUNS_FILE, ResultStore, read_manifest, write_json_atomically
from sim.batch.worker import Simulate, Task
from sim.inputs import clip
from sim.limits import MAX_COMPARE_RUN_DAYS, MAX_REPLICATES
from sim.outputs import slug
from sim.runner import run_scenario
from sim.scenario import Scenario, scenario_hash

KIND = "compare"
SUMMARY_FILE = "summary.json"


def scenario_labels(scenarios: Sequence[Scenario], sources: Sequence[str | None] | None = None) -> list[str]:
    """A short, unique label per scenario: its name (cut to 60 characters); where names repeat, the
    file stem (`sources`), then a numeric suffix. ValueError if the same configuration is given twice."""
    hashes = [scenario_hash(sc) for sc in scenarios]
    for i, h in enumerate(hashes):
        if h in hashes[:i]:
            j = hashes.index(h)
            raise ValueError(
                f"scenarios {j + 1} and {i + 1} ({scenarios[i].name}) are the same configuration; "
                "give each scenario once"
            )
    names = [
        clip(sc.name.strip(), 60) or (Path(sources[i]).stem if sources and sources[i] else "scenario")
        for i, sc in enumerate(scenarios)
    ]
    if len(set(names)) < len(names) and sources:
        names = [
            Path(src).stem if src and names.count(names[i]) > 1 else names[i] for i, src in enumerate(sources)
        ]
    labels: list[str] = []
    for name in names:
        label, k = name, 1
        while label in labels:
            k += 1
            label = f"{name}-{k}"
        labels.append(label)
    return labels


def compare_job(
    scenarios: Sequence[tuple[str, Scenario]],
    replicates: int,
    root_seed: int = 1,
    *,
    simulate: Simulate = run_scenario,
) -> Job:
    """The job of comparing `scenarios` ((label, scenario) pairs) over `replicates` replicates each.

    ValueError unless 1 <= replicates <= `MAX_REPLICATES` and the runs' days (replicates x
    scenarios x horizon) stay within `MAX_COMPARE_RUN_DAYS`."""
    check_compare_size(replicates, [sc for _, sc in scenarios])
    root_seed = check_root_seed(root_seed)
    seeds = [replicate_seed(root_seed, i) for i in range(replicates)]
    tasks = tuple(
        Task(f"{label}/{i:06d}", label, seeds[i], {"scenario": label, "replicate": i})
        for label, _ in scenarios
        for i in range(replicates)
    )
    return Job(KIND, dict(scenarios), tasks, root_seed, simulate=simulate, details={"replicates": replicates})


def check_compare_size(replicates: int, scenarios: Sequence[Scenario]) -> None:
    """ValueError (worded for the user) if a compare of `replicates` replicates of `scenarios`
    is empty or larger than the limits (sim.limits) allow."""
    if replicates < 1:
        raise ValueError(f"replicates must be at least 1, got {replicates}")
    if replicates > MAX_REPLICATES:
        raise ValueError(f"replicates must be at most {MAX_REPLICATES:,}, got {replicates:,}")
    if not scenarios:
        raise ValueError("give at least one scenario")
    run_days = replicates * sum(sc.horizon.days for sc in scenarios)
    if run_days > MAX_COMPARE_RUN_DAYS:
        raise ValueError(
            f"{replicates:,} replicates of {len(scenarios)} scenario(s) simulate {run_days:,} run-days; a "
            f"compare may simulate at most {MAX_COMPARE_RUN_DAYS:,} (its daily table is read whole for the "
            "statistics): use fewer replicates or a shorter horizon"
        )


def default_folder(job: Job, root: Path = Path("results")) -> Path:
    """Where a compare writes when no --out is given: named after the scenarios and the job's
    identity, so the same command finds (and resumes) the same folder, and a changed scenario,
    root seed or model code gets a new one. The replicate count is not part of the name: asking
    for more replicates extends the batch."""
    labels = list(job.scenarios)
    shown = "-vs-".join(slug(label) for label in labels[:3]) + (
        f"-and-{len(labels) - 3}-more" if len(labels) > 3 else ""
    )
    return root / f"compare-{shown}-seed{job.root_seed}-{job.identity_hash()}"


@dataclass(frozen=True)
class CompareRun:
    """A compare that has finished every run: where, what, and how this session went."""

    folder: Path
    job: Job
    outcome: BatchOutcome | None  # None when every run was already done


def run_compare(
    job: Job,
    folder: Path,
    make_executor: Callable[[], BatchExecutor],
    *,
    overwrite: bool = False,
    retry_failed: bool = False,
    on_start: Callable[[BatchProgress, BatchExecutor], None] | None = None,
    on_progress: Callable[[BatchProgress], None] | None = None,
) -> CompareRun:
    """Run (or resume) `job` into `folder`, then write runs.parquet, daily.parquet and summary.json.

    The executor is only started if some run is left to do. `on_start` is called once the
    executor is up, with the progress so far. Raises StoreError, ExecutorError, BatchError
    (worded for the user) and KeyboardInterrupt (finished runs are kept; run again to resume).
    """
    with ResultStore(folder).open(job, overwrite=overwrite) as store:
        outcome = run_remaining(
            job, store, make_executor, on_start=on_start, on_progress=on_progress, retry_failed=retry_failed
        )
        store.consolidate(job)
        write_summary(folder)
    return CompareRun(Path(folder), job, outcome)


def write_summary(folder: Path) -> dict:
    """Compute the comparison's statistics from the consolidated tables; write summary.json."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    runs = pd.read_parquet(folder / RUNS_FILE)
    daily = pd.read_parquet(folder / DAILY_FILE)
    summary = strict_json(compare_summary(runs, daily, manifest))
    write_json_atomically(folder / SUMMARY_FILE, summary)
    return summary


def strict_json(value: Any) -> Any:
    """`value` with NaN and infinities replaced by None (JSON has no such numbers)."""
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
