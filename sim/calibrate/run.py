"""Calibrating the model to an observed group: ABC-SMC (pyabc) on the project's executors, resumable.

`prepare(observation, base, fit)` checks that the FIT can be matched to the observation and builds
the simulator; `run_calibration(calibration, folder, start_executor)` runs (or resumes, or
continues) the ABC-SMC and writes the folder's outputs (`sim.calibrate.folder`).

The method (docs/calibration.md): uniform priors on the unit cube of the fitted parameters
(`sim.calibrate.model`); summary statistics of the observed series (`sim.calibrate.statistics`);
pyabc's `AdaptivePNormDistance` (p = 1) with `pcmad` scales, refitted every generation from all
simulations (Prangle 2017; Schaelte et al. 2022, robust to statistics the model cannot reach); the
median of the last generation's distances as the next tolerance; a multivariate normal kernel;
generations until a stopping rule of the FIT file's `abc:` section holds. Simulations run on the
deterministic sampler of `sim.calibrate.sampler`.

**Resume.** pyabc writes every finished generation to `abc.db`. After Ctrl-C, a kill or a crash,
the same command loads the history and continues with the next generation (a generation in
progress is lost; finished ones never are). Raising `max_generations` or `max_simulations` in the
FIT file continues a finished calibration the same way. A resumed run continues correctly but is
not bit-identical to an uninterrupted one: pyabc re-initialises the adaptive distance and the
tolerance from the stored population (accepted particles only) instead of the full last sample.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import __version__
from sim.batch.executors import BatchExecutor
from sim.batch.worker import worker_name
from sim.calibrate import folder as files
from sim.calibrate.fit import Fit, observed_statistics_columns
from sim.calibrate.folder import CalibrationFolder
from sim.calibrate.model import CalibrationModel, replay_scenario
from sim.calibrate.posterior import (
    calibrated_scenario,
    generations_table,
    parameter_summaries,
    pinned_sentences,
    posterior_table,
    predictive_bands,
    scenario_yaml,
)
from sim.calibrate.replay import LazyExecutor, Replays, replay_job, run_replays
from sim.calibrate.sampler import GenerationProgress, OrderedBatchSampler, calibration_fingerprint
from sim.calibrate.statistics import FLOWS, Statistics, observable_daily, observed_view, simulated_view
from sim.observe import Observation
from sim.outputs import slug
from sim.scenario import Problem, Scenario, ScenarioError, apply_overrides, scenario_hash

KIND = "calibration"
#: Fewest observed days a calibration accepts (two windows of a week).
MIN_DAYS = 14
#: pyabc's run id in abc.db (one calibration per database).
RUN_ID = 1


class CalibrationError(Exception):
    """The calibration cannot give a result; worded for the user."""


@dataclass(frozen=True)
class Calibration:
    """A checked calibration: the observation, the base (with the FIT's fixed changes), the FIT and
    the simulator; `observed` is the observation's statistics vector."""

    observation: Observation
    base: Scenario
    base_source: str
    fit: Fit
    model: CalibrationModel
    observed: np.ndarray

    def identity(self) -> dict[str, Any]:
        """What must match for a folder to be continued by this calibration."""
        import pyabc.version

        return {
            "kind": KIND,
            "observation": self.observation.meta["table_sha256"],
            "days": [self.model.first_day, self.model.last_day],
            "base": {"name": self.base.name, "hash": scenario_hash(self.base)},
            "fit": self.fit.hash(),
            "code_fingerprint": calibration_fingerprint(),
            "version": __version__,
            "pyabc": pyabc.version.__version__,
        }

    def details(self) -> dict[str, Any]:
        """What the forecast and the report need to know (stored in the manifest)."""
        return {
            "fit": {"name": self.fit.name, "file": str(self.fit.source), **self.fit.definition()},
            "base_file": self.base_source,
            "first_day": self.model.first_day,
            "last_day": self.model.last_day,
            "observed_columns": list(self.model.statistics.columns),
            "statistics": {"labels": self.model.statistics.labels(), "observed": self.observed.tolist()},
            "abc": self.fit.abc.model_dump(mode="json"),
            "method": METHOD,
        }


METHOD = {
    "priors": "Uniform on each fitted parameter's range (log-uniform with scale: log; every whole number "
    "equally likely for int parameters); ABC works in the unit cube of these priors.",
    "statistics": "Per matched column, log(1 + mean) over consecutive windows of the observed days (a week, longer "
    "for a sparse flow so that a window holds about min_events events), and for the flows the dispersion "
    "log((variance + 1) / (mean + 1)); only observed days count, in the simulation too.",
    "distance": "pyabc AdaptivePNormDistance, p = 1, scales by pcmad (median absolute deviation, plus the "
    "deviation from the observation where the simulations miss it), refitted every generation from all "
    "simulations (Prangle 2017; Schaelte et al. 2022).",
    "algorithm": "ABC-SMC (pyabc 0.13): tolerance = median distance of the previous generation, multivariate "
    "normal perturbation kernel, importance weights prior / proposal.",
    "sampler": "Candidate i of generation t is seeded from SeedSequence(seed, (TAG, t + 1, i)) and a generation "
    "keeps candidates in index order up to the n-th acceptance: the posterior does not depend on the executor "
    "or the number of workers. A resumed run continues correctly but is not bit-identical to an "
    "uninterrupted one (pyabc re-initialises the adaptive distance from the stored population).",
    "draws": "Posterior summaries, bands and forecasts use an equally weighted sample of the last generation "
    "(systematic resampling of the particle weights, as many draws as particles).",
    "replay": "Each particle is replayed with its parameters and the seed of its accepted run; the replay "
    "reproduces the accepted trajectory exactly (checked), so predictive bands and forecasts start from "
    "trajectories that matched the observation.",
}


def prepare(observation: Observation, base: Scenario, base_source: str, fit: Fit) -> Calibration:
    """Check that `fit` can be matched to `observation`; ScenarioError (FIT or observation located) if not."""
    columns, missing = observed_statistics_columns(fit, observation.observed_columns())
    shown = str(fit.source)
    if missing:
        raise ScenarioError(
            [
                Problem(
                    shown,
                    None,
                    "statistics.columns",
                    f"{', '.join(missing)} not observed in this history (it has "
                    f"{', '.join(observation.observed_columns()) or 'no counts'})",
                )
            ]
        )
    if not columns:
        raise ScenarioError([Problem(shown, None, "statistics", "the observation has no counts to match")])
    if observation.days < MIN_DAYS:
        raise ScenarioError(
            [
                Problem(
                    str(observation.meta.get("source", {}).get("file", "observation")),
                    None,
                    "",
                    f"only {observation.days} days observed; a calibration needs at least {MIN_DAYS}",
                )
            ]
        )
    fixed = apply_overrides(base, fit.fixed)
    statistics = Statistics.for_observation(
        observation.table, columns, fit.statistics.window_days, fit.statistics.min_events
    )
    model = CalibrationModel(
        replay_scenario(fixed, observation.last_day),
        fit.parameters,
        statistics,
        observation.first_day,
        observation.last_day,
    )
    observed = statistics.compute(observed_view(observation.table))
    return Calibration(observation, fixed, base_source, fit, model, observed)


def founding_note(calibration: Calibration) -> str | None:
    """A hint when the base founds the group far from the observed first-day size (None if it looks fine).

    The base founds a group with its owner, admins, KOLs and `population.initial_members`; if the
    history starts at founding and its first day shows a very different member count, the fit has
    to bend other parameters to make up for it.
    """
    table, base = calibration.observation.table, calibration.base
    if calibration.model.first_day != 1 or pd.isna(table["members"].iloc[0]):
        return None
    observed = int(table["members"].iloc[0]) - int(table["joins"].fillna(0).iloc[0])
    founders = 1 + base.rules.admins + base.kol.count + base.population.initial_members
    if abs(observed - founders) <= max(3, 0.25 * founders):
        return None
    suggested = max(0, observed - 1 - base.rules.admins - base.kol.count)
    return (
        f"the base scenario founds the group with {founders} accounts (owner, {base.rules.admins} admins, "
        f"{base.kol.count} KOLs, {base.population.initial_members} founding members) but the history has about "
        f"{observed} on its first day; consider set: {{population.initial_members: {suggested}}} in the FIT file"
    )


def default_folder(calibration: Calibration, root: Path = Path("results")) -> Path:
    """Where a calibration writes without --out (the same command finds the same folder)."""
    identity = calibration.identity()
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()[:8]
    return root / f"calibrate-{slug(calibration.fit.name)}-seed{calibration.fit.seed}-{digest}"


@dataclass(frozen=True)
class CalibrationRun:
    """How `run_calibration` ended: the folder, its summary, and this session's work."""

    folder: Path
    summary: dict[str, Any]
    generations_run: int
    simulations: int
    seconds: float
    resumed_from: int  # generations already in the folder when this session started
    worker_cpu_seconds: float = 0.0  # CPU the workers got this session (over `seconds`: cores obtained)


def run_calibration(
    calibration: Calibration,
    folder: Path,
    start_executor: Callable[[], BatchExecutor],
    *,
    overwrite: bool = False,
    on_progress: Callable[[GenerationProgress], None] | None = None,
    on_start: Callable[[int, BatchExecutor | None], None] | None = None,
    on_replays: Callable[[Any], None] | None = None,
) -> CalibrationRun:
    """Run, resume or continue the calibration in `folder`, then write its outputs (not the report).

    Raises StoreError (another calibration in the folder, or locked), SamplerError, ReplayError,
    CalibrationError and KeyboardInterrupt (finished generations are kept).
    """
    started, session = time.perf_counter(), {"started": files.now(), "host": worker_name()}
    executor = LazyExecutor(start_executor)
    with CalibrationFolder(folder).open(
        calibration.identity(), calibration.details(), overwrite=overwrite
    ) as place:
        _write_inputs(place, calibration)
        sampler_box: dict[str, OrderedBatchSampler] = {}
        before = _generations_done(place)
        try:
            if _abc_needed(place, calibration.fit):
                sampler = OrderedBatchSampler(executor.get(), calibration.fit.seed, on_progress)
                sampler_box["sampler"] = sampler
                if on_start is not None:
                    on_start(before, executor.started)
                reason = _run_abc(calibration, place, sampler)
                place.set_status({"finished": True, "stopped_by": reason, "rules": _rules(calibration.fit)})
            sampler = sampler_box.get("sampler")
            this_session = (
                (sampler.simulations, sampler.worker_seconds, sampler.worker_cpu_seconds)
                if sampler
                else (0, 0.0, 0.0)
            )
            summary = _outputs(calibration, place, executor, on_replays, this_session)
        except BaseException as exc:
            executor.abort()
            _log(place, session, executor, sampler_box, before, started, interrupted=True, error=exc)
            raise
        else:
            _log(place, session, executor, sampler_box, before, started, interrupted=False)
        finally:
            executor.close()
    sampler = sampler_box.get("sampler")
    return CalibrationRun(
        Path(folder),
        summary,
        _generations_done_from(summary) - before,
        sampler.simulations if sampler else 0,
        time.perf_counter() - started,
        before,
        sampler.worker_cpu_seconds if sampler else 0.0,
    )


def _rules(fit: Fit) -> dict[str, Any]:
    return fit.abc.model_dump(mode="json")


def _write_inputs(place: CalibrationFolder, calibration: Calibration) -> None:
    place.write_parquet(calibration.observation.table, files.OBSERVED_FILE)
    place.write_text(
        json.dumps(calibration.observation.meta, indent=2, ensure_ascii=False) + "\n", files.OBSERVATION_FILE
    )
    place.write_text(calibration.fit.text, files.FIT_FILE)
    place.write_text(calibration.base.model_dump_json(indent=2) + "\n", files.BASE_FILE)


def _db_url(place: CalibrationFolder) -> str:
    return f"sqlite:///{place.path(files.DB_FILE).resolve()}"


def _generations_done(place: CalibrationFolder) -> int:
    """Generations stored in abc.db (0 if there is none yet)."""
    path = place.path(files.DB_FILE)
    if not path.exists():
        return 0
    try:
        with sqlite3.connect(path) as connection:
            row = connection.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def _generations_done_from(summary: dict[str, Any]) -> int:
    return int(summary["diagnostics"]["generations"])


def _abc_needed(place: CalibrationFolder, fit: Fit) -> bool:
    """False if the stored calibration already stopped under the same rules."""
    status = place.status
    return not (status.get("finished") and status.get("rules") == _rules(fit))


def _quiet_pyabc() -> None:
    logging.getLogger("ABC").setLevel(logging.WARNING)


def _run_abc(calibration: Calibration, place: CalibrationFolder, sampler: OrderedBatchSampler) -> str:
    """Start or continue pyabc's ABC-SMC in the folder's database; returns why it stopped."""
    import pyabc

    _quiet_pyabc()
    fit, rules = calibration.fit, calibration.fit.abc
    prior = pyabc.Distribution(**{name: pyabc.RV("uniform", 0.0, 1.0) for name in calibration.model.names})
    distance = pyabc.AdaptivePNormDistance(p=1, scale_function=pyabc.distance.pcmad)
    abc = pyabc.ABCSMC(
        calibration.model, prior, distance, population_size=rules.population_size, sampler=sampler
    )
    np.random.seed(np.random.SeedSequence(fit.seed).generate_state(4))  # pyabc's own draws in this process
    url = _db_url(place)
    if _has_run(place):
        abc.load(url, RUN_ID)
    else:
        place.path(files.DB_FILE).unlink(missing_ok=True)
        abc.new(url, {"stats": calibration.observed})
    history = abc.history
    # pyabc checks max_total_nr_simulations only after a generation; cap each generation by what is
    # left, so a hopeless last generation cannot run far past the budget
    sampler.budget = lambda: rules.max_simulations - abc.history.total_nr_simulations
    remaining = rules.max_generations - history.n_populations
    if remaining <= 0:
        return "generations"
    if history.total_nr_simulations >= rules.max_simulations:
        return "simulations"
    abc.run(
        minimum_epsilon=rules.minimum_epsilon,
        max_nr_populations=remaining,
        min_acceptance_rate=rules.min_acceptance_rate,
        max_total_nr_simulations=rules.max_simulations,
        max_walltime=timedelta(minutes=rules.max_minutes) if rules.max_minutes else None,
    )
    if sampler.cut_by_budget:
        return "simulations"
    return _stop_reason(abc.history, rules)


def _has_run(place: CalibrationFolder) -> bool:
    path = place.path(files.DB_FILE)
    if not path.exists():
        return False
    try:
        with sqlite3.connect(path) as connection:
            row = connection.execute("SELECT COUNT(*) FROM abc_smc WHERE id = ?", (RUN_ID,)).fetchone()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def _stop_reason(history: Any, rules: Any) -> str:
    generations = history.n_populations
    if generations >= rules.max_generations:
        return "generations"
    if history.total_nr_simulations >= rules.max_simulations:
        return "simulations"
    table = generations_table(history)
    if len(table) and rules.minimum_epsilon and table["epsilon"].iloc[-1] <= rules.minimum_epsilon:
        return "tolerance"
    if len(table) and table["acceptance_rate"].iloc[-1] < rules.min_acceptance_rate:
        return "acceptance"
    if rules.max_minutes:
        return "time"
    return "acceptance"  # a generation could not reach its acceptances within pop/min_acceptance_rate


def _log(place, session, executor, sampler_box, before, started, *, interrupted: bool, error=None) -> None:
    sampler = sampler_box.get("sampler")
    entry = {
        **session,
        "executor": executor.description or "none (nothing to run)",
        "generations_before": before,
        "generations_after": _generations_done(place),
        "simulations": sampler.simulations if sampler else 0,
        "worker_seconds": round(sampler.worker_seconds, 3) if sampler else 0.0,
        "worker_cpu_seconds": round(sampler.worker_cpu_seconds, 3) if sampler else 0.0,
        "seconds": round(time.perf_counter() - started, 3),
        "interrupted": interrupted,
    }
    if error is not None and not isinstance(error, KeyboardInterrupt):
        entry["error"] = str(error)[:500]
    place.log_session(entry)


# ------------------------------------------------------------------------------ outputs


def _outputs(
    calibration: Calibration,
    place: CalibrationFolder,
    executor: LazyExecutor,
    on_replays: Callable | None,
    session: tuple[int, float, float],
) -> dict[str, Any]:
    """posterior, generations, predictive replays and bands, calibrated.yaml and summary.json.

    `session` is this session's (simulations, worker seconds, worker CPU seconds), added to those
    of earlier sessions.
    """
    import pyabc

    _quiet_pyabc()
    history = pyabc.History(_db_url(place), _id=RUN_ID)
    if history.n_populations == 0:
        raise CalibrationError(
            "no generation could be completed: too few simulations came close to the observation. "
            "Widen the prior ranges, fit other parameters, or lower abc.min_acceptance_rate"
        )
    model, fit = calibration.model, calibration.fit
    posterior = posterior_table(history, model, fit.seed)
    generations = generations_table(history)
    place.write_parquet(posterior, files.POSTERIOR_FILE)
    place.write_parquet(generations, files.GENERATIONS_FILE)
    replays = run_replays(
        replay_job("calibration-replay", {"observed": model.scenario}, posterior, model.parameters, fit.seed),
        place.path(files.PREDICTIVE_DIR),
        executor,
        on_progress=on_replays,
    )
    stored = {
        i: np.asarray(p.sum_stat["stats"])
        for i, p in enumerate(history.get_population(t=history.max_t).particles)
    }
    check = replay_check(replays, model, stored)
    observable = observable_daily(replays.daily).assign(particle=replays.daily["particle"].to_numpy())
    draws = posterior.set_index("particle")["draws"]
    bands = predictive_bands(observable, draws, list(model.statistics.columns))
    place.write_parquet(bands, files.BANDS_FILE)
    summaries = parameter_summaries(posterior, model.parameters)
    scenario = calibrated_scenario(calibration.base, summaries)
    place.write_text(scenario_yaml(scenario, _yaml_header(calibration, summaries)), files.CALIBRATED_FILE)
    summary = _summary(calibration, place, posterior, generations, summaries, check, bands, history, session)
    place.write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=_json_default) + "\n", files.SUMMARY_FILE
    )
    return summary


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def replay_check(replays: Replays, model: CalibrationModel, stored: dict[int, np.ndarray]) -> dict[str, Any]:
    """Do the replays reproduce the statistics of the accepted runs? (They must, exactly.)"""
    worst = 0.0
    for particle, daily in replays.daily.groupby("particle", sort=True):
        stats = model.statistics.compute(simulated_view(daily, model.first_day, model.last_day))
        worst = max(worst, float(np.max(np.abs(stats - stored[int(particle)])))) if stats.size else worst
    return {
        "particles": int(replays.daily["particle"].nunique()),
        "max_difference": worst,
        "identical": worst == 0.0,
    }


