"""Levers come from the schema and every value they offer runs; buttons build what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.controls import BUTTONS, LEVERS, LEVERS_BY_PATH, load_for_app, scenario_files
from sim.figures import BAN_ADS_CHANGES, marker_key
from sim.runner import build_model
from sim.scenario import Scenario, ScenarioError, apply_overrides
from sim.scenario.fields import field_spec
from sim.scenario.schema import (
    InviteKOL,
    MassAdd,
    PromoteKOCs,
    RunEvent,
    SendRedPackets,
    SetParameters,
    StartSelling,
)

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
NUMERIC = [lever for lever in LEVERS if lever.kind in ("int", "float")]


@pytest.mark.parametrize("lever", NUMERIC, ids=lambda lever: lever.path)
def test_slider_bounds_equal_the_schema(lever):
    spec = field_spec(lever.path)
    positions = lever.positions()
    assert positions[0] == spec.lower and positions[-1] == spec.upper
    assert list(positions) == sorted(set(positions))
    assert lever.spec.unit == spec.unit and lever.spec.default == spec.default


@pytest.mark.parametrize("lever", NUMERIC, ids=lambda lever: lever.path)
def test_slider_offers_the_scenario_value_and_only_values_the_schema_accepts(lever):
    base = Scenario(name="levers")
    current = lever.read(base)
    positions = lever.positions(current)
    assert current in positions
    for value in positions:
        apply_overrides(base, {lever.path: value})  # raises if the schema rejects it


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.path)
def test_every_lever_extreme_runs_a_day(lever):
    """No value a trainer can pick crashes the model on its first step."""
    if lever.kind in ("int", "float"):
        values = (lever.positions()[0], lever.positions()[-1])
    elif lever.kind == "bool":
        values = (False, True)
    else:
        values = lever.spec.choices
    for value in values:
        scenario = apply_overrides(Scenario(name="extreme"), {lever.path: value})
        model = build_model(scenario, seed=3)
        model.step()
        assert model.day == 1


def test_wide_ranges_reach_both_small_and_large_values():
    days = LEVERS_BY_PATH["cadence.promotion.start_day"].positions()
    assert {0, 3, 7, 30, 45, 365, 3650} <= set(days) and len(days) < 40
    members = LEVERS_BY_PATH["population.initial_members"].positions()
    assert {20, 50, 500, 5000} <= set(members)


def test_buttons_build_the_intervention_they_name():
    built = {button.key: button.make(12) for button in BUTTONS}
    assert isinstance(built["red_packets"], SendRedPackets)
    assert isinstance(built["start_selling"], StartSelling)
    assert isinstance(built["invite_kol"], InviteKOL)
    assert isinstance(built["mass_add"], MassAdd) and built["mass_add"].count == 100
    assert isinstance(built["run_event"], RunEvent)
    assert isinstance(built["promote_kocs"], PromoteKOCs)
    assert isinstance(built["ban_ads"], SetParameters) and built["ban_ads"].changes == BAN_ADS_CHANGES
    assert all(item.day == 12 for item in built.values())
    assert [button.key for button in BUTTONS] == [
        "red_packets",
        "start_selling",
        "invite_kol",
        "mass_add",
        "run_event",
        "promote_kocs",
        "ban_ads",
    ]


def test_button_labels_show_the_items_own_numbers():
    selling = next(b for b in BUTTONS if b.key == "start_selling")
    assert selling.label_values() == {"every_days": 1, "posts": 2}


def test_marker_key_recognises_ban_ads_among_sets():
    assert marker_key({"action": "set", "detail": {"changes": dict(BAN_ADS_CHANGES)}}) == "ban_ads"
    assert marker_key({"action": "set", "detail": {"changes": {"positioning.focus": 0.5}}}) == "set"
    assert marker_key({"action": "mass_add", "detail": {"count": 100}}) == "mass_add"


def test_scenario_picker_lists_the_folder_and_the_chosen_file(tmp_path):
    (tmp_path / "b.yaml").write_text("name: b\n")
    (tmp_path / "a.yml").write_text("name: a\n")
    elsewhere = tmp_path / "other" / "c.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_text("name: c\n")
    assert [p.name for p in scenario_files(tmp_path)] == ["a.yml", "b.yaml"]
    assert [p.name for p in scenario_files(tmp_path, elsewhere)] == ["c.yaml", "a.yml", "b.yaml"]
    assert [p.name for p in scenario_files(tmp_path, tmp_path / "b.yaml")] == ["a.yml", "b.yaml"]


def test_app_keeps_a_dead_group_on_screen():
    scenario = load_for_app(SCENARIOS / "baseline.yaml")
    assert scenario.horizon.stop_at_death is False


def test_a_bad_scenario_file_is_a_scenario_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\npopulation: {initial_members: -3}\n")
    with pytest.raises(ScenarioError):
        load_for_app(bad)
