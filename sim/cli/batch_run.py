"""What `groupsim compare` and `groupsim sweep` share: the progress bar with ETA and throughput,
the executor, and how an interrupted or failed batch ends (never with a traceback)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NoReturn, TypeVar

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

from sim.batch import BatchError, BatchExecutor, BatchProgress, ExecutorError, StoreError, make_executor
from sim.batch.executors import check_scheduler_address
from sim.cli.common import console, err_console, fail, print_error
from sim.compiled import ensure_compiled

INTERRUPTED = 130  # the shell's code for Ctrl-C
R = TypeVar("R")

StartExecutor = Callable[[], BatchExecutor]
OnStart = Callable[[BatchProgress, BatchExecutor], None]
OnProgress = Callable[[BatchProgress], None]


def check_executor_options(kind: str, scheduler: str | None, workers: int | None) -> None:
    """Exit 2 with a clear message for an impossible executor choice."""
    if kind not in ("local", "dask", "serial"):
        fail(f"--executor must be local, dask or serial, got {kind!r}")
    if scheduler and kind != "dask":
        fail("--scheduler is for --executor dask")
    if workers is not None and workers < 1:
        fail(f"--workers must be at least 1, got {workers}")
    if workers is not None and workers > 100_000:
        fail(f"--workers must be at most 100,000, got {workers:,}")
    if scheduler:
        try:
            check_scheduler_address(scheduler)
        except ExecutorError as exc:
            fail(str(exc))


def run_with_progress(
    label: str,
    folder: Path,
    kind: str,
    workers: int | None,
    scheduler: str | None,
    run: Callable[[StartExecutor, OnStart, OnProgress], R],
) -> R:
    """Call `run(start_executor, on_start, on_progress)` under a progress bar (ETA, runs/s, failures).

    Ctrl-C exits 130 with the resume hint; a folder holding another batch exits 2; a batch that
    cannot go on (lost workers, not the user's input) exits 1 — each with a message, no traceback.
    """
    ensure_compiled(console.print)  # before the workers start, so they load the kernels instead of compiling
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("{task.fields[failed]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )
    bar: dict[str, int] = {}

    def on_start(now: BatchProgress, ex: BatchExecutor) -> None:
        if now.done:
            console.print(f"Resuming {escape(str(folder))}: {now.done:,} of {now.total:,} runs already done.")
        console.print(f"Running {now.total - now.done:,} runs on {escape(ex.describe())}.")
        progress.start()
        bar["id"] = progress.add_task(escape(label), total=now.total, completed=now.done, failed="", rate="")

    def on_progress(now: BatchProgress) -> None:
        if "id" in bar:
            failed = f"[yellow]{now.failed} failed[/]" if now.failed else ""
            rate = f"{now.ran / now.elapsed:.1f} runs/s" if now.ran and now.elapsed > 0 else ""
            progress.update(bar["id"], completed=now.done, failed=failed, rate=rate)

    return ending_clearly(
        folder, lambda: run(executor_starter(kind, workers, scheduler), on_start, on_progress), progress.stop
    )


def executor_starter(
    kind: str, workers: int | None, scheduler: str | None, preload: tuple[str, ...] = ()
) -> StartExecutor:
    """A function that starts the executor when the batch needs it (its workers importing
    `preload` once), exiting 2 with the reason if it cannot (e.g. no scheduler at that address)."""

    def start() -> BatchExecutor:
        try:
            return make_executor(kind, workers, scheduler, preload=preload)
        except ExecutorError as exc:
            fail(str(exc))

    return start


def ending_clearly(folder: Path, work: Callable[[], R], stop: Callable[[], None]) -> R:
    """Run `work` (then `stop` its progress display), ending as a batch command must: Ctrl-C exits
    130 with the resume hint, a folder holding another batch exits 2, a batch that cannot go on
    exits 1 - each with a message, never a traceback."""
    try:
        try:
            return work()
        finally:
            stop()
    except KeyboardInterrupt:
        interrupted(folder)
    except StoreError as exc:
        fail(str(exc))
    except BatchError as exc:
        print_error(exc)
        raise typer.Exit(1) from None


def interrupted(folder: Path) -> NoReturn:
    err_console.print(
        f"[bold yellow]interrupted:[/] finished runs are saved in {escape(str(folder))}; "
        "run the same command again to resume.",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(INTERRUPTED)
