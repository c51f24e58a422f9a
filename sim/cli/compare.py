"""`groupsim compare`: replicates of one or more scenarios, compared on lifespan and contributors."""

from __future__ import annotations

import math
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.batch.compare import CompareRun, compare_job, default_folder, run_compare, scenario_labels
from sim.batch.seeds import SEED_BITS
from sim.cli.batch_run import check_executor_options, run_with_progress
from sim.cli.common import app, check_out, console, err_console, fail, load_or_exit, parse_sets, warn_about
from sim.limits import MAX_REPLICATES
from sim.report.compare import write_compare_report


@app.command()
def compare(
    scenario_files: list[Path] = typer.Argument(
        ...,
        metavar="SCENARIO...",
        help="Scenario YAML files; the first is the reference. One file runs a plain batch.",
    ),
    replicates: int = typer.Option(
        ..., "--replicates", "-n", help="Replicates per scenario (same seeds across scenarios)."
    ),
    seed: int = typer.Option(
        1, "--seed", help="Root seed; replicate seeds are derived from it with NumPy SeedSequence."
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Worker processes (local) or local-cluster workers (dask). Default: one per core.",
    ),
    executor: str | None = typer.Option(
        None,
        "--executor",
        "-e",
        help="local (processes on this machine, default), dask (a Dask cluster), or serial (this process).",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask). "
        "Without it --executor dask starts a local cluster.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder. Default: results/compare-<scenarios>-seed<S>-<id>; "
        "running the same command again resumes it.",
    ),
    days: int | None = typer.Option(
        None, "--days", help="Days to simulate (overrides every scenario's horizon.days)."
    ),
    sets: list[str] | None = typer.Option(
        None, "--set", help="Override a parameter in every scenario: --set path=value (repeatable)."
    ),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Run replicates that failed in an earlier session again."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Delete the earlier batch in the output folder and start again."
    ),
) -> None:
    """Run replicates of each scenario and compare them: runs.parquet, daily.parquet, summary.json, report.html.

    Results are written as runs finish. Interrupted (Ctrl-C, killed)? Run the same command again: finished runs are kept, the rest are run. Asking for more replicates later extends the batch.
    """
    if replicates < 1:
        fail(f"--replicates must be at least 1, got {replicates}")
    if replicates > MAX_REPLICATES:
        fail(f"--replicates must be at most {MAX_REPLICATES:,}, got {replicates:,}")
    if seed < 0 or seed >= 2**SEED_BITS:
        fail(f"--seed must be a whole number from 0 to 2**{SEED_BITS}-1, got {seed}")
    if days is not None and days < 1:
        fail(f"--days must be at least 1, got {days}")
    check_out(out)
    kind = executor or ("dask" if scheduler else "local")
    check_executor_options(kind, scheduler, workers)
    if scheduler and workers is not None:
        err_console.print(
            "[yellow]note:[/] --workers is ignored with --scheduler: the cluster's workers run the batch",
            highlight=False,
        )
    changes = parse_sets(sets)
    if days is not None:
        changes["horizon.days"] = days
    scenarios = [load_or_exit(path, changes) for path in scenario_files]
    for path, scenario in zip(scenario_files, scenarios):
        warn_about(path, scenario)
    try:
        labels = scenario_labels(scenarios, [str(p) for p in scenario_files])
        job = compare_job(list(zip(labels, scenarios)), replicates, seed)
    except ValueError as exc:
        fail(str(exc))
    folder = out if out is not None else default_folder(job)

    def run(start_executor, on_start, on_progress):
        result = run_compare(
            job,
            folder,
            start_executor,
            overwrite=overwrite,
            retry_failed=retry_failed,
            on_start=on_start,
            on_progress=on_progress,
        )
        return result, write_compare_report(result.folder)  # inside: Ctrl-C here also gets the resume hint

    result, report = run_with_progress(" vs ".join(labels), folder, kind, workers, scheduler, run)
    _print_outcome(result)
    console.print(
        f"Report: [bold]{escape(str(report))}[/]  (runs.parquet, daily.parquet and summary.json in "
        f"{escape(str(result.folder))}/)"
    )


def _print_outcome(result: CompareRun) -> None:
    import json

    summary = json.loads((result.folder / "summary.json").read_text(encoding="utf-8"))
    table = Table(title="Lifespan and value contributors", title_justify="left")
    table.add_column("scenario", style="bold")
    table.add_column("runs (failed)")
    table.add_column("alive at horizon")
    table.add_column("median lifespan")
    table.add_column("mean days of value")
    for s in summary["scenarios"]:
        stats = summary["per_scenario"][s["label"]]
        life = stats["lifespan"]
        runs = f"{stats['runs']['ok']} ({stats['runs']['failed']})"
        if life is None:
            table.add_row(s["label"], runs, "–", "–", "–")
            continue
        horizon = str(stats["horizon_days"])
        median = life["median"]["estimate"]
        table.add_row(
            s["label"],
            runs,
            f"{life['alive_at'][horizon]['estimate']:.0%} (day {horizon})",
            f"> {horizon} (not reached)" if median is None else f"{median:.0f} days",
            f"{life['restricted_mean']['estimate']:.1f} of {horizon}",
        )
    console.print(table)
    for sentence in summary["sentences"]["en"]:
        console.print(f"• {sentence}", highlight=False)
    outcome = result.outcome
    if outcome is None:
        console.print("Every run was already done; tables, summary and report rewritten.")
        return
    rate = outcome.runs_per_second
    per_worker = outcome.worker_seconds / outcome.ran if outcome.ran else math.nan
    failed = f", [yellow]{outcome.failed} failed[/]" if outcome.failed else ""
    console.print(
        f"Ran {outcome.ran} runs in {outcome.elapsed:.1f} s: "
        f"[bold]{rate:.1f} runs/s[/] ({per_worker:.3f} s of worker time per run){failed}."
        if rate
        else f"Ran {outcome.ran} runs{failed}.",
        highlight=False,
    )
