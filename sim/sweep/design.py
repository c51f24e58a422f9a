"""The points of a sweep: full grid, random, Latin hypercube, Sobol (Saltelli) or Morris.

Every sampler works in the unit cube: it returns an array `unit` of shape (points, D) with
coordinates in [0, 1], and each lever turns its column into values (`Parameter.from_unit`:
levels are drawn with equal weight, ranges linearly or on a log scale, whole numbers evenly).
Samplers take their seed explicitly and are deterministic: the same experiment always gives the
same points. SALib draws the Sobol (Saltelli) and Morris samples, SciPy the Latin hypercube.

* grid   - every combination of the levers' levels (the first lever varies slowest); the unit
           coordinate of level j of k is j / (k - 1).
* random - `samples` independent uniform points (NumPy `default_rng(seed)`).
* lhs    - `samples` points of a Latin hypercube (`scipy.stats.qmc.LatinHypercube`): each lever's
           range is cut into `samples` equal strata and every stratum holds exactly one point.
* sobol  - Saltelli's extension of a scrambled Sobol sequence (`SALib.sample.sobol`): N base
           points give N x (2D + 2) points with second-order indices, N x (D + 2) without; the
           order of the points is what `SALib.analyze.sobol` expects.
* morris - `samples` one-at-a-time trajectories of D + 1 points on a grid of `levels` levels
           (`SALib.sample.morris`), as `SALib.analyze.morris` expects.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sim.sweep.experiment import Experiment, Parameter

#: Prefix of the unit-coordinate columns in the design table.
UNIT_PREFIX = "u:"


@dataclass(frozen=True)
class Design:
    """The points of a sweep: unit coordinates and lever values, one row per point, in run order."""

    kind: str
    parameters: tuple[Parameter, ...]
    unit: np.ndarray  # (points, D) floats in [0, 1]
    values: tuple[tuple[Any, ...], ...]  # (points, D) Python values, as passed to the scenario
    settings: dict[str, Any]  # samples, levels, second_order, seed - what the analysis needs

    def __len__(self) -> int:
        return len(self.values)

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    def overrides(self, point: int) -> dict[str, Any]:
        """{dotted.path: value} of `point`, for `apply_overrides`."""
        return dict(zip(self.paths, self.values[point]))

    def table(self) -> pd.DataFrame:
        """One row per point: `point`, each lever's value (column named by its path; text for
        choices, bool for flags, int64/float64 for numbers) and its unit coordinate (`u:<path>`)."""
        columns: dict[str, Any] = {"point": np.arange(len(self), dtype=np.int64)}
        for j, parameter in enumerate(self.parameters):
            column = [row[j] for row in self.values]
            columns[parameter.path] = pd.Series(column, dtype=value_dtype(parameter))
        for j, parameter in enumerate(self.parameters):
            columns[UNIT_PREFIX + parameter.path] = self.unit[:, j].astype(np.float64)
        return pd.DataFrame(columns)

    def hash(self) -> str:
        """A short hash of the points (kind, levers and every value): equal designs hash equal,
        whatever code drew them."""
        digest = hashlib.sha256()
        digest.update(
            json.dumps(
                {
                    "kind": self.kind,
                    "parameters": [p.as_dict() for p in self.parameters],
                    "settings": self.settings,
                },
                sort_keys=True,
                default=str,
            ).encode()
        )
        digest.update(np.ascontiguousarray(self.unit, dtype=np.float64).tobytes())
        digest.update(json.dumps(self.values, default=str).encode())
        return digest.hexdigest()[:16]

    def describe(self) -> str:
        """E.g. 'grid of 4 x 6 = 24 points' or 'sobol: N = 64, 8 levers -> 1152 points'."""
        d = len(self.parameters)
        if self.kind == "grid":
            sizes = [len(p.grid_levels()) for p in self.parameters]
            return f"full grid of {' x '.join(map(str, sizes))} = {len(self)} points"
        if self.kind == "sobol":
            per = "2D+2" if self.settings["second_order"] else "D+2"
            return f"Sobol (Saltelli): N = {self.settings['samples']}, D = {d} levers, N x ({per}) = {len(self)} points"
        if self.kind == "morris":
            return (
                f"Morris: {self.settings['samples']} trajectories x (D+1 = {d + 1}) = {len(self)} points "
                f"on {self.settings['levels']} levels"
            )
        name = "Latin hypercube" if self.kind == "lhs" else "random (uniform)"
        return f"{name}: {len(self)} points over {d} levers"


def value_dtype(parameter: Parameter) -> Any:
    """The column type of a lever's values: string for choices, bool, int64 or float64."""
    return {"choice": "string", "bool": bool, "int": np.int64, "float": np.float64}[parameter.kind]


