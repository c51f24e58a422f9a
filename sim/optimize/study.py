"""Run an optimisation: Optuna proposes lever settings, the batch layer runs them, and it all resumes.

The study lives in `study.db` (Optuna's RDB storage on SQLite) in the results folder; the runs of
its trials live in the same folder's `sim.batch` result store (`parts/`, `manifest.json`), exactly
as a sweep's do. A *trial* is one lever setting, run over the experiment's `replicates` with common
random numbers: replicate i of every trial runs with `replicate_seed(root seed, i)`, the seed
replicate i of a sweep or a comparison uses, so trials differ by their levers, not their luck.
Its value for each metric is the mean over its replicates (`sim.optimize.metrics`).

Trials are asked `batch` at a time (TPE with the constant liar spreads a batch out; NSGA-II fills
its generations); all the runs of a batch go to the executor (local processes, a Dask cluster,
or this process) as one batch job, and once they are back every trial of the batch is told. The
sampler of trial n is a fresh Optuna sampler seeded with (sampler seed, n), and a batch is asked
only once the previous one is told, so the trials - their levers and values - depend only on the
experiment file: not on the executor, the number of workers, or interruptions.

Kill it at any moment (Ctrl-C, SIGKILL, a crash) and run the same command again:

* runs already stored are kept and never run again (the store's parts);
* trials left RUNNING in the study were asked with their levers already stored: they are run to
  the end (only their missing replicates) and told - none lost, none asked again;
* batches are fixed by trial number, so a batch cut short while it was being asked is completed
  to its size, and one whose trials were partly told is finished, before the next is asked: the
  trials asked after a resume are the ones an uninterrupted run would have asked;
* a trial killed inside `ask` before all its levers were stored cannot be completed: it is marked
  FAIL with `abandoned` (it never ran) and does not count towards the trials asked for.

More trials (`--trials`) extend a study; a folder holding another optimisation (other levers,
objectives, constraints, sampler, batch, replicates, base scenario, root seed or model code) is
refused by the store, as a sweep's is.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import optuna
import pandas as pd
import sqlalchemy
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import FrozenTrial, TrialState

from sim.batch.engine import BatchProgress, run_job
from sim.batch.executors import BatchExecutor
from sim.batch.job import Job
from sim.batch.seeds import replicate_seed
from sim.batch.store import ResultStore, replace_atomically
from sim.batch.worker import STATUS_OK, Simulate, Task
from sim.optimize.metrics import trial_means
from sim.optimize.spec import OptimizeSpec
from sim.outputs import slug
from sim.runner import run_scenario
from sim.sweep.experiment import Experiment, Parameter
from sim.sweep.tables import EXPERIMENT_FILE

KIND = "optimize"
LABEL = "base"
STUDY_FILE = "study.db"
#: User attributes of a trial (in study.db).
METRICS_ATTR, ERROR_ATTR, ABANDONED_ATTR, RUNS_ATTR = ("metrics", "error", "abandoned", "runs")
#: A broken constraint whose metric is undefined gets this value (Optuna refuses NaN).
UNDEFINED_SLACK = 1e300

optuna.logging.set_verbosity(optuna.logging.WARNING)  # a line per trial is the progress bar's job


def trial_key(number: int, replicate: int) -> str:
    return f"t{number:05d}/r{replicate:05d}"


def distributions(parameters: Sequence[Parameter]) -> dict[str, BaseDistribution]:
    """Optuna's search space, by lever path: levels are categorical; ranges are int or float
    distributions, log-scaled when the lever's range is."""
    out: dict[str, BaseDistribution] = {}
    for p in parameters:
        if p.levels is not None:
            out[p.path] = CategoricalDistribution(list(p.levels))
        elif p.kind == "int":
            out[p.path] = IntDistribution(int(p.low), int(p.high), log=p.scale == "log")  # type: ignore[arg-type]
        else:
            out[p.path] = FloatDistribution(float(p.low), float(p.high), log=p.scale == "log")  # type: ignore[arg-type]
    return out


def sampler_for(spec: OptimizeSpec, number: int) -> optuna.samplers.BaseSampler:
    """The sampler that asks (and is told) trial `number`, seeded with (sampler seed, number)."""
    seed = int(np.random.SeedSequence([spec.sampler_seed, number]).generate_state(1)[0])
    if spec.sampler == "nsga2":  # both read the constraints stored with each trial (set_constraint)
        return optuna.samplers.NSGAIISampler(population_size=spec.population, seed=seed)
    return optuna.samplers.TPESampler(n_startup_trials=spec.startup_trials, seed=seed, constant_liar=True)


# ------------------------------------------------------------------------------------ jobs


@dataclass(frozen=True)
class TrialPlan:
    """A trial asked from the study: its number, storage id and lever values (by path)."""

    number: int
    trial_id: int
    params: dict[str, Any]


