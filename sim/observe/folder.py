"""An observation on disk: observed.parquet, senders.parquet, observation.json (and the CLI's summary.html).

`write_tables(observation, folder)` writes the tables into a folder being filled (the CLI wraps
it in `sim.outputs.write_atomically`, with the HTML summary); `load_observation(path)` reads a
folder, or an observed.parquet file on its own, and checks it is one.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.observe.formats import COUNT_FIELDS
from sim.observe.observation import Observation, table_hash
from sim.outputs import write_json, write_parquet
from sim.scenario import Problem, ScenarioError

OBSERVED_FILE = "observed.parquet"
SENDERS_FILE = "senders.parquet"
META_FILE = "observation.json"
SUMMARY_FILE = "summary.html"


def write_tables(observation: Observation, folder: Path) -> None:
    """observed.parquet, senders.parquet (message-level formats) and observation.json into `folder`."""
    write_parquet(observation.table, folder / OBSERVED_FILE)
    if observation.senders is not None:
        write_parquet(observation.senders, folder / SENDERS_FILE)
    write_json(observation.meta, folder / META_FILE)


def load_observation(path: str | Path) -> Observation:
    """The observation in folder `path` (or the observed.parquet file `path`); ScenarioError if it is not one."""
    path = Path(path)
    folder, table_path = (path, path / OBSERVED_FILE) if path.is_dir() else (path.parent, path)
    shown = str(path)
    if not path.exists():
        raise ScenarioError([Problem(shown, None, "", "not found; run `groupsim observe FILE` first")])
    if not table_path.is_file():
        raise ScenarioError(
            [
                Problem(
                    shown,
                    None,
                    "",
                    f"is not an observation folder (no {OBSERVED_FILE}); run `groupsim observe FILE`",
                )
            ]
        )
    try:
        table = pd.read_parquet(table_path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file gets the same message
        raise ScenarioError(
            [Problem(str(table_path), None, "", f"cannot be read as Parquet ({exc})")]
        ) from None
    _check_table(table, str(table_path))
    meta_path = folder / META_FILE
    meta: dict = {}
    if meta_path.is_file():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ScenarioError([Problem(str(meta_path), None, "", f"cannot be read ({exc})")]) from None
    meta.setdefault("table_sha256", table_hash(table))
    senders_path = folder / SENDERS_FILE
    senders = pd.read_parquet(senders_path) if senders_path.is_file() else None
    return Observation(table, senders, meta)


def _check_table(table: pd.DataFrame, shown: str) -> None:
    missing = [c for c in ("date", "day", *COUNT_FIELDS) if c not in table.columns]
    if missing:
        raise ScenarioError(
            [
                Problem(
                    shown,
                    None,
                    "",
                    f"lacks the columns {', '.join(missing)}: not a groupsim observation table",
                )
            ]
        )
    if table.empty:
        raise ScenarioError([Problem(shown, None, "", "holds no days")])
    days = table["day"].to_numpy(dtype=np.int64)
    if days[0] < 1 or (np.diff(days) != 1).any():
        raise ScenarioError(
            [Problem(shown, None, "day", "days must start at 1 or later and follow each other without gaps")]
        )
    for column in COUNT_FIELDS:
        values = pd.to_numeric(table[column], errors="coerce")
        if (values.dropna() < 0).any():
            raise ScenarioError([Problem(shown, None, column, "holds negative counts")])
