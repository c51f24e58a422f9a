"""Writing run results to disk: never overwrite silently, never leave a half-written folder."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sim.inputs import os_reason, path_problem, shown_path


class OutputExistsError(Exception):
    """The chosen output folder cannot be used: it holds other results, or is not a folder."""


#: What made a results folder, as written in its marker file.
KINDS = {
    "run": "groupsim run",
    "compare": "groupsim compare",
    "sweep": "groupsim sweep",
    "analysis": "groupsim analyze",
    "optimize": "groupsim optimize",
    "optimize-confirm": "groupsim optimize (its confirmation runs)",
    "discovery": "groupsim discover",
    "observation": "groupsim observe",
    "calibration": "groupsim calibrate",
    "calibration-replay": "groupsim calibrate (its posterior-predictive replays)",
    "forecast": "groupsim forecast",
}
#: The marker file every command leaves in the folder it writes: one line, the kind.
MARKER = ".groupsim-kind"


def slug(text: str) -> str:
    """A filesystem-safe short name."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")
    return cleaned[:80] or "run"


def new_results_dir(root: Path, stem: str) -> Path:
    """A fresh, not-yet-existing folder under `root`, named from `stem` and the current time."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{slug(stem)}-{stamp}"
    candidate, k = base, 1
    while candidate.exists():
        k += 1
        candidate = Path(f"{base}-{k}")
    return candidate


def mark_folder(folder: Path, kind: str) -> None:
    """Record in `folder` that the command of `kind` ("run", "compare", "sweep", "analysis") made it."""
    if kind not in KINDS:
        raise ValueError(f"unknown results kind {kind!r}")
    (Path(folder) / MARKER).write_text(kind + "\n", encoding="utf-8")


def folder_kind(folder: Path) -> str | None:
    """What made `folder`: "run", "compare", "sweep" or "analysis", from its marker or (for a
    folder written before markers existed) from its files; None for anything else."""
    folder = Path(folder)
    try:
        marker = folder / MARKER
        if marker.is_file() and not marker.is_symlink():
            with open(marker, "rb") as handle:
                kind = handle.read(32).decode("utf-8", "replace").strip()
            return kind if kind in KINDS else None
        names = {entry.name for entry in folder.iterdir()}
    except OSError:
        return None
    if "manifest.json" in names:
        try:
            with open(folder / "manifest.json", "rb") as handle:
                identity = json.loads(handle.read(64 << 20)).get("identity", {})
            kind = identity.get("kind") if isinstance(identity, dict) else None
        except (OSError, ValueError, AttributeError):
            return None
        return kind if kind in ("compare", "sweep") else None
    if {"summary.json", "scenario.json", "daily.parquet", "members.parquet"} <= names:
        return "run"
    if {"summary.json", "points.csv", "sensitivity.csv"} <= names:
        return "analysis"
    return None


def describe_kind(kind: str | None) -> str:
    """'the folder of a groupsim compare', or 'not a groupsim results folder'."""
    return f"the folder of a {KINDS[kind]}" if kind in KINDS else "not a groupsim results folder"


def file_in_the_way(out: Path) -> Path | None:
    """The first existing ancestor of `out`, if it is a file rather than a folder (so `out` can
    never be created), else None."""
    for parent in Path(out).parents:
        try:
            if parent.exists():
                return None if parent.is_dir() else parent
        except OSError:
            return None
    return None


def check_free(out: Path, overwrite: bool, kind: str = "run") -> None:
    """Refuse to reuse a non-empty folder unless `overwrite` is set (OutputExistsError).

    Even with `overwrite`, only a folder that the same command made (its marker says `kind`) is
    replaced: a mistyped --out (a file, `results/` itself, the project folder, another command's
    results) is never deleted.
    """
    problem = path_problem(out)
    if problem:
        raise OutputExistsError(f"--out {shown_path(out)}: {problem}")
    blocker = file_in_the_way(out)
    if blocker is not None:
        raise OutputExistsError(
            f"{blocker} is a file, so {out} cannot be a folder inside it; pick another --out"
        )
    try:
        if not out.exists():
            return
        if not out.is_dir():
            raise OutputExistsError(f"{out} is a file, not a folder; pick another --out")
        if not any(out.iterdir()):
            return
    except OSError as exc:
        raise OutputExistsError(f"{out} cannot be used ({os_reason(exc)}); pick another --out") from None
    if not overwrite:
        raise OutputExistsError(
            f"{out} already exists and is not empty; pick another --out, delete it, or pass --overwrite"
        )
    found = folder_kind(out)
    if found != kind:
        raise OutputExistsError(
            f"{out} is {describe_kind(found)}, not the folder of an earlier {KINDS[kind]}, so --overwrite "
            "will not delete it; pick another --out"
        )


def write_atomically(
    out: Path, write: Callable[[Path], None], overwrite: bool = False, kind: str = "run"
) -> Path:
    """Let `write` fill a temporary folder beside `out`, mark it as made by `kind`, then move it
    into place (replacing, with `overwrite`, only an earlier folder of the same kind).

    An interrupted run leaves no partial `out` behind, and the earlier folder is removed only
    once the new one is in place.
    """
    check_free(out, overwrite, kind)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name[:40]}.", dir=out.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; results are meant to be shared
    old: Path | None = None
    try:
        write(staging)
        mark_folder(staging, kind)
        check_free(out, overwrite, kind)  # again: another run may have taken the folder meanwhile
        if overwrite and out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name[:40]}.old.", dir=out.parent))
            os.replace(out, old / "previous")
        os.replace(staging, out)  # fails, rather than deleting, if the folder filled up since
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None:
            if not out.exists() and (old / "previous").exists():
                os.replace(old / "previous", out)  # put the earlier results back
            shutil.rmtree(old, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return out


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet with a stable layout (no index), so equal tables give equal bytes."""
    frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
