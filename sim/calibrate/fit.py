"""FIT files: which parameters to calibrate, their prior ranges, the statistics and the ABC budget.

    name: my_group                                  # optional; default: the file name
    parameters:                                     # dotted paths with prior ranges, like sweep levers
      population.organic_prospects_per_day: {range: [0.5, 20], scale: log}
      positioning.focus: {range: [0.2, 0.95]}
      behaviour.churn.leave_max: {range: [0.02, 0.4], scale: log}
    set: {population.initial_members: 25}           # optional: fixed changes to the base scenario
    statistics: {columns: [members, messages, speakers], window_days: 7, min_events: 20}   # optional
    abc: {population_size: 200, max_generations: 8, max_simulations: 15000, min_acceptance_rate: 0.02}
    seed: 1

A prior is uniform over its range (log-uniform with `scale: log`; every whole number in an int
range equally likely). Parameters are checked exactly as a sweep's levers are
(`sim.sweep.experiment.check_parameter`: unknown paths get "did you mean", ranges must lie within
the schema's bounds, whole numbers for int parameters, log scales need a positive low end), and
every corner of the prior box must be a valid scenario. `load_fit(path, base)` returns a frozen
`Fit`; `ScenarioError` listing every problem (file, line, field) if anything is wrong.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.batch.seeds import SEED_BITS
from sim.inputs import Lines, read_yaml_file, shown_path
from sim.inputs import where as line_of
from sim.observe.formats import COUNT_FIELDS
from sim.scenario import Problem, Scenario, ScenarioError, apply_overrides
from sim.scenario.loading import validate_data
from sim.sweep.experiment import Parameter, ParameterSpec, check_parameter

#: Parameters a calibration may not fit or set: the observed period fixes the horizon.
NOT_FITTED = {
    "horizon.days": "the horizon of a calibration is the observed period (and groupsim forecast --days the future)",
    "horizon.stop_at_death": "a calibration simulates every observed day, also after a group died",
}
#: Most parameters one calibration may fit (ABC needs far more simulations as the number grows).
MAX_PARAMETERS = 12
#: Every corner of the prior box is checked up to this many parameters; beyond, each edge alone.
MAX_CORNER_PARAMETERS = 8


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StatisticsSpec(_Strict):
    """Which observed series to match and how they are summarised."""

    columns: list[Literal["members", "joins", "leaves", "messages", "speakers", "value_posts"]] | None = (
        Field(None, description="observed columns to match (default: every column the observation has)")
    )
    window_days: int = Field(7, ge=1, le=90, description="series are averaged over windows of this many days")
    min_events: int = Field(
        20,
        ge=0,
        le=100_000,
        description="a sparse flow's windows are lengthened to hold about this many observed events (0: never)",
    )


class AbcSpec(_Strict):
    """The ABC-SMC budget and stopping rules (pyabc)."""

    population_size: int = Field(200, ge=10, le=100_000, description="accepted particles per generation")
    max_generations: int = Field(8, ge=1, le=200, description="stop after this many generations")
    max_simulations: int = Field(15_000, ge=1, description="stop once this many simulations have been run")
    min_acceptance_rate: float = Field(
        0.02,
        ge=0,
        le=1,
        description="stop when a generation accepts fewer than this share of its simulations",
    )
    minimum_epsilon: float = Field(0.0, ge=0, description="stop once the tolerance falls to this")
    max_minutes: float | None = Field(
        None,
        gt=0,
        description="stop after this many minutes of one session (makes the result depend on speed)",
    )


class FitFile(_Strict):
    """The fields of a FIT file (parameters are checked one by one, see `ParameterSpec`)."""

    name: str = ""
    description: str = ""
    parameters: dict[str, Any] = Field(
        ..., description="the parameters to fit, by dotted path, with prior ranges"
    )
    set: dict[str, Any] = Field(default_factory=dict, description="fixed changes to the base, by dotted path")
    statistics: StatisticsSpec = Field(default_factory=StatisticsSpec)
    abc: AbcSpec = Field(default_factory=AbcSpec)
    seed: int = Field(1, ge=0, lt=2**SEED_BITS, description="root seed of the calibration")


@dataclass(frozen=True)
class Fit:
    """A validated FIT file: the parameters (as sweep `Parameter`s with ranges) and the rest."""

    name: str
    description: str
    source: Path
    text: str
    parameters: tuple[Parameter, ...]
    fixed: dict[str, Any]
    statistics: StatisticsSpec
    abc: AbcSpec
    seed: int

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    def definition(self) -> dict[str, Any]:
        """What decides the posterior: parameters, fixed changes, statistics, population size, seed.
        The stopping rules are not part of it, so a finished calibration can be continued."""
        return {
            "parameters": [p.as_dict() for p in self.parameters],
            "set": self.fixed,
            "statistics": self.statistics.model_dump(mode="json"),
            "population_size": self.abc.population_size,
            "seed": self.seed,
        }

    def hash(self) -> str:
        text = json.dumps(self.definition(), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_fit(path: str | Path, base: Scenario) -> Fit:
    """Read and validate a FIT file against the base scenario; ScenarioError listing every problem."""
    path = Path(path)
    shown = shown_path(path)
    data, lines = read_yaml_file(path, what="FIT", shown=shown)
    top = validate_data(FitFile, data, shown, lines)  # unknown keys, wrong types, budget bounds
    problems: list[Problem] = []
    parameters = _parameters(top.parameters, shown, lines, problems)
    if not top.parameters:
        problems.append(
            Problem(
                *line_of(("parameters",), lines, shown), "parameters", "name at least one parameter to fit"
            )
        )
    if len(top.parameters) > MAX_PARAMETERS:
        problems.append(
            Problem(
                *line_of(("parameters",), lines, shown),
                "parameters",
                f"{len(top.parameters)} parameters: fit at most {MAX_PARAMETERS} at once "
                "(each one more needs many more simulations); fix the others under set:",
            )
        )
    fixed = _fixed(top.set, base, {p.path for p in parameters}, shown, lines, problems)
    if top.statistics.columns is not None and not top.statistics.columns:
        problems.append(
            Problem(
                *line_of(("statistics", "columns"), lines, shown),
                "statistics.columns",
                "name at least one column",
            )
        )
    if not problems:
        problems += _corner_problems(apply_overrides(base, fixed), parameters, shown, lines)
    if problems:
        raise ScenarioError(problems)
    return Fit(
        name=top.name or path.stem,
        description=top.description,
        source=path,
        text=path.read_text(encoding="utf-8"),
        parameters=tuple(parameters),
        fixed=dict(top.set),
        statistics=top.statistics,
        abc=top.abc,
        seed=top.seed,
    )


def _parameters(raw: dict[str, Any], shown: str, lines: Lines, problems: list[Problem]) -> list[Parameter]:
    """Each `parameters:` entry checked like a sweep lever, then required to be a prior range."""
    out: list[Parameter] = []
    for key, value in raw.items():
        prefix = ("parameters", str(key))
        name = f"parameters.{key}"
        if not isinstance(value, dict):
            problems.append(
                Problem(
                    *line_of(prefix, lines, shown),
                    name,
                    f"expected a prior range, e.g. {{range: [0.5, 20]}} or {{range: [0.5, 20], scale: log}}, got {value!r}",
                )
            )
            continue
        sub_lines = {k[2:]: v for k, v in lines.items() if k[:2] == prefix}
        sub_lines.setdefault((), line_of(prefix, lines, shown))
        try:
            spec = validate_data(ParameterSpec, value, shown, sub_lines)
        except ScenarioError as exc:
            problems += [
                Problem(p.file, p.line, f"{name}.{p.field}" if p.field else name, p.message)
                for p in exc.problems
            ]
            continue
        if str(key) in NOT_FITTED:
            problems.append(
                Problem(
                    *line_of(prefix, lines, shown), name, f"{key} cannot be fitted: {NOT_FITTED[str(key)]}"
                )
            )
            continue
        parameter, found = check_parameter(str(key), spec, "random")
        for sub, message in found:
            where = line_of(prefix + tuple(sub), lines, shown)
            problems.append(Problem(*where, ".".join([name, *map(str, sub)]), message))
        if parameter is None:
            continue
        if parameter.levels is not None:
            problems.append(
                Problem(
                    *line_of(prefix, lines, shown),
                    name,
                    "a calibration fits a number within a prior range: give {range: [low, high]}, not levels",
                )
            )
            continue
        out.append(parameter)
    return out


def _fixed(
    changes: dict[str, Any],
    base: Scenario,
    fitted: set[str],
    shown: str,
    lines: Lines,
    problems: list[Problem],
) -> dict[str, Any]:
    good: dict[str, Any] = {}
    for key, value in changes.items():
        where = line_of(("set", key), lines, shown)
        if key in NOT_FITTED:
            problems.append(Problem(*where, f"set.{key}", f"{key} cannot be set: {NOT_FITTED[key]}"))
        elif key in fitted:
            problems.append(
                Problem(*where, f"set.{key}", f"{key} is fitted under parameters: fix it or fit it, not both")
            )
        else:
            try:
                apply_overrides(base, {key: value})
                good[key] = value
            except ValueError as exc:
                problems.append(Problem(*where, f"set.{key}", str(exc).removeprefix(f"{key}: ")))
    if len(good) == len(changes) and good:
        try:
            apply_overrides(base, good)
        except ValueError as exc:
            problems.append(Problem(*line_of(("set",), lines, shown), "set", str(exc)))
    return good


def _corner_problems(base: Scenario, parameters: list[Parameter], shown: str, lines: Lines) -> list[Problem]:
    """A problem if some corner of the prior box is not a valid scenario (a rule across fields)."""
    edges = [(p.path, (p.low, p.high)) for p in parameters]
    if len(edges) <= MAX_CORNER_PARAMETERS:
        corners = [
            dict(zip([e[0] for e in edges], values)) for values in itertools.product(*[e[1] for e in edges])
        ]
    else:
        corners = [{path: value} for path, pair in edges for value in pair]
    for corner in corners:
        try:
            apply_overrides(base, corner)
        except ValueError as exc:
            shown_corner = ", ".join(f"{k}={v}" for k, v in corner.items())
            return [
                Problem(
                    *line_of(("parameters",), lines, shown),
                    "parameters",
                    f"some combinations within the ranges are not valid scenarios ({exc}), e.g. {shown_corner}; "
                    "narrow the ranges or fix the other field under set:",
                )
            ]
    return []


def observed_statistics_columns(fit: Fit, observed: list[str]) -> tuple[list[str], list[str]]:
    """(columns to match, problems as text): the FIT's columns (default: every observed one)."""
    wanted = list(fit.statistics.columns) if fit.statistics.columns is not None else list(observed)
    missing = [c for c in wanted if c not in observed]
    return [c for c in COUNT_FIELDS if c in wanted and c in observed], missing
