"""What runs on a worker: a chunk of tasks of one scenario, turned into table rows.

A *task* is one run: a stable key, the label of its scenario, a seed, identity columns
(`meta`, e.g. scenario and replicate) copied into its rows, and optional parameter `overrides`
applied to the scenario for that run only (a sweep's point). A *chunk* is a few tasks of the
same scenario, shipped to a worker together so the scenario is pickled and loaded once per
chunk rather than once per run. Everything here is picklable by reference and imports only the
model side of the package, so local processes and Dask workers alike can run it.

A task that raises becomes an error row (`status="error"`, `error`, `_traceback`); the rest of
the chunk carries on.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.runner import RunResult, run_scenario
from sim.scenario import Scenario, apply_overrides

#: Values of the `status` column of a run row.
STATUS_OK = "ok"
STATUS_ERROR = "error"

#: Summary entries that the row takes from the task instead (the label may differ from the name).
_FROM_TASK = frozenset({"scenario", "seed"})

Simulate = Callable[[Scenario, int], RunResult]


@dataclass(frozen=True)
class Task:
    """One run to do: `key` is unique and stable across resumes; `scenario` is a label in the job;
    `overrides` ({dotted.path: value}, see `apply_overrides`) change that scenario for this run only."""

    key: str
    scenario: str
    seed: int
    meta: Mapping[str, Any] = field(default_factory=dict)
    overrides: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """Tasks of one scenario that one worker runs in a row."""

    scenario: Scenario
    tasks: tuple[Task, ...]
    simulate: Simulate = run_scenario
    daily_columns: tuple[str, ...] | None = None  # None: every column of the daily table; (): no daily table


@dataclass
class ChunkResult:
    """Rows (one per task, in chunk order), the daily tables of the successful runs, and provenance."""

    rows: list[dict[str, Any]]
    daily: pd.DataFrame | None
    fingerprint: str
    seconds: float  # wall-clock time the chunk took on its worker
    worker: str
    cpu_seconds: float = 0.0  # CPU time of the worker process over the chunk


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every task of `chunk`; a task that raises is recorded as an error row, not re-raised."""
    started, cpu_started = time.perf_counter(), time.process_time()
    rows: list[dict[str, Any]] = []
    dailies: list[pd.DataFrame] = []
    for task in chunk.tasks:
        try:
            scenario = apply_overrides(chunk.scenario, task.overrides) if task.overrides else chunk.scenario
            result = chunk.simulate(scenario, task.seed)
            row = run_row(task, result.summary)
            daily = None if chunk.daily_columns == () else daily_rows(task, result.daily, chunk.daily_columns)
        except Exception as exc:  # noqa: BLE001 - one bad replicate must not sink the batch
            rows.append(error_row(task, exc))
            continue
        rows.append(row)
        if daily is not None:
            dailies.append(daily)
    daily_all = pd.concat(dailies, ignore_index=True) if dailies else None
    return ChunkResult(
        rows,
        daily_all,
        code_fingerprint(),
        time.perf_counter() - started,
        worker_name(),
        time.process_time() - cpu_started,
    )


def run_row(task: Task, summary: Mapping[str, Any]) -> dict[str, Any]:
    """The run-table row of a finished run: identity, status, then the flattened summary."""
    flat = flatten_summary({k: v for k, v in summary.items() if k not in _FROM_TASK})
    return {"_key": task.key, **task.meta, "seed": int(task.seed), "status": STATUS_OK, "error": None, **flat}


def error_row(task: Task, exc: BaseException) -> dict[str, Any]:
    """The run-table row of a run that raised: identity, status, a one-line error, the traceback."""
    return {
        "_key": task.key,
        **task.meta,
        "seed": int(task.seed),
        "status": STATUS_ERROR,
        "error": one_line_error(exc),
        "_traceback": "".join(traceback.format_exception(exc)),
    }


def infrastructure_error_row(task: Task, message: str) -> dict[str, Any]:
    """An error row for a task whose worker failed around it (process died, task lost)."""
    return {
        "_key": task.key,
        **task.meta,
        "seed": int(task.seed),
        "status": STATUS_ERROR,
        "error": message,
        "_traceback": "",
    }


def one_line_error(exc: BaseException) -> str:
    """`Type: message` on one line, at most 500 characters."""
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ").strip()
    return text if len(text) <= 500 else text[:497] + "..."


def daily_rows(task: Task, daily: pd.DataFrame, columns: tuple[str, ...] | None) -> pd.DataFrame:
    """The run's daily table with the task's identity columns in front (and `_key` for the store)."""
    table = (daily if columns is None else daily.loc[:, list(columns)]).reset_index(drop=True).copy()
    for position, (name, value) in enumerate({"_key": task.key, **task.meta}.items()):
        table.insert(position, name, pd.Series([value] * len(table), dtype=column_dtype(value)))
    return table


def column_dtype(value: Any) -> Any:
    """A fixed dtype per Python type, so every part file has the same schema."""
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bool, np.bool_)):
        return bool
    if isinstance(value, (int, np.integer)):
        return np.int64
    if isinstance(value, (float, np.floating)):
        return np.float64
    return object


def flatten_summary(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts become `parent_child` columns; NumPy scalars become Python values; lists stay.

    E.g. `{"value_contributors_at": {"30": 12}}` -> `{"value_contributors_at_30": 12}`.
    """
    out: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_summary(value, f"{name}_"))
        elif isinstance(value, (list, tuple)):
            out[name] = [_plain(v) for v in value]
        else:
            out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


# --------------------------------------------------------------------------- provenance


#: Folders and modules of `sim` that cannot change what a run produces (presentation, analysis,
#: orchestration; `sweep` and `optimize` only build tasks and read tables - a point or a trial is
#: identified by its values, not by the code that drew them; `observe` reads user files; `calibrate`
#: has its own fingerprint on top of this one, `sim.calibrate.sampler.calibration_fingerprint`).
#: Every other module - the model, mechanisms, scenario schema, runner, metrics, and the row
#: building in this file - is part of the code fingerprint.
_NOT_IN_FINGERPRINT_DIRS = frozenset({"cli", "report", "app", "sweep", "optimize", "observe", "calibrate"})
_NOT_IN_FINGERPRINT_FILES = frozenset(
    {
        "api.py",
        "stats.py",
        "__main__.py",
        "batch/__init__.py",
        "batch/analysis.py",
        "batch/compare.py",
        "batch/daily.py",
        "batch/engine.py",
        "batch/executors.py",
        "batch/job.py",
        "batch/store.py",
    }
)


def code_fingerprint() -> str:
    """A short hash of the code that decides a run's numbers: `sim` model sources, NumPy and Mesa versions.

    Computed once, when this module is imported (after the model modules it imports), so it
    describes the code this process actually runs even if the files change later. Two processes
    with equal fingerprints produce identical rows for the same scenario and seed; a batch refuses
    to mix runs made with different fingerprints.
    """
    return _FINGERPRINT


def _fingerprint_of_files() -> str:
    import mesa

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    digest.update(f"numpy {np.__version__} mesa {mesa.__version__}\n".encode())
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in _NOT_IN_FINGERPRINT_DIRS or rel in _NOT_IN_FINGERPRINT_FILES:
            continue
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


_FINGERPRINT = _fingerprint_of_files()


def worker_name() -> str:
    """`host:pid` of the process running this code."""
    return f"{socket.gethostname()}:{os.getpid()}"
