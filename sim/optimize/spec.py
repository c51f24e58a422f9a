"""The `optimize:` block of an experiment file: objectives, constraints, trials, sampler, confirmation.

An optimisation is an experiment file (base scenario, `set:`, levers under `parameters:`,
`replicates` per trial, root `seed`, executor) with an `optimize:` block instead of a `design:`.
It is checked like the rest of the file - every problem with its file, line, field path and,
where possible, a suggestion - by `check_optimize`, which `sim.sweep.experiment.load_experiment`
calls::

    optimize:
      objectives:                        # metric: maximize | minimize (maximise/minimise too);
        sustained_contributors_at_180: maximize   # the first is the value the report ranks by
        operator_cost_yuan: minimize     # one objective: TPE; several: NSGA-II (sampler: auto)
      constraints:
        budget_yuan: [2000, 5000]        # mean cost per group over the horizon <= the largest;
                                         # the report answers every level
        budget_counts_hours: false       # false: the budget is cash (cash_cost_yuan); true (default):
                                         # operator hours count at operator.hourly_cost_yuan
        hours_per_day: 1.0               # mean operator hours used per simulated day <= 1
        at_least: {survival_at_90: 0.8}  # any metric, on its mean over the replicates
        at_most: {}
      trials: 60                         # default of --trials
      batch: 4                           # trials asked and run together (see below)
      sampler: {kind: auto, seed: 1, startup_trials: 10, population: 20}
      confirm: {top: 3, replicates: 100} # re-run the best 3 per budget level on 100 fresh seeds

Metrics are defined in `sim.optimize.metrics`. Constraints are on means over a trial's
replicates; a trial that breaks one is infeasible (Optuna's `constraints_func`, for TPE and
NSGA-II alike) and never reported as a best strategy.

`batch` trials are asked from the sampler together and their runs go to the executor as one
batch; the next batch is asked once all of them are told. The sampler of trial n is seeded with
(seed, n), so the whole optimisation - every trial's levers and values - depends only on the
file, never on the executor, the number of workers or interruptions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.inputs import Lines, Problem, dotted, where
from sim.optimize.metrics import CASH_COST, COST, HOURS_PER_DAY, metric_problem
from sim.scenario import ScenarioError
from sim.scenario.loading import validate_data

#: Accepted spellings of a direction, and what each means.
DIRECTIONS = {"maximize": "maximize", "maximise": "maximize", "minimize": "minimize", "minimise": "minimize"}
MAX_OBJECTIVES = 4

MAX_YUAN = 1e12


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConstraintsBlock(_Strict):
    """What a strategy may not exceed (means over a trial's replicates)."""

    budget_yuan: Any = Field(
        None,
        description="mean cost per group over the horizon, yuan; a list gives budget levels, "
        "each answered in the report (the optimiser keeps to the largest)",
    )
    budget_counts_hours: bool = Field(
        True,
        description="true: the budget covers operator hours at operator.hourly_cost_yuan "
        "(operator_cost_yuan); false: only cash paid out (cash_cost_yuan)",
    )
    hours_per_day: float | None = Field(
        None, gt=0, le=24, allow_inf_nan=False, description="mean operator hours used per simulated day"
    )
    at_least: dict[str, float] = Field(default_factory=dict, description="metric: lowest allowed mean")
    at_most: dict[str, float] = Field(default_factory=dict, description="metric: highest allowed mean")


class SamplerBlock(_Strict):
    """Which Optuna sampler proposes the trials."""

    kind: Literal["auto", "tpe", "nsga2"] = Field(
        "auto", description="auto: TPE for one objective, NSGA-II for several"
    )
    seed: int = Field(1, ge=0, lt=2**32, description="seed of the sampler (trial n uses (seed, n))")
    startup_trials: int = Field(10, ge=1, le=10_000, description="TPE: random trials before modelling")
    population: int = Field(20, ge=2, le=10_000, description="NSGA-II: trials per generation")


class ConfirmBlock(_Strict):
    """How the best strategies are re-run to remove the winner's curse."""

    top: int = Field(3, ge=1, le=50, description="strategies re-run per budget level")
    replicates: int = Field(100, ge=2, le=100_000, description="runs per re-run strategy, on fresh seeds")


class OptimizeBlock(_Strict):
    """The fields of an `optimize:` block."""

    objectives: dict[str, Literal["maximize", "maximise", "minimize", "minimise"]] = Field(
        ..., description="metric: maximize or minimize; the first is the value ranked by"
    )
    constraints: ConstraintsBlock = Field(default_factory=ConstraintsBlock)
    trials: int = Field(50, ge=1, le=100_000, description="trials to run (--trials overrides)")
    batch: int = Field(4, ge=1, le=1_000, description="trials asked and run together")
    sampler: SamplerBlock = Field(default_factory=SamplerBlock)
    confirm: ConfirmBlock = Field(default_factory=ConfirmBlock)


@dataclass(frozen=True)
class Objective:
    """One objective: a metric and whether more ("maximize") or less ("minimize") is better."""

    metric: str
    direction: str

    @property
    def sign(self) -> float:
        """+1 when larger is better, -1 when smaller is."""
        return 1.0 if self.direction == "maximize" else -1.0


@dataclass(frozen=True)
class Bound:
    """A constraint `metric >= value` (kind "at_least") or `metric <= value` ("at_most")."""

    metric: str
    kind: str
    value: float

    def slack(self, mean: float) -> float:
        """Optuna's constraint value: <= 0 when the bound holds (NaN counts as broken: +inf)."""
        if mean != mean:
            return float("inf")
        return mean - self.value if self.kind == "at_most" else self.value - mean

    def describe(self) -> str:
        return f"{self.metric} {'<=' if self.kind == 'at_most' else '>='} {self.value:g}"


@dataclass(frozen=True)
class OptimizeSpec:
    """A validated `optimize:` block (see the module docstring)."""

    objectives: tuple[Objective, ...]
    budgets: tuple[float, ...]  # ascending; empty: no budget
    budget_counts_hours: bool
    hours_per_day: float | None
    extra_bounds: tuple[Bound, ...]
    trials: int
    batch: int
    sampler: str  # "tpe" or "nsga2" (auto resolved)
    sampler_seed: int
    startup_trials: int
    population: int
    confirm_top: int
    confirm_replicates: int

    @property
    def primary(self) -> Objective:
        """The value objective: the first listed."""
        return self.objectives[0]

    @property
    def cost_metric(self) -> str:
        """The metric budgets are on: operator_cost_yuan, or cash_cost_yuan if hours do not count."""
        return COST if self.budget_counts_hours else CASH_COST

    @property
    def bounds(self) -> tuple[Bound, ...]:
        """Every constraint the search keeps to: the budget at its largest level, the hours, the rest."""
        return self.bounds_at(self.budgets[-1] if self.budgets else None)

    def bounds_at(self, level: float | None) -> tuple[Bound, ...]:
        """Every constraint with the budget at `level` (None: no budget): budget, hours, the rest."""
        out = [Bound(self.cost_metric, "at_most", level)] if level is not None else []
        if self.hours_per_day is not None:
            out.append(Bound(HOURS_PER_DAY, "at_most", self.hours_per_day))
        return (*out, *self.extra_bounds)

    def metrics(self) -> tuple[str, ...]:
        """Every metric a trial records: objectives, costs, hours, bounded metrics."""
        names = [o.metric for o in self.objectives]
        names += [COST, CASH_COST, HOURS_PER_DAY, *(b.metric for b in self.extra_bounds)]
        return tuple(dict.fromkeys(names))

    def constraint_values(self, means: Mapping[str, float]) -> list[float]:
        """Optuna's constraint values for a trial with these metric means (each <= 0 if it holds)."""
        return [bound.slack(means[bound.metric]) for bound in self.bounds]

    def definition(self) -> dict[str, Any]:
        """JSON-ready: everything in the block."""
        return {
            "objectives": {o.metric: o.direction for o in self.objectives},
            "budgets_yuan": list(self.budgets),
            "budget_counts_hours": self.budget_counts_hours,
            "hours_per_day": self.hours_per_day,
            "bounds": [b.describe() for b in self.extra_bounds],
            "trials": self.trials,
            "batch": self.batch,
            "sampler": {
                "kind": self.sampler,
                "seed": self.sampler_seed,
                "startup_trials": self.startup_trials,
                "population": self.population,
            },
            "confirm": {"top": self.confirm_top, "replicates": self.confirm_replicates},
        }

    def identity(self) -> dict[str, Any]:
        """What must not change for a study to be resumed: all but `trials` and `confirm` (more
        trials extend a study; the confirmation can be redone)."""
        return {k: v for k, v in self.definition().items() if k not in ("trials", "confirm")}


def check_optimize(
    raw: Any, known: Mapping[str, str], horizon: int, shown: str, lines: Lines
) -> tuple[OptimizeSpec | None, list[Problem]]:
    """The `optimize:` block `raw` checked against the run summary's columns `known` (name ->
    kind) and the horizon; every problem located under `optimize`."""
    block, problems = _validate(raw, shown, lines)
    if block is None:
        return None, problems

    def problem(path: tuple[Any, ...], message: str) -> None:
        problems.append(
            Problem(*where(("optimize", *path), lines, shown), dotted(("optimize", *path)), message)
        )

    if not block.objectives:
        problem(("objectives",), "give at least one objective, e.g. sustained_contributors_at_180: maximize")
    elif len(block.objectives) > MAX_OBJECTIVES:
        problem(("objectives",), f"give at most {MAX_OBJECTIVES} objectives (got {len(block.objectives)})")
    for name in block.objectives:
        message = metric_problem(str(name), known, horizon)
        if message:
            problem(("objectives", name), message)
    constraints = block.constraints
    for kind in ("at_least", "at_most"):
        for name in getattr(constraints, kind):
            message = metric_problem(str(name), known, horizon)
            if message:
                problem(("constraints", kind, name), message)
    levels, message = _budget_levels(constraints.budget_yuan)
    if message:
        problem(("constraints", "budget_yuan"), message)
    elif len(set(levels)) != len(levels):
        problem(("constraints", "budget_yuan"), "budget levels repeat; give each level once")
    if "budget_counts_hours" in constraints.model_fields_set and not levels:
        problem(("constraints", "budget_counts_hours"), "says what a budget covers; give budget_yuan too")
    if problems:
        return None, problems
    return _spec(block, levels), []


def _budget_levels(raw: Any) -> tuple[list[float], str | None]:
    """Budget levels (ascending) from a number or a list of numbers, or why they are wrong."""
    if raw is None:
        return [], None
    values = raw if isinstance(raw, list) else [raw]
    good = all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 < v <= MAX_YUAN
        for v in values
    )
    if not values or not good:
        return [], f"expected a budget in yuan (a number > 0) or a list of budget levels, got {raw!r}"
    return sorted(float(v) for v in values), None


