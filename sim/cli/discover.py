"""`groupsim discover`: where in a finished sweep's lever space do groups die? (PRIM)"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from sim.cli.common import app, console, fail


@app.command()
def discover(
    folder: Path = typer.Argument(..., metavar="SWEEP_DIR", help="The output folder of a groupsim sweep."),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="Cases of interest: dead_by_day_<D> (default: dead by the sweep's survival day), or a recorded "
        "numeric run column with --threshold.",
    ),
    threshold: float | None = typer.Option(
        None,
        "--threshold",
        help="For a numeric --outcome: runs above it are the cases (below it with --below).",
    ),
    below: bool = typer.Option(False, "--below", help="Cases are runs below --threshold."),
    box: int | None = typer.Option(
        None,
        "--box",
        help="Pick this box of the peeling trajectory (default: the densest with coverage >= --min-coverage).",
    ),
    min_coverage: float = typer.Option(
        0.5, "--min-coverage", help="Default box choice: the least coverage allowed."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Where to write report.html and the tables. Default: SWEEP_DIR/discovery-<outcome>.",
    ),
) -> None:
    """Scenario discovery with PRIM: the lever limits within which a case (e.g. a group dead by day 90) is most likely, with coverage, density and quasi-p-values; report.html and CSV tables."""
    from sim.report.discovery import write_discovery_report
    from sim.sweep.discovery import Cases, default_cases, discover, folder_name, write_discovery
    from sim.sweep.tables import SweepError, load_sweep

    if below and threshold is None:
        fail("--below needs --threshold")
    if not 0 < min_coverage <= 1:
        fail(f"--min-coverage must be in (0, 1], got {min_coverage}")
    try:
        tables = load_sweep(folder)
        cases = default_cases(tables) if outcome is None else Cases(outcome, threshold, below)
        if outcome is None and threshold is not None:
            fail("--threshold needs --outcome (the default outcome, dead by day D, is true or false)")
        console.print(
            f"Looking for where {escape(cases.label())} in {escape(str(folder))} (PRIM)…", highlight=False
        )
        found = discover(tables, cases, box=box, min_coverage=min_coverage)
    except SweepError as exc:
        fail(str(exc))
    target = out if out is not None else Path(folder) / folder_name(cases)
    written = write_discovery(found, target)
    report = write_discovery_report(found, target)

    table = Table(
        title=f"Box {found.chosen}: coverage {found.box['coverage']:.0%}, density {found.box['density']:.0%}",
        title_justify="left",
    )
    for name in ("lever", "limit", "quasi-p", "significant"):
        table.add_column(name)
    for row in found.limits[found.limits["restricted"]].itertuples():
        table.add_row(
            row.lever,
            row.text,
            f"{row.qp:.2g}" if row.qp == row.qp else "–",
            "yes" if row.significant else "no",
        )
    console.print(table)
    for sentence in found.sentences["en"]:
        console.print(f"• {sentence}", highlight=False, soft_wrap=True)
    console.print(
        f"Report: [bold]{escape(str(report))}[/]  (tables: {', '.join(p.name for p in written.values())})",
        highlight=False,
        soft_wrap=True,
    )
