"""Forecasting a calibrated group: its next N days, doing nothing and with each lever, with honest bands.

**Conditioning on the history.** The model cannot be started from an observed state (it does not
know who the members are). Instead, each posterior particle is replayed with its parameters and
the seed of its accepted run: through the last observed day the replay *is* the trajectory that
matched the observation (`sim.calibrate.replay`), and it then simply continues. Over the posterior
draws, the forecast therefore mixes parameter uncertainty (the particles) and chance (each
particle's own future), conditioned on histories close to the observed one - what ABC's joint
posterior of parameters and trajectories says about the future.

**Levers** (`sim.calibrate.levers`) are timeline actions from the day after the last observed day.
Each lever is run with exactly the same particles and seeds as doing nothing (common random
numbers): the two runs are identical until the lever acts, so the paired difference per draw is
the lever's effect on that possible group, and far less noisy than comparing independent runs.

**Outcomes** over the forecast window (days last+1 .. last+N): whether the group is still alive on
its last day (survival), value contributors on the last day and on average over the window, value
posts, messages per day in its last week, and members. Per option: the mean (a probability for
survival) and the 5-95% range over the draws. Per lever: the expected gain against doing nothing,
with a 95% bootstrap interval over the draws (how sure the average is), the 10-90% range of the
per-draw gains (how much it varies between possible groups), and the shares of draws the lever
helps and hurts. Levers are ranked by the expected gain in mean value contributors over the window
(a group that dies has none, so this counts survival too), then by the gain in survival.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.daily import pad_to_horizon
from sim.batch.executors import BatchExecutor
from sim.batch.store import StoreError, replace_atomically
from sim.calibrate import folder as files
from sim.calibrate.folder import read_calibration_manifest
from sim.calibrate.levers import NOTHING, Lever, with_timeline
from sim.calibrate.model import replay_scenario
from sim.calibrate.replay import LazyExecutor, Replays, replay_job, run_replays
from sim.observe import load_observation
from sim.scenario import Scenario
from sim.sweep.experiment import Parameter

KIND = "forecast"
FORECAST_FILE = "forecast.json"
OUTCOMES_FILE = "outcomes.parquet"
RANKING_FILE = "levers.csv"
REPORT_FILE = "report.html"
CONFIDENCE = 0.95
RESAMPLES = 2000
BOOTSTRAP_TAG = 0xF0CA
#: Outcomes per run: (column, English, Chinese).
OUTCOMES = (
    ("alive_end", "still alive on the last day", "最后一天仍存活"),
    ("contributors_mean", "value contributors, mean over the forecast", "预测期平均价值贡献者"),
    ("contributors_end", "value contributors on the last day", "最后一天价值贡献者"),
    ("value_posts", "value posts over the forecast", "预测期价值内容数"),
    ("messages_per_day", "messages per day, last week", "最后一周日均消息"),
    ("members_end", "members on the last day", "最后一天成员数"),
)
PRIMARY, SECONDARY = "contributors_mean", "alive_end"


@dataclass(frozen=True)
class CalibratedGroup:
    """What a forecast needs from a calibration folder."""

    folder: Path
    base: Scenario
    parameters: tuple[Parameter, ...]
    posterior: pd.DataFrame
    observed: pd.DataFrame
    first_day: int
    last_day: int
    first_date: str | None
    seed: int
    name: str

    def date_of(self, day: int) -> str | None:
        if not self.first_date:
            return None
        return (date.fromisoformat(self.first_date) + timedelta(days=day - self.first_day)).isoformat()


def load_calibrated(folder: Path) -> CalibratedGroup:
    """Read a finished calibration folder; StoreError if it is not one (or not finished)."""
    folder = Path(folder)
    manifest = read_calibration_manifest(folder)
    missing = [
        n for n in (files.POSTERIOR_FILE, files.BASE_FILE, files.OBSERVED_FILE) if not (folder / n).is_file()
    ]
    if missing:
        raise StoreError(
            f"{folder} has no {', '.join(missing)}: the calibration has not finished; run it again"
        )
    details = manifest["details"]
    observation = load_observation(folder)
    return CalibratedGroup(
        folder=folder,
        base=Scenario.model_validate_json((folder / files.BASE_FILE).read_text(encoding="utf-8")),
        parameters=tuple(Parameter.from_dict(p) for p in details["fit"]["parameters"]),
        posterior=pd.read_parquet(folder / files.POSTERIOR_FILE),
        observed=observation.table,
        first_day=int(details["first_day"]),
        last_day=int(details["last_day"]),
        first_date=observation.meta.get("first_date"),
        seed=int(details["fit"]["seed"]),
        name=str(details["fit"]["name"]),
    )


def forecast_scenarios(group: CalibratedGroup, days: int, levers: list[Lever]) -> dict[str, Scenario]:
    """Doing nothing, and each lever, simulated through day last+days without stopping at death."""
    horizon = group.last_day + days
    nothing = replay_scenario(group.base, horizon)
    out = {NOTHING: nothing}
    for lever in levers:
        out[lever.name] = with_timeline(nothing, lever.timeline(group.last_day, days))
    return out


def forecast_job(group: CalibratedGroup, days: int, levers: list[Lever]):
    details = {
        "calibration": str(group.folder),
        "days": days,
        "last_observed_day": group.last_day,
        "levers": [{"name": lv.name, "en": lv.en, "zh": lv.zh, "actions": list(lv.actions)} for lv in levers],
    }
    return replay_job(
        KIND, forecast_scenarios(group, days, levers), group.posterior, group.parameters, group.seed, details
    )


def default_folder(group: CalibratedGroup, job) -> Path:
    return group.folder / f"forecast-{job.details['days']}d-{job.identity_hash()}"


def run_forecast(
    group: CalibratedGroup,
    days: int,
    levers: list[Lever],
    folder: Path,
    start_executor: Callable[[], BatchExecutor],
    *,
    on_start: Callable[[Any, BatchExecutor], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    overwrite: bool = False,
) -> dict[str, Any]:
    """Run (or resume) the forecast's replays into `folder`, then write outcomes, ranking and forecast.json.

    Raises StoreError (the folder holds something else, or is locked), ReplayError, BatchError and
    KeyboardInterrupt (finished runs are kept).
    """
    job = forecast_job(group, days, levers)
    executor = LazyExecutor(start_executor)
    try:
        replays = run_replays(
            job, Path(folder), executor, on_start=on_start, on_progress=on_progress, overwrite=overwrite
        )
    except BaseException:
        executor.abort()
        raise
    finally:
        executor.close()
    outcomes = run_outcomes(replays, group.last_day, days)
    summary = summarize_forecast(group, days, levers, outcomes)
    folder = Path(folder)
    replace_atomically(folder / OUTCOMES_FILE, lambda tmp: outcomes.to_parquet(tmp, index=False))
    ranking = pd.DataFrame(summary["ranking"])
    replace_atomically(folder / RANKING_FILE, lambda tmp: ranking.to_csv(tmp, index=False))
    text = json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    replace_atomically(folder / FORECAST_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    summary["ran"] = replays.ran
    return summary


def padded(daily: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Replays extended to `horizon` days: a run that ended early (a dissolved group) counts no
    activity, is not alive and keeps its last member count afterwards (`sim.batch.daily`)."""
    return pad_to_horizon(daily, horizon, run=("option", "particle"))


