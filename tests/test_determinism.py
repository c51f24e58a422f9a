"""The same scenario and seed give identical results: byte for byte on disk, frame for frame in memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim import load_scenario, run_scenario

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = (
    ROOT / "scenarios" / "campaign_timeline.yaml"
)  # a timeline: KOL, event, packets, selling, mass-add, set
BASELINE = ROOT / "scenarios" / "baseline.yaml"
UNMANAGED = ROOT / "scenarios" / "unmanaged.yaml"
DAYS = 80  # past every intervention of the campaign up to the day-75 'set'


@pytest.fixture(scope="module")
def two_cli_runs(tmp_path_factory):
    """`groupsim run` twice in separate processes (different hash seeds), into two folders."""
    root = tmp_path_factory.mktemp("determinism")
    procs = []
    for name, hashseed in (("a", "1"), ("b", "2")):
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sim",
                    "run",
                    str(CAMPAIGN),
                    "--seed",
                    "11",
                    "--days",
                    str(DAYS),
                    "--out",
                    str(root / name),
                ],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": hashseed},
            )
        )
    for proc in procs:
        out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    return root / "a", root / "b"


@pytest.mark.parametrize("name", ["daily.parquet", "members.parquet", "scenario.json"])
def test_same_seed_gives_byte_identical_files_from_separate_cli_runs(two_cli_runs, name):
    a, b = two_cli_runs
    assert (a / name).read_bytes() == (b / name).read_bytes()


def test_same_seed_gives_identical_summary_json(two_cli_runs):
    a, b = two_cli_runs
    first = json.loads((a / "summary.json").read_text(encoding="utf-8"))
    second = json.loads((b / "summary.json").read_text(encoding="utf-8"))
    assert first == second
    assert first["seed"] == 11 and first["horizon_days"] == DAYS
    assert len(first["interventions"]) >= 6  # the run reached the campaign's interventions


def test_cli_tables_equal_the_api_run_with_that_seed(two_cli_runs):
    a, _ = two_cli_runs
    from sim import apply_overrides

    api = run_scenario(apply_overrides(load_scenario(CAMPAIGN), {"horizon.days": DAYS}), 11)
    pd.testing.assert_frame_equal(pd.read_parquet(a / "daily.parquet"), api.daily)
    pd.testing.assert_frame_equal(pd.read_parquet(a / "members.parquet"), api.members)


def test_same_seed_gives_identical_tables_via_the_api():
    scenario = load_scenario(BASELINE)
    first = run_scenario(scenario, seed=5, days=40)
    second = run_scenario(scenario, seed=5, days=40)
    pd.testing.assert_frame_equal(first.daily, second.daily)
    pd.testing.assert_frame_equal(first.members, second.members)
    assert first.summary == second.summary
    assert first.interventions == second.interventions


def test_a_run_in_between_does_not_change_the_next_result():
    scenario = load_scenario(UNMANAGED)
    first = run_scenario(scenario, seed=8, days=30)
    run_scenario(load_scenario(CAMPAIGN), seed=8, days=30)  # other work in the same process
    again = run_scenario(scenario, seed=8, days=30)
    pd.testing.assert_frame_equal(first.daily, again.daily)
    pd.testing.assert_frame_equal(first.members, again.members)


def test_a_different_seed_gives_different_tables():
    scenario = load_scenario(BASELINE)
    one = run_scenario(scenario, seed=5, days=40)
    other = run_scenario(scenario, seed=6, days=40)
    assert not one.daily.equals(other.daily)
    assert not one.members.equals(other.members)
    assert one.summary["seed"] == 5 and other.summary["seed"] == 6
