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


class OutputExistsError(Exception):
    """The chosen output folder already holds results."""


def slug(text: str) -> str:
    """A filesystem-safe short name."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")
    return cleaned or "run"


def new_results_dir(root: Path, stem: str) -> Path:
    """A fresh, not-yet-existing folder under `root`, named from `stem` and the current time."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{slug(stem)}-{stamp}"
    candidate, k = base, 1
    while candidate.exists():
        k += 1
        candidate = Path(f"{base}-{k}")
    return candidate


def check_free(out: Path, overwrite: bool, marker: str = "summary.json") -> None:
    """Refuse to reuse a non-empty folder unless `overwrite` is set.

    Even with `overwrite`, only the folder of an earlier run (it holds `marker`, summary.json for
    `groupsim run`) is replaced: a mistyped --out (a file, `results/` itself, the project folder)
    is never deleted.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputExistsError(f"{out} is a file, not a folder; pick another --out")
    if not any(out.iterdir()):
        return
    if not overwrite:
        raise OutputExistsError(
            f"{out} already exists and is not empty; pick another --out, delete it, or pass --overwrite"
        )
    if not (out / marker).is_file():
        raise OutputExistsError(
            f"{out} is not the folder of an earlier run (it has no {marker}), so --overwrite will not "
            "delete it; pick another --out"
        )


def write_atomically(
    out: Path, write: Callable[[Path], None], overwrite: bool = False, marker: str = "summary.json"
) -> Path:
    """Let `write` fill a temporary folder beside `out`, then move it into place.

    An interrupted run leaves no partial `out` behind.
    """
    check_free(out, overwrite, marker)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    os.chmod(staging, 0o755)  # mkdtemp makes it private; results are meant to be shared
    try:
        write(staging)
        check_free(out, overwrite, marker)  # again: another run may have taken the folder meanwhile
        if overwrite and out.exists():
            shutil.rmtree(out)
        os.replace(staging, out)  # fails, rather than deleting, if the folder filled up since
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Parquet with a stable layout (no index), so equal tables give equal bytes."""
    frame.to_parquet(path, index=False, engine="pyarrow", compression="zstd")


def write_json(data: Any, path: Path) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
