"""Writing experiment files in tests, and the problems loading them reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.scenario import ScenarioError
from sim.sweep.experiment import load_experiment


def write(tmp_path: Path, text: str, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    """Every problem `load_experiment` reports for `text` (which must not load)."""
    with pytest.raises(ScenarioError) as caught:
        load_experiment(write(tmp_path, text))
    return [str(p) for p in caught.value.problems]


def one_problem(tmp_path: Path, text: str) -> str:
    found = problems(tmp_path, text)
    assert len(found) == 1, found
    return found[0]
