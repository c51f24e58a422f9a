"""The model's structure stays what docs/model.md says it is: the day's phases, one handler per
timeline action, short phases."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import get_args

from sim.model import actions, phases
from sim.scenario.schema import Intervention

ROOT = Path(__file__).resolve().parent.parent


def _documented_phases() -> list[str]:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    section = text[text.index("## 2 The daily order") : text.index("## 3 Mechanisms")]
    return re.findall(r"^\d+\. `([a-z_]+)`", section, flags=re.M)


def test_the_days_phases_are_the_ones_docs_model_md_lists_in_that_order() -> None:
    assert [phase.__name__ for phase in phases.DAY] == _documented_phases()


def test_every_timeline_action_of_the_schema_has_exactly_one_handler() -> None:
    assert set(actions.HANDLERS) == set(get_args(get_args(Intervention)[0]))


def test_every_phase_is_short_and_documented() -> None:
    for phase in phases.DAY:
        source = inspect.getsource(phase)
        body = ast.parse(source).body[0]
        assert body.end_lineno - body.lineno < 45, f"{phase.__name__} has grown to {body.end_lineno} lines"
        assert ast.get_docstring(body), f"{phase.__name__} has no docstring"
