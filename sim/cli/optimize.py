"""`groupsim optimize`: the best strategy under a budget, confirmed on fresh seeds, resumably."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from sim.cli.batch_run import check_executor_options, ending_clearly, executor_starter
from sim.cli.common import app, console, fail, fail_problems
from sim.scenario import ScenarioError

if TYPE_CHECKING:
    from sim.batch.executors import BatchExecutor
    from sim.optimize.study import StudyProgress


@app.command()
def optimize(
    experiment_file: Path = typer.Argument(
        ..., metavar="EXPERIMENT", help="Experiment YAML file with an optimize: block (see experiments/)."
    ),
    trials: int | None = typer.Option(
        None,
        "--trials",
        "-n",
        help="Trials to run in all (default: the file's optimize.trials); more extend a study.",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder. Default: results/optimize-<name>-seed<S>-<id>; running the same command again resumes it.",
    ),
    executor: str | None = typer.Option(
        None,
        "--executor",
        "-e",
        help="local (processes), dask (a Dask cluster) or serial. Default: the experiment's.",
    ),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Worker processes (local) or local-cluster workers (dask)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask).",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Delete the earlier optimisation in the output folder and start again."
    ),
) -> None:
    """Find the best lever setting under the file's objectives and constraints (Optuna: TPE or NSGA-II), re-run the best on fresh seeds next to the baseline, and write report.html, trials.parquet, confirmed.csv and best/*.yaml.

    Killed or interrupted? Run the same command again: no trial is lost or repeated.
    """
    from sim.optimize.run import run_optimization
    from sim.optimize.study import default_folder
    from sim.report.optimize import write_optimize_report
    from sim.sweep.experiment import load_experiment

    try:
        experiment = load_experiment(experiment_file)
    except ScenarioError as exc:
        fail_problems(exc)
    spec = experiment.optimize
    if spec is None:
        fail(f"{experiment_file} has no optimize: block; it is a sweep: run it with groupsim sweep")
    if trials is not None and trials < 1:
        fail(f"--trials must be at least 1, got {trials}")
    kind = executor or ("dask" if scheduler else experiment.executor.kind)
    check_executor_options(kind, scheduler, workers)
    address = scheduler or (experiment.executor.scheduler if kind == "dask" else None)
    count = workers if workers is not None else experiment.executor.workers
    folder = out if out is not None else default_folder(experiment)
    target = trials if trials is not None else spec.trials
    console.print(
        f"Optimize [bold]{escape(experiment.name)}[/]: {target} trials × {experiment.replicates} replicates, "
        f"{len(experiment.parameters)} levers → {escape(str(folder))}",
        highlight=False,
    )

    shown = TrialProgress(folder, spec.primary.metric, spec.confirm_replicates)
    result = ending_clearly(
        folder,
        lambda: run_optimization(
            experiment,
            folder,
            executor_starter(kind, count, address),
            trials=target,
            overwrite=overwrite,
            on_start=shown.on_start,
            on_progress=shown.on_progress,
            on_confirm=shown.on_confirm,
        ),
        shown.stop,
    )
    report = write_optimize_report(result)
    for sentence in result.summary["sentences"]["en"]:
        console.print(f"• {sentence}", highlight=False, soft_wrap=True)
    for level, path in result.best_files.items():
        name = "best" if level is None else f"best under {level:,.0f} yuan"
        console.print(f"Scenario ({name}): [bold]{escape(str(path))}[/]", highlight=False, soft_wrap=True)
    console.print(f"Report: [bold]{escape(str(report))}[/]", highlight=False, soft_wrap=True)


class TrialProgress:
    """The progress bar of an optimisation: trials told (of the target) and the best value so far."""

    def __init__(self, folder: Path, metric: str, confirm_replicates: int) -> None:
        self.folder, self.metric, self.confirm_replicates = folder, metric, confirm_replicates
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[best]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
        )
        self.task: int | None = None

    def on_start(self, executor: BatchExecutor) -> None:
        console.print(f"Running on {escape(executor.describe())}.")

    def on_progress(self, now: StudyProgress) -> None:
        best = "" if now.best is None else f"best {self.metric}: {now.best:.4g}"
        if self.task is None:
            if now.done:
                console.print(
                    f"Resuming {escape(str(self.folder))}: {now.done} of {now.target} trials already told."
                )
            self.bar.start()
            self.task = self.bar.add_task("trials", total=now.target, completed=now.done, best=best)
        self.bar.update(self.task, completed=now.done, best=best)

    def on_confirm(self, candidates: int) -> None:
        self.bar.stop()
        console.print(
            f"Confirming {candidates} strateg{'y' if candidates == 1 else 'ies'} and the baseline on "
            f"{self.confirm_replicates} fresh replicates each."
        )

    def stop(self) -> None:
        self.bar.stop()