def run_outcomes(replays: Replays, last_day: int, days: int) -> pd.DataFrame:
    """One row per option and particle: the outcomes of its forecast window."""
    daily = padded(replays.daily, last_day + days)
    window = daily[(daily["day"] > last_day) & (daily["day"] <= last_day + days)]
    grouped = window.groupby(["option", "particle"], sort=False)
    last_week = window[window["day"] > last_day + days - 7].groupby(["option", "particle"], sort=False)
    end = window[window["day"] == last_day + days].set_index(["option", "particle"])
    out = pd.DataFrame(
        {
            "alive_end": end["alive"].astype(float),
            "contributors_mean": grouped["value_contributors"].mean(),
            "contributors_end": end["value_contributors"].astype(float),
            "value_posts": grouped["value_posts"].sum().astype(float),
            "messages_per_day": last_week["messages"].mean(),
            "members_end": end["members"].astype(float),
        }
    )
    return out.reset_index()


def _rng(seed: int, *names: str) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(BOOTSTRAP_TAG, *(zlib.crc32(n.encode()) for n in names)))
    )


def _spread(values: np.ndarray) -> dict[str, float]:
    return {
        "mean": float(values.mean()),
        "median": float(np.median(values)),
        "low": float(np.quantile(values, 0.05)),
        "high": float(np.quantile(values, 0.95)),
    }