def _spec(block: OptimizeBlock, levels: list[float]) -> OptimizeSpec:
    objectives = tuple(Objective(str(name), DIRECTIONS[d]) for name, d in block.objectives.items())
    c = block.constraints
    bounds = [Bound(str(m), "at_least", float(v)) for m, v in c.at_least.items()]
    bounds += [Bound(str(m), "at_most", float(v)) for m, v in c.at_most.items()]
    kind = block.sampler.kind
    if kind == "auto":
        kind = "tpe" if len(objectives) == 1 else "nsga2"
    return OptimizeSpec(
        objectives=objectives,
        budgets=tuple(float(b) for b in levels),
        budget_counts_hours=c.budget_counts_hours,
        hours_per_day=c.hours_per_day,
        extra_bounds=tuple(bounds),
        trials=block.trials,
        batch=block.batch,
        sampler=kind,
        sampler_seed=block.sampler.seed,
        startup_trials=block.sampler.startup_trials,
        population=block.sampler.population,
        confirm_top=block.confirm.top,
        confirm_replicates=block.confirm.replicates,
    )


def _validate(raw: Any, shown: str, lines: Lines) -> tuple[OptimizeBlock | None, list[Problem]]:
    """Validate the block with the project's messages, every field path under `optimize`."""
    prefix = ("optimize",)
    if not isinstance(raw, dict):
        located = where(prefix, lines, shown)
        return None, [
            Problem(
                *located,
                "optimize",
                f"expected a mapping with objectives (e.g. objectives: {{value_posts_total: maximize}}), "
                f"got {raw!r}",
            )
        ]
    sub_lines = {k[1:]: v for k, v in lines.items() if k[:1] == prefix}
    sub_lines.setdefault((), where(prefix, lines, shown))
    try:
        return validate_data(OptimizeBlock, raw, shown, sub_lines), []
    except ScenarioError as exc:
        return None, [
            Problem(p.file, p.line, f"optimize.{p.field}" if p.field else "optimize", p.message)
            for p in exc.problems
        ]


def check_optimize_file(
    top: Any, base: Any, shown: str, lines: Lines
) -> tuple[OptimizeSpec | None, list[Problem]]:
    """The checks of an optimisation's experiment file (`top`, an `ExperimentFile` with an
    `optimize:` block, and its base scenario with `set:` applied): the block itself, and the
    fields that mean something else in an optimisation."""
    from sim.sweep.experiment import known_outcomes  # the experiment module imports this one lazily

    problems: list[Problem] = []
    if top.design is not None:
        problems.append(
            Problem(
                *where(("design",), lines, shown),
                "design",
                "an optimisation chooses its own points: remove design: (or remove optimize: to run a sweep)",
            )
        )
    if top.seeds != "common":
        problems.append(
            Problem(
                *where(("seeds",), lines, shown),
                "seeds",
                "an optimisation compares its trials on common random numbers (replicate i of every "
                "trial runs with the same seed): remove seeds: independent",
            )
        )
    spec, found = check_optimize(top.optimize, known_outcomes(base), base.horizon.days, shown, lines)
    return spec, problems + found
