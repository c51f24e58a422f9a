"""`groupsim validate` and `groupsim params`: check scenario files; list every parameter."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.common import USER_ERROR, app, console, fail, print_error, print_problems, warn_about
from sim.inputs import clip, shown_path
from sim.limits import RunTooLarge, check_scenario_size
from sim.scenario import Scenario, ScenarioError, load_scenario, scenario_hash
from sim.scenario.fields import iter_fields


@app.command()
def validate(
    files: list[Path] = typer.Argument(..., metavar="FILE...", help="Scenario files to check."),
) -> None:
    """Check scenario files; print every problem with its file, line and field path."""
    failed = 0
    for path in files:
        try:
            scenario = load_scenario(path)
            check_scenario_size(scenario)
        except ScenarioError as exc:
            failed += 1
            print_problems(exc.problems, exc.omitted)
            continue
        except RunTooLarge as exc:
            failed += 1
            print_error(f"{shown_path(path)}: {exc}")
            continue
        warn_about(path, scenario)
        console.print(
            f"[green]ok[/] {escape(f'{shown_path(path)}  ({clip(scenario.name, 80)}, hash {scenario_hash(scenario)})')}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(USER_ERROR)


@app.command()
def params(
    prefix: str | None = typer.Argument(
        None, help="Only parameters whose path starts with this, e.g. 'cadence'."
    ),
) -> None:
    """List scenario parameters with defaults, units, bounds and meaning ([a, b] includes a, (a, b] does not)."""
    table = Table(show_lines=False)
    for column in ("path", "default", "unit", "range", "meaning"):
        table.add_column(column, overflow="fold")
    defaults = Scenario().model_dump(mode="json")
    specs = [spec for spec in iter_fields() if not prefix or spec.path.startswith(prefix)]
    if not specs:
        sections = sorted({spec.path.split(".")[0] for spec in iter_fields()})
        fail(f"no scenario parameter starts with {prefix!r}; sections: {', '.join(sections)}")
    for spec in specs:
        # the default a scenario really gets: a section may override its class's field default
        # (cadence.red_packets.every_days is 7, not Scheduled's 1), and PerRole fields have none
        default = defaults
        for part in spec.path.split("."):
            default = default[part]
        bounds = "|".join(spec.choices) if spec.choices else spec.interval()
        table.add_row(*(escape(str(cell)) for cell in (spec.path, default, spec.unit, bounds, spec.doc)))
    console.print(table)