def gain(diffs: np.ndarray, rng: np.random.Generator) -> dict[str, float]:
    """Expected gain with a bootstrap interval over the draws, its spread, and the shares better/worse."""
    n = diffs.size
    means = diffs[rng.integers(0, n, size=(RESAMPLES, n))].mean(axis=1)
    tail = (1 - CONFIDENCE) / 2
    return {
        "estimate": float(diffs.mean()),
        "low": float(np.quantile(means, tail)),
        "high": float(np.quantile(means, 1 - tail)),
        "p10": float(np.quantile(diffs, 0.10)),
        "p90": float(np.quantile(diffs, 0.90)),
        "better": float((diffs > 0).mean()),
        "worse": float((diffs < 0).mean()),
    }


def summarize_forecast(
    group: CalibratedGroup, days: int, levers: list[Lever], outcomes: pd.DataFrame
) -> dict[str, Any]:
    """The content of forecast.json: per option, per lever against doing nothing, ranking, sentences."""
    draws = group.posterior.set_index("particle")["draws"]
    options: dict[str, dict[str, Any]] = {}
    per_draw: dict[str, dict[str, np.ndarray]] = {}
    for option, rows in outcomes.groupby("option", sort=False):
        rows = rows.set_index("particle").loc[draws[draws > 0].index]
        repeat = draws[draws > 0].to_numpy()
        per_draw[str(option)] = {c: np.repeat(rows[c].to_numpy(dtype=float), repeat) for c, _, _ in OUTCOMES}
        options[str(option)] = {c: _spread(v) for c, v in per_draw[str(option)].items()}
    comparisons = []
    for lever in levers:
        entry = {"lever": lever.name, "en": lever.en, "zh": lever.zh, "gains": {}}
        for column, _, _ in OUTCOMES:
            diffs = per_draw[lever.name][column] - per_draw[NOTHING][column]
            entry["gains"][column] = gain(diffs, _rng(group.seed, lever.name, column))
        comparisons.append(entry)
    comparisons.sort(
        key=lambda c: (-c["gains"][PRIMARY]["estimate"], -c["gains"][SECONDARY]["estimate"], c["lever"])
    )
    summary = {
        "kind": KIND,
        "calibration": group.name,
        "days": days,
        "last_observed_day": group.last_day,
        "last_observed_date": group.date_of(group.last_day),
        "last_forecast_day": group.last_day + days,
        "last_forecast_date": group.date_of(group.last_day + days),
        "draws": int(draws.sum()),
        "particles": int((draws > 0).sum()),
        "outcomes": [{"column": c, "en": en, "zh": zh} for c, en, zh in OUTCOMES],
        "options": options,
        "levers": comparisons,
        "ranking": [_ranking_row(i + 1, c) for i, c in enumerate(comparisons)],
        "confidence": CONFIDENCE,
        "method": METHOD,
    }
    summary["sentences"] = forecast_sentences(summary)
    return summary


def _ranking_row(rank: int, c: dict[str, Any]) -> dict[str, Any]:
    primary, survival = c["gains"][PRIMARY], c["gains"][SECONDARY]
    return {
        "rank": rank,
        "lever": c["lever"],
        "contributors_gain": primary["estimate"],
        "contributors_gain_low": primary["low"],
        "contributors_gain_high": primary["high"],
        "share_better": primary["better"],
        "survival_gain": survival["estimate"],
        "survival_gain_low": survival["low"],
        "survival_gain_high": survival["high"],
        "verdict": verdict(primary),
    }


