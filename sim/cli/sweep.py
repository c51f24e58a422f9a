"""`groupsim sweep` (run an experiment file, resumably) and `groupsim analyze` (what its runs say)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.batch_run import check_executor_options, run_with_progress
from sim.cli.common import app, check_out, console, fail, fail_problems, warn_about
from sim.inputs import clip, os_reason, path_problem, shown_path
from sim.outputs import OutputExistsError, check_free, write_atomically
from sim.scenario import ScenarioError

if TYPE_CHECKING:  # imported when the command runs (they pull in SciPy and SALib)
    from sim.sweep.analysis import SweepAnalysis
    from sim.sweep.tables import SweepTables


@app.command()
def sweep(
    experiment_file: Path = typer.Argument(
        ..., metavar="EXPERIMENT", help="Experiment YAML file (see experiments/)."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder. Default: results/sweep-<name>-seed<S>-<id>; "
        "running the same command again resumes it.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Worker processes (local) or local-cluster "
        "workers (dask). Default: the experiment's, else one per core.",
    ),
    executor: str | None = typer.Option(
        None,
        "--executor",
        "-e",
        help="local (processes on this machine), dask "
        "(a Dask cluster) or serial (this process). Default: the experiment's.",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask).",
    ),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Run the runs that failed in an earlier session again."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Delete the earlier sweep in the output folder and start again."
    ),
) -> None:
    """Run every point of an experiment's design, replicates times: design.parquet, runs/ (Parquet), manifest.json.

    Runs are saved as they finish. Interrupted (Ctrl-C, killed, crashed)? Run the same command again: finished runs are kept, the rest are run. Then: groupsim analyze OUT.
    """
    from sim.sweep.experiment import load_experiment
    from sim.sweep.run import default_folder, prepare, run_sweep

    check_out(out)
    try:
        experiment = load_experiment(experiment_file)
    except ScenarioError as exc:
        fail_problems(exc)
    if experiment.optimize is not None:
        fail(
            f"{experiment_file} is an optimisation (it has an optimize: block); run it with groupsim optimize"
        )
    warn_about(experiment_file, experiment.base)
    kind = executor or ("dask" if scheduler else experiment.executor.kind)
    check_executor_options(kind, scheduler, workers)
    address = scheduler or (experiment.executor.scheduler if kind == "dask" else None)
    count = workers if workers is not None else experiment.executor.workers
    try:
        design, job = prepare(experiment)
    except ScenarioError as exc:
        fail_problems(exc)
    folder = out if out is not None else default_folder(experiment, job)
    console.print(
        f"Sweep [bold]{experiment.name}[/]: {design.describe()}, {experiment.replicates} replicates "
        f"= {len(job.tasks):,} runs → {folder}",
        highlight=False,
    )

    def run(start_executor, on_start, on_progress):
        return run_sweep(
            experiment,
            design,
            job,
            folder,
            start_executor,
            overwrite=overwrite,
            retry_failed=retry_failed,
            on_start=on_start,
            on_progress=on_progress,
        )

    result = run_with_progress(experiment.name, folder, kind, count, address, run)
    outcome = result.outcome
    failed = f", [yellow]{result.failed} failed[/]" if result.failed else ""
    if outcome is None:
        console.print(f"Every run was already done; runs/ rewritten{failed}.")
    elif outcome.runs_per_second:
        per_run = outcome.worker_seconds / outcome.ran
        console.print(
            f"Ran {outcome.ran:,} runs in {outcome.elapsed:.1f} s: [bold]{outcome.runs_per_second:.1f} runs/s[/] "
            f"({per_run:.3f} s of worker time per run){failed}.",
            highlight=False,
        )
    folder_text = escape(str(result.folder))
    console.print(
        f"Results: [bold]{folder_text}[/] (runs/ holds one row per run, design.parquet one per point). "
        f"Next: groupsim analyze {folder_text}",
        highlight=False,
        soft_wrap=True,
    )


@app.command()
def analyze(
    folder: Path = typer.Argument(..., metavar="DIR", help="The output folder of a finished groupsim sweep."),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write report.html and the tables. Default: DIR/analysis."
    ),
    survival_day: int | None = typer.Option(
        None,
        "--survival-day",
        help="Day of the survival outcome and tipping "
        "points (default: the experiment's analysis.survival_day, 90).",
    ),
    also: list[str] | None = typer.Option(
        None,
        "--outcome",
        help="Also analyse this recorded run column, e.g. "
        "peak_members (repeatable; default: the experiment's analysis.extra_outcomes).",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace an earlier analysis in the output folder (and nothing else)."
    ),
) -> None:
    """Which levers drive lifespan, value contributors and value output; tipping points; report.html and CSV tables."""
    from sim.report.sweep import write_sweep_report
    from sim.sweep.analysis import write_analysis

    check_out(out)
    if path_problem(folder):
        fail(f"{shown_path(folder)}: {path_problem(folder)}")
    if not folder.is_dir():
        fail(f"{shown_path(folder)} is not a folder; give the --out folder of a groupsim sweep")
    target = out if out is not None else Path(folder) / "analysis"
    try:
        check_free(target, overwrite, "analysis")
    except OutputExistsError as exc:
        fail(str(exc))
    analysis, tables = _analyze(folder, survival_day, also or ())

    def write(staging: Path) -> None:
        write_analysis(analysis, staging)
        write_sweep_report(analysis, staging, {"description": tables.experiment.get("description")})

    try:
        write_atomically(target, write, overwrite=overwrite, kind="analysis")
    except OutputExistsError as exc:
        fail(str(exc))
    except OSError as exc:  # e.g. no permission to write there, or the disk is full
        fail(f"could not write the analysis to {shown_path(target)}: {os_reason(exc)}")
    _print_analysis(analysis, target)


def _analyze(
    folder: Path, survival_day: int | None, also: list[str] | tuple[str, ...]
) -> tuple[SweepAnalysis, SweepTables]:
    """The sweep's analysis and tables, or exit 2 with why not."""
    import pyarrow as pa

    from sim.sweep.analysis import analyze_sweep
    from sim.sweep.tables import SweepError, load_sweep

    try:
        tables = load_sweep(folder)
        return analyze_sweep(tables, survival_day=survival_day, extra=also), tables
    except SweepError as exc:
        fail(str(exc))
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError, pa.ArrowException) as exc:
        # the manifest and columns were checked; what is left is values no sweep writes
        fail(
            f"the sweep in {shown_path(folder)} cannot be analysed ({clip(f'{type(exc).__name__}: {exc}', 200)}): "
            "its tables hold values groupsim sweep does not write, so the folder looks damaged; run the sweep "
            "command again with --overwrite"
        )