def study_job(
    experiment: Experiment, plans: Sequence[TrialPlan], kind: str = KIND, simulate: Simulate = run_scenario
) -> Job:
    """The batch job of `plans`: one task per trial and replicate, trial by trial. With no plans it
    is the job whose identity a results folder must match (what `ResultStore.open` checks).
    `simulate` runs one replicate (the model; tests pass a cheap stand-in)."""
    spec = _spec(experiment)
    root = experiment.root_seed
    seeds = [replicate_seed(root, r) for r in range(experiment.replicates)]
    tasks = tuple(
        Task(
            trial_key(plan.number, r),
            LABEL,
            seeds[r],
            {"trial": plan.number, "replicate": r, **plan.params},
            plan.params,
        )
        for plan in plans
        for r in range(experiment.replicates)
    )
    details = {
        "experiment": experiment.definition(),
        "experiment_hash": experiment.hash(),
        "experiment_file": str(experiment.source),
        "study": {"file": STUDY_FILE, "name": study_name(experiment)},
        "replicates": experiment.replicates,
        "seeds": {"root": root, "scheme": "common", "per_replicate": seeds},
    }
    return Job(
        kind,
        {LABEL: experiment.base},
        tasks,
        root,
        simulate=simulate,
        daily_columns=(),
        details=details,
        extra_identity={
            "levers": [p.as_dict() for p in experiment.parameters],
            "replicates": experiment.replicates,
            "optimize": spec.identity(),
        },
    )


def study_name(experiment: Experiment) -> str:
    return slug(experiment.name) or "groupsim"


def default_folder(experiment: Experiment, root: Path = Path("results")) -> Path:
    """Where an optimisation writes without --out: the same command finds (and resumes) it."""
    job = study_job(experiment, [])
    return root / f"optimize-{slug(experiment.name)}-seed{experiment.root_seed}-{job.identity_hash()}"


def _spec(experiment: Experiment) -> OptimizeSpec:
    if experiment.optimize is None:
        raise ValueError(f"{experiment.source} has no optimize: block")
    return experiment.optimize


# ----------------------------------------------------------------------------------- study


def open_study(folder: Path, experiment: Experiment) -> optuna.Study:
    """Create or load the study in `folder`/study.db (the folder's store must be open, so no other
    process writes it)."""
    spec = _spec(experiment)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        return optuna.create_study(
            storage=sqlite_storage(Path(folder) / STUDY_FILE),
            study_name=study_name(experiment),
            directions=[o.direction for o in spec.objectives],
            sampler=sampler_for(spec, 0),
            load_if_exists=True,
        )


