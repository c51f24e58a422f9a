"""Batch throughput: how fast `groupsim compare` gets through replicates, and what the batch layer costs.

Two measurements of the same scenario and seeds:

1. the model alone - `--sample` replicates run one after another in this process
   (`run_scenario`, tables and summary included), giving the seconds per run of the model;
2. the batch - a fresh compare of `--replicates` replicates on `--workers` local worker
   processes (or another executor), timed from the call until runs.parquet, daily.parquet and
   summary.json are on disk (worker start-up included; the HTML report is timed separately).

The batch layer's overhead is the batch wall time against the ideal `replicates x seconds per
run / workers`. On a shared machine other processes take cores and inflate every wall-clock
figure, so the load average is printed, and the overhead is also given in CPU time, which load
barely affects: CPU of this (main) process plus the workers' CPU over their chunks, against
`replicates x CPU seconds per run` of the model alone. Prints one JSON line. Usage:

    .venv/bin/python benchmarks/compare.py [--scenario scenarios/baseline.yaml] [--replicates 1000]
        [--workers 2] [--executor local] [--sample 20] [--seed 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import tempfile
import time
from pathlib import Path

from sim import __version__, load_scenario, run_scenario
from sim.batch.compare import compare_job, run_compare
from sim.batch.executors import available_cores, make_executor
from sim.batch.seeds import replicate_seed
from sim.report.compare import write_compare_report


def model_seconds_per_run(scenario, seed: int, sample: int) -> tuple[float, float]:
    """Mean (wall-clock, CPU) seconds per run of the model alone, after one warm-up run."""
    run_scenario(scenario, replicate_seed(seed, sample))  # warm-up: imports, caches
    start, cpu = time.perf_counter(), time.process_time()
    for i in range(sample):
        run_scenario(scenario, replicate_seed(seed, i))
    return (time.perf_counter() - start) / sample, (time.process_time() - cpu) / sample


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", default="scenarios/baseline.yaml")
    parser.add_argument("--replicates", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None, help="default: one per available core")
    parser.add_argument("--executor", default="local", choices=["local", "dask", "serial"])
    parser.add_argument(
        "--sample", type=int, default=20, help="runs timed alone to price the model (0: skip)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, default=None, help="write the batch here (default: a temporary folder)"
    )
    args = parser.parse_args()

    scenario = load_scenario(args.scenario)
    workers = args.workers or (1 if args.executor == "serial" else available_cores())
    load_before = os.getloadavg()
    per_run, cpu_per_run = (
        model_seconds_per_run(scenario, args.seed, args.sample) if args.sample else (None, None)
    )

    folder = args.keep or Path(tempfile.mkdtemp(prefix="groupsim-bench-")) / "batch"
    job = compare_job([(scenario.name, scenario)], args.replicates, args.seed)
    start, main_cpu = time.perf_counter(), own_cpu_seconds()
    result = run_compare(job, folder, lambda: make_executor(args.executor, args.workers), overwrite=True)
    batch_seconds = time.perf_counter() - start
    main_cpu = own_cpu_seconds() - main_cpu
    start = time.perf_counter()
    write_compare_report(result.folder)
    report_seconds = time.perf_counter() - start
    outcome = result.outcome
    ideal = args.replicates * per_run / workers if per_run else None
    print(
        json.dumps(
            {
                "scenario": args.scenario,
                "replicates": args.replicates,
                "executor": args.executor,
                "workers": workers,
                "batch_seconds": round(batch_seconds, 2),
                "runs_per_second": round(args.replicates / batch_seconds, 2),
                "worker_seconds_per_run": round(outcome.worker_seconds / max(1, outcome.ran), 4)
                if outcome
                else None,
                "model_seconds_per_run_alone": round(per_run, 4) if per_run else None,
                "ideal_seconds": round(ideal, 2) if ideal else None,
                "overhead_vs_ideal": round(batch_seconds / ideal - 1, 3) if ideal else None,
                "model_cpu_seconds_per_run_alone": round(cpu_per_run, 4) if cpu_per_run else None,
                "worker_cpu_seconds_per_run": round(outcome.worker_cpu_seconds / max(1, outcome.ran), 4)
                if outcome
                else None,
                "main_process_cpu_seconds": round(main_cpu, 2),
                "cpu_overhead_vs_model": (
                    round((main_cpu + outcome.worker_cpu_seconds) / (args.replicates * cpu_per_run) - 1, 3)
                    if outcome and cpu_per_run and args.executor != "serial"
                    else None
                ),
                "report_seconds": round(report_seconds, 2),
                "failed": outcome.failed if outcome else 0,
                "target_60s_met": batch_seconds < 60,
                "load_average_before": [round(x, 2) for x in load_before],
                "load_average_after": [round(x, 2) for x in os.getloadavg()],
                "cores": available_cores(),
                "python": platform.python_version(),
                "groupsim": __version__,
            }
        ),
        flush=True,
    )
    if args.keep is None:
        shutil.rmtree(folder.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
