"""Scenario files: the validated, frozen configuration of one run."""

from sim.inputs import Problem, ScenarioError
from sim.scenario.loading import load_scenario, scenario_hash
from sim.scenario.overrides import apply_overrides
from sim.scenario.schema import Scenario

__all__ = ["Problem", "Scenario", "ScenarioError", "apply_overrides", "load_scenario", "scenario_hash"]
