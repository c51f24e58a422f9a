"""`groupsim observe`: turn a group's own history into the daily observation table."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.common import app, console, fail, fail_problems
from sim.observe.formats import FORMATS, parse_date
from sim.scenario import ScenarioError


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`--column field=HEADER` options."""
    out: dict[str, str] = {}
    for item in items or []:
        if "=" not in item:
            fail(f"--column expects field=HEADER, got {item!r} (e.g. --column messages=消息数)")
        key, name = item.split("=", 1)
        out[key.strip()] = name.strip()
    return out


def parse_day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    day = parse_date(text)
    if day is None:
        fail(f"{option} expects a date like 2024-03-01, got {text!r}")
    return day


@app.command()
def observe(
    file: Path = typer.Argument(..., metavar="FILE", help="The group's history: a CSV or a QQ text export."),
    format: str = typer.Option(
        "qq",
        "--format",
        "-f",
        help="daily: a daily statistics CSV (date, members, joins, leaves, messages, speakers); "
        "messages: a message-level CSV (timestamp, sender, text); qq: QQ's text export.",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Output folder (default: a new folder under results/)."
    ),
    column: list[str] | None = typer.Option(
        None,
        "--column",
        help="Map a field to your file's column header: --column messages=消息数 (repeatable). "
        "Fields: date, members, joins, leaves, messages, speakers, value_posts (daily); "
        "timestamp, sender, text, value (messages).",
    ),
    members: int | None = typer.Option(
        None,
        "--members",
        min=0,
        help="Members on the last day of the history (what the group shows now). With join/leave "
        "lines in the file, earlier days are reconstructed.",
    ),
    founded: str | None = typer.Option(
        None,
        "--founded",
        help="The day the group was created, if the history starts later (default: the day before its first date).",
    ),
    chat: str | None = typer.Option(
        None, "--chat", help="QQ: the chat to read from an export holding several."
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="The file's text encoding (default: detected; utf-8, utf-16 or gb18030)."
    ),
    salt: str | None = typer.Option(
        None,
        "--salt",
        envvar="GROUPSIM_SALT",
        help="A secret to derive sender pseudonyms from, so imports of the same group can be linked "
        "(default: a random one per import). Never written anywhere.",
        show_default=False,
    ),
    utc_offset: float = typer.Option(
        8.0, "--utc-offset", help="Hours ahead of UTC for Unix timestamps in a CSV (China: 8)."
    ),
    overwrite: bool = typer.Option(
        False, "--overwrite", help="Replace the output folder of an earlier import."
    ),
) -> None:
    """Turn a group's history into a daily table: observed.parquet, observation.json, summary.html.

    Sender names are replaced by salted hashes as they are read; no message text is ever written.
    """
    from sim.observe import ObserveOptions, observe_file
    from sim.observe.folder import SUMMARY_FILE, write_tables
    from sim.outputs import OutputExistsError, check_free, new_results_dir, write_atomically
    from sim.report.observe import write_observation_report

    if format not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {format!r}")
    options = ObserveOptions(
        format=format,
        columns=parse_mapping(column),
        encoding=encoding,
        founded=parse_day(founded, "--founded"),
        members=members,
        chat=chat,
        salt=salt,
        utc_offset_hours=utc_offset,
    )
    if format == "daily" and (members is not None or chat is not None):
        fail("--members and --chat are for message-level histories (--format messages or qq)")
    if format != "qq" and chat is not None:
        fail("--chat is for QQ text exports (--format qq)")
    target = out if out is not None else new_results_dir(Path("results"), f"observed-{file.stem}")
    try:
        check_free(target, overwrite, kind="observation")
    except OutputExistsError as exc:
        fail(str(exc))
    try:
        observation = observe_file(file, options)
    except ScenarioError as exc:
        fail_problems(exc)

    def write(folder: Path) -> None:
        write_tables(observation, folder)
        write_observation_report(observation, folder / SUMMARY_FILE)

    try:
        write_atomically(target, write, overwrite=overwrite, kind="observation")
    except OutputExistsError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"could not write the results to {target}: {exc.strerror or exc}")
    _print(observation)
    console.print(
        f"Observation: [bold]{escape(str(target))}[/] (observed.parquet, observation.json, "
        f"{SUMMARY_FILE}). Next: groupsim calibrate {escape(str(target))} --scenario BASE.yaml --fit FIT.yaml",
        highlight=False,
        soft_wrap=True,
    )


def _print(observation) -> None:
    meta = observation.meta
    table = Table(
        title=f"{meta['first_date']} to {meta['last_date']}: {meta['days']} days", title_justify="left"
    )
    table.add_column("column", style="bold")
    table.add_column("total / range", justify="right")
    table.add_column("how")
    for name, how in meta["columns"].items():
        values = observation.table[name]
        if values.isna().all():
            shown = "–"
        elif name == "members":
            known = values.dropna()
            shown = f"{int(known.iloc[0])} → {int(known.iloc[-1])}"
        else:
            shown = f"{int(values.sum()):,}"
        table.add_row(name, shown, escape(how))
    console.print(table)
