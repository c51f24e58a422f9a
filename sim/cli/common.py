"""Shared CLI plumbing: the Typer app, the consoles, and turning user errors into exit code 2."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from sim.inputs import Problem, clip, decode_text, parse_yaml_text, path_problem, short, shown_path
from sim.scenario import Scenario, ScenarioError, apply_overrides, load_scenario
from sim.scenario.loading import scenario_warnings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="groupsim: simulate how a chat community grows, keeps contributing, and dies.",
)
console = Console()
err_console = Console(stderr=True)

USER_ERROR = 2


def print_error(message: object) -> None:
    """Print one user-facing error line on stderr.

    The message is escaped: it quotes the user's input and our own "[unit: ...]" hints, which rich
    would otherwise read as markup (dropping them, or failing with a MarkupError traceback).
    """
    err_console.print(f"[bold red]error:[/] {escape(str(message))}", highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print a user-facing error (no traceback) and exit with code 2."""
    print_error(message)
    raise typer.Exit(USER_ERROR)


#: Problems printed per file; a file with more (say 50,000 unknown keys) gets a count of the rest.
PROBLEMS_SHOWN = 50


def print_problems(problems: list[Problem], omitted: int = 0) -> None:
    """Print each problem as an error line, at most `PROBLEMS_SHOWN` of them; `omitted` more
    were found but not listed."""
    for problem in problems[:PROBLEMS_SHOWN]:
        print_error(problem)
    rest = max(0, len(problems) - PROBLEMS_SHOWN) + omitted
    if rest:
        print_error(
            f"{problems[0].file}: ... and {rest:,} more problems (the first {PROBLEMS_SHOWN} are shown)"
        )


def fail_problems(error: ScenarioError) -> NoReturn:
    print_problems(error.problems, error.omitted)
    raise typer.Exit(USER_ERROR)


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """`--set path=value` options; values are read as YAML (true, 3, 0.5, text, [1, 2], {a: 1})
    within the limits of an input file (`sim.inputs.parse_yaml_text`)."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--set expects path=value, got {short(item)} (e.g. --set cadence.promotion.start_day=3)")
        path, raw = item.split("=", 1)
        shown = f"--set {clip(path.strip(), 80)}"
        try:
            value, _ = parse_yaml_text(decode_text(os.fsencode(raw), shown), shown)
        except ScenarioError as exc:
            problem = exc.problems[0]
            fail(f"{shown}: " + (f"{problem.field}: " if problem.field else "") + problem.message)
        except UnicodeEncodeError:
            fail(f"{shown}: the value is not valid text")
        out[path.strip()] = value
    return out


def warn_about(source: Path | str, scenario: Scenario) -> None:
    """Print, as warnings, what in `scenario` (read from `source`) can never take effect."""
    for note in scenario_warnings(scenario):
        err_console.print(
            f"[bold yellow]warning:[/] {escape(f'{shown_path(source)}: {note}')}",
            highlight=False,
            soft_wrap=True,
        )


def check_out(out: Path | None) -> None:
    """Exit 2 if the --out path cannot name a folder (a NUL character, too long a path or name)."""
    if out is not None:
        problem = path_problem(out)
        if problem:
            fail(f"--out {shown_path(out)}: {problem}")


def load_or_exit(path: Path, sets: dict[str, Any] | None = None) -> Scenario:
    """Load and validate a scenario file (plus overrides), or print why not and exit 2."""
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        fail_problems(exc)
    if sets:
        try:
            scenario = apply_overrides(scenario, sets)
        except ValueError as exc:
            fail(f"--set: {exc}")
    return scenario
