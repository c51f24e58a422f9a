"""The simulator ABC calls: parameter coordinates in, summary statistics (and the run's seed) out.

ABC works in the unit cube: each fitted parameter is a coordinate u in [0, 1] with a uniform
prior, mapped to its value by the sweep's `Parameter.from_unit` (linear, log-uniform with
`scale: log`, every whole number equally likely for ints). The kernel thus moves every parameter
on a comparable scale, and priors are exactly those of the FIT file.

A simulation's seed is drawn from NumPy's global generator, which the sampler seeds per candidate
(`sim.calibrate.sampler`), and is returned with the statistics: pyabc stores it with every
accepted particle, so a particle's trajectory can be replayed exactly (`replay_scenario` plus the
particle's overrides and seed) - the posterior-predictive check and the forecast start from the
very trajectories that matched the observation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.batch.seeds import SEED_BITS
from sim.calibrate.statistics import Statistics, simulated_view
from sim.runner import build_model, simulate
from sim.scenario import Scenario, apply_overrides
from sim.sweep.experiment import Parameter


def replay_scenario(base: Scenario, days: int) -> Scenario:
    """`base` simulated for `days` days without stopping at death (a dead group's export still has days)."""
    return apply_overrides(base, {"horizon.days": days, "horizon.stop_at_death": False})


def coordinate_names(parameters: tuple[Parameter, ...]) -> tuple[str, ...]:
    """pyabc's names of the unit coordinates (p0, p1, ...; the paths are kept alongside)."""
    return tuple(f"p{i}" for i in range(len(parameters)))


@dataclass(frozen=True)
class CalibrationModel:
    """Callable by pyabc: {p0: u0, ...} -> {"stats": vector, "seed": int}.

    `scenario` is the base with the FIT's fixed changes, simulated through the last observed day
    (`replay_scenario`); `first_day` is the first observed day (earlier days are simulated but
    not compared).
    """

    scenario: Scenario
    parameters: tuple[Parameter, ...]
    statistics: Statistics
    first_day: int
    last_day: int

    @property
    def names(self) -> tuple[str, ...]:
        return coordinate_names(self.parameters)

    def overrides(self, coordinates: Mapping[str, float]) -> dict[str, Any]:
        """The parameter values (by dotted path) at unit coordinates."""
        return {
            p.path: p.from_unit(np.asarray([coordinates[name]]))[0]
            for p, name in zip(self.parameters, self.names)
        }

    def series(self, overrides: Mapping[str, Any], seed: int) -> dict[str, np.ndarray]:
        """The observable series of one run over the observed days."""
        scenario = apply_overrides(self.scenario, overrides)
        model = build_model(scenario, seed)
        simulate(model, self.last_day)
        # the raw daily array, not runner.daily_table: a third of the time goes into building the
        # DataFrame; the counts are whole numbers either way (replay_check confirms it)
        return simulated_view(model.daily_array(), self.first_day, self.last_day)

    def __call__(self, coordinates: Mapping[str, float]) -> dict[str, Any]:
        seed = int(np.random.randint(0, 2**SEED_BITS - 1, dtype=np.int64))
        series = self.series(self.overrides(coordinates), seed)
        return {"stats": self.statistics.compute(series), "seed": seed}
