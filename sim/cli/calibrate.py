"""`groupsim calibrate`: fit the model's parameters to an observed group (ABC-SMC), resumably."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.cli.batch_run import INTERRUPTED, check_executor_options, executor_starter
from sim.cli.common import app, console, err_console, fail, fail_problems, load_or_exit, print_error
from sim.scenario import ScenarioError


@app.command()
def calibrate(
    observed: Path = typer.Argument(
        ..., metavar="OBSERVED", help="The folder groupsim observe wrote (or its observed.parquet)."
    ),
    scenario: Path = typer.Option(
        ...,
        "--scenario",
        "-s",
        metavar="BASE",
        help="The base scenario: how the group is run, as a scenario file.",
    ),
    fit: Path = typer.Option(
        ...,
        "--fit",
        metavar="FIT",
        help="FIT file: the parameters to fit with prior ranges (see scenarios/data/).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder. Default: results/calibrate-<name>-seed<S>-<id>; the same command resumes it.",
    ),
    executor: str = typer.Option(
        "local",
        "--executor",
        "-e",
        help="local (processes on this machine), dask (a Dask cluster) or serial.",
    ),
    workers: int | None = typer.Option(
        None,
        "--workers",
        "-w",
        help="Worker processes (local) or local-cluster workers (dask). Default: one per core.",
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (implies --executor dask).",
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Delete an earlier calibration in the output folder and start again."
    ),
) -> None:
    """Calibrate the model to an observed group: posterior.parquet, calibrated.yaml, report.html.

    Simulation-based inference (ABC-SMC, pyabc) of the parameters in FIT from the observed series. Every finished generation is saved: interrupted (Ctrl-C, killed)? Run the same command again. Then: groupsim forecast OUT --days N.
    """
    try:
        import pyabc  # noqa: F401  (a clear message if the extra is missing)
    except ImportError:
        fail(
            "groupsim calibrate needs pyabc: pip install -c constraints.txt -e '.[calibrate]' (or bash scripts/setup.sh)"
        )
    from sim.batch import BatchError, StoreError
    from sim.calibrate.fit import load_fit
    from sim.calibrate.replay import ReplayError
    from sim.calibrate.run import CalibrationError, default_folder, founding_note, prepare, run_calibration
    from sim.calibrate.sampler import SamplerError
    from sim.observe import load_observation
    from sim.report.calibrate import write_calibration_report

    kind = "dask" if scheduler and executor == "local" else executor
    check_executor_options(kind, scheduler, workers)
    base = load_or_exit(scenario)
    try:
        observation = load_observation(observed)
        spec = load_fit(fit, base)
        calibration = prepare(observation, base, str(scenario), spec)
    except ScenarioError as exc:
        fail_problems(exc)
    folder = out if out is not None else default_folder(calibration)
    note = founding_note(calibration)
    if note:
        err_console.print(f"[yellow]note:[/] {escape(note)}", highlight=False, soft_wrap=True)
    rules = spec.abc
    console.print(
        f"Calibrating [bold]{escape(spec.name)}[/]: {len(spec.parameters)} parameters to days "
        f"{observation.first_day}–{observation.last_day} ({', '.join(calibration.model.statistics.columns)}; "
        f"{len(calibration.observed)} statistics), {rules.population_size} particles per generation, "
        f"at most {rules.max_generations} generations and {rules.max_simulations:,} simulations → {escape(str(folder))}",
        highlight=False,
        soft_wrap=True,
    )

    bar = _Bar()
    try:
        with bar.progress:
            result = run_calibration(
                calibration,
                folder,
                executor_starter(kind, workers, scheduler, preload=("sim.calibrate.sampler",)),
                overwrite=overwrite,
                on_progress=bar.generation,
                on_start=bar.start,
                on_replays=bar.replays,
            )
    except KeyboardInterrupt:
        err_console.print(
            f"[bold yellow]interrupted:[/] finished generations are saved in {escape(str(folder))}; "
            "run the same command again to resume.",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(INTERRUPTED) from None
    except StoreError as exc:
        fail(str(exc))
    except (SamplerError, ReplayError, CalibrationError, BatchError) as exc:
        print_error(exc)
        raise typer.Exit(1) from None
    report = write_calibration_report(result.folder)
    _print(result)
    console.print(
        f"Report: [bold]{escape(str(report))}[/]  (posterior.parquet, calibrated.yaml, summary.json in "
        f"{escape(str(result.folder))}/). Next: groupsim forecast {escape(str(result.folder))} --days 90 --levers LEVERS.yaml",
        highlight=False,
        soft_wrap=True,
    )


class _Bar:
    """The progress display: one bar per generation (accepted particles, tolerance, simulations)."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[object, int] = {}

    def start(self, before: int, executor) -> None:
        if before:
            console.print(f"Resuming: {before} generations already done.")
        if executor is not None:
            console.print(f"Simulating on {escape(executor.describe())}.")

    def generation(self, now) -> None:
        if now.generation not in self.tasks:
            name = "prior sample" if now.generation < 0 else f"generation {now.generation}"
            self.tasks[now.generation] = self.progress.add_task(name, total=now.wanted, info="")
        eps = "" if now.epsilon is None else f"ε {now.epsilon:.3g} · "
        rate = (
            f"{now.accepted / now.candidates:.1%} accepted · "
            if now.candidates and now.generation >= 0
            else ""
        )
        self.progress.update(
            self.tasks[now.generation],
            completed=now.accepted,
            info=f"{eps}{rate}{now.simulations:,} simulations",
        )

    def replays(self, now) -> None:
        if "replay" not in self.tasks:
            self.tasks["replay"] = self.progress.add_task("replaying the posterior", total=now.total, info="")
        self.progress.update(self.tasks["replay"], completed=now.done)


def _print(result) -> None:
    summary = result.summary
    table = Table(title="Posterior (median and 90% interval)", title_justify="left")
    for column in ("parameter", "prior", "median", "90% interval", "narrowed to"):
        table.add_column(column, justify="left" if column == "parameter" else "right")
    for p in summary["parameters"]:
        prior = p["prior"]
        table.add_row(
            p["path"],
            f"{prior['low']:g} – {prior['high']:g}{' (log)' if prior['scale'] == 'log' else ''}",
            f"{p['median']:.4g}",
            f"{p['low']:.4g} – {p['high']:.4g}",
            f"{p['width_ratio']:.0%} ({p['verdict']})",
        )
    console.print(table)
    console.print(f"• {summary['sentences']['en']}", highlight=False, soft_wrap=True)
    diag = summary["diagnostics"]
    coverage = ", ".join(f"{k} {v:.0%}" for k, v in summary["predictive_coverage"].items())
    console.print(
        f"{diag['generations']} generations (stopped by {diag['stopped_by']}), {diag['simulations']:,} simulations; "
        f"final tolerance {diag['final_epsilon']:.3g}, acceptance {diag['final_acceptance_rate']:.1%}, "
        f"ESS {diag['final_ess']:.0f}. Observed days inside the 90% predictive band: {coverage}. "
        f"This session: {result.generations_run} generations, {result.simulations:,} simulations in {result.seconds:.1f} s"
        + (
            f" (workers got {result.worker_cpu_seconds / result.seconds:.2f} cores)."
            if result.simulations
            else "."
        ),
        highlight=False,
        soft_wrap=True,
    )
