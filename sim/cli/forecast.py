"""`groupsim forecast`: continue a calibrated group for N days, doing nothing and with each lever."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.batch_run import check_executor_options, run_with_progress
from sim.cli.common import app, console, fail, fail_problems
from sim.scenario import ScenarioError


@app.command()
def forecast(
    calibration: Path = typer.Argument(
        ..., metavar="CALIBRATION_DIR", help="The folder groupsim calibrate wrote."
    ),
    days: int = typer.Option(
        ..., "--days", "-d", min=1, max=3650, help="Days to forecast after the last observed day."
    ),
    levers: Path | None = typer.Option(
        None,
        "--levers",
        help="Lever file: options to compare with doing nothing (see scenarios/data/example_levers.yaml).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Output folder. Default: CALIBRATION_DIR/forecast-<N>d-<id>; the same command resumes it.",
    ),
    executor: str | None = typer.Option(None, "--executor", "-e", help="local (default), dask or serial."),
    workers: int | None = typer.Option(
        None, "--workers", "-w", help="Worker processes. Default: one per core."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (implies --executor dask)."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Delete an earlier forecast in the output folder first."
    ),
) -> None:
    """Forecast a calibrated group: survival and value contributors over the next N days, and each lever's gain, ranked.

    Each posterior particle continues the very trajectory that matched the history (its parameters and seed), once doing nothing and once per lever (same seed). Writes forecast.json, levers.csv, outcomes.parquet, report.html.
    """
    from sim.batch import StoreError
    from sim.calibrate.forecast import default_folder, forecast_job, load_calibrated, run_forecast
    from sim.calibrate.levers import load_levers
    from sim.report.forecast import write_forecast_report

    kind = executor or ("dask" if scheduler else "local")
    check_executor_options(kind, scheduler, workers)
    try:
        group = load_calibrated(calibration)
    except StoreError as exc:
        fail(str(exc))
    except ScenarioError as exc:
        fail_problems(exc)
    options = []
    if levers is not None:
        try:
            options = load_levers(levers, group.base, group.last_day, days)
        except ScenarioError as exc:
            fail_problems(exc)
    try:
        job = forecast_job(group, days, options)
    except ValueError as exc:  # e.g. the last observed day plus --days beyond the schema's horizon
        fail(f"--days {days}: {exc}")
    folder = out if out is not None else default_folder(group, job)
    console.print(
        f"Forecast of [bold]{escape(group.name)}[/]: days {group.last_day + 1}–{group.last_day + days}, "
        f"doing nothing{' and ' + str(len(options)) + ' levers' if options else ''}, "
        f"{len(job.tasks):,} runs → {escape(str(folder))}",
        highlight=False,
        soft_wrap=True,
    )

    def run(start_executor, on_start, on_progress):
        return run_forecast(
            group,
            days,
            options,
            folder,
            start_executor,
            on_start=on_start,
            on_progress=on_progress,
            overwrite=overwrite,
        )

    summary = run_with_progress(f"forecast {days} days", folder, kind, workers, scheduler, run)
    report = write_forecast_report(folder, group.folder)
    _print(summary)
    console.print(
        f"Report: [bold]{escape(str(report))}[/]  (forecast.json, levers.csv, outcomes.parquet in {escape(str(folder))}/)",
        highlight=False,
        soft_wrap=True,
    )


def _print(summary: dict) -> None:
    for sentence in summary["sentences"]["en"]:
        console.print(f"• {sentence}", highlight=False, soft_wrap=True)
    if not summary["levers"]:
        return
    table = Table(title="Levers, ranked by the gain in value contributors", title_justify="left")
    for column in ("rank", "lever", "Δ contributors (95% CI)", "better in", "Δ survival (points)", "verdict"):
        table.add_column(column, justify="left" if column == "lever" else "right")
    for row in summary["ranking"]:
        table.add_row(
            str(row["rank"]),
            row["lever"],
            f"{row['contributors_gain']:+.1f} ({row['contributors_gain_low']:+.1f} to {row['contributors_gain_high']:+.1f})",
            f"{row['share_better']:.0%}",
            f"{100 * row['survival_gain']:+.0f} ({100 * row['survival_gain_low']:+.0f} to {100 * row['survival_gain_high']:+.0f})",
            row["verdict"],
        )
    console.print(table)
