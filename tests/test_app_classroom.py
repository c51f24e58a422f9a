"""The classroom steps runs in lockstep and turns button presses into next-day interventions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.app.classroom import Classroom, Settings, open_classroom
from sim.app.controls import BUTTONS_BY_KEY, lever_intervention, load_for_app
from sim.figures import daily_columns
from sim.scenario import Scenario, ScenarioError, apply_overrides
from sim.scenario.schema import Dissolve

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def _scenario(**changes) -> Scenario:
    base = {"horizon.stop_at_death": False, "population.initial_members": 40, "horizon.days": 60}
    return apply_overrides(Scenario(name="classroom"), {**base, **changes})


def test_lockstep_keeps_both_runs_on_the_same_day_with_the_same_seed():
    room = Classroom(
        [load_for_app(SCENARIOS / "baseline.yaml"), load_for_app(SCENARIOS / "unmanaged.yaml")],
        seed=7,
    )
    for _ in range(12):
        room.step()
    assert room.day == 12
    assert [run.model.day for run in room.runs] == [12, 12]
    assert [run.model.seed for run in room.runs] == [7, 7]
    assert [run.key for run in room.runs] == ["a", "b"]


def test_the_same_scenario_twice_gives_identical_runs():
    room = Classroom([_scenario(), _scenario()], seed=11)
    for _ in range(15):
        room.step()
    a, b = (run.model.daily_array() for run in room.runs)
    np.testing.assert_array_equal(a, b)


def test_drawing_does_not_change_what_happens():
    """The network layout has its own random generator: drawing changes nothing in the model."""
    from sim.app.components import network_figure

    drawn, plain = Classroom([_scenario()], seed=5), Classroom([_scenario()], seed=5)
    for _ in range(10):
        drawn.step()
        plain.step()
        network_figure(drawn.runs, "en")
    np.testing.assert_array_equal(drawn.runs[0].model.daily_array(), plain.runs[0].model.daily_array())


@pytest.mark.parametrize("key", list(BUTTONS_BY_KEY))
def test_every_button_acts_on_the_next_day_and_is_logged_for_its_marker(key):
    room = Classroom([_scenario(**{"koc.enabled": False})], seed=2)
    for _ in range(6):
        room.step()
    day = room.schedule(BUTTONS_BY_KEY[key].make(0), room.targets("a"))
    assert day == 7
    assert [item.day for item in room.pending(room.runs[0])] == [7]
    room.step()
    log = room.runs[0].model.intervention_log
    assert [(entry["day"], entry["action"]) for entry in log] == [(7, BUTTONS_BY_KEY[key].make(0).action)]
    assert room.pending(room.runs[0]) == []


def test_a_red_packet_lands_in_the_next_days_chatter():
    """Scheduled for tomorrow, the packet is part of that day's dynamics (unlike a call to
    `model.intervene` between days, which the next day's fresh scratch state discards)."""
    room = Classroom([_scenario(), _scenario()], seed=4)
    for _ in range(8):
        room.step()
    room.schedule(BUTTONS_BY_KEY["red_packets"].make(0), room.targets("a"))
    room.step()
    chatter_a, chatter_b = (daily_columns(run.model.daily_array())["chatter"][-1] for run in room.runs)
    assert chatter_a > chatter_b


def test_mass_add_joins_are_counted_on_the_day_they_join():
    room = Classroom([_scenario()], seed=4)
    for _ in range(5):
        room.step()
    room.schedule(BUTTONS_BY_KEY["mass_add"].make(0), room.targets("a"))
    room.step()
    daily = daily_columns(room.runs[0].model.daily_array())
    day, joins_operator = daily["day"], daily["joins_operator"]
    assert day[-1] == 6 and joins_operator[-1] == 100


def test_interventions_go_only_to_the_chosen_run():
    room = Classroom([_scenario(), _scenario()], seed=4)
    room.step()
    room.schedule(BUTTONS_BY_KEY["invite_kol"].make(0), room.targets("b"))
    room.schedule(BUTTONS_BY_KEY["run_event"].make(0), room.targets("both"))
    room.step()
    actions = [[entry["action"] for entry in run.model.intervention_log] for run in room.runs]
    assert actions == [["run_event"], ["invite_kol", "run_event"]]


def test_a_single_run_treats_target_b_as_a():
    room = Classroom([_scenario()], seed=4)
    assert room.targets("b") == room.targets("a") == room.targets("both") == room.runs


def test_a_live_lever_change_applies_from_the_next_day():
    room = Classroom([_scenario()], seed=4)
    room.step()
    room.schedule(lever_intervention(0, {"positioning.focus": 0.95}), room.targets("a"))
    assert room.runs[0].model.current.positioning.focus != 0.95
    room.step()
    assert room.runs[0].model.current.positioning.focus == 0.95
    assert room.runs[0].model.intervention_log[-1]["day"] == 2


def test_an_invalid_change_is_refused_before_the_day_is_simulated():
    room = Classroom([_scenario()], seed=4)
    with pytest.raises(ValueError):
        room.schedule(lever_intervention(0, {"positioning.focus": 3.0}), room.targets("a"))
    assert room.pending(room.runs[0]) == []
    room.step()


def test_the_classroom_stops_at_the_horizon():
    room = Classroom([_scenario(**{"horizon.days": 3})], seed=1)
    for _ in range(5):
        room.step()
    assert room.day == 3 and room.running is False
    assert not room.can_intervene(room.runs[0])


def test_a_dissolved_community_takes_no_more_interventions():
    room = Classroom([_scenario()], seed=1)
    room.schedule(Dissolve(action="dissolve", day=0), room.targets("a"))
    room.step()
    assert room.runs[0].model.ended_by == "dissolved"
    room.schedule(BUTTONS_BY_KEY["promote_kocs"].make(0), room.targets("a"))
    assert room.pending(room.runs[0]) == []
    room.step()  # a dissolved run keeps pace with the others
    assert room.day == 2


def test_open_classroom_applies_levers_to_a_only():
    settings = Settings(
        SCENARIOS / "baseline.yaml",
        SCENARIOS / "baseline.yaml",
        seed=3,
        levers=(("population.initial_members", 7),),
    )
    room = open_classroom(settings)
    assert room.runs[0].scenario.population.initial_members == 7
    assert room.runs[1].scenario.population.initial_members != 7
    assert room.seed == 3 and room.day == 0


def test_open_classroom_reports_a_missing_file():
    with pytest.raises(ScenarioError):
        open_classroom(Settings(SCENARIOS / "no_such_scenario.yaml"))


def test_settings_with_lever_replaces_the_earlier_value():
    settings = (
        Settings(Path("a.yaml")).with_lever("positioning.focus", 0.2).with_lever("positioning.focus", 0.9)
    )
    assert settings.levers == (("positioning.focus", 0.9),)
