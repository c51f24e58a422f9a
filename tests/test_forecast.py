"""`groupsim forecast`: continuing the matched trajectories, levers with common random numbers, ranking, errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from calibrate_support import BASE, ROOT, calibrate_command, forecast_command, write_fit, write_observation
from typer.testing import CliRunner

from sim.calibrate.levers import Lever, load_levers
from sim.cli.common import app
from sim.scenario import ScenarioError, load_scenario

runner = CliRunner()
LEVERS = """\
levers:
  mass_add:
    en: Pull in 60 people tomorrow
    zh: 明天拉 60 人进群
    actions: [{action: mass_add, count: 60}]
  dissolve:
    actions: [{action: dissolve, day: 3}]
  weekly_events:
    actions: [{action: run_event, repeat_every_days: 7}]
"""


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    root = tmp_path_factory.mktemp("forecast")
    observed, fit = write_observation(root / "observed"), write_fit(root)
    result = runner.invoke(app, calibrate_command(observed, fit, root / "cal", "--executor", "serial"))
    assert result.exit_code == 0, result.output
    levers = root / "levers.yaml"
    levers.write_text(LEVERS, encoding="utf-8")
    return root / "cal", levers


@pytest.fixture(scope="module")
def forecast(calibrated):
    folder, levers = calibrated
    out = folder / "fc"
    result = runner.invoke(app, forecast_command(folder, out, 14, "--levers", str(levers)))
    assert result.exit_code == 0, result.output
    return out, result.output


def test_a_forecast_writes_the_ranking_the_outcomes_and_a_bilingual_report(forecast):
    out, output = forecast
    for name in (
        "forecast.json",
        "levers.csv",
        "outcomes.parquet",
        "daily.parquet",
        "runs.parquet",
        "report.html",
    ):
        assert (out / name).is_file(), name
    summary = json.loads((out / "forecast.json").read_text(encoding="utf-8"))
    assert summary["days"] == 14 and summary["last_observed_day"] == 21 and summary["last_forecast_day"] == 35
    assert [row["rank"] for row in summary["ranking"]] == [1, 2, 3]
    gains = [row["contributors_gain"] for row in summary["ranking"]]
    assert gains == sorted(gains, reverse=True)
    assert (
        summary["sentences"]["en"][0].startswith("If nothing changes")
        and "如果什么都不做" in summary["sentences"]["zh"][0]
    )
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Levers, ranked" in report and "杠杆排序" in report
    assert "Best lever" in flat(output)


def test_every_option_replays_the_matched_history_and_differs_only_after_the_lever(forecast, calibrated):
    out, _ = forecast
    daily = pd.read_parquet(out / "daily.parquet")
    nothing = daily[daily["option"] == "nothing"].set_index(["particle", "day"]).sort_index()
    predictive = pd.read_parquet(calibrated[0] / "predictive" / "daily.parquet").set_index(
        ["particle", "day"]
    )
    history = nothing[nothing.index.get_level_values("day") <= 21]
    assert history["messages"].equals(
        predictive.loc[history.index, "messages"]
    )  # the very trajectories ABC accepted
    for lever in ("mass_add", "dissolve", "weekly_events"):
        other = daily[daily["option"] == lever].set_index(["particle", "day"]).sort_index()
        before = other[other.index.get_level_values("day") <= 21]
        assert before["messages"].equals(history["messages"])  # common random numbers: the same past
    added = daily[(daily["option"] == "mass_add") & (daily["day"] == 22)]["joins"].to_numpy()
    assert np.all(added >= 60)  # the lever acts on its day (after it the two runs draw differently)


def test_dissolving_the_group_ranks_last_and_is_called_harmful(forecast):
    summary = json.loads((forecast[0] / "forecast.json").read_text(encoding="utf-8"))
    assert summary["ranking"][-1]["lever"] == "dissolve"
    dissolve = next(c for c in summary["levers"] if c["lever"] == "dissolve")
    assert summary["options"]["dissolve"]["alive_end"]["mean"] == 0.0
    if summary["options"]["nothing"]["contributors_mean"]["mean"] > 0:
        assert summary["ranking"][-1]["verdict"] == "hurts"
        assert dissolve["gains"]["contributors_mean"]["worse"] > 0.5


def test_running_the_same_forecast_again_simulates_nothing(calibrated, forecast):
    folder, levers = calibrated
    before = (forecast[0] / "forecast.json").read_bytes()
    again = runner.invoke(app, forecast_command(folder, forecast[0], 14, "--levers", str(levers)))
    assert again.exit_code == 0, again.output
    assert "Running" not in again.output
    assert (forecast[0] / "forecast.json").read_bytes() == before


def test_a_repeated_action_is_expanded_through_the_forecast():
    lever = Lever("events", "", "", ({"action": "run_event", "day": 2, "repeat_every_days": 5},))
    assert [item["day"] for item in lever.timeline(last_day=30, days=14)] == [32, 37, 42]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "levers: {a: {actions: [{action: run_evnt}]}}",
            "levers.yaml:1: levers.a.actions[0].action: unknown action 'run_evnt'; did you mean 'run_event'?",
        ),
        ("levers: {a: {actions: [{action: mass_add, cuont: 3}]}}", "unknown field 'cuont'"),
        (
            "levers: {a: {actions: [{action: mass_add, count: -3}]}}",
            "levers.a.actions[0].count: expected a value >= 1",
        ),
        ("levers: {a: {actions: [{action: run_event, day: 40}]}}", "day 40 is outside the forecast"),
        (
            "levers: {a: {actions: [{action: run_event, repeat_every_days: 0}]}}",
            "repeat_every_days: expected a whole number >= 1",
        ),
        (
            "levers: {a: {actions: [{action: set, changes: {koc.enabld: true}}]}}",
            "did you mean 'koc.enabled'",
        ),
        ("levers: {nothing: {actions: [{action: run_event}]}}", "the option of doing nothing"),
        ("levers: {a: {actions: []}}", "give at least one action"),
        ("levers: {a: {actons: []}}", "unknown field 'actons'"),
        ("lever: {}", "unknown field 'lever'; did you mean 'levers'?"),
    ],
)
def test_bad_lever_files_get_a_located_message_and_exit_code_2(calibrated, tmp_path, text, expected):
    path = tmp_path / "levers.yaml"
    path.write_text(text + "\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", str(calibrated[0]), "--days", "30", "--levers", str(path)])
    assert result.exit_code == 2, result.output
    assert expected in flat(result.output)
    assert "Traceback" not in result.output


def test_the_bundled_example_levers_are_valid_for_the_example_base():
    levers = load_levers(
        ROOT / "scenarios" / "data" / "example_levers.yaml",
        load_scenario(ROOT / "scenarios" / "baseline.yaml"),
        90,
        90,
    )
    assert len(levers) >= 5 and all(lv.en and lv.zh for lv in levers)


def test_forecasting_a_folder_that_is_not_a_calibration_is_refused(tmp_path):
    result = runner.invoke(app, ["forecast", str(tmp_path), "--days", "10"])
    assert result.exit_code == 2 and "not a calibration folder" in flat(result.output)
    with pytest.raises(ScenarioError):
        load_levers(tmp_path / "missing.yaml", load_scenario(BASE), 10, 10)
    assert Path(BASE).exists()
