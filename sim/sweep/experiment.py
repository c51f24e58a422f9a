"""Experiment files: a base scenario, the levers to vary, a design, replicates, outcomes, an executor.

An experiment is data (as in EMA Workbench): it says *what* to run, never how a run works. It
is validated like a scenario - every problem names the file, the line, the field and, where it
can, a suggestion - and the bounds, kinds and choices of each lever come from the scenario
schema (`sim.scenario.fields`), so a range can never leave what the model accepts.

    name: threshold_x_promotion             # optional; default: the file name
    description: what the sweep asks        # optional
    base: ../scenarios/baseline.yaml        # the scenario every point starts from (relative path)
    set: {horizon.days: 180}                # optional: fixed changes to the base, for every point
    parameters:                             # the levers, by dotted path
      entry.threshold: [none, vetting, paid]               # levels (shorthand)
      cadence.promotion.start_day: {range: [3, 90], steps: 6}
      referral.reward_yuan: {range: [0.5, 50], scale: log}
    design: {kind: grid}                    # grid | random | lhs | sobol | morris (+ samples, seed...)
    replicates: 20                          # runs per point
    seed: 1                                 # root seed of the runs' seeds
    seeds: common                           # common: replicate i of every point shares a seed
    outcomes: [lifespan_days, value_posts_total]   # summary columns to record (defaults exist)
    analysis: {survival_day: 90, extra_outcomes: [peak_members]}
    executor: {kind: local, workers: 2}     # local | dask (+ scheduler) | serial

`load_experiment(path)` returns a frozen `Experiment`; `ScenarioError` (with `.problems`) if
anything is wrong.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from sim.batch.executors import ExecutorError, check_scheduler_address
from sim.batch.seeds import SEED_BITS
from sim.inputs import (
    Lines,
    Problem,
    clip,
    did_you_mean,
    dotted,
    parse_yaml_text,
    read_text_file,
    resolve_reference,
    short,
    shown_path,
    type_name,
    where,
)
from sim.limits import MAX_DESIGN_POINTS, MAX_LEVELS, MAX_NAMES, MAX_REPLICATES, MAX_SWEEP_RUNS
from sim.scenario import Scenario, ScenarioError, apply_overrides, load_scenario, scenario_hash
from sim.scenario.fields import FieldSpec, field_spec, iter_fields, section_at
from sim.scenario.loading import validate_data

if TYPE_CHECKING:
    from sim.optimize.spec import OptimizeSpec

DESIGNS = ("grid", "random", "lhs", "sobol", "morris")
EXECUTORS = ("local", "dask", "serial")
#: Kinds of scenario parameter a sweep can vary.
SWEEPABLE = ("int", "float", "bool", "choice")
#: Parameters a sweep may not vary: outcomes are measured over the horizon, so it must be equal
#: for every point (fix it under `set:` instead).
NOT_SWEPT = {
    "horizon.days": "outcomes are measured over the horizon, which must be the same for every point; "
    "fix it under set: instead"
}
#: Outcomes always recorded, because the analysis needs them (contributors at the analysis day
#: are added too).
REQUIRED_OUTCOMES = ("lifespan_days", "censored", "horizon_days", "value_posts_total")
#: Outcomes recorded when the experiment lists none (besides the required ones).
DEFAULT_OUTCOMES = (
    "ended_by",
    "value_contributors_at_*",
    "sustained_contributors_at_*",
    "value_posts_per_member",
    "value_posts_per_member_day",
    "peak_members",
    "final_members",
    "members_ever",
    "chatter_total",
    "ads_total",
    "muted_share_final",
    "referral_share",
    "participation_value_gini",
    "operator_cost_yuan",
    "revenue_yuan",
    "value_posts_per_1000_yuan",
)
#: Summary entries that are not outcomes (they identify the run, and are in the manifest).
NOT_OUTCOMES = frozenset({"scenario", "scenario_hash", "seed", "version"})


# ---------------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ParameterSpec(_Strict):
    """How one lever varies: its `levels`, or a `range` (with `steps` for a grid)."""

    levels: list[Any] | None = Field(
        None,
        max_length=MAX_LEVELS,
        description="the values to use; samplers draw among them with equal weight",
    )
    range: tuple[float, float] | None = Field(
        None, description="[low, high]; samplers draw from it, a grid needs steps"
    )
    steps: int | None = Field(
        None,
        ge=2,
        le=MAX_LEVELS,
        strict=True,
        description="grid only: this many evenly spaced levels across the range",
    )
    scale: Literal["linear", "log"] = Field("linear", description="how a range is spread (log needs low > 0)")


class DesignSpec(_Strict):
    """Which points to run."""

    kind: Literal["grid", "random", "lhs", "sobol", "morris"] = Field(
        ...,
        description="grid: every combination of levels; random, lhs (Latin hypercube): `samples` points; "
        "sobol: Saltelli's N x (2D+2) points; morris: `samples` trajectories of D+1 points",
    )
    samples: int | None = Field(
        None,
        ge=1,
        le=MAX_DESIGN_POINTS,
        strict=True,
        description="random/lhs: points; sobol: base sample N (a power of 2); morris: trajectories",
    )
    levels: int = Field(4, ge=2, le=100, strict=True, description="morris only: grid levels per parameter")
    second_order: bool = Field(
        True, description="sobol only: also estimate second-order indices (N x (2D+2) points, else N x (D+2))"
    )
    seed: int = Field(
        1, ge=0, lt=2**32, strict=True, description="seed of the sampler (random, lhs, sobol, morris)"
    )


class ExecutorSpec(_Strict):
    """Where the runs go (the command line's --executor, --workers and --scheduler win)."""

    kind: Literal["local", "dask", "serial"] = "local"
    workers: int | None = Field(None, ge=1, le=100_000, strict=True)
    scheduler: str | None = None


class AnalysisSpec(_Strict):
    """Settings of `groupsim analyze`."""

    survival_day: int = Field(
        90,
        ge=1,
        le=3650,
        strict=True,
        description="day at which survival is measured (tipping points: where "
        "the share of groups alive on this day crosses 50%)",
    )
    contributors_day: int | None = Field(
        None,
        ge=1,
        le=3650,
        strict=True,
        description="day of the value-contributor outcome "
        "(default: survival_day); one of horizon.report_days",
    )
    extra_outcomes: list[str] = Field(
        default_factory=list,
        max_length=MAX_NAMES,
        description="recorded numeric outcomes to analyse as well (e.g. peak_members, the vanity figure)",
    )


class ExperimentFile(_Strict):
    """The fields of an experiment file (parameters are checked one by one, see `ParameterSpec`)."""

    name: str = ""
    description: str = ""
    base: str = Field(..., description="path of the base scenario, relative to the experiment file")
    set: dict[str, Any] = Field(default_factory=dict, description="fixed changes to the base, by dotted path")
    parameters: dict[str, Any] = Field(
        ..., max_length=MAX_NAMES, description="the levers to vary, by dotted path"
    )
    design: DesignSpec | None = None  # required, unless the file is an optimisation
    replicates: int = Field(..., ge=1, le=MAX_REPLICATES, strict=True, description="runs per point")
    seed: int = Field(1, ge=0, lt=2**SEED_BITS, strict=True, description="root seed of the runs")
    seeds: Literal["common", "independent"] = Field(
        "common",
        description="common: replicate i of every point runs with the same seed (common random "
        "numbers); independent: every run has its own seed",
    )
    outcomes: list[str] | None = Field(
        None, max_length=MAX_NAMES, description="run-summary columns to record"
    )
    analysis: AnalysisSpec = Field(default_factory=AnalysisSpec)
    executor: ExecutorSpec = Field(default_factory=ExecutorSpec)
    optimize: Any = Field(
        None, description="groupsim optimize: objectives, constraints, trials (sim.optimize.spec)"
    )


# ------------------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class Parameter:
    """One lever of a sweep, checked against the scenario schema.

    Exactly one of `levels` (numeric levels sorted ascending; choice and bool levels as given) and
    `low`/`high` (a range) is set; a range spreads `linear`ly or on a `log` scale. `steps` gives a
    grid's levels across a range. `kind` is the scenario field's: int, float, bool or choice.
    """

    path: str
    kind: str
    unit: str
    doc: str
    levels: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    steps: int | None = None
    scale: str = "linear"

    @property
    def ordered(self) -> bool:
        """True for numbers (effects and tipping points follow their order); False for choices and flags."""
        return self.kind in ("int", "float")

    def grid_size(self) -> int:
        """How many levels a grid uses (see `grid_levels`)."""
        return len(self.grid_levels())

    def grid_levels(self) -> tuple[Any, ...]:
        """The levels a grid uses: the given levels, or `steps` values spread across the range."""
        if self.levels is not None:
            return self.levels
        assert self.low is not None and self.high is not None and self.steps is not None
        if self.scale == "log":
            raw = np.geomspace(self.low, self.high, self.steps)
        else:
            raw = np.linspace(self.low, self.high, self.steps)
        if self.kind == "int":
            return tuple(dict.fromkeys(int(round(x)) for x in raw))
        return tuple(float(x) for x in raw)

    def from_unit(self, u: np.ndarray) -> list[Any]:
        """Values for unit coordinates `u` in [0, 1] (a sampler's output), as Python values.

        Levels: level `floor(u * k)` of k, each with probability 1/k (u = 1 is the last level).
        Float range: `low + u (high - low)`, or `low (high / low) ** u` on a log scale.
        Int range: `floor(low + u (high - low + 1))`, so every whole number in [low, high] is
        equally likely (on a log scale, in proportion to log((n + 1) / n)); clipped to `high`.
        """
        u = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        if self.levels is not None:
            index = np.minimum(np.floor(u * len(self.levels)).astype(np.int64), len(self.levels) - 1)
            return [self.levels[i] for i in index]
        low, high = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.kind == "int":
            if self.scale == "log":
                raw = np.floor(np.exp(np.log(low) + u * (np.log(high + 1.0) - np.log(low))))
            else:
                raw = np.floor(low + u * (high - low + 1.0))
            return [int(x) for x in np.clip(raw, low, high)]
        raw = low * (high / low) ** u if self.scale == "log" else low + u * (high - low)
        return [float(x) for x in np.clip(raw, low, high)]

    def describe(self) -> str:
        """E.g. 'levels none, vetting, paid' or 'range 3 to 90 (log scale), 6 steps'."""
        if self.levels is not None:
            return "levels " + ", ".join(_show(v) for v in self.levels)
        text = f"range {_show(self.low)} to {_show(self.high)}"
        if self.scale == "log":
            text += " (log scale)"
        return text + (f", {self.steps} steps" if self.steps else "")

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description (stored in the sweep's manifest, read by the analysis)."""
        return {
            "path": self.path,
            "kind": self.kind,
            "unit": self.unit,
            "doc": self.doc,
            "levels": list(self.levels) if self.levels is not None else None,
            "low": self.low,
            "high": self.high,
            "steps": self.steps,
            "scale": self.scale,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Parameter:
        levels = data.get("levels")
        return cls(
            data["path"],
            data["kind"],
            data.get("unit", ""),
            data.get("doc", ""),
            tuple(levels) if levels is not None else None,
            data.get("low"),
            data.get("high"),
            data.get("steps"),
            data.get("scale", "linear"),
        )


def _show(value: Any) -> str:
    """A value as written in a file: true/false, 3 (not 3.0), text cut when very long."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, (list, dict, tuple)):
        return short(value)
    return clip(str(value), 80)


# ------------------------------------------------------------------------------ experiment


@dataclass(frozen=True)
class Experiment:
    """A validated experiment: the base scenario (with `set` applied), levers, design and the rest."""

    name: str
    description: str
    source: Path
    text: str  # the file as written (copied into the results folder)
    base_path: Path
    base: Scenario  # the base scenario with `fixed` applied
    fixed: dict[str, Any]  # the `set:` changes
    parameters: tuple[Parameter, ...]
    design: DesignSpec | None  # None for an optimisation
    replicates: int
    root_seed: int
    seeds: str
    outcomes: tuple[str, ...]  # recorded summary columns (required ones first)
    survival_day: int
    contributors_day: int
    executor: ExecutorSpec
    extra_outcomes: tuple[str, ...] = ()
    optimize: OptimizeSpec | None = None  # the `optimize:` block of an optimisation

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.parameters]

    def definition(self) -> dict[str, Any]:
        """Everything that defines the experiment's runs and outputs, as JSON (not the executor)."""
        return {
            "name": self.name,
            "description": self.description,
            "base": {"file": str(self.base_path), "name": self.base.name, "hash": scenario_hash(self.base)},
            "set": self.fixed,
            "parameters": [p.as_dict() for p in self.parameters],
            "design": self.design.model_dump(mode="json") if self.design else None,
            "replicates": self.replicates,
            "seed": self.root_seed,
            "seeds": self.seeds,
            "outcomes": list(self.outcomes),
            "analysis": {
                "survival_day": self.survival_day,
                "contributors_day": self.contributors_day,
                "extra_outcomes": list(self.extra_outcomes),
            },
        } | ({"optimize": self.optimize.definition()} if self.optimize else {})

    def hash(self) -> str:
        """A short hash of `definition()` (file paths excluded): equal experiments hash equal."""
        data = self.definition()
        data["base"] = {k: v for k, v in data["base"].items() if k != "file"}
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def load_experiment(path: str | Path) -> Experiment:
    """Read and validate an experiment file; `ScenarioError` listing every problem if it is wrong.

    Checked in stages, like a scenario file: the file itself (`sim.inputs`: a regular UTF-8 file
    within the input limits, safe YAML), its fields and each lever's spec, the base scenario and
    the fixed changes, the levers against the scenario schema, the design and its size, the
    analysis days and the executor, then the outcomes. A stage whose problems would make the later
    ones meaningless stops there; otherwise every problem is reported at once.
    """
    path = Path(path)
    shown = shown_path(path)
    text = read_text_file(path, what="experiment", shown=shown)
    data, lines = parse_yaml_text(text, shown, what="experiment")
    report = _Report(shown, lines)
    top, specs = _structure(data, report)
    base_path, base = _base_scenario(top, path, report)
    base = _fixed_changes(top, base, report)
    parameters, valid = _levers(top, specs, base, report)
    _design(top, valid, parameters, report)
    survival_day, contributors_day = _analysis_days(top, base, report)
    _executor(top, report)
    optimize = _optimization(top, base, report)
    outcomes = _outcomes(top, contributors_day, base, report)
    report.raise_if_any()
    return Experiment(
        name=top.name.strip() or path.stem,
        description=top.description.strip(),
        source=path,
        text=text,
        base_path=base_path,
        base=base,
        fixed=dict(top.set),
        parameters=tuple(parameters),
        design=top.design,
        replicates=top.replicates,
        root_seed=top.seed,
        seeds=top.seeds,
        outcomes=outcomes,
        survival_day=survival_day,
        contributors_day=contributors_day,
        executor=top.executor,
        extra_outcomes=tuple(top.analysis.extra_outcomes),
        optimize=optimize,
    )


class _Report:
    """The problems found so far in one experiment file, each located by its field path."""

    def __init__(self, shown: str, lines: Lines) -> None:
        self.shown, self.lines = shown, lines
        self.problems: list[Problem] = []

    def at(self, field_path: tuple[Any, ...]) -> tuple[str, int | None]:
        return where(field_path, self.lines, self.shown)

    def add(self, field_path: tuple[Any, ...], message: str) -> None:
        self.problems.append(Problem(*self.at(field_path), dotted(field_path), message))

    def raise_if_any(self, more: list[Problem] | None = None, omitted: int = 0) -> None:
        if self.problems or more:
            raise ScenarioError(self.problems + (more or []), omitted)


def _structure(data: Any, report: _Report) -> tuple[ExperimentFile, dict[str, ParameterSpec]]:
    """Stage 1: the file's fields, and each lever's spec (a list is shorthand for levels)."""
    if not isinstance(data, dict):
        validate_data(ExperimentFile, data, report.shown, report.lines)  # raises "expected a mapping"
    data = dict(data)
    raw_parameters = data.get("parameters")
    specs: dict[str, ParameterSpec] = {}
    if isinstance(raw_parameters, dict) and len(raw_parameters) <= MAX_NAMES:
        for key, raw in raw_parameters.items():
            spec, found = _parameter_spec(str(key), raw, report.shown, report.lines)
            report.problems += found
            if spec is not None:
                specs[str(key)] = spec
    for name in ("design", "executor"):  # `design: grid` is short for `design: {kind: grid}`
        if isinstance(data.get(name), str):
            data[name] = {"kind": data[name]}
    try:
        top = validate_data(ExperimentFile, data, report.shown, report.lines)
    except ScenarioError as exc:
        # report the levers' own problems too (the design's are checked once it is valid)
        for key, spec in specs.items():
            for sub, message in check_parameter(key, spec, "grid")[1]:
                report.add(("parameters", key, *sub), message)
        report.raise_if_any(exc.problems, exc.omitted)
    report.raise_if_any()
    return top, specs


def _base_scenario(top: ExperimentFile, path: Path, report: _Report) -> tuple[Path, Scenario]:
    """Stage 2: the base scenario's file (relative to the experiment file's folder) and the
    scenario. Its own problems name its file and lines; the experiment's `base:` field is named
    too, so the user sees which experiment pointed there."""
    base_path, why = resolve_reference(top.base, path.parent)
    if base_path is None:
        report.add(("base",), f"{shown_path(top.base)}: {why}")
        report.raise_if_any()
    assert base_path is not None
    try:
        return base_path, load_scenario(base_path, referenced=True)
    except ScenarioError as exc:
        located = [p for p in exc.problems if p.line is not None]
        first = next((p.message for p in exc.problems if p.line is None), "")
        if first and not located:
            report.add(("base",), f"the base scenario {shown_path(top.base)}: {first}")
        else:
            count = len(exc.problems)
            report.add(
                ("base",),
                f"the base scenario {shown_path(top.base)} is not a valid scenario "
                f"({count} problem{'s' if count != 1 else ''}, listed below)",
            )
        report.raise_if_any([p for p in exc.problems if p.line is not None or not first])
    raise AssertionError("unreachable")  # pragma: no cover


def _fixed_changes(top: ExperimentFile, base: Scenario, report: _Report) -> Scenario:
    """Stage 2b: the base with the `set:` changes applied, one by one."""
    for key, value in top.set.items():
        try:
            base = apply_overrides(base, {key: value})
        except ValueError as exc:
            report.add(("set", key), str(exc).removeprefix(f"{key}: "))
    report.raise_if_any()
    return base


def _levers(
    top: ExperimentFile, specs: dict[str, ParameterSpec], base: Scenario, report: _Report
) -> tuple[list[Parameter], dict[str, ParameterSpec]]:
    """Stage 3: each lever against the scenario schema, and its extreme values on the base."""
    parameters: list[Parameter] = []
    valid: dict[str, ParameterSpec] = {}
    for key, spec in specs.items():
        parameter, messages = check_parameter(key, spec, top.design.kind if top.design else "optimize")
        for sub, message in messages:
            report.add(("parameters", key, *sub), message)
        if key in top.set:
            report.add(
                ("parameters", key),
                f"{key} is both fixed (under set:) and varied (under parameters:); remove it from one of them",
            )
        if parameter is None or messages:
            continue
        for value in _extremes(parameter):
            try:
                apply_overrides(base, {key: value})
            except ValueError as exc:
                report.add(
                    ("parameters", key),
                    f"the value {_show(value)} is not accepted: {str(exc).removeprefix(f'{key}: ')}",
                )
                break
        parameters.append(parameter)
        valid[key] = spec
    if not specs:
        report.add(("parameters",), "give at least one parameter to vary, e.g. entry.threshold: [none, paid]")
    return parameters, valid


def _design(
    top: ExperimentFile, valid: dict[str, ParameterSpec], parameters: list[Parameter], report: _Report
) -> None:
    """Stage 4: the design's settings, and its size (points, and runs with the replicates),
    counted before anything is drawn or allocated."""
    found = _check_design(top, valid)
    for field_path, message in found:
        report.add(field_path, message)
    if (
        found
        or top.design is None
        or top.optimize is not None
        or len(parameters) != len(valid)
        or not parameters
    ):
        return
    points = design_size(top.design, parameters)
    if points > MAX_DESIGN_POINTS:
        report.add(
            ("design",),
            f"this design has {points:,} points; a sweep may have at most {MAX_DESIGN_POINTS:,}: "
            "use fewer samples, levels or levers",
        )
    elif points * top.replicates > MAX_SWEEP_RUNS:
        report.add(
            ("replicates",),
            f"{points:,} points x {top.replicates:,} replicates = {points * top.replicates:,} runs; "
            f"a sweep may have at most {MAX_SWEEP_RUNS:,} runs: use fewer replicates or points",
        )


def design_size(design: DesignSpec, parameters: list[Parameter] | tuple[Parameter, ...]) -> int:
    """Points of `design` over `parameters`, counted without drawing them: a grid's product of
    level counts, `samples` for random and lhs, N (2D + 2) for Sobol (N (D + 2) without second
    order), trajectories x (D + 1) for Morris."""
    d = len(parameters)
    if design.kind == "grid":
        return math.prod(p.grid_size() for p in parameters)
    samples = int(design.samples or 0)
    if design.kind == "sobol":
        return samples * (2 * d + 2 if design.second_order else d + 2)
    if design.kind == "morris":
        return samples * (d + 1)
    return samples


def _analysis_days(top: ExperimentFile, base: Scenario, report: _Report) -> tuple[int, int]:
    """Stage 5: the survival day (within the horizon) and the contributors' day (a report day);
    an optimisation is not analysed unless its file asks for an analysis."""
    horizon = base.horizon.days
    survival_day = top.analysis.survival_day
    contributors_day = top.analysis.contributors_day or survival_day
    if top.optimize is not None and "analysis" not in top.model_fields_set:
        return survival_day, contributors_day
    if survival_day > horizon:
        report.add(
            ("analysis", "survival_day"),
            f"day {survival_day} is beyond the horizon ({horizon} days, horizon.days); pick a day within it",
        )
    report_days = tuple(base.horizon.report_days)
    if contributors_day not in report_days:
        field_path = ("analysis", "contributors_day" if top.analysis.contributors_day else "survival_day")
        report.add(
            field_path,
            f"value contributors are recorded on the report days {', '.join(map(str, report_days))} "
            f"(horizon.report_days), not on day {contributors_day}; set analysis.contributors_day "
            "to one of them, or add the day under set: horizon.report_days",
        )
    return survival_day, contributors_day


def _executor(top: ExperimentFile, report: _Report) -> None:
    """Stage 5b: a scheduler only for Dask, and one that reads as an address."""
    scheduler = top.executor.scheduler
    if scheduler and top.executor.kind != "dask":
        report.add(("executor", "scheduler"), "a scheduler is for kind: dask")
    elif scheduler:
        try:
            check_scheduler_address(scheduler)
        except ExecutorError as exc:
            report.add(("executor", "scheduler"), str(exc).removeprefix("--scheduler "))


def _optimization(top: ExperimentFile, base: Scenario, report: _Report) -> OptimizeSpec | None:
    """Stage 5c: an optimisation's `optimize:` block, checked by its own module (sim/optimize/spec.py)."""
    if top.optimize is None:
        return None
    from sim.optimize.spec import check_optimize_file

    optimize, found = check_optimize_file(top, base, report.shown, report.lines)
    report.problems += found
    return optimize


def _outcomes(top: ExperimentFile, contributors_day: int, base: Scenario, report: _Report) -> tuple[str, ...]:
    """Stage 6: the outcome columns to record, and the extra outcomes the analysis reads."""
    outcomes = resolve_outcomes(
        top.outcomes, contributors_day, base, report.shown, report.lines, report.problems
    )
    kinds = known_outcomes(base)
    for i, name in enumerate(top.analysis.extra_outcomes):
        field_path = ("analysis", "extra_outcomes", i)
        if name in kinds and name not in outcomes:
            report.add(field_path, f"{name} is not recorded; add it to outcomes:")
        elif name in kinds and kinds[name] not in ("int", "float", "bool"):
            report.add(field_path, f"{name} is not a number, so it cannot be analysed")
        elif name not in kinds:
            report.add(field_path, f"no outcome {short(name)}" + did_you_mean(name, kinds, cutoff=0.6))
    return outcomes


def _parameter_spec(
    key: str, raw: Any, shown: str, lines: Lines
) -> tuple[ParameterSpec | None, list[Problem]]:
    """Validate one `parameters:` entry (a list is shorthand for levels)."""
    prefix = ("parameters", key)
    if isinstance(raw, list):
        raw = {"levels": raw}
    if not isinstance(raw, dict):
        return None, [
            Problem(
                *where(prefix, lines, shown),
                dotted(prefix),
                f"expected a list of levels or a mapping with levels or range "
                f"(e.g. {{range: [0, 10]}}), got {short(raw)}",
            )
        ]
    sub_lines = {k[2:]: v for k, v in lines.items() if k[:2] == prefix}
    sub_lines.setdefault((), where(prefix, lines, shown))
    try:
        return validate_data(ParameterSpec, raw, shown, sub_lines), []
    except ScenarioError as exc:
        name = dotted(prefix)
        return None, [
            Problem(p.file, p.line, f"{name}.{p.field}" if p.field else name, p.message) for p in exc.problems
        ]


def check_parameter(
    path: str, spec: ParameterSpec, design: str
) -> tuple[Parameter | None, list[tuple[tuple, str]]]:
    """The `Parameter` for `path` varied as `spec`, or the problems: (sub-path, message) pairs."""
    if section_at(path) is not None:
        example = next(s.path for s in iter_fields() if s.path.startswith(path + "."))
        return None, [((), f"{path} is a section, not a parameter; name one of its fields, e.g. {example}")]
    try:
        field = field_spec(path)
    except KeyError as exc:
        return None, [((), str(exc.args[0]))]
    if path in NOT_SWEPT:
        return None, [((), f"{path} cannot be varied: {NOT_SWEPT[path]}")]
    if field.kind not in SWEEPABLE:
        what = {"text": "text", "other": "a list"}.get(field.kind, field.kind)
        return None, [
            ((), f"{path} is {what}, which a sweep cannot vary; only numbers, choices and true/false can be")
        ]
    problems: list[tuple[tuple, str]] = []
    if spec.levels is None and spec.range is None:
        return None, [((), f"give levels (a list) or a range [low, high] for {path}")]
    if spec.levels is not None and spec.range is not None:
        problems.append(((), "give levels or a range, not both"))
    if spec.steps is not None and spec.range is None:
        problems.append((("steps",), "steps spreads levels across a range; give a range, or list the levels"))
    if spec.steps is not None and design != "grid":
        problems.append(
            (
                ("steps",),
                f"steps is for grid designs; {'an optimisation' if design == 'optimize' else f'a {design} design'} "
                "draws from the whole range",
            )
        )
    if spec.scale == "log" and spec.range is None:
        problems.append((("scale",), "a log scale applies to a range"))
    bounds = _bounds_text(field)

    if field.kind in ("choice", "bool"):
        allowed = list(field.choices) if field.kind == "choice" else [False, True]
        shown_allowed = ", ".join(_show(a) for a in allowed)
        if spec.range is not None:
            what = f"a choice ({shown_allowed})" if field.kind == "choice" else "true or false"
            example = f"[{', '.join(field.choices[:2])}]" if field.kind == "choice" else "[false, true]"
            problems.append(
                (("range",), f"{path} is {what}: give levels, e.g. levels: {example}, not a range")
            )
        levels = list(spec.levels or [])
        for i, level in enumerate(levels):
            if field.kind == "bool" and not isinstance(level, bool):
                problems.append((("levels", i), f"expected true or false for {path}, got {short(level)}"))
            elif field.kind == "choice" and level not in field.choices:
                hint = did_you_mean(level, field.choices, cutoff=0.4)
                problems.append(
                    (("levels", i), f"{short(level)} is not a choice of {path} ({shown_allowed}){hint}")
                )
        if spec.levels is not None:
            problems += _level_count_problems(path, levels)
        if problems:
            return None, problems
        return Parameter(path, field.kind, field.unit, field.doc, levels=tuple(levels)), []

    # numbers
    is_int = field.kind == "int"
    number = "a whole number" if is_int else "a number"
    if spec.levels is not None:
        levels = []
        for i, level in enumerate(spec.levels):
            if isinstance(level, bool) or not isinstance(level, (int, float)) or not math.isfinite(level):
                problems.append(
                    (("levels", i), f"expected {number} for {path}, got {short(level)} ({type_name(level)})")
                )
            elif is_int and not float(level).is_integer():
                problems.append(
                    (
                        ("levels", i),
                        f"expected a whole number for {path} (an int parameter), got {short(level)}",
                    )
                )
            elif not _within(field, level):
                problems.append((("levels", i), f"{_show(level)} is outside the bounds of {path}: {bounds}"))
            else:
                levels.append(int(level) if is_int else float(level))
        if not problems:
            problems += _level_count_problems(path, levels)
        if problems:
            return None, problems
        return Parameter(path, field.kind, field.unit, field.doc, levels=tuple(sorted(levels))), []

    assert spec.range is not None
    low, high = spec.range
    if not (math.isfinite(low) and math.isfinite(high)):
        problems.append((("range",), f"expected finite numbers, got {list(spec.range)}"))
    elif low >= high:
        problems.append(
            (("range",), f"expected [low, high] with low < high, got [{_show(low)}, {_show(high)}]")
        )
    elif not (_within(field, low) and _within(field, high)):
        problems.append(
            (("range",), f"[{_show(low)}, {_show(high)}] is outside the bounds of {path}: {bounds}")
        )
    elif is_int and not (float(low).is_integer() and float(high).is_integer()):
        problems.append(
            (
                ("range",),
                f"{path} is a whole number: give a range of whole numbers, got [{_show(low)}, {_show(high)}]",
            )
        )
    elif spec.scale == "log" and low <= 0:
        problems.append((("scale",), f"a log scale needs low > 0, got {_show(low)}"))
    if problems:
        return None, problems
    parameter = Parameter(
        path,
        field.kind,
        field.unit,
        field.doc,
        low=int(low) if is_int else float(low),
        high=int(high) if is_int else float(high),
        steps=spec.steps,
        scale=spec.scale,
    )
    if spec.steps is not None and len(parameter.grid_levels()) < spec.steps:
        distinct = int(high - low + 1)
        return None, [
            (
                ("steps",),
                f"only {distinct} whole numbers lie in [{_show(low)}, {_show(high)}]: "
                f"use steps <= {distinct}, or list the levels",
            )
        ]
    return parameter, []


def _level_key(value: Any) -> tuple[type, Any]:
    """What makes two levels the same: equal values of one type (1 and True, 1 and 1.0 differ)."""
    try:
        hash(value)
    except TypeError:  # a list or mapping given as a level (refused elsewhere): compare as text
        return type(value), repr(value)
    return type(value), value


def _level_count_problems(path: str, levels: list[Any]) -> list[tuple[tuple, str]]:
    if len(levels) < 2:
        return [(("levels",), f"a lever needs at least 2 levels to vary; to fix {path}, move it under set:")]
    counts = Counter(_level_key(v) for v in levels)
    repeated = sorted({_show(v) for (_, v), n in counts.items() if n > 1})
    if repeated:
        return [(("levels",), f"levels repeat: {', '.join(repeated)}; give each level once")]
    return []


def _check_design(top: ExperimentFile, specs: dict[str, ParameterSpec]) -> list[tuple[tuple, str]]:
    """Problems with the design section, and with levers the design cannot use."""
    design = top.design
    if top.optimize is not None:
        return []  # an optimisation picks its own points (sim.optimize.spec refuses a design)
    if design is None:
        return [(("design",), "required field is missing: grid, random, lhs, sobol or morris")]
    given = design.model_fields_set
    out: list[tuple[tuple, str]] = []
    if design.kind == "grid":
        if design.samples is not None:
            out.append(
                (
                    ("design", "samples"),
                    "a grid runs every combination of its levels, so it takes no samples; "
                    "remove samples, or choose kind: random, lhs, sobol or morris",
                )
            )
        for key, spec in specs.items():
            if spec.levels is None and spec.range is not None and spec.steps is None:
                out.append(
                    (("parameters", key), "a grid needs levels, or a range with steps (e.g. steps: 5)")
                )
    elif design.samples is None:
        what = {
            "random": "the number of points",
            "lhs": "the number of points",
            "sobol": "the base sample size N, a power of 2 (the design has N x (2D+2) points)",
            "morris": "the number of trajectories (each has D+1 points)",
        }[design.kind]
        out.append((("design",), f"a {design.kind} design needs samples: {what}"))
    elif design.kind == "sobol" and design.samples & (design.samples - 1):
        lower = 1 << (design.samples.bit_length() - 1)
        out.append(
            (
                ("design", "samples"),
                f"Sobol (Saltelli) sampling needs a power of 2, got {design.samples}; "
                f"use {lower} or {lower * 2}",
            )
        )
    elif design.kind == "morris" and design.samples < 2:
        out.append(
            (("design", "samples"), "Morris screening needs at least 2 trajectories (10 or more is usual)")
        )
    if "levels" in given and design.kind != "morris":
        out.append(
            (
                ("design", "levels"),
                "levels (grid levels per parameter) is for morris designs; "
                "give each parameter's levels under parameters:",
            )
        )
    if "second_order" in given and design.kind != "sobol":
        out.append((("design", "second_order"), "second_order is for sobol designs"))
    return out


def _extremes(parameter: Parameter) -> list[Any]:
    if parameter.levels is not None:
        return list(parameter.levels)
    return [parameter.low, parameter.high]


def _within(field: FieldSpec, value: float) -> bool:
    return field.accepts(value)


def _bounds_text(field: FieldSpec) -> str:
    unit = f" {field.unit}" if field.unit and field.unit not in ("flag", "choice", "text") else ""
    if field.lower is None and field.upper is None:
        return "any value"
    if field.lower is not None and field.upper is not None and not (field.lower_open or field.upper_open):
        return f"it takes values from {_show(field.lower)} to {_show(field.upper)}{unit}"
    return f"it takes values in {field.interval()}{unit}"  # e.g. (0, 2000]: 0 itself is refused


# -------------------------------------------------------------------------------- outcomes


@lru_cache(maxsize=8)
def _probe(base_json: str) -> dict[str, str]:
    from sim.batch.worker import flatten_summary
    from sim.runner import run_scenario

    base = Scenario.model_validate_json(base_json)
    try:  # the base's horizon and report days, but an empty group that is dead (and stops) on day 1
        empty = apply_overrides(
            base,
            {
                "population.initial_members": 0,
                "population.organic_prospects_per_day": 0.0,
                "kol.count": 0,
                "horizon.dead_after_days": 1,
                "horizon.stop_at_death": True,
            },
        )
        summary = run_scenario(empty, 0).summary
    except Exception:  # noqa: BLE001 - any run gives the same columns; fall back to one day of the base
        summary = run_scenario(base, 0, days=1).summary
    return {
        name: _arrow_kind(value)
        for name, value in flatten_summary(summary).items()
        if name not in NOT_OUTCOMES
    }


def known_outcomes(base: Scenario) -> dict[str, str]:
    """Every outcome a run of `base` reports (flattened summary columns), with its column type:
    "int", "float", "bool", "text" or "list" (a ratio that was undefined in the probe is "float").
    Found by running an empty copy of `base` that dies on day 1 (cached)."""
    return dict(_probe(base.model_dump_json()))


def _arrow_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "list"
    return "float"  # floats, and None (a ratio with a zero denominator)


def resolve_outcomes(
    listed: list[str] | None,
    contributors_day: int,
    base: Scenario,
    shown: str,
    lines: Lines,
    problems: list[Problem],
) -> tuple[str, ...]:
    """The outcome columns to record: the required ones, then those listed (or the defaults).
    Unknown names are added to `problems`, with a suggestion."""
    known = known_outcomes(base)
    required = [*REQUIRED_OUTCOMES, f"value_contributors_at_{contributors_day}"]
    wanted: list[str] = []
    if listed is None:
        for pattern in DEFAULT_OUTCOMES:
            if pattern.endswith("*"):
                wanted += [name for name in known if name.startswith(pattern[:-1])]
            elif pattern in known:
                wanted.append(pattern)
    else:
        for i, name in enumerate(listed):
            if name not in known:
                hint = did_you_mean(name, known, n=2, cutoff=0.6)
                problems.append(
                    Problem(
                        *where(("outcomes", i), lines, shown),
                        f"outcomes[{i}]",
                        f"no outcome {short(name)}{hint} Outcomes are the "
                        "columns of a run summary, e.g. lifespan_days, value_posts_total, peak_members",
                    )
                )
            else:
                wanted.append(name)
    return tuple(dict.fromkeys(n for n in [*required, *wanted] if n in known))
