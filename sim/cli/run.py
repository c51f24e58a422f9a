"""`groupsim run`: one replicate of one scenario, written as tables, a summary and a report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.batch.seeds import SEED_BITS
from sim.cli.common import app, check_out, console, fail, load_or_exit, parse_sets, warn_about
from sim.compiled import ensure_compiled
from sim.inputs import clip, shown_path
from sim.limits import RunTooLarge
from sim.outputs import (
    OutputExistsError,
    check_free,
    new_results_dir,
    write_atomically,
    write_json,
    write_parquet,
)
from sim.report.single import reported_days, write_run_report
from sim.runner import run_scenario
from sim.scenario import apply_overrides


@app.command()
def run(
    scenario_file: Path = typer.Argument(
        ..., metavar="SCENARIO", help="Scenario YAML file, e.g. scenarios/baseline.yaml."
    ),
    seed: int = typer.Option(
        1, "--seed", help="Random seed; the same scenario and seed give identical results."
    ),
    days: int | None = typer.Option(
        None, "--days", min=1, help="Days to simulate (default: the scenario's horizon.days)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: a new folder under results/)."
    ),
    sets: list[str] | None = typer.Option(
        None, "--set", help="Override a parameter: --set path=value (repeatable)."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace the output folder if it already holds results."
    ),
) -> None:
    """Run one replicate: writes daily.parquet, members.parquet, summary.json and report.html."""
    if seed < 0 or seed >= 2**SEED_BITS:  # NumPy refuses negative seeds with a traceback
        fail(f"--seed must be a whole number from 0 to 2**{SEED_BITS}-1, got {seed}")
    check_out(out)
    changes = parse_sets(sets)
    scenario = load_or_exit(scenario_file, changes)
    if days is not None:  # applied apart from --set, so an error names the option the user gave
        try:
            scenario = apply_overrides(scenario, {"horizon.days": days})
        except ValueError as exc:
            fail(f"--days: {exc}")
    warn_about(scenario_file, scenario)
    target = out if out is not None else new_results_dir(Path("results"), f"{scenario.name}-seed{seed}")
    try:
        check_free(target, overwrite, "run")
    except OutputExistsError as exc:
        fail(str(exc))

    horizon = scenario.horizon.days
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("days"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        ensure_compiled(console.print)
        task = progress.add_task(
            escape(f"{clip(scenario.name, 60)} seed {seed}"), total=horizon
        )  # names are the user's text, not markup
        try:
            result = run_scenario(scenario, seed, on_day=lambda day: progress.update(task, completed=day))
        except RunTooLarge as exc:
            fail(f"{shown_path(scenario_file)}: {exc}")

    def write(folder: Path) -> None:
        write_parquet(result.daily, folder / "daily.parquet")
        write_parquet(result.members, folder / "members.parquet")
        write_json({**result.summary, "interventions": result.interventions}, folder / "summary.json")
        write_json(scenario.model_dump(mode="json"), folder / "scenario.json")
        write_run_report(
            result,
            folder / "report.html",
            scenario.description.model_dump(),
            scenario.horizon.contributor_window_days,
        )

    try:
        write_atomically(target, write, overwrite=overwrite, kind="run")
    except OutputExistsError as exc:
        fail(str(exc))
    except OSError as exc:  # e.g. no permission to write there, or the disk is full
        fail(f"could not write the results to {target}: {exc.strerror or exc}")
    _print_summary(result.summary)
    console.print(
        f"Report: [bold]{escape(str(target / 'report.html'))}[/]  (tables and summary.json in {escape(str(target))}/)"
    )


def _print_summary(s: dict) -> None:
    table = Table(
        title=escape(f"{clip(s['scenario'], 80)} · seed {s['seed']} · hash {s['scenario_hash']}"),
        show_header=False,
    )
    table.add_column(style="bold")
    table.add_column()
    fate = "censored (still alive)" if s["censored"] else s["ended_by"]
    table.add_row("lifespan", f"{s['lifespan_days']} days ({fate})")
    table.add_row("members peak / final", f"{s['peak_members']} (day {s['peak_day']}) / {s['final_members']}")
    table.add_row(
        "value contributors", ", ".join(f"day {d}: {v}" for d, v in reported_days(s).items()) or "–"
    )
    table.add_row("value posts", f"{s['value_posts_total']} ({s['value_posts_per_member']:.2f} per member)")
    table.add_row("never posted value", f"{s['participation']['never_posted_value_share']:.0%}")
    table.add_row("operator cost", f"{s['operator_cost_yuan']:,.0f} yuan ({s['operator_hours']:.0f} h)")
    console.print(table)