def verdict(g: dict[str, float]) -> str:
    """helps / hurts when the 95% interval of the expected gain excludes zero, else unclear."""
    if g["low"] > 0:
        return "helps"
    if g["high"] < 0:
        return "hurts"
    return "unclear"


METHOD = {
    "conditioning": "Each posterior particle is replayed with its parameters and the seed of its accepted run: through "
    "the last observed day the replay is the trajectory that matched the observation, and it then continues. "
    "Bands mix parameter uncertainty and chance, conditioned on histories close to the observed one.",
    "levers": "Every lever runs with the same particles and seeds as doing nothing (common random numbers); a lever's "
    "effect is the paired difference per draw.",
    "intervals": "Per option: the mean and the 5-95% range over the posterior draws. Per lever: the expected gain with "
    "a 95% bootstrap interval over the draws, the 10-90% range of per-draw gains, and the shares of draws "
    "it helps and hurts. 'helps' / 'hurts' when the interval excludes zero, else 'unclear'.",
    "ranking": "By the expected gain in value contributors averaged over the forecast (a dead group has none), then by "
    "the gain in survival.",
    "caveat": "A forecast is the calibrated model's: levers act through the model's mechanisms (docs/model.md) with "
    "the fitted parameters; what the data did not pin down is averaged over its prior range.",
}


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _signed(x: float, digits: int = 1) -> str:
    return f"{x:+.{digits}f}"


def forecast_sentences(summary: dict[str, Any]) -> dict[str, list[str]]:
    nothing = summary["options"][NOTHING]
    end_day, end_date = summary["last_forecast_day"], summary["last_forecast_date"]
    when_en = f"day {end_day}" + (f" ({end_date})" if end_date else "")
    when_zh = f"第 {end_day} 天" + (f"（{end_date}）" if end_date else "")
    alive, contributors = nothing["alive_end"]["mean"], nothing["contributors_end"]
    en = [
        f"If nothing changes, the group is still alive on {when_en} in {_pct(alive)} of the posterior draws, with "
        f"{contributors['median']:.0f} value contributors (median; 90% range {contributors['low']:.0f}–{contributors['high']:.0f})."
    ]
    zh = [
        f"如果什么都不做，{when_zh}时该群在 {_pct(alive)} 的后验抽样中仍然存活，价值贡献者中位数 {contributors['median']:.0f} 人"
        f"（90% 范围 {contributors['low']:.0f}–{contributors['high']:.0f}）。"
    ]
    levers = summary["levers"]
    if levers:
        best = levers[0]
        g, s = best["gains"][PRIMARY], best["gains"][SECONDARY]
        en.append(
            f"Best lever: {best['lever']}{' (' + best['en'] + ')' if best['en'] else ''}: {_signed(g['estimate'])} value "
            f"contributors on average over the next {summary['days']} days (95% CI {_signed(g['low'])} to "
            f"{_signed(g['high'])}; better in {_pct(g['better'])} of draws), survival {_signed(100 * s['estimate'], 0)} points."
        )
        zh.append(
            f"最佳杠杆：{best['lever']}{'（' + best['zh'] + '）' if best['zh'] else ''}：未来 {summary['days']} 天平均价值贡献者"
            f" {_signed(g['estimate'])} 人（95% 置信区间 {_signed(g['low'])} 至 {_signed(g['high'])}；{_pct(g['better'])} 的抽样中更好），"
            f"存活概率 {_signed(100 * s['estimate'], 0)} 个百分点。"
        )
        unclear = [c["lever"] for c in levers if verdict(c["gains"][PRIMARY]) == "unclear"]
        hurts = [c["lever"] for c in levers if verdict(c["gains"][PRIMARY]) == "hurts"]
        if unclear:
            en.append(f"No clear effect (the interval includes zero): {', '.join(unclear)}.")
            zh.append(f"效果不明确（区间包含零）：{'、'.join(unclear)}。")
        if hurts:
            en.append(f"Worse than doing nothing: {', '.join(hurts)}.")
            zh.append(f"比什么都不做更差：{'、'.join(hurts)}。")
    return {"en": en, "zh": zh}