def make_design(experiment: Experiment) -> Design:
    """The points of `experiment`'s design (deterministic: seeded by `design.seed`)."""
    spec = experiment.design
    parameters = experiment.parameters
    d = len(parameters)
    if spec.kind == "grid":
        return grid_design(parameters)
    seed = spec.seed
    if spec.kind == "random":
        unit = random_unit(d, spec.samples, np.random.default_rng(seed))
        settings = {"samples": spec.samples, "seed": seed}
    elif spec.kind == "lhs":
        unit = lhs_unit(d, spec.samples, np.random.default_rng(seed))
        settings = {"samples": spec.samples, "seed": seed}
    elif spec.kind == "sobol":
        unit = sobol_unit(d, spec.samples, spec.second_order, seed)
        settings = {"samples": spec.samples, "second_order": spec.second_order, "seed": seed}
    elif spec.kind == "morris":
        unit = morris_unit(d, spec.samples, spec.levels, seed)
        settings = {"samples": spec.samples, "levels": spec.levels, "seed": seed}
    else:  # pragma: no cover - the schema allows nothing else
        raise ValueError(f"unknown design {spec.kind!r}")
    return Design(spec.kind, parameters, unit, values_for(parameters, unit), settings)


def values_for(parameters: tuple[Parameter, ...], unit: np.ndarray) -> tuple[tuple[Any, ...], ...]:
    """Each point's lever values for unit coordinates `unit` (points x D)."""
    columns = [parameter.from_unit(unit[:, j]) for j, parameter in enumerate(parameters)]
    return tuple(zip(*columns)) if columns else ()


def grid_design(parameters: tuple[Parameter, ...]) -> Design:
    """Every combination of levels; the first lever varies slowest. Unit coordinate j / (k - 1)."""
    levels = [p.grid_levels() for p in parameters]
    indices = list(itertools.product(*[range(len(lv)) for lv in levels]))
    unit = np.array([[j / (len(lv) - 1) for j, lv in zip(row, levels)] for row in indices], dtype=np.float64)
    values = tuple(tuple(lv[j] for j, lv in zip(row, levels)) for row in indices)
    return Design(
        "grid",
        parameters,
        unit.reshape(len(indices), len(parameters)),
        values,
        {"levels": [len(lv) for lv in levels]},
    )


def random_unit(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` independent uniform points in [0, 1)^d."""
    return rng.random((n, d))


def lhs_unit(d: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """`n` points of a Latin hypercube in [0, 1)^d: in every column, each of the `n` strata
    [i/n, (i+1)/n) holds exactly one point (SciPy's `qmc.LatinHypercube`, scrambled)."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=d, rng=rng).random(n)


def _unit_problem(d: int) -> dict[str, Any]:
    return {"num_vars": d, "names": [f"x{j}" for j in range(d)], "bounds": [[0.0, 1.0]] * d}


def sobol_unit(d: int, n: int, second_order: bool, seed: int) -> np.ndarray:
    """Saltelli's sample for Sobol indices: `n` x (2d + 2) points (n x (d + 2) without second
    order), from a scrambled Sobol sequence seeded with `seed` (SALib). `n` should be a power of 2."""
    from SALib.sample import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SALib warns when n is not a power of 2; the schema insists on one
        return sobol.sample(_unit_problem(d), n, calc_second_order=second_order, scramble=True, seed=seed)


def morris_unit(d: int, trajectories: int, levels: int, seed: int) -> np.ndarray:
    """`trajectories` Morris trajectories of d + 1 points each on a `levels`-level grid in [0, 1]^d
    (SALib; each step moves one lever by levels / (2 (levels - 1)))."""
    from SALib.sample import morris

    return morris.sample(_unit_problem(d), trajectories, num_levels=levels, seed=seed)