def sqlite_storage(path: Path) -> optuna.storages.RDBStorage:
    """Optuna's storage in the SQLite file `path`, in write-ahead-log mode with normal syncing: a
    commit survives the process being killed (it is in the operating system's hands), only a power
    cut can lose the last few - which the next session asks again, identically (see the module
    docstring), and finds their runs in the store. Without it every commit waits for the disk
    (a few ms each, some twenty per trial)."""
    storage = optuna.storages.RDBStorage(f"sqlite:///{path.resolve()}")

    @sqlalchemy.event.listens_for(storage.engine, "connect")
    def _pragmas(connection: Any, _: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    storage.engine.dispose()  # the connection used to create the tables predates the listener
    return storage


def counted(trial: FrozenTrial) -> bool:
    """True for a trial that counts towards the trials asked for: told complete or failed (not
    one abandoned because it was killed before its levers were stored)."""
    return trial.state in (TrialState.COMPLETE, TrialState.FAIL) and not trial.user_attrs.get(ABANDONED_ATTR)


def next_round(study: optuna.Study, experiment: Experiment, target: int) -> list[TrialPlan]:
    """The next batch to run (empty once `target` trials have been told).

    Batches are fixed by trial number: batch k holds trials k * batch to (k + 1) * batch - 1. An
    interrupted session may leave trials of the last batch RUNNING (asked, levers stored, runs
    missing or not yet told) or the batch part-asked: both are taken up again, the batch completed
    to its size, so each trial is asked in the company it would have had without the interruption.
    """
    spec = _spec(experiment)
    space = distributions(experiment.parameters)
    trials = study.get_trials(deepcopy=False)
    running: list[TrialPlan] = []
    for trial in trials:
        if trial.state != TrialState.RUNNING:
            continue
        if set(trial.params) == set(space):
            running.append(TrialPlan(trial.number, trial._trial_id, dict(trial.params)))
        else:  # killed inside ask: it has no complete lever setting and never ran
            optuna.trial.Trial(study, trial._trial_id).set_user_attr(ABANDONED_ATTR, True)
            study.tell(trial.number, state=TrialState.FAIL)
    room = target - sum(counted(t) for t in trials) - len(running)
    unfinished = len(trials) % spec.batch
    wanted = min(spec.batch - unfinished if unfinished else (0 if running else spec.batch), room)
    return running + [ask(study, spec, space) for _ in range(max(0, wanted))]


def ask(study: optuna.Study, spec: OptimizeSpec, space: dict[str, BaseDistribution]) -> TrialPlan:
    """Ask the next trial with its own seeded sampler; its levers are stored in the study."""
    number = len(study.get_trials(deepcopy=False))
    study.sampler = sampler_for(spec, number)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        trial = study.ask(space)
    assert trial.number == number, "trial numbers are sequential in one process"
    return TrialPlan(trial.number, trial._trial_id, dict(trial.params))


@dataclass(frozen=True)
class TrialOutcome:
    """A trial's results: the mean of every metric, the constraint values, and an error if any
    replicate failed or an objective is undefined."""

    means: dict[str, float]
    constraints: list[float]
    values: list[float] | None
    runs: int
    error: str | None


def evaluate(spec: OptimizeSpec, rows: Sequence[dict[str, Any]]) -> TrialOutcome:
    """The outcome of a trial from its run rows (one per replicate)."""
    failed = [row for row in rows if row.get("status") != STATUS_OK]
    if failed:
        error = f"{len(failed)} of {len(rows)} replicates failed; first: {failed[0].get('error')}"
        return TrialOutcome({}, [], None, len(rows) - len(failed), error)
    means = trial_means(pd.DataFrame(list(rows)), spec.metrics())
    values = [means[o.metric] for o in spec.objectives]
    undefined = [o.metric for o, v in zip(spec.objectives, values) if not math.isfinite(v)]
    error = None
    if undefined:
        error = f"{', '.join(undefined)} is undefined in every replicate (e.g. a value per yuan when nothing was spent)"
    constraints = spec.constraint_values(means)
    return TrialOutcome(means, constraints, None if error else values, len(rows), error)


def tell(study: optuna.Study, spec: OptimizeSpec, plan: TrialPlan, outcome: TrialOutcome) -> None:
    """Store the outcome with the trial (metrics, constraints, runs) and tell the study. The
    constraints are Optuna's (`Trial.set_constraint`, named by `constraint_names`), which TPE and
    NSGA-II read to prefer feasible trials."""
    trial = optuna.trial.Trial(study, plan.trial_id)
    trial.set_user_attr(
        METRICS_ATTR, {k: (v if math.isfinite(v) else None) for k, v in outcome.means.items()}
    )
    trial.set_user_attr(RUNS_ATTR, outcome.runs)
    existing = study.get_trials(deepcopy=False)[plan.number].constraints
    for name, value in zip(constraint_names(spec), outcome.constraints):
        if name not in existing:  # already stored by a session killed before it could tell
            trial.set_constraint(name, value if math.isfinite(value) else UNDEFINED_SLACK)
    study.sampler = sampler_for(spec, plan.number)
    if outcome.error is not None:
        trial.set_user_attr(ERROR_ATTR, outcome.error)
        study.tell(plan.number, state=TrialState.FAIL)
    else:
        study.tell(plan.number, outcome.values)


# ------------------------------------------------------------------------------- the loop


class LazyExecutor:
    """Starts the executor the first time runs are needed (never, when all are stored) and shuts
    it down at the end; `on_start` is told once it is up."""

    def __init__(
        self,
        make_executor: Callable[[], BatchExecutor],
        on_start: Callable[[BatchExecutor], None] | None = None,
    ) -> None:
        self._make, self._on_start = make_executor, on_start
        self._executor: BatchExecutor | None = None

    def get(self) -> BatchExecutor:
        if self._executor is None:
            self._executor = self._make()
            if self._on_start is not None:
                self._on_start(self._executor)
        return self._executor

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown()

    def __enter__(self) -> LazyExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True)
class StudyProgress:
    """Trials told so far (`done`, of `target`), trials told this session, and the best feasible
    value of the first objective so far (None before any)."""

    done: int
    target: int
    ran: int
    best: float | None


def run_round(
    experiment: Experiment,
    study: optuna.Study,
    store: ResultStore,
    plans: Sequence[TrialPlan],
    executor: LazyExecutor,
    on_runs: Callable[[BatchProgress], None] | None = None,
    simulate: Simulate = run_scenario,
) -> None:
    """Run the missing replicates of `plans` (one batch job) and tell every one of them."""
    spec = _spec(experiment)
    job = study_job(experiment, plans, simulate=simulate)
    if any(store.status(task.key) is None for task in job.tasks):
        run_job(job, store, executor.get(), on_progress=on_runs)
    for plan in plans:
        rows = store.rows([trial_key(plan.number, r) for r in range(experiment.replicates)])
        tell(study, spec, plan, evaluate(spec, rows))


