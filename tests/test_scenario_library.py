"""The scenario library is valid and documented, and every option a user can pick runs.

The options are read from the schema (`sim.scenario.fields`), so a new choice, switch or timeline
action is covered here the day it is added.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sim import Scenario, apply_overrides, build_model, load_scenario, run_scenario
from sim.cli.common import app
from sim.runner import RunResult, collect, simulate
from sim.scenario.fields import intervention_actions, iter_fields

ROOT = Path(__file__).resolve().parent.parent
LIBRARY = sorted((ROOT / "scenarios").glob("*.yaml"))
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
DAYS = 4
CHOICES = [(spec.path, choice) for spec in iter_fields() if spec.kind == "choice" for choice in spec.choices]
SWITCHES = [(spec.path, not spec.default) for spec in iter_fields() if spec.kind == "bool"]
OPTIONS = CHOICES + SWITCHES


def test_the_library_is_not_empty_and_the_option_lists_are_read_from_the_schema():
    assert len(LIBRARY) >= 10
    assert ("entry.threshold", "paid") in CHOICES and ("recruiting.style", "mass_add") in CHOICES
    assert ("rules.enabled", False) in SWITCHES and ("koc.enabled", True) in SWITCHES
    assert {"invite_kol", "set", "dissolve"} <= set(intervention_actions())


def test_every_library_file_passes_groupsim_validate():
    result = CliRunner().invoke(app, ["validate", *map(str, LIBRARY)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    for path in LIBRARY:
        assert f"ok {path}" in " ".join(result.stdout.split()), path


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_scenario_is_described_in_english_and_chinese(path):
    scenario = load_scenario(path)
    assert scenario.description.en.strip(), f"{path.name}: description.en is empty"
    assert scenario.description.zh.strip(), f"{path.name}: description.zh is empty"
    assert CJK.search(scenario.description.zh), f"{path.name}: description.zh has no Chinese characters"


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_every_scenario_runs_three_days(path):
    scenario = load_scenario(path)
    assert scenario.name == path.stem  # results folders and compare labels are named from it
    result = run_scenario(scenario, seed=1, days=3)
    assert result.summary["days_simulated"] == 3 or result.summary["ended_by"] in ("dead", "dissolved")
    assert list(result.daily["day"]) == list(range(1, result.summary["days_simulated"] + 1))
    assert result.summary["peak_members"] > 0


# ----------------------------------------------------------------------------- options


def base() -> Scenario:
    return Scenario(name="options")


def run_days(scenario: Scenario, days: int = DAYS, seed: int = 3) -> tuple[Any, RunResult]:
    """Step a fresh model `days` days; returns the model (for `current`) and its result."""
    model = build_model(scenario, seed)
    simulate(model, days)
    return model, collect(model, scenario, seed, days)


def at(scenario: Scenario, path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


@pytest.mark.parametrize("path, value", OPTIONS, ids=[f"{p}={v}" for p, v in OPTIONS])
def test_every_option_runs_when_chosen_from_the_start(path, value):
    scenario = apply_overrides(base(), {path: value})
    assert at(scenario, path) == value
    model, result = run_days(scenario)
    assert model.day == DAYS or model.ended_by is not None
    assert len(result.daily) == model.day


@pytest.mark.parametrize("path, value", OPTIONS, ids=[f"{p}={v}" for p, v in OPTIONS])
def test_every_option_runs_when_set_on_day_one_by_the_timeline(path, value):
    entry = {"day": 1, "action": "set", "changes": {path: value}}
    scenario = Scenario.model_validate({"name": "options", "timeline": [entry]})
    model, result = run_days(scenario)
    assert model.day == DAYS or model.ended_by is not None
    assert at(model.current, path) == value
    assert {
        "day": 1,
        "action": "set",
        "note": "",
        "detail": {"changes": {path: value}},
    } in result.interventions
    assert "set" in result.daily["interventions"].iloc[0]


# the fields each action needs besides day and action (none but `set` needs any today)
REQUIRED = {"set": {"changes": {"rules.ban_off_topic": True}}, "remove_lurkers": {"inactive_days": 1}}


def effect_of(action: str, model: Any, result: RunResult) -> bool:
    """Whether the day-1 intervention visibly did its job (actions without a cheap check: True)."""
    first = result.daily.iloc[0]
    members = result.members
    # promote_kocs picks members by recent activity, and on day 1 nobody has any yet: see below
    checks = {
        "invite_kol": lambda: (
            int(((members["role_at_join"] == "kol") & (members["join_day"] == 1)).sum()) == 1
        ),
        "mass_add": lambda: int(first["joins_operator"]) >= 100,
        "red_packets": lambda: result.summary["cost_breakdown_yuan"].get("red_packets", 0) >= 20,
        "run_event": lambda: result.summary["cost_breakdown_yuan"].get("events", 0) > 0,
        "start_selling": lambda: (
            model.current.cadence.promotion.enabled and model.current.cadence.promotion.start_day == 1
        ),
        "stop_selling": lambda: not model.current.cadence.promotion.enabled,
        "split": lambda: int(first["groups"]) == 2,
        "remove_lurkers": lambda: int(first["kicks"]) > 0,
        "dissolve": lambda: model.ended_by == "dissolved" and not model.running,
        "set": lambda: model.current.rules.ban_off_topic is True,
    }
    return checks.get(action, lambda: True)()


@pytest.mark.parametrize("action", intervention_actions())
def test_every_timeline_action_runs_on_day_one_and_is_logged(action):
    entry = {"day": 1, "action": action, "note": f"test {action}", **REQUIRED.get(action, {})}
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml").model_copy(update={"timeline": ()})
    scenario = Scenario.model_validate({**scenario.model_dump(mode="python"), "timeline": [entry]})
    model, result = run_days(scenario)
    assert model.day == DAYS or action == "dissolve"
    logged = [i for i in result.interventions if i["action"] == action]
    assert len(logged) == 1 and logged[0]["day"] == 1 and logged[0]["note"] == f"test {action}"
    assert f"test {action}" in result.daily["interventions"].iloc[0]
    assert effect_of(action, model, result), f"{action} on day 1 had no visible effect"


def test_promote_kocs_after_a_few_days_promotes_active_members():
    entry = {"day": 3, "action": "promote_kocs", "count": 3}
    scenario = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    scenario = Scenario.model_validate({**scenario.model_dump(mode="python"), "timeline": [entry]})
    model, result = run_days(scenario, days=3)
    assert 1 <= int(result.daily["kocs"].iloc[2]) <= 3
    assert result.interventions[-1]["action"] == "promote_kocs"


def test_field_specs_give_the_defaults_a_scenario_really_gets():
    actual = Scenario().model_dump(mode="python")
    wrong = {}
    for spec in iter_fields():
        value = actual
        for part in spec.path.split("."):
            value = value[part]
        if value != spec.default:
            wrong[spec.path] = (spec.default, value)
    assert not wrong
