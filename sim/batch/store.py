"""A results folder that fills up as runs finish, survives being killed, and resumes.

Layout of a batch folder::

    manifest.json     what the batch is (identity: kind, root seed, scenarios and their hashes,
                      code fingerprint), the scenarios in full, and a log of sessions
    tasks.json        the task keys of the latest job, in output order
    parts/<name>/     one finished chunk: part.json (its run rows) and daily.parquet
    runs.parquet      consolidated: one row per task, in job order     } written when every task
    daily.parquet     consolidated: one row per run and day, same order } has a row

A part is staged in `parts/.tmp-*` and renamed into place, so it is either complete or absent;
a process killed at any moment (Ctrl-C, SIGKILL, power cut after the rename) loses at most the
chunks in flight. On reopening, staging leftovers are removed, finished task keys are read back
from the parts and skipped, and a key is never written twice. The consolidated tables are
rebuilt from the parts (atomically, via a temporary file) and are byte-identical whatever the
chunking, the executor or the number of workers. One process at a time may write a folder
(an advisory lock on `.lock`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from sim.batch.job import Job
from sim.batch.worker import STATUS_OK, ChunkResult, column_dtype
from sim.inputs import clip, os_reason, path_problem, short, shown_path
from sim.outputs import KINDS, MARKER, describe_kind, file_in_the_way, folder_kind, mark_folder, slug

try:  # advisory locking (POSIX); on other systems a second writer is not detected
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

FORMAT = 1
MANIFEST = "manifest.json"
TASKS = "tasks.json"
PARTS = "parts"
RUNS_FILE = "runs.parquet"
DAILY_FILE = "daily.parquet"
PART_ROWS = "part.json"
PART_DAILY = "daily.parquet"
#: Rows per row group of the consolidated daily table (fixed, so the bytes do not depend on chunking).
DAILY_ROW_GROUP = 65_536
#: Columns always stored as text in runs.parquet, even when every value is missing.
TEXT_COLUMNS = frozenset({"status", "error", "scenario", "scenario_hash", "version", "ended_by"})


class StoreError(Exception):
    """A results folder cannot be used as asked; the message is worded for the user."""


@dataclass(frozen=True)
class StoredRow:
    """A run row read back from a part, with where it came from."""

    row: dict[str, Any]
    part: str
    written_ns: int

    @property
    def ok(self) -> bool:
        return self.row.get("status") == STATUS_OK


class ResultStore:
    """The results folder of one batch job. Use as a context manager: `with ResultStore(dir).open(job):`.

    With `keep_rows=False` only each row's key, status and part are held in memory (a sweep of
    100,000 runs); `rows()` then returns just `_key` and `status`, `consolidate` is unavailable,
    and the full rows are read back from the parts (`part_of`, `read_part_rows`).
    """

    def __init__(self, folder: Path, *, keep_rows: bool = True) -> None:
        self.folder = Path(folder)
        self.parts = self.folder / PARTS
        self.keep_rows = keep_rows
        self._lock_file: Any = None
        self._rows: dict[str, StoredRow] = {}
        self._duplicates = 0
        self._job: Job | None = None

    # ------------------------------------------------------------------ open / close

    def open(self, job: Job, *, overwrite: bool = False) -> ResultStore:
        """Lock the folder, check it belongs to `job` (or start it), and read the finished parts.

        Raises StoreError if the folder holds something else, a different job, is locked, or
        cannot be written. With `overwrite`, an earlier batch of the same kind (compare, sweep)
        in the folder is deleted first - never a folder another command made, nor one that does
        not look like a batch folder.
        """
        try:
            self._check_folder(job, overwrite)
            self.folder.mkdir(parents=True, exist_ok=True)
            self._lock()
        except OSError as exc:
            raise StoreError(f"{self.folder} cannot be used ({os_reason(exc)}); pick another --out") from None
        try:
            self._start(job, overwrite)
        except OSError as exc:
            self.close()
            raise StoreError(
                f"{self.folder} cannot be written ({os_reason(exc)}); pick another --out"
            ) from None
        except BaseException:
            self.close()
            raise
        self._job = job
        return self

    def _check_folder(self, job: Job, overwrite: bool) -> None:
        """StoreError unless the folder is absent, empty, or a batch folder (of `job`'s kind, to
        be overwritten)."""
        problem = path_problem(self.folder)
        if problem:
            raise StoreError(f"--out {shown_path(self.folder)}: {problem}")
        if self.folder.exists() and not self.folder.is_dir():
            raise StoreError(f"{self.folder} is a file, expected a results folder; pick another --out")
        blocker = file_in_the_way(self.folder)
        if blocker is not None:
            raise StoreError(
                f"{blocker} is a file, so {self.folder} cannot be a folder inside it; pick another --out"
            )
        # A folder holding only our lock file is one whose first session died before writing its
        # manifest (the manifest is written before anything else): treat it as empty.
        if not self.folder.is_dir() or not any(
            e.name not in (".lock", MARKER) for e in self.folder.iterdir()
        ):
            return
        kind = folder_kind(self.folder)
        if overwrite and kind != job.kind:
            raise StoreError(
                f"{self.folder} is {describe_kind(kind)}, not the folder of an earlier {KINDS[job.kind]}, "
                "so --overwrite will not delete it; pick another --out"
            )
        if overwrite:
            return
        if not (self.folder / MANIFEST).exists():
            raise StoreError(
                f"{self.folder} already holds files but is not a batch results folder "
                f"(no {MANIFEST}); pick another --out or delete it"
            )
        # refuse a damaged or different batch before the lock file is made (checked again under the lock)
        check_same_job(read_manifest(self.folder), job, self.folder)

    def _start(self, job: Job, overwrite: bool) -> None:
        """With the lock held: clear (if asked), check or write the manifest, read the parts."""
        if overwrite:
            self._clear()
        manifest_path = self.folder / MANIFEST
        existing = read_manifest(self.folder) if manifest_path.exists() else None
        if existing is not None:
            check_same_job(existing, job, self.folder)
        self._write_manifest(job, existing)
        mark_folder(self.folder, job.kind)
        write_json_atomically(self.folder / TASKS, [t.key for t in job.tasks])
        self.parts.mkdir(exist_ok=True)
        self._remove_staging()
        self._rows, self._duplicates = read_parts(self.parts, keep_rows=self.keep_rows)

    def close(self) -> None:
        """Release the folder lock (safe to call twice)."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _lock(self) -> None:
        self._lock_file = lock_folder(self.folder)

    def _clear(self) -> None:
        """Delete an earlier batch in the folder (keeps the lock file we hold)."""
        for entry in self.folder.iterdir():
            if entry.name == ".lock":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()

    def _remove_staging(self) -> None:
        for entry in self.parts.iterdir():
            if entry.name.startswith(".tmp-"):
                shutil.rmtree(entry, ignore_errors=True)

    def _write_manifest(self, job: Job, existing: dict[str, Any] | None) -> None:
        now = _now()
        manifest = {
            "groupsim_batch": FORMAT,
            "identity": job.identity(),
            "details": dict(job.details),
            "tasks": len(job.tasks),
            "created": existing.get("created", now) if existing else now,
            "updated": now,
            "scenarios": {label: sc.model_dump(mode="json") for label, sc in job.scenarios.items()},
            "sessions": existing.get("sessions", []) if existing else [],
        }
        write_json_atomically(self.folder / MANIFEST, manifest)

    # ------------------------------------------------------------------ progress

    def finished_keys(self, *, retry_failed: bool = False) -> set[str]:
        """Keys with a stored row (with `retry_failed`, only those that succeeded)."""
        if retry_failed:
            return {key for key, stored in self._rows.items() if stored.ok}
        return set(self._rows)

    def counts(self, keys: Sequence[str]) -> tuple[int, int]:
        """(succeeded, failed) among `keys`."""
        ok = failed = 0
        for key in keys:
            stored = self._rows.get(key)
            if stored is not None:
                ok += stored.ok
                failed += not stored.ok
        return ok, failed

    def status(self, key: str) -> str | None:
        """ "ok" or "error" for a stored task, None if it has no row yet."""
        stored = self._rows.get(key)
        return None if stored is None else str(stored.row.get("status"))

    def part_of(self, key: str) -> str | None:
        """The name of the part (in `parts/`) holding the row kept for `key`, None if it has none."""
        stored = self._rows.get(key)
        return None if stored is None else stored.part

    @property
    def duplicates_ignored(self) -> int:
        """Rows found twice in the parts and ignored (should stay 0)."""
        return self._duplicates

    def add(self, result: ChunkResult) -> None:
        """Write one finished chunk as a part (atomically) and remember its rows."""
        if not result.rows:
            return
        written_ns = time.time_ns()
        name = f"{slug(result.rows[0]['_key'])}-{len(result.rows)}-{uuid.uuid4().hex[:8]}"
        staging = self.parts / f".tmp-{name}"
        staging.mkdir()
        try:
            payload = {
                "worker": result.worker,
                "seconds": result.seconds,
                "fingerprint": result.fingerprint,
                "written_ns": written_ns,
                "rows": result.rows,
            }
            text = json.dumps(payload, ensure_ascii=False)
            _write_synced(staging / PART_ROWS, text.encode("utf-8"))
            if result.daily is not None and len(result.daily):
                result.daily.to_parquet(
                    staging / PART_DAILY, index=False, engine="pyarrow", compression="zstd"
                )
                _fsync_file(staging / PART_DAILY)
            os.rename(staging, self.parts / name)
            _fsync_dir(self.parts)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        for row in json.loads(text)["rows"]:  # exactly what a resumed session will read back
            _remember(
                self._rows, row["_key"], StoredRow(row if self.keep_rows else _slim(row), name, written_ns)
            )

    def log_session(self, session: dict[str, Any]) -> None:
        """Append one invocation's record (executor, runs, seconds...) to the manifest."""
        manifest = read_manifest(self.folder)
        manifest.setdefault("sessions", []).append(session)
        manifest["updated"] = _now()
        write_json_atomically(self.folder / MANIFEST, manifest)

    # ------------------------------------------------------------------ outputs

    def rows(self, keys: Sequence[str]) -> list[dict[str, Any]]:
        """The stored rows of `keys` that exist, in the order of `keys` (internal fields included)."""
        return [self._rows[key].row for key in keys if key in self._rows]

    def consolidate(self, job: Job) -> tuple[Path, Path]:
        """Write runs.parquet and daily.parquet for every task of `job`, in job order.

        Raises StoreError if some task has no row yet.
        """
        if not self.keep_rows:
            raise TypeError("consolidate needs the full rows: open the store with keep_rows=True")
        keys = [task.key for task in job.tasks]
        missing = [key for key in keys if key not in self._rows]
        if missing:
            raise StoreError(f"{len(missing)} of {len(keys)} runs have not finished yet")
        runs_path = self.folder / RUNS_FILE
        daily_path = self.folder / DAILY_FILE
        table = rows_table(self.rows(keys))
        replace_atomically(runs_path, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
        replace_atomically(daily_path, lambda tmp: self._write_daily(keys, tmp, job))
        return runs_path, daily_path

    def _write_daily(self, keys: Sequence[str], target: Path, job: Job) -> None:
        """Stream the daily tables of the successful runs of `keys`, part by part, in key order."""
        position = {key: i for i, key in enumerate(keys)}
        wanted: dict[str, list[str]] = {}
        for key in keys:
            stored = self._rows[key]
            if stored.ok:
                wanted.setdefault(stored.part, []).append(key)
        parts = sorted(wanted, key=lambda p: position[wanted[p][0]])
        contiguous = all(position[wanted[a][-1]] < position[wanted[b][0]] for a, b in zip(parts, parts[1:]))
        tables: Iterator[pa.Table]
        if contiguous:
            tables = (self._part_daily(p, wanted[p]) for p in parts)
        else:  # cannot happen with ChunkPlanner's chunks; sort everything in memory instead
            whole = pa.concat_tables([self._part_daily(p, wanted[p]) for p in parts])
            order = pa.array([position[k] for k in whole.column("_key").to_pylist()])
            tables = iter(
                [whole.take(pc.sort_indices(order))]
            )  # a stable sort keeps each run's days in order
        writer: pq.ParquetWriter | None = None
        pending: list[pa.Table] = []
        buffered = 0
        try:
            for table in tables:
                table = table.drop_columns(["_key"])
                if writer is None:
                    writer = pq.ParquetWriter(target, table.schema, compression="zstd")
                pending.append(table.cast(writer.schema))
                buffered += table.num_rows
                while buffered >= DAILY_ROW_GROUP:  # row groups of a fixed size, one contiguous chunk each
                    merged = pa.concat_tables(pending)
                    writer.write_table(
                        merged.slice(0, DAILY_ROW_GROUP).combine_chunks(), row_group_size=DAILY_ROW_GROUP
                    )
                    rest = merged.slice(DAILY_ROW_GROUP)
                    pending, buffered = [rest], rest.num_rows
            if writer is None:
                meta = job.tasks[0].meta if job.tasks else {}
                empty = pd.DataFrame({name: pd.Series(dtype=column_dtype(v)) for name, v in meta.items()})
                empty.to_parquet(target, index=False, engine="pyarrow", compression="zstd")
                return
            if buffered:
                writer.write_table(pa.concat_tables(pending).combine_chunks(), row_group_size=DAILY_ROW_GROUP)
        finally:
            if writer is not None:
                writer.close()

    def _part_daily(self, part: str, keys: list[str]) -> pa.Table:
        table = pq.read_table(self.parts / part / PART_DAILY)
        stored_keys = set(table.column("_key").to_pylist())
        if not set(keys) <= stored_keys:
            raise StoreError(f"part {part} lacks the daily rows of {sorted(set(keys) - stored_keys)[:3]}")
        if len(stored_keys) != len(keys):
            table = table.filter(pc.is_in(table.column("_key"), value_set=pa.array(keys)))
        return table


def lock_folder(folder: Path) -> Any:
    """Take the advisory lock on `folder/.lock` (POSIX), holding our pid; the open handle is the lock
    (close it to release). StoreError if another process holds it."""
    handle = open(folder / ".lock", "a+", encoding="utf-8")  # noqa: SIM115 (held until closed)
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise StoreError(
                f"another groupsim process is writing to {folder}; wait for it to finish or pick another --out"
            ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


# ---------------------------------------------------------------------- reading parts


def read_parts(
    parts: Path, *, set_aside: bool = True, keep_rows: bool = True
) -> tuple[dict[str, StoredRow], int]:
    """Every stored row by task key (ok beats error; a later error beats an earlier one), and the
    number of duplicate rows ignored. Unreadable parts (not produced by `add`) are skipped and,
    with `set_aside` (only when holding the folder's lock), renamed `.bad-*`. Without
    `keep_rows`, each row is cut down to its key and status."""
    rows: dict[str, StoredRow] = {}
    duplicates = 0
    if not parts.is_dir():
        return rows, 0
    for entry in sorted(parts.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            payload = json.loads((entry / PART_ROWS).read_text(encoding="utf-8"))
            part_rows = payload["rows"]
            written_ns = int(payload.get("written_ns", 0))
        except (OSError, ValueError, KeyError, TypeError):
            if set_aside:
                entry.rename(entry.with_name(f".bad-{entry.name}"))
            continue
        for row in part_rows:
            duplicates += _remember(
                rows, row["_key"], StoredRow(row if keep_rows else _slim(row), entry.name, written_ns)
            )
    return rows, duplicates


def read_part_rows(parts: Path, part: str) -> list[dict[str, Any]]:
    """The run rows stored in one part (as written by `ResultStore.add`)."""
    return json.loads((Path(parts) / part / PART_ROWS).read_text(encoding="utf-8"))["rows"]


def _slim(row: dict[str, Any]) -> dict[str, Any]:
    """What a store opened with keep_rows=False remembers of a row."""
    return {"_key": row["_key"], "status": row.get("status")}


def _remember(rows: dict[str, StoredRow], key: str, new: StoredRow) -> int:
    """Keep the better of an existing and a new row for `key`; 1 if an ok row was seen twice."""
    old = rows.get(key)
    if old is None:
        rows[key] = new
        return 0
    if old.ok and new.ok:
        return 1  # never written twice by this module; keep the first
    if new.ok or (not old.ok and new.written_ns > old.written_ns):
        rows[key] = new
    return 0


def load_partial(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The runs and daily tables of whatever has finished so far (no lock taken), in task order."""
    folder = Path(folder)
    stored, _ = read_parts(folder / PARTS, set_aside=False)
    try:
        keys = json.loads((folder / TASKS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        keys = sorted(stored)
    keys = [k for k in keys if k in stored]
    runs = rows_table([stored[k].row for k in keys]).to_pandas() if keys else pd.DataFrame()
    position = {key: i for i, key in enumerate(keys)}
    frames = []
    for part in sorted({stored[k].part for k in keys if stored[k].ok}):
        path = folder / PARTS / part / PART_DAILY
        if path.exists():
            frames.append(pd.read_parquet(path))
    if not frames:
        return runs, pd.DataFrame()
    daily = pd.concat(frames, ignore_index=True)
    daily = daily[daily["_key"].isin(position)]
    daily = daily.assign(_pos=daily["_key"].map(position)).sort_values(["_pos", "day"], kind="stable")
    return runs, daily.drop(columns=["_key", "_pos"]).reset_index(drop=True)


# ---------------------------------------------------------------------- tables


def rows_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Run rows as an Arrow table with a stable schema: columns in order of first appearance,
    internal fields (leading `_`) dropped, text columns typed as text and all-missing numeric
    columns as float64 even when every value is missing."""
    columns: dict[str, None] = {}
    for row in rows:
        for name in row:
            if not name.startswith("_"):
                columns.setdefault(name, None)
    arrays = {}
    for name in columns:
        values = [row.get(name) for row in rows]
        if name in TEXT_COLUMNS:
            array = pa.array(values, type=pa.string())
        else:
            array = pa.array(values)
            if pa.types.is_null(array.type):
                array = array.cast(pa.float64())
            elif pa.types.is_list(array.type) and pa.types.is_null(array.type.value_type):
                array = array.cast(pa.list_(pa.int64()))
        arrays[name] = array
    return pa.table(arrays)


# ---------------------------------------------------------------------- manifest


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a batch folder (StoreError if missing or unreadable)."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder} is not a batch results folder (no {MANIFEST})") from None
    except (OSError, ValueError, RecursionError) as exc:
        reason = os_reason(exc) if isinstance(exc, OSError) else "not valid JSON"
        raise StoreError(f"{path} cannot be read ({reason}); the folder is damaged") from None
    identity = manifest.get("identity") if isinstance(manifest, dict) else None
    if not isinstance(identity, dict) or not isinstance(identity.get("kind"), str):
        raise StoreError(f"{path} is not a groupsim batch manifest (it is damaged, or another program's)")
    return manifest


def check_same_job(manifest: dict[str, Any], job: Job, folder: Path) -> None:
    """StoreError naming what differs if `folder` holds another job than `job` (or if its
    manifest is damaged)."""
    old, new = manifest.get("identity", {}), job.identity()
    if old == new:
        return
    if old.get("kind") != new["kind"]:
        raise StoreError(
            f"{folder} holds a {short(old.get('kind'))} batch, not a {new['kind']} one; pick another --out"
        )
    try:
        why = "; ".join(_differences(old, new)) or "its job description differs"
    except (AttributeError, TypeError, KeyError):
        raise StoreError(
            f"{folder}/{MANIFEST} is damaged (its identity cannot be read); pick another --out"
        ) from None
    raise StoreError(
        f"{folder} holds a different batch: {why}. Finishing it would mix incomparable runs; "
        "pick another --out, or pass --overwrite to start it again"
    )


def _differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two job identities of one kind, in words."""
    reasons = []
    if old.get("root_seed") != new["root_seed"]:
        reasons.append(f"its root seed is {short(old.get('root_seed'))}, not {new['root_seed']}")
    old_sc = [(str(s["label"]), s["hash"]) for s in old.get("scenarios", [])]
    new_sc = [(s["label"], s["hash"]) for s in new["scenarios"]]
    if [s for s, _ in old_sc] != [s for s, _ in new_sc]:
        reasons.append(
            f"its scenarios are {clip(', '.join(s for s, _ in old_sc))}, not {', '.join(s for s, _ in new_sc)}"
        )
    else:
        changed = [label for (label, a), (_, b) in zip(old_sc, new_sc) if a != b]
        if changed:
            reasons.append(f"scenario {', '.join(changed)} has changed since (different parameters)")
    if old.get("code_fingerprint") != new["code_fingerprint"] or old.get("version") != new["version"]:
        reasons.append(
            "the model code has changed since it was started "
            f"(code fingerprint {short(old.get('code_fingerprint'))} -> {new['code_fingerprint']})"
        )
    for name in ("simulate", "daily_columns"):
        if old.get(name) != new[name]:
            reasons.append(f"its {name.replace('_', ' ')} setting differs")
    old_extra, new_extra = old.get("extra") or {}, new.get("extra") or {}
    for name in sorted(set(old_extra) | set(new_extra), key=str):
        if old_extra.get(name) != new_extra.get(name):
            reasons.append(f"its {str(name).replace('_', ' ')} differs")
    return reasons


# ---------------------------------------------------------------------- atomic files


def replace_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Let `write` fill a temporary file beside `path`, then rename it over `path`."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        _fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return path


def write_json_atomically(path: Path, data: Any) -> Path:
    """JSON (UTF-8, indented) written via a temporary file and a rename."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return replace_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