def run_trials(
    experiment: Experiment,
    study: optuna.Study,
    store: ResultStore,
    executor: LazyExecutor,
    target: int,
    on_progress: Callable[[StudyProgress], None] | None = None,
    on_runs: Callable[[BatchProgress], None] | None = None,
    simulate: Simulate = run_scenario,
) -> int:
    """Ask, run and tell trials until `target` are told; returns how many were told this session.
    KeyboardInterrupt and the batch layer's errors propagate (every stored run and told trial is
    kept; trials left RUNNING are resumed next time)."""
    told = 0
    report = on_progress or (lambda _: None)
    report(progress(study, experiment, target, told))
    while plans := next_round(study, experiment, target):
        run_round(experiment, study, store, plans, executor, on_runs, simulate)
        told += len(plans)
        report(progress(study, experiment, target, told))
    return told


def progress(study: optuna.Study, experiment: Experiment, target: int, told: int) -> StudyProgress:
    spec = _spec(experiment)
    trials = study.get_trials(deepcopy=False)
    done = sum(counted(t) for t in trials)
    values = [t.values[0] for t in trials if t.state == TrialState.COMPLETE and feasible(t)]
    best = None
    if values:
        best = max(values) if spec.primary.direction == "maximize" else min(values)
    return StudyProgress(done, target, told, best)


def feasible(trial: FrozenTrial) -> bool:
    """A completed trial whose constraints all hold."""
    return trial.state == TrialState.COMPLETE and all(c <= 0 for c in trial.constraints.values())


def constraint_names(spec: OptimizeSpec) -> list[str]:
    """The name of each constraint (`spec.bounds`), as stored with the trials: e.g.
    "operator_cost_yuan <= 5000"."""
    return [bound.describe() for bound in spec.bounds]


def write_experiment_file(folder: Path, experiment: Experiment) -> None:
    replace_atomically(
        Path(folder) / EXPERIMENT_FILE, lambda tmp: tmp.write_text(experiment.text, encoding="utf-8")
    )


# ---------------------------------------------------------------------------------- tables

STATES = {
    TrialState.COMPLETE: "complete",
    TrialState.FAIL: "failed",
    TrialState.RUNNING: "running",
    TrialState.WAITING: "waiting",
    TrialState.PRUNED: "pruned",
}


def trials_table(study: optuna.Study, experiment: Experiment) -> pd.DataFrame:
    """One row per trial, in order: trial, state (complete, failed, abandoned, running), runs,
    error, each lever (by path), each metric's mean, each constraint's value (<= 0 when kept,
    named as in `constraint_names`), feasible, and `front` - on the Pareto front of cost (the
    budget's cost metric) against the first objective among the feasible trials."""
    spec = _spec(experiment)
    paths = [p.path for p in experiment.parameters]
    names = constraint_names(spec)
    rows = []
    for trial in study.get_trials(deepcopy=False):
        metrics = trial.user_attrs.get(METRICS_ATTR) or {}
        state = "abandoned" if trial.user_attrs.get(ABANDONED_ATTR) else STATES.get(trial.state, "other")
        row: dict[str, Any] = {
            "trial": trial.number,
            "state": state,
            "runs": int(trial.user_attrs.get(RUNS_ATTR, 0)),
            "error": trial.user_attrs.get(ERROR_ATTR),
        }
        row |= {p: trial.params.get(p) for p in paths}
        row |= {m: _number(metrics.get(m)) for m in spec.metrics()}
        row |= {n: _number(trial.constraints.get(n)) for n in names}
        row["feasible"] = feasible(trial)
        rows.append(row)
    columns = ["trial", "state", "runs", "error", *paths, *spec.metrics(), *names, "feasible"]
    table = pd.DataFrame(rows, columns=columns).astype({"feasible": bool})
    table["front"] = pareto_front(table, spec.cost_metric, spec.primary.metric, spec.primary.sign)
    return table


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def pareto_front(table: pd.DataFrame, cost: str, value: str, sign: float) -> np.ndarray:
    """True for the feasible complete trials no other such trial beats on both cost (lower is
    better) and `value` (higher is better when `sign` is +1): the cost-value Pareto front."""
    front = np.zeros(len(table), dtype=bool)
    if not len(table):
        return front
    ok = table[(table["state"] == "complete") & table["feasible"]]
    order = ok.assign(_score=sign * ok[value]).sort_values(
        [cost, "_score"], ascending=[True, False], kind="stable"
    )
    best = -math.inf
    positions = {label: i for i, label in enumerate(table.index)}
    for label, score in zip(order.index, order["_score"]):
        if score > best:
            front[positions[label]] = True
            best = score
    return front
