"""The golden baseline: the model's outputs are pinned across versions.

Each case in `baseline_cases.CASES` is run and its daily table, member table and summary are
compared, byte for byte, with the files in `tests/baseline/`. A refactor leaves them unchanged; a
deliberate change of behaviour regenerates them with `scripts/update_baseline.py`, in a commit of
its own that says why the numbers moved. On failure the message names the columns and the days
(or members) that differ.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from baseline_cases import CASES, Case, stored_path, tables


def _table_differences(stored: str, now: str, key: str) -> list[str]:
    """Which columns differ, and on which rows (by `key`), between two CSV texts."""
    old = pd.read_csv(io.StringIO(stored), keep_default_na=False)
    new = pd.read_csv(io.StringIO(now), keep_default_na=False)
    lines = []
    if list(old.columns) != list(new.columns):
        lines.append(f"columns: stored {list(old.columns)}, now {list(new.columns)}")
    if len(old) != len(new):
        lines.append(f"rows: stored {len(old)}, now {len(new)}")
    rows = min(len(old), len(new))
    for column in [c for c in old.columns if c in new.columns]:
        a, b = old[column].iloc[:rows].astype(str).to_numpy(), new[column].iloc[:rows].astype(str).to_numpy()
        differ = np.flatnonzero(a != b)
        if differ.shape[0]:
            where = old[key].iloc[differ[:8]].tolist()
            first = differ[0]
            lines.append(
                f"{column}: {differ.shape[0]} {key}s differ, first at {key}s {where} "
                f"(stored {a[first]!r}, now {b[first]!r})"
            )
    return lines or ["text differs (formatting only)"]


def _summary_differences(stored: str, now: str) -> list[str]:
    old, new = json.loads(stored), json.loads(now)
    return [
        f"{k}: stored {old.get(k)!r}, now {new.get(k)!r}"
        for k in sorted(set(old) | set(new))
        if old.get(k) != new.get(k)
    ] or ["text differs (formatting only)"]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_outputs_match_the_golden_baseline(case: Case) -> None:
    produced = tables(case)
    problems = []
    for kind, text in produced.items():
        path = stored_path(case, kind)
        if not path.exists():
            problems.append(f"{path.name}: no stored baseline (run scripts/update_baseline.py)")
            continue
        stored = path.read_text(encoding="utf-8")
        if stored == text:
            continue
        if kind == "summary.json":
            details = _summary_differences(stored, text)
        else:
            details = _table_differences(stored, text, "day" if kind == "daily.csv" else "member")
        problems.append(f"{path.name}:\n    " + "\n    ".join(details))
    assert not problems, (
        f"case {case.name!r} no longer matches tests/baseline/ — if the change is deliberate, run "
        "scripts/update_baseline.py and commit the new files on their own, saying why:\n  "
        + "\n  ".join(problems)
    )


def test_every_stored_baseline_file_belongs_to_a_case() -> None:
    expected = {stored_path(c, k).name for c in CASES for k in ("daily.csv", "members.csv", "summary.json")}
    stored = {p.name for p in stored_path(CASES[0], "x").parent.iterdir()}
    assert stored == expected
