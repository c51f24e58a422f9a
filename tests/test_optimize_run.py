"""`groupsim optimize` on the real model, end to end: the confirmed best beats the baseline at no
more cost; workers do not change the answer; SIGKILL at any point resumes with no trial lost or
repeated."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.batch.store import ResultStore, read_parts
from sim.cli.common import app
from sim.optimize.study import study_job
from sim.scenario import apply_overrides, load_scenario, scenario_hash
from sim.sweep.experiment import load_experiment

ROOT = Path(__file__).resolve().parent.parent
GROUPSIM = [sys.executable, "-m", "sim"]
runner = CliRunner()

# The baseline drops a 20-yuan red packet every three days into an unmanaged group: 260 yuan over
# 40 days. With that cash, can the optimiser find something better? (KOLs cost 90 yuan a month.)
REAL = f"""\
name: real
base: {ROOT / "scenarios" / "red_packets_only.yaml"}
set:
  horizon.days: 40
  horizon.report_days: [7, 30, 40]
  horizon.stop_at_death: false       # the baseline's cost does not depend on when its group dies
  population.initial_members: 20
  kol.monthly_fee_yuan: 90
parameters:
  cadence.red_packets.enabled: [false, true]
  kol.count: {{range: [0, 2]}}
  cadence.topic_prompts.enabled: [false, true]
replicates: 4
optimize:
  objectives: {{value_contributors_at_30: maximize}}
  constraints: {{budget_yuan: 260, budget_counts_hours: false}}
  trials: 12
  batch: 4
  sampler: {{startup_trials: 6}}
  confirm: {{top: 2, replicates: 40}}
"""


def write(folder: Path, text: str = REAL) -> Path:
    path = folder / "real.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def confirmed(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "confirmed.csv").set_index(["strategy", "metric"])


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted optimisation on 2 local workers."""
    folder = tmp_path_factory.mktemp("optimize-ref")
    done = subprocess.run(
        [*GROUPSIM, "optimize", str(write(folder)), "--workers", "2", "--out", str(folder / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return folder / "out"


def test_on_the_real_model_the_confirmed_best_beats_the_baseline_at_no_more_cost(reference):
    summary = json.loads((reference / "summary.json").read_text(encoding="utf-8"))
    (answer,) = summary["answers"]
    best = answer["strategy"]
    assert answer["budget_yuan"] == 260 and best is not None
    value = best["confirmed"]["value_contributors_at_30"]
    baseline = summary["baseline"]["confirmed"]
    # over 40 fresh replicates, paired with the baseline's: the gain's 95% interval excludes 0 and
    # the Wilcoxon signed-rank test rejects no difference
    assert value["runs"] == 40 and value["diff_low"] > 0 and value["p_value"] < 0.001
    assert value["mean"] > baseline["value_contributors_at_30"]["high"]
    assert best["confirmed"]["cash_cost_yuan"]["mean"] <= baseline["cash_cost_yuan"]["mean"] == 260
    # no winner's curse: the confirmation ran on seeds no trial used
    confirm_rows, _ = read_parts(reference / "confirm" / "parts")
    trial_seeds = set(pd.read_parquet(reference / "runs.parquet")["seed"])
    assert len(confirm_rows) % 40 == 0 and len(confirm_rows) >= 80  # the baseline and each candidate
    assert not trial_seeds & {stored.row["seed"] for stored in confirm_rows.values()}

    scenario = load_scenario(reference / "best" / "best-under-260-yuan.yaml")
    experiment = load_experiment(reference / "experiment.yaml")
    assert scenario_hash(
        scenario.model_copy(update={"name": "x", "description": experiment.base.description})
    ) == (
        scenario_hash(
            apply_overrides(experiment.base, best["levers"]).model_copy(
                update={"name": "x", "description": experiment.base.description}
            )
        )
    )
    report = (reference / "report.html").read_text(encoding="utf-8")
    assert "Cost against value 成本与价值" in report and "最佳策略" in report and "trial " in report
    assert "<script src=" not in report  # self-contained: plotly.js inline
    trials = pd.read_parquet(reference / "trials.parquet")
    assert list(trials["trial"]) == list(range(12)) and (trials["state"] == "complete").all()
    runs = pd.read_parquet(reference / "runs.parquet")
    assert len(runs) == 12 * 4 and not runs.duplicated(["trial", "replicate"]).any()


def test_the_executor_and_the_number_of_workers_do_not_change_the_answer(tmp_path, reference):
    result = runner.invoke(
        app, ["optimize", str(write(tmp_path)), "--executor", "serial", "--out", str(tmp_path / "s")]
    )
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "s" / "trials.parquet"), pd.read_parquet(reference / "trials.parquet")
    )
    pd.testing.assert_frame_equal(confirmed(tmp_path / "s"), confirmed(reference))


def _parts(folder: Path) -> int:
    return sum(1 for p in folder.glob("*") if not p.name.startswith(".")) if folder.exists() else 0


def _run_until(command: list[str], ready, timeout: float = 180) -> None:
    """Start `command` in its own process group and SIGKILL the group once `ready()` holds."""
    proc = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"the optimisation ended or stalled before it could be killed: {proc.communicate()}"
                )
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_killed_optimizer_resumes_without_losing_or_repeating_trials(tmp_path, reference):
    path = write(tmp_path)
    out = tmp_path / "out"
    command = [*GROUPSIM, "optimize", str(path), "--workers", "2", "--out", str(out)]
    _run_until(command, lambda: _parts(out / "parts") >= 3)  # among the trials
    assert not (out / "trials.parquet").exists()
    _run_until(command, lambda: _parts(out / "confirm" / "parts") >= 1)  # in the confirmation
    assert not (out / "confirmed.csv").exists()
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "already told" in " ".join(resumed.stdout.split())
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "trials.parquet"), pd.read_parquet(reference / "trials.parquet")
    )
    pd.testing.assert_frame_equal(confirmed(out), confirmed(reference))
    experiment = load_experiment(path)
    with ResultStore(out, keep_rows=False).open(study_job(experiment, [])) as store:
        assert store.duplicates_ignored == 0
    assert (out / "best" / "best-under-260-yuan.yaml").read_text(encoding="utf-8") == (
        reference / "best" / "best-under-260-yuan.yaml"
    ).read_text(encoding="utf-8").replace(str(reference.parent), str(tmp_path))


def test_ctrl_c_stops_an_optimisation_at_once_with_the_resume_hint(tmp_path):
    path = write(tmp_path)
    out = tmp_path / "out"
    command = [*GROUPSIM, "optimize", str(path), "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 180
        while _parts(out / "parts") < 1 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, stderr = proc.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in " ".join(stderr.split()) and "Traceback" not in stderr
    assert not (out / "trials.parquet").exists() and (out / "study.db").exists()
