"""`Classroom`: the model the app shows — one run, or two in lockstep with the same seed.

SolaraViz steps one Mesa model; to compare "what we did" with "what if we had done X instead",
the classroom is that model and steps both communities together, so they are always on the same
day. Each run is an ordinary `CommunityModel` built with `sim.runner.build_model` from the same
seed (common random numbers: the runs differ only through their scenarios and interventions).

Button presses become timeline interventions on the *next* day, exactly as if they had been
written in the scenario file: the model runs them at the start of that day's step, so red
packets and events land in that day's dynamics, joins are counted on that day, and the chart
marker sits on the day the effect shows.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim.app.controls import load_for_app
from sim.app.layout import NetworkLayout
from sim.model import CommunityModel
from sim.runner import build_model
from sim.scenario import Scenario, apply_overrides
from sim.scenario.schema import SetParameters

RUN_KEYS = ("a", "b")


@dataclass
class Run:
    """One community on screen: its letter ("a"/"b"), scenario, model and network layout."""

    key: str
    scenario: Scenario
    model: CommunityModel
    layout: NetworkLayout = field(repr=False)

    @property
    def name(self) -> str:
        return self.scenario.name


class Classroom(mesa.Model):
    """One or two communities stepped one day at a time, in lockstep, from the same seed.

    `step()` advances every run by one day until `horizon` (the longest scenario horizon) is
    reached; then `running` turns False. A run whose community dies keeps being simulated (the
    app builds scenarios with `horizon.stop_at_death` off), so the class can watch it stay dead
    next to one that lives. All model access goes through `lock` (the play loop runs in a thread).
    """

    def __init__(self, scenarios: Sequence[Scenario], seed: int = 1) -> None:
        if not 1 <= len(scenarios) <= len(RUN_KEYS):
            raise ValueError(f"a classroom shows 1 or {len(RUN_KEYS)} scenarios, got {len(scenarios)}")
        super().__init__(rng=np.random.default_rng(seed))
        self.seed = int(seed)
        self.lock = threading.RLock()
        self.runs: list[Run] = [
            Run(key, scenario, build_model(scenario, self.seed), NetworkLayout(seed=self.seed))
            for key, scenario in zip(RUN_KEYS, scenarios)
        ]
        self.horizon = max(scenario.horizon.days for scenario in scenarios)
        self.running = True

    @property
    def day(self) -> int:
        """Days simulated so far (the same for every run)."""
        return self.runs[0].model.day

    @property
    def comparing(self) -> bool:
        return len(self.runs) > 1

    def step(self) -> None:
        """Simulate one more day in every run (nothing once the horizon is reached)."""
        with self.lock:
            if self.day < self.horizon:
                for run in self.runs:
                    run.model.step()
            self.running = self.day < self.horizon

    def targets(self, which: str) -> list[Run]:
        """The runs a control acts on: "a", "b" or "both" (B falls back to A when not comparing)."""
        if which == "both":
            return list(self.runs)
        if which == "b" and self.comparing:
            return [self.runs[1]]
        return [self.runs[0]]

    def can_intervene(self, run: Run) -> bool:
        """False once a run's community was dissolved (no group is left to act on) or the
        horizon is reached."""
        return self.running and run.model.ended_by != "dissolved"

    def schedule(self, item, runs: Iterable[Run]) -> int:
        """Put `item` on each run's timeline for the next day; returns that day.

        A `set` is validated against each run's current parameters first, so a bad value raises
        ValueError here instead of in the middle of a simulated day.
        """
        with self.lock:
            day = self.day + 1
            item = item.model_copy(update={"day": day})
            chosen = [run for run in runs if self.can_intervene(run)]
            if isinstance(item, SetParameters):
                for run in chosen:  # validate for every run before scheduling any
                    apply_overrides(run.model.current, item.changes)
            for run in chosen:
                run.model.schedule(item)
            return day

    def pending(self, run: Run) -> list:
        """Interventions on `run`'s timeline that have not happened yet (day after today)."""
        return run.model.pending_interventions()


@dataclass(frozen=True)
class Settings:
    """What the trainer chose: scenario files for A (and B), the seed, and lever values for A.

    `levers` holds (path, value) pairs that override scenario A's own values; a reset builds
    the classroom from these, so a lever moved during a run also holds from day 0 next time.
    """

    scenario_a: Path
    scenario_b: Path | None = None
    seed: int = 1
    levers: tuple[tuple[str, Any], ...] = ()

    def with_lever(self, path: str, value: Any) -> Settings:
        """A copy with lever `path` set to `value`."""
        levers = dict(self.levers)
        levers[path] = value
        return Settings(self.scenario_a, self.scenario_b, self.seed, tuple(levers.items()))


def open_classroom(settings: Settings) -> Classroom:
    """Load the chosen scenarios, apply the lever values to A, and build the classroom on day 0.

    Raises `ScenarioError` for a scenario file that does not load and ValueError for a lever
    value the schema rejects.
    """
    scenario_a = apply_overrides(load_for_app(settings.scenario_a), dict(settings.levers))
    scenarios = [scenario_a]
    if settings.scenario_b is not None:
        scenarios.append(load_for_app(settings.scenario_b))
    return Classroom(scenarios, seed=settings.seed)
