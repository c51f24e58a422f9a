"""A tiny observed group and FIT file for the calibration and forecast tests (seconds, not minutes)."""

from __future__ import annotations

from pathlib import Path

from sim.calibrate.model import replay_scenario
from sim.calibrate.recovery import observation_from_daily
from sim.observe.folder import write_tables
from sim.runner import run_scenario
from sim.scenario import apply_overrides, load_scenario

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "scenarios" / "lightly_run.yaml"
#: The small group: lightly run, 15 founders, observed for 21 days.
SMALL = {"population.initial_members": 15}
TRUTH = {"population.organic_prospects_per_day": 3.0, "behaviour.posting.chatter_rate.commenter": 0.6}
DAYS = 21

FIT = """\
name: tiny
parameters:
  population.organic_prospects_per_day: {{range: [0.5, 12], scale: log}}
  behaviour.posting.chatter_rate.commenter: {{range: [0.05, 2], scale: log}}
set: {{population.initial_members: 15}}
abc: {{population_size: {population}, max_generations: {generations}, min_acceptance_rate: 0.01}}
seed: {seed}
"""


def write_observation(folder: Path, truth: dict | None = None, seed: int = 11, days: int = DAYS) -> Path:
    """A simulated group with `truth`, as `groupsim observe` would have written it."""
    scenario = apply_overrides(load_scenario(BASE), {**SMALL, **(truth or TRUTH)})
    daily = run_scenario(replay_scenario(scenario, days), seed).daily
    folder.mkdir(parents=True, exist_ok=True)
    write_tables(observation_from_daily(daily), folder)
    return folder


def write_fit(
    folder: Path, population: int = 24, generations: int = 2, seed: int = 5, name: str = "fit.yaml"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(FIT.format(population=population, generations=generations, seed=seed), encoding="utf-8")
    return path


def calibrate_command(observed: Path, fit: Path, out: Path, *options: str) -> list[str]:
    """`groupsim calibrate` of `observed` on the test base scenario with `fit` into `out`."""
    return [
        "calibrate",
        str(observed),
        "--scenario",
        str(BASE),
        "--fit",
        str(fit),
        "--out",
        str(out),
        *options,
    ]


def forecast_command(folder: Path, out: Path, days: int, *options: str) -> list[str]:
    """`groupsim forecast` of the calibration in `folder` for `days` days into `out`, serially."""
    return ["forecast", str(folder), "--days", str(days), "--out", str(out), "--executor", "serial", *options]
