"""Sweep throughput: how fast `groupsim sweep` gets through an experiment, and how it scales with workers.

For the experiment (default: experiments/baseline_lhs_1000.yaml - 1,000 runs of the 180-day
baseline, a Latin hypercube of 100 points x 10 replicates), three measurements:

1. the model alone - `--sample` runs of the experiment's first points, one after another in this
   process (`run_scenario` with the point's overrides), giving the seconds per run of the model;
2. the sweep on each worker count in `--workers` (default 1 and 2), fresh each time, timed from the
   call until runs/ and design.parquet are on disk (worker start-up included);
3. the speed-up of every worker count over the first, and its efficiency (speed-up / workers).

On a shared machine other processes take cores and inflate every wall-clock figure, so the load
average is printed with each measurement, the worker CPU seconds per run (which load barely
affects) beside the wall-clock ones, and `cores_used` - the workers' CPU time over the wall time,
i.e. how many cores the sweep really had. Prints one JSON line. Usage:

    .venv/bin/python benchmarks/sweep.py [--experiment experiments/baseline_lhs_1000.yaml]
        [--workers 1,2] [--executor local] [--sample 10] [--keep DIR]

`--store-only` measures the scale of the bookkeeping instead, without simulating: it builds the
experiment's design and tasks (`--samples N` replaces the design's samples, e.g. a Sobol N),
streams one synthetic row per run through the batch store in chunks of 20 (as workers would),
writes runs/, and reopens the folder as a resume would, printing the time and the process's peak
memory after each step:

    .venv/bin/python benchmarks/sweep.py --store-only --experiment experiments/sobol_levers.yaml --samples 2048
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from sim import __version__, apply_overrides, run_scenario
from sim.batch.executors import available_cores, make_executor
from sim.sweep.experiment import load_experiment
from sim.sweep.run import prepare, run_sweep


def model_seconds_per_run(experiment, design, job, sample: int) -> tuple[float, float]:
    """Mean (wall-clock, CPU) seconds per run of the model alone over the first `sample` tasks,
    after one warm-up run."""
    tasks = job.tasks[:sample]
    run_scenario(apply_overrides(experiment.base, tasks[-1].overrides), tasks[-1].seed)  # warm-up
    start, cpu = time.perf_counter(), time.process_time()
    for task in tasks:
        run_scenario(apply_overrides(experiment.base, task.overrides), task.seed)
    return (time.perf_counter() - start) / len(tasks), (time.process_time() - cpu) / len(tasks)


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def store_only(experiment, root: Path) -> dict:
    """Synthetic rows for every task through the slim store and the runs writer (no simulation)."""
    import random

    from sim.batch.store import ResultStore
    from sim.batch.worker import ChunkResult, code_fingerprint, run_row
    from sim.sweep.tables import RunsWriter

    steps = {}
    start = time.perf_counter()
    design, job = prepare(experiment)
    steps["prepare"] = {"seconds": round(time.perf_counter() - start, 2), "peak_mb": round(peak_mb())}
    summary = run_scenario(apply_overrides(experiment.base, {"horizon.days": 5}), 1).summary
    rng = random.Random(1)
    folder = root / "store-only"
    start = time.perf_counter()
    with ResultStore(folder, keep_rows=False).open(job, overwrite=True) as store:
        for i in range(0, len(job.tasks), 20):
            rows = [
                run_row(task, {**summary, "lifespan_days": rng.randint(1, 180)})
                for task in job.tasks[i : i + 20]
            ]
            store.add(ChunkResult(rows, None, code_fingerprint(), 0.0, "synthetic"))
        steps["store_rows"] = {"seconds": round(time.perf_counter() - start, 2), "peak_mb": round(peak_mb())}
        start = time.perf_counter()
        writer = RunsWriter(folder, store, [t.key for t in job.tasks], design, job.details["outcome_types"])
        written = writer.finish()
        steps["write_runs"] = {
            "seconds": round(time.perf_counter() - start, 2),
            "peak_mb": round(peak_mb()),
            "rows": written,
            "files": writer.files,
        }
    start = time.perf_counter()
    with ResultStore(folder, keep_rows=False).open(job):
        steps["reopen_to_resume"] = {
            "seconds": round(time.perf_counter() - start, 2),
            "peak_mb": round(peak_mb()),
        }
    return {"points": len(design), "runs": len(job.tasks), "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--experiment", default="experiments/baseline_lhs_1000.yaml")
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts to time, e.g. 1,2")
    parser.add_argument("--executor", default="local", choices=["local", "dask"])
    parser.add_argument(
        "--sample", type=int, default=10, help="runs timed alone to price the model (0: skip)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="keep the sweeps in this folder (default: temporary)"
    )
    parser.add_argument(
        "--store-only", action="store_true", help="time the bookkeeping of a large sweep, no simulation"
    )
    parser.add_argument(
        "--samples", type=int, default=None, help="replace the design's samples (e.g. a Sobol N)"
    )
    args = parser.parse_args()

    experiment = load_experiment(args.experiment)
    if args.samples:
        experiment = dataclasses.replace(
            experiment, design=experiment.design.model_copy(update={"samples": args.samples})
        )
    if args.store_only:
        root = args.keep or Path(tempfile.mkdtemp(prefix="groupsim-sweep-bench-"))
        print(
            json.dumps(
                {
                    "experiment": args.experiment,
                    "design": experiment.design.model_dump(),
                    **store_only(experiment, root),
                    "groupsim": __version__,
                }
            ),
            flush=True,
        )
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
        return
    design, job = prepare(experiment)
    runs = len(job.tasks)
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    per_run, cpu_per_run = (
        model_seconds_per_run(experiment, design, job, args.sample) if args.sample else (None, None)
    )
    root = args.keep or Path(tempfile.mkdtemp(prefix="groupsim-sweep-bench-"))
    results = []
    for workers in counts:
        folder = root / f"{args.executor}-{workers}"
        load_before = os.getloadavg()
        start = time.perf_counter()
        result = run_sweep(
            experiment,
            design,
            job,
            folder,
            lambda workers=workers: make_executor(args.executor, workers),
            overwrite=True,
        )
        seconds = time.perf_counter() - start
        outcome = result.outcome
        ideal = runs * per_run / workers if per_run else None
        results.append(
            {
                "workers": workers,
                "seconds": round(seconds, 2),
                "runs_per_second": round(runs / seconds, 2),
                "worker_seconds_per_run": round(outcome.worker_seconds / max(1, outcome.ran), 4)
                if outcome
                else None,
                "worker_cpu_seconds_per_run": round(outcome.worker_cpu_seconds / max(1, outcome.ran), 4)
                if outcome
                else None,
                # worker CPU over wall time: the cores the sweep really got (other processes take the rest)
                "cores_used": round(outcome.worker_cpu_seconds / seconds, 2) if outcome else None,
                "ideal_seconds": round(ideal, 2) if ideal else None,
                "overhead_vs_ideal": round(seconds / ideal - 1, 3) if ideal else None,
                "failed": result.failed,
                "target_120s_met": seconds < 120,
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
            }
        )
    first = results[0]
    for r in results:
        r["speed_up"] = round(first["seconds"] / r["seconds"], 3)
        r["efficiency"] = round(r["speed_up"] * first["workers"] / r["workers"], 3)
    print(
        json.dumps(
            {
                "experiment": args.experiment,
                "design": design.describe(),
                "runs": runs,
                "executor": args.executor,
                "model_seconds_per_run_alone": round(per_run, 4) if per_run else None,
                "model_cpu_seconds_per_run_alone": round(cpu_per_run, 4) if cpu_per_run else None,
                "sweeps": results,
                "cores": available_cores(),
                "python": platform.python_version(),
                "groupsim": __version__,
            }
        ),
        flush=True,
    )
    if args.keep is None:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
