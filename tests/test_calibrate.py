"""`groupsim calibrate`: outputs, exact replays, determinism across executors, resume, FIT errors, recovery."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from calibrate_support import BASE, ROOT, TRUTH, write_fit, write_observation
from typer.testing import CliRunner

from sim.calibrate.fit import load_fit
from sim.calibrate.recovery import coverage_table, recover_group
from sim.calibrate.statistics import Statistics, windows
from sim.cli.common import app
from sim.scenario import load_scenario

runner = CliRunner()


def calibrate(observed: Path, fit: Path, out: Path, *extra: str):
    return runner.invoke(
        app,
        ["calibrate", str(observed), "--scenario", str(BASE), "--fit", str(fit), "--out", str(out), *extra],
    )


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """One finished tiny calibration (serial): its observation, FIT and folder."""
    root = tmp_path_factory.mktemp("tiny")
    observed, fit = write_observation(root / "observed"), write_fit(root)
    result = calibrate(observed, fit, root / "cal", "--executor", "serial")
    assert result.exit_code == 0, result.output
    return observed, fit, root / "cal"


def test_a_calibration_writes_the_posterior_the_calibrated_scenario_and_a_bilingual_report(tiny):
    _, _, folder = tiny
    for name in ("posterior.parquet", "generations.parquet", "predictive.parquet", "calibrated.yaml", "summary.json",
                 "report.html", "abc.db", "observed.parquet", "fit.yaml", "base.json"):  # fmt: skip
        assert (folder / name).is_file(), name
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    posterior = pd.read_parquet(folder / "posterior.parquet")
    assert len(posterior) == 24 and posterior["draws"].sum() == 24
    assert np.isclose(posterior["weight"].sum(), 1.0)
    assert (
        summary["diagnostics"]["generations"] == 2 and summary["diagnostics"]["stopped_by"] == "generations"
    )
    calibrated = load_scenario(folder / "calibrated.yaml")  # loadable as any scenario
    for p in summary["parameters"]:
        path = p["path"].split(".")
        value = calibrated
        for part in path:
            value = getattr(value, part)
        assert value == pytest.approx(p["median"])
    assert calibrated.population.initial_members == 15  # the FIT's fixed change is kept
    report = (folder / "report.html").read_text(encoding="utf-8")
    assert "Posterior marginals" in report and "后验边缘分布" in report
    assert (
        summary["sentences"]["en"].startswith("The observed history")
        and "观测到的历史" in summary["sentences"]["zh"]
    )


def test_replaying_a_particle_with_its_seed_reproduces_its_accepted_run_exactly(tiny):
    summary = json.loads((tiny[2] / "summary.json").read_text(encoding="utf-8"))
    assert summary["replay_check"] == {"particles": summary["replay_check"]["particles"], "max_difference": 0.0,
                                       "identical": True}  # fmt: skip
    assert summary["replay_check"]["particles"] >= 10


def test_the_posterior_does_not_depend_on_the_executor_or_the_number_of_workers(tiny, tmp_path):
    observed, fit, folder = tiny
    result = calibrate(observed, fit, tmp_path / "local", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert pd.read_parquet(tmp_path / "local" / "posterior.parquet").equals(
        pd.read_parquet(folder / "posterior.parquet")
    )


def test_rerunning_a_finished_calibration_simulates_nothing_and_more_generations_continue_it(tiny, tmp_path):
    observed, fit, folder = tiny
    copy = tmp_path / "cal"
    subprocess.run(["cp", "-r", str(folder), str(copy)], check=True)
    again = calibrate(observed, fit, copy, "--executor", "serial")
    assert again.exit_code == 0, again.output
    sessions = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert sessions[-1]["simulations"] == 0 and sessions[-1]["generations_after"] == 2
    more = write_fit(tmp_path, generations=3)
    longer = calibrate(observed, more, copy, "--executor", "serial")
    assert longer.exit_code == 0, longer.output
    before = pd.read_parquet(folder / "generations.parquet")
    after = pd.read_parquet(copy / "generations.parquet")
    assert len(after) == 3 and after.iloc[:2].equals(before)  # the stored generations are kept as they were


def test_a_folder_holding_another_calibration_is_refused_unless_overwrite(tiny, tmp_path):
    observed, _, folder = tiny
    copy = tmp_path / "cal"
    subprocess.run(["cp", "-r", str(folder), str(copy)], check=True)
    other = write_fit(tmp_path, seed=6)
    refused = calibrate(observed, other, copy, "--executor", "serial")
    assert refused.exit_code == 2 and "holds another calibration" in flat(refused.output)
    assert "FIT file" in flat(refused.output)


def _generations(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_a_calibration_killed_with_sigkill_resumes_from_its_last_generation(tmp_path):
    observed = write_observation(tmp_path / "observed")
    fit = write_fit(tmp_path, population=30, generations=3)
    out = tmp_path / "cal"
    command = [sys.executable, "-m", "sim", "calibrate", str(observed), "--scenario", str(BASE), "--fit", str(fit),
               "--out", str(out), "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip
    try:
        deadline = time.monotonic() + 300
        while _generations(out / "abc.db") < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert proc.poll() is None, "the calibration finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    kept = _generations(out / "abc.db")
    assert 1 <= kept < 3
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"Resuming: {kept} generations already done" in flat(resumed.stdout)
    sessions = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert sessions[-1]["generations_before"] == kept and sessions[-1]["generations_after"] == 3
    assert len(pd.read_parquet(out / "generations.parquet")) == 3


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "parameters: {population.organic_prospect_per_day: {range: [1, 5]}}",
            "did you mean 'population.organic_prospects_per_day'",
        ),
        (
            "parameters: {positioning.focus: {range: [0.2, 1.5]}}",
            "fit.yaml:1: parameters.positioning.focus.range: [0.2, 1.5] is outside the bounds",
        ),
        ("parameters: {positioning.focus: [0.2, 0.5]}", "expected a prior range"),
        ("parameters: {positioning.focus: {levels: [0.2, 0.5]}}", "give {range: [low, high]}, not levels"),
        ("parameters: {kol.count: {range: [0.5, 3]}}", "whole number"),
        ("parameters: {positioning.focus: {range: [0, 0.5], scale: log}}", "a log scale needs low > 0"),
        ("parameters: {horizon.days: {range: [10, 20]}}", "cannot be fitted"),
        (
            "parameters: {positioning.focus: {range: [0.2, 0.5]}}\nset: {positioning.focus: 0.3}",
            "fix it or fit it, not both",
        ),
        ("parameters: {positioning.focus: {range: [0.2, 0.5]}}\nset: {kol.cuont: 2}", "set.kol.cuont"),
        (
            "parameters: {positioning.focus: {range: [0.2, 0.5]}}\nabc: {population_size: 3}",
            "fit.yaml:2: abc.population_size",
        ),
        (
            "parameters: {positioning.focus: {range: [0.2, 0.5]}}\nstatistics: {columns: [value_posts]}",
            "value_posts not observed",
        ),
        (
            "parameters: {positioning.focus: {range: [0.2, 0.5]}}\nabcd: {}",
            "unknown field 'abcd'; did you mean 'abc'?",
        ),
        ("parameters: {}", "name at least one parameter"),
        ("parameters: [", "malformed YAML"),
    ],
)
def test_bad_fit_files_get_a_located_message_and_exit_code_2(tiny, tmp_path, text, expected):
    path = tmp_path / "fit.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    result = calibrate(tiny[0], path, tmp_path / "cal")
    assert result.exit_code == 2, result.output
    assert expected in flat(result.output)
    assert "Traceback" not in result.output


def test_a_missing_observation_or_scenario_is_refused_clearly(tiny, tmp_path):
    result = calibrate(tmp_path / "nothing", tiny[1], tmp_path / "cal")
    assert result.exit_code == 2 and "run `groupsim observe FILE` first" in flat(result.output)
    bad = runner.invoke(
        app, ["calibrate", str(tiny[0]), "--scenario", str(tmp_path / "base.yaml"), "--fit", str(tiny[1])]
    )
    assert bad.exit_code == 2 and "file not found" in flat(bad.output)


def test_statistics_read_only_the_observed_days_and_windows_absorb_a_short_tail():
    assert windows(16, 7) == ((0, 7), (7, 16))  # a 2-day tail joins the last week
    assert windows(18, 7) == ((0, 7), (7, 14), (14, 18))
    table = pd.DataFrame({"day": range(1, 15), "messages": pd.array([1] * 7 + [pd.NA] * 7, dtype="Int64")})
    for column in ("members", "joins", "leaves", "speakers", "value_posts"):
        table[column] = pd.array([pd.NA] * 14, dtype="Int64")
    stats = Statistics.for_observation(table, ["messages"], 7)
    assert stats.labels() == [
        "messages days 1-7",
        "messages dispersion",
    ]  # the unobserved week is not a statistic
    series = {
        "messages": np.r_[np.ones(7), np.full(7, 50.0)]
    }  # what a simulation does on unobserved days is ignored
    assert np.allclose(stats.compute(series), [np.log(2.0), np.log(0.5)])  # steady: (0 + 1) / (1 + 1)


def test_parameters_are_recovered_from_small_synthetic_groups(tmp_path):
    """A small recovery study: arrivals are pinned down and their 90% intervals hold the truth."""
    base = load_scenario(BASE)
    fit = load_fit(write_fit(tmp_path, population=40, generations=3), base)
    truths = [
        {"population.organic_prospects_per_day": v, "behaviour.posting.chatter_rate.commenter": c}
        for v, c in ((1.2, 0.3), (3.0, 0.6), (7.0, 1.2))
    ]
    from sim.batch import make_executor

    results = [
        recover_group(g, truth, base, fit, 28, tmp_path / f"g{g}", lambda: make_executor("serial"), seed=3)
        for g, truth in enumerate(truths)
    ]
    coverage = coverage_table(results).set_index("parameter")
    arrivals = coverage.loc["population.organic_prospects_per_day"]
    assert arrivals["coverage"] == 1.0 and arrivals["width_ratio"] < 0.6
    assert TRUTH  # the fixture group's truth is one of the priors' inner points


def test_a_base_founding_the_group_far_from_its_observed_size_gets_a_suggestion(tiny, tmp_path):
    from sim.calibrate.run import founding_note, prepare
    from sim.observe import load_observation

    base = load_scenario(BASE)
    observation = load_observation(tiny[0])
    assert founding_note(prepare(observation, base, "base", load_fit(tiny[1], base))) is None
    wrong = tmp_path / "fit.yaml"
    wrong.write_text(
        tiny[1].read_text(encoding="utf-8").replace("initial_members: 15", "initial_members: 60")
    )
    note = founding_note(prepare(observation, base, "base", load_fit(wrong, base)))
    assert note is not None and "population.initial_members: 1" in note


def test_a_sparse_flow_gets_windows_long_enough_to_hold_its_events():
    days = 90
    table = pd.DataFrame({"day": range(1, days + 1)})
    table["messages"] = pd.array([40] * days, dtype="Int64")
    table["leaves"] = pd.array([1 if d % 9 == 0 else 0 for d in range(days)], dtype="Int64")  # 10 leaves
    for column in ("members", "joins", "speakers", "value_posts"):
        table[column] = pd.array([pd.NA] * days, dtype="Int64")
    stats = Statistics.for_observation(table, ["messages", "leaves"], 7, min_events=20)
    assert len(stats.windows["messages"]) == 13  # weekly: a week holds 280 messages
    assert stats.windows["leaves"] == ((0, 90),)  # 10 leaves: one window over the whole period
    fixed = Statistics.for_observation(table, ["leaves"], 7, min_events=0)
    assert len(fixed.windows["leaves"]) == 13
