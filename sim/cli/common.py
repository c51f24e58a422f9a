"""Shared CLI plumbing: the Typer app, the consoles, and turning user errors into exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from sim.scenario import Scenario, ScenarioError, apply_overrides, load_scenario

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


def fail_problems(error: ScenarioError) -> NoReturn:
    for problem in error.problems:
        print_error(problem)
    raise typer.Exit(USER_ERROR)


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """`--set path=value` options; values are read as YAML scalars (true, 3, 0.5, text)."""
    out: dict[str, Any] = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--set expects path=value, got {item!r} (e.g. --set cadence.promotion.start_day=3)")
        path, raw = item.split("=", 1)
        try:
            out[path.strip()] = yaml.safe_load(raw)
        except yaml.YAMLError:
            fail(f"--set {path}: could not read value {raw!r}")
    return out


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