def coverage(observation: Observation, bands: pd.DataFrame) -> dict[str, float]:
    """Per matched column, the share of observed days inside the 90% posterior-predictive band."""
    out = {}
    view = observed_view(observation.table)
    days = observation.table["day"].to_numpy()
    for column, band in bands.groupby("column", sort=False):
        band = band.set_index("day").reindex(days)
        values = view[column]
        known = ~np.isnan(values)
        inside = (values >= band["q05"].to_numpy()) & (values <= band["q95"].to_numpy())
        out[str(column)] = float(inside[known].mean()) if known.any() else float("nan")
    return out


def _summary(
    calibration, place, posterior, generations, summaries, check, bands, history, session
) -> dict[str, Any]:
    rules = calibration.fit.abc
    calibration_sample = history.get_all_populations()
    pre = calibration_sample[calibration_sample["t"] < 0]["samples"]
    sessions = place.manifest.get("sessions", [])
    return {
        "kind": KIND,
        "name": calibration.fit.name,
        "base": calibration.base.name,
        "observed": {
            "first_day": calibration.model.first_day,
            "last_day": calibration.model.last_day,
            "days": calibration.observation.days,
            "first_date": calibration.observation.meta.get("first_date"),
            "last_date": calibration.observation.meta.get("last_date"),
            "columns": list(calibration.model.statistics.columns),
            "flows": [c for c in calibration.model.statistics.columns if c in FLOWS],
        },
        "parameters": summaries,
        "sentences": pinned_sentences(summaries),
        "diagnostics": {
            "generations": int(len(generations)),
            "final_epsilon": float(generations["epsilon"].iloc[-1]),
            "final_acceptance_rate": float(generations["acceptance_rate"].iloc[-1]),
            "final_ess": float(generations["ess"].iloc[-1]),
            "population_size": rules.population_size,
            "simulations": int(generations["simulations"].sum() + (int(pre.sum()) if len(pre) else 0)),
            "calibration_sample": int(pre.sum()) if len(pre) else 0,
            "simulations_run": int(sum(s.get("simulations", 0) for s in sessions) + session[0]),
            "worker_seconds": float(sum(s.get("worker_seconds", 0.0) for s in sessions) + session[1]),
            "worker_cpu_seconds": float(sum(s.get("worker_cpu_seconds", 0.0) for s in sessions) + session[2]),
            "stopped_by": place.status.get("stopped_by"),
            "statistics": len(calibration.observed),
        },
        "replay_check": check,
        "predictive_coverage": coverage(calibration.observation, bands),
        "method": METHOD,
        "identity": place.manifest["identity"],
    }


def _yaml_header(calibration: Calibration, summaries: list[dict[str, Any]]) -> str:
    lines = [
        f"Calibrated by groupsim calibrate ({calibration.fit.name}) to days {calibration.model.first_day}-"
        f"{calibration.model.last_day} of an observed group.",
        f"Base: {calibration.base.name} ({calibration.base_source}); every fitted parameter is at its posterior median:",
    ]
    for s in summaries:
        lines.append(
            f"  {s['path']}: {s['median']}  (90% interval {s['low']} to {s['high']}; {s['verdict']})"
        )
    lines.append("Run it with: groupsim run calibrated.yaml")
    return "\n".join(lines)
