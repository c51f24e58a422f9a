"""The tables of a sweep folder: the design, and the runs as a partitioned Parquet dataset.

Layout (besides the batch store's `manifest.json`, `tasks.json` and `parts/`)::

    experiment.yaml        the experiment file as it was run
    design.parquet         one row per point: `point`, each lever's value, its unit coordinate `u:<path>`
    runs/part-00000.parquet, runs/part-00001.parquet, ...
                           one row per run, in run order (replicate 0 of every point, then
                           replicate 1, ...), `ROWS_PER_FILE` rows per file: point, replicate, seed,
                           status, error, each lever's value, then the recorded outcomes

Every file of `runs/` has the same schema (fixed by the experiment's levers and outcomes, not
guessed from the rows), so `pandas.read_parquet(folder / "runs")` reads them as one table. A file
is written as soon as all of its runs have finished (atomically: complete or absent), from the
batch store's parts, one file's rows at a time - a sweep of any size never holds all its rows in
memory - and it is byte-identical whatever the executor, the number of workers or the
interruptions along the way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sim.batch.store import ResultStore, StoreError, read_manifest, read_part_rows, replace_atomically
from sim.inputs import clip, short
from sim.sweep.design import Design
from sim.sweep.experiment import REQUIRED_OUTCOMES as REQUIRED_RUN_COLUMNS
from sim.sweep.experiment import Parameter

RUNS_DIR = "runs"
DESIGN_FILE = "design.parquet"
EXPERIMENT_FILE = "experiment.yaml"
#: Runs per file of runs/ (a file is written once all of its runs are done).
ROWS_PER_FILE = 5_000
_PART_NAME = re.compile(r"^part-(\d{5,})\.parquet$")

_ARROW = {
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "text": pa.string(),
    "list": pa.list_(pa.int64()),
}
_PARAMETER_ARROW = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "choice": pa.string()}
IDENTITY = (
    ("point", pa.int64()),
    ("replicate", pa.int64()),
    ("seed", pa.int64()),
    ("status", pa.string()),
    ("error", pa.string()),
)


def runs_schema(parameters: tuple[Parameter, ...], outcomes: dict[str, str]) -> pa.Schema:
    """Identity columns, one column per lever (named by its path), then the outcomes by kind."""
    fields = [pa.field(name, kind) for name, kind in IDENTITY]
    fields += [pa.field(p.path, _PARAMETER_ARROW[p.kind]) for p in parameters]
    fields += [pa.field(name, _ARROW[kind]) for name, kind in outcomes.items()]
    return pa.schema(fields)


def part_file(index: int) -> str:
    return f"part-{index:05d}.parquet"


class RunsWriter:
    """Writes runs/ from the rows a `ResultStore` holds, one file per `rows_per_file` runs.

    `advance()` writes every file whose runs have all finished (cheap to call after each chunk:
    it walks the run order once over the whole sweep); `finish()` writes every complete file not
    yet written in this session and removes files that no longer belong to the sweep.
    """

    def __init__(
        self,
        folder: Path,
        store: ResultStore,
        keys: list[str],
        design: Design,
        outcomes: dict[str, str],
        *,
        rows_per_file: int = ROWS_PER_FILE,
    ) -> None:
        self.folder = Path(folder) / RUNS_DIR
        self.store = store
        self.keys = keys
        self.design = design
        self.outcomes = outcomes
        self.schema = runs_schema(design.parameters, outcomes)
        self.size = max(1, rows_per_file)
        self.files = -(-len(keys) // self.size)
        self.written: set[int] = set()
        self._cursor = 0  # first run (in order) without a row
        self._next = 0  # first file not yet written by advance()

    def advance(self) -> None:
        """Write the files whose runs are all done, in order, up to the first unfinished run."""
        while self._next < self.files:
            end = min(len(self.keys), (self._next + 1) * self.size)
            while self._cursor < end and self.store.status(self.keys[self._cursor]) is not None:
                self._cursor += 1
            if self._cursor < end:
                return
            if self._next not in self.written:
                self.write(self._next)
            self._next += 1

    def finish(self) -> int:
        """Write every complete file not written in this session; remove stale files. Returns the
        number of runs now in runs/."""
        self.folder.mkdir(exist_ok=True)
        complete = 0
        for index in range(self.files):
            keys = self._keys(index)
            if any(self.store.status(key) is None for key in keys):
                continue
            if index not in self.written:
                self.write(index)
            complete += len(keys)
        for path in self.folder.iterdir():
            match = _PART_NAME.match(path.name)
            stale = match is not None and (
                int(match.group(1)) >= self.files or int(match.group(1)) not in self.written
            )
            if stale or path.name.startswith(".part-"):
                path.unlink()
        return complete

    def _keys(self, index: int) -> list[str]:
        return self.keys[index * self.size : (index + 1) * self.size]

    def write(self, index: int) -> Path:
        """Write runs/part-<index>.parquet from the stored rows of its runs (all must be done)."""
        keys = self._keys(index)
        by_part: dict[str, set[str]] = {}
        for key in keys:
            part = self.store.part_of(key)
            if part is None:
                raise StoreError(f"run {key} has not finished; runs/{part_file(index)} cannot be written yet")
            by_part.setdefault(part, set()).add(key)
        rows: dict[str, dict[str, Any]] = {}
        for part, wanted in by_part.items():
            for row in read_part_rows(self.store.parts, part):
                if row["_key"] in wanted:
                    rows[row["_key"]] = row
        table = self.table([rows[key] for key in keys])
        self.folder.mkdir(exist_ok=True)
        path = self.folder / part_file(index)
        replace_atomically(path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        self.written.add(index)
        return path

    def table(self, rows: list[dict[str, Any]]) -> pa.Table:
        """Rows (as stored) -> an Arrow table with `self.schema`."""
        columns: list[pa.Array] = []
        for name, kind in IDENTITY:
            columns.append(pa.array([row.get(name) for row in rows], type=kind))
        points = [int(row["point"]) for row in rows]
        for j, parameter in enumerate(self.design.parameters):
            columns.append(
                pa.array([self.design.values[p][j] for p in points], type=_PARAMETER_ARROW[parameter.kind])
            )
        for name, kind in self.outcomes.items():
            columns.append(pa.array([row.get(name) for row in rows], type=_ARROW[kind]))
        return pa.Table.from_arrays(columns, schema=self.schema)


# ---------------------------------------------------------------------------- reading back


class SweepError(Exception):
    """A folder cannot be read as a sweep; the message is worded for the user."""


@dataclass(frozen=True)
class SweepTables:
    """What `groupsim analyze` reads: never a live model, only these tables."""

    folder: Path
    manifest: dict[str, Any]
    design: pd.DataFrame  # one row per point
    runs: pd.DataFrame  # one row per finished run (all of them when `complete`)
    total: int  # runs in the sweep

    @property
    def details(self) -> dict[str, Any]:
        return self.manifest.get("details", {})

    @property
    def experiment(self) -> dict[str, Any]:
        return self.details["experiment"]

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return tuple(Parameter.from_dict(p) for p in self.experiment["parameters"])

    @property
    def complete(self) -> bool:
        return len(self.runs) == self.total


def read_runs(folder: Path) -> pd.DataFrame:
    """Every file of `folder`/runs as one DataFrame (empty if there is none), in run order.
    SweepError naming the file if one cannot be read (truncated, or not Parquet)."""
    runs = Path(folder) / RUNS_DIR
    files = sorted(p for p in runs.glob("part-*.parquet")) if runs.is_dir() else []
    if not files:
        return pd.DataFrame()
    return pd.concat([_read_table(p, folder) for p in files], ignore_index=True)


def _read_table(path: Path, folder: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise SweepError(
            f"{path} cannot be read ({clip(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 160)}): "
            f"the sweep folder is damaged; run the sweep command again with --overwrite to redo it"
        ) from None


#: What `groupsim analyze` reads from a sweep's manifest: (keys, type) at each path.
_MANIFEST_NEEDS: tuple[tuple[tuple[str, ...], type | tuple[type, ...]], ...] = (
    (("identity",), dict),
    (("details",), dict),
    (("details", "experiment"), dict),
    (("details", "experiment", "name"), str),
    (("details", "experiment", "parameters"), list),
    (("details", "experiment", "design"), dict),
    (("details", "experiment", "design", "kind"), str),
    (("details", "experiment", "analysis"), dict),
    (("details", "experiment", "analysis", "survival_day"), int),
    (("details", "experiment", "analysis", "contributors_day"), int),
    (("scenarios", "base", "horizon", "days"), int),
    (("tasks",), int),
)


def check_manifest(manifest: dict[str, Any], folder: Path) -> None:
    """SweepError naming the first field of a sweep's manifest that is missing or of the wrong
    type (a damaged or hand-edited folder), so the analysis never fails half-way."""
    for keys, kind in _MANIFEST_NEEDS:
        node: Any = manifest
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, kind) or isinstance(node, bool):
            raise SweepError(
                f"{folder}/manifest.json is damaged: {'.'.join(keys)} is "
                f"{'missing' if node is None else short(node)}; run the sweep command again with --overwrite"
            )
    if manifest["details"]["experiment"]["design"]["kind"] not in (
        "grid",
        "random",
        "lhs",
        "sobol",
        "morris",
    ):
        raise SweepError(f"{folder}/manifest.json is damaged: its design kind is unknown")
    for index, item in enumerate(manifest["details"]["experiment"]["parameters"]):
        try:
            parameter = Parameter.from_dict(item)
        except (KeyError, TypeError, AttributeError):
            parameter = None
        if parameter is None or parameter.kind not in ("int", "float", "bool", "choice"):
            raise SweepError(f"{folder}/manifest.json is damaged: lever {index} cannot be read")


def load_sweep(folder: Path) -> SweepTables:
    """The manifest, design and runs of a sweep folder (SweepError if it is not one, or is damaged)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SweepError(f"{folder} is not a folder; give the --out folder of a groupsim sweep")
    try:
        manifest = read_manifest(folder)
    except StoreError as exc:
        raise SweepError(str(exc)) from None
    kind = manifest.get("identity", {}).get("kind")
    if kind != "sweep":
        raise SweepError(
            f"{folder} holds a {short(kind)} batch, not a sweep; groupsim analyze reads the folder of "
            "groupsim sweep"
        )
    check_manifest(manifest, folder)
    if not (folder / DESIGN_FILE).exists():
        raise SweepError(f"{folder} has no {DESIGN_FILE}; run the sweep again to write it")
    tables = SweepTables(
        folder, manifest, _read_table(folder / DESIGN_FILE, folder), read_runs(folder), int(manifest["tasks"])
    )
    _check_columns(tables)
    return tables


def _check_columns(tables: SweepTables) -> None:
    """SweepError unless the design and runs tables hold the columns the analysis reads."""
    paths = [p.path for p in tables.parameters]
    design_needs = ["point", *paths, *(f"u:{path}" for path in paths)]
    runs_needs = ["point", "replicate", "status", *REQUIRED_RUN_COLUMNS] if len(tables.runs) else []
    for name, table, needs in (
        ("design.parquet", tables.design, design_needs),
        ("runs/", tables.runs, runs_needs),
    ):
        missing = [c for c in needs if c not in table.columns]
        if missing:
            raise SweepError(
                f"{tables.folder}/{name} lacks the column{'s' if len(missing) > 1 else ''} "
                f"{clip(', '.join(missing))}: the sweep folder is damaged; run the sweep command again "
                "with --overwrite"
            )