def _print_analysis(analysis: SweepAnalysis, target: Path) -> None:
    """The lifespan ranking, the sentences and notes, and where the report is."""
    from sim.sweep.analysis import INDEX_LABEL, TABLES, drivers_sentence

    ranking = analysis.ranking("lifespan")
    if len(ranking):
        index = str(ranking["index"].iloc[0])
        table = Table(title=f"What drives lifespan: {INDEX_LABEL[index]}", title_justify="left")
        table.add_column("lever", style="bold")
        table.add_column(index, justify="right")
        intervals = ranking["low"].notna().any()
        if intervals:
            table.add_column("95% interval", justify="right")
        for row in ranking.itertuples():
            cells = [escape(str(row.parameter)), f"{row.estimate:.3g}"]
            if intervals:
                cells.append(f"{row.low:.3g} to {row.high:.3g}" if row.low == row.low else "")
            table.add_row(*cells)
        console.print(table)
    for sentence in analysis.summary["sentences"]:
        console.print(f"• {escape(sentence)}", highlight=False, soft_wrap=True)
    for note in analysis.notes:
        console.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
    if drivers_sentence(analysis) is None and not len(ranking):
        console.print("No sensitivity indices for lifespan (see the notes).")
    files = ", ".join("tipping_points.csv" if name == "tipping" else f"{name}.csv" for name in TABLES)
    console.print(
        f"Report: [bold]{escape(str(target / 'report.html'))}[/]  (tables: {files}, summary.json)",
        highlight=False,
        soft_wrap=True,
    )
