"""The documentation cannot drift from the code.

- docs/parameters.md is generated from the schema: it must equal what the generator produces now.
- docs/model.md: every dotted parameter path must exist in the schema, every default quoted in a
  "| `path` | default |" table row must be the default `Scenario()` really has, and every test and
  scenario file it names must exist.
"""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from sim.scenario.fields import field_spec, section_at
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
MODEL_MD = ROOT / "docs" / "model.md"
PARAMETERS_MD = ROOT / "docs" / "parameters.md"
REGENERATE = ".venv/bin/python scripts/parameters_doc.py"

#: top-level scenario sections: the first component of every dotted parameter path
SECTIONS = tuple(
    name
    for name, info in Scenario.model_fields.items()
    if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
)
_FILE_EXTENSIONS = {"py", "yaml", "yml", "md", "json", "txt", "html", "parquet", "csv", "toml", "sh"}
# a section name, then .identifier parts; not preceded by a word, '.', '/' or '-' (sim.x, a/b.c),
# not followed by '(' (a function call) or '/' (a folder)
_PATH = re.compile(r"(?<![\w./-])((?:" + "|".join(SECTIONS) + r")(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?![\w(/])")
_TABLE_ROW = re.compile(r"^\|\s*`([A-Za-z_][\w.]*)`\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)
_TEST_NAME = re.compile(r"(?<![\w/.])(test_[A-Za-z0-9_]+)(?!\w)(?!\.py)")
_SCENARIO_FILE = re.compile(r"scenarios/[\w.-]+?\.yaml")


def _generator():
    """scripts/parameters_doc.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("parameters_doc", ROOT / "scripts" / "parameters_doc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model_md() -> str:
    return MODEL_MD.read_text(encoding="utf-8")


def dotted_paths(text: str) -> set[str]:
    """Dotted parameter paths mentioned in `text` (file names such as kol.py are skipped)."""
    found = set()
    for match in _PATH.finditer(text):
        path = match.group(1)
        if path.rsplit(".", 1)[-1] not in _FILE_EXTENSIONS:
            found.add(path)
    return found


def _exists(path: str) -> bool:
    """A parameter, or a section such as 'cadence.red_packets' or 'behaviour.posting.value_rate'."""
    if section_at(path) is not None:
        return True
    try:
        field_spec(path)
    except KeyError:
        return False
    return True


def _defined_tests() -> set[str]:
    names: set[str] = set()
    for file in (ROOT / "tests").glob("*.py"):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        names |= {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")
        }
    return names


def test_the_parameter_reference_is_up_to_date():
    expected = _generator().render()
    current = PARAMETERS_MD.read_text(encoding="utf-8") if PARAMETERS_MD.exists() else ""
    assert current == expected, (
        "docs/parameters.md is out of date with sim/scenario/schema.py; "
        f"regenerate it with `{REGENERATE}` and commit it"
    )


def test_the_parameter_reference_lists_every_parameter_with_its_real_default():
    gen = _generator()
    rows = {row["path"]: row for row in gen.rows()}
    assert rows["cadence.red_packets.every_days"]["default"] == "7"  # the section overrides Scheduled's 1
    assert rows["behaviour.posting.value_rate.kol"]["default"] == "1"  # a PerRole leaf has no class default
    assert rows["behaviour.posting.value_rate.kol"]["unit"] == "posts/day"  # ... nor a unit of its own
    assert rows["entry.threshold"]["range"] == "`none`, `vetting`, `share_to_join`, `paid`"
    text = gen.render()
    assert all(f"`{path}`" in text for path in rows)


def test_every_parameter_path_in_model_md_exists():
    paths = dotted_paths(_model_md())
    assert len(paths) > 100, "docs/model.md should name the parameters each mechanism uses"
    missing = sorted(p for p in paths if not _exists(p))
    assert not missing, f"docs/model.md names parameters that are not in the schema: {missing}"


def test_defaults_quoted_in_model_md_tables_are_the_real_defaults():
    gen = _generator()
    wrong = []
    checked = 0
    for path, quoted in _TABLE_ROW.findall(_model_md()):
        if "." not in path or path.split(".")[0] not in SECTIONS:
            continue
        checked += 1
        actual = gen.default_text(path)
        if quoted != actual:
            wrong.append(f"{path}: docs/model.md says {quoted!r}, Scenario() has {actual!r}")
    assert checked > 100
    assert not wrong, "docs/model.md quotes stale defaults:\n" + "\n".join(wrong)


def test_every_test_named_in_model_md_exists():
    named = set(_TEST_NAME.findall(_model_md()))
    assert len(named) > 30
    missing = sorted(named - _defined_tests())
    assert not missing, f"docs/model.md names tests that do not exist: {missing}"


def test_every_scenario_file_named_in_model_md_exists():
    files = set(_SCENARIO_FILE.findall(_model_md()))
    assert files
    missing = sorted(f for f in files if not (ROOT / f).is_file())
    assert not missing, f"docs/model.md names scenario files that do not exist: {missing}"


@pytest.mark.parametrize(
    "text, paths",
    [
        (
            "see `kol.draw` and kol.spark; sim/mechanisms/kol.py; scenarios/kol_active.yaml",
            {"kol.draw", "kol.spark"},
        ),
        (
            "`behaviour.posting.value_rate`, then behaviour.churn.leave_max.",
            {"behaviour.posting.value_rate", "behaviour.churn.leave_max"},
        ),
        ("model.md, e.g. np.random, CommunityModel.step, sim.scenario.fields", set()),
    ],
)
def test_the_path_scanner_finds_parameters_and_skips_file_names(text, paths):
    assert dotted_paths(text) == paths
