"""`groupsim sweep` end to end: outputs, seeds, workers, extending, refusing, and resuming after SIGKILL."""

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

from sim.batch.executors import make_executor
from sim.batch.job import Job
from sim.batch.seeds import replicate_seed
from sim.batch.store import ResultStore
from sim.batch.worker import Chunk, Task, run_chunk
from sim.cli.common import app
from sim.runner import run_scenario
from sim.scenario import apply_overrides, load_scenario
from sim.sweep.experiment import load_experiment
from sim.sweep.run import prepare, run_seed, run_sweep

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
GROUPSIM = [sys.executable, "-m", "sim"]
runner = CliRunner()


def small(days: int = 12, replicates: int = 2, threshold: str = "[none, paid]", extra: str = "") -> str:
    return f"""\
name: small sweep
base: {BASELINE}
set: {{horizon.days: {days}, horizon.report_days: [7, {days}]}}
parameters:
  entry.threshold: {threshold}
  cadence.promotion.start_day: [2, 6, 10]
design: grid
replicates: {replicates}
analysis: {{survival_day: 7, contributors_day: 7}}
{extra}"""


def write(tmp_path: Path, text: str, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def sweep(*args) -> object:
    return runner.invoke(app, ["sweep", *map(str, args)])


def flat(text: str) -> str:
    return " ".join(text.split())


def runs_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((folder / "runs").glob("part-*.parquet"))}


def test_a_sweep_writes_one_row_per_run_the_design_and_a_manifest(tmp_path):
    path = write(tmp_path, small())
    result = sweep(path, "--executor", "serial", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "full grid of 2 x 3 = 6 points, 2 replicates = 12 runs" in flat(result.output)
    assert "groupsim analyze" in flat(result.output)
    out = tmp_path / "out"
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 12 and list(runs.columns[:7]) == [
        "point",
        "replicate",
        "seed",
        "status",
        "error",
        "entry.threshold",
        "cadence.promotion.start_day",
    ]
    assert list(runs["replicate"]) == [0] * 6 + [1] * 6 and list(runs["point"]) == list(range(6)) * 2
    assert (runs["status"] == "ok").all() and runs["error"].isna().all()
    assert (
        list(runs["seed"]) == [replicate_seed(1, 0)] * 6 + [replicate_seed(1, 1)] * 6
    )  # common random numbers
    assert {
        "lifespan_days",
        "censored",
        "horizon_days",
        "value_posts_total",
        "value_contributors_at_7",
        "peak_members",
    } <= set(runs.columns)
    design = pd.read_parquet(out / "design.parquet")
    assert list(design["entry.threshold"]) == ["none"] * 3 + ["paid"] * 3
    merged = runs.merge(design, on="point", suffixes=("", "_design"))
    assert (merged["cadence.promotion.start_day"] == merged["cadence.promotion.start_day_design"]).all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    details = manifest["details"]
    assert manifest["identity"]["kind"] == "sweep" and manifest["identity"]["version"]
    assert details["experiment"]["parameters"][0]["path"] == "entry.threshold"
    assert len(details["experiment_hash"]) == 16 and details["design"]["points"] == 6
    assert details["seeds"]["per_replicate"] == [replicate_seed(1, 0), replicate_seed(1, 1)]
    assert manifest["scenarios"]["base"]["horizon"]["days"] == 12
    assert (out / "experiment.yaml").read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert not list(out.glob("parts/*/daily.parquet"))  # a sweep keeps one row per run, no daily tables


def test_a_row_is_the_run_of_its_point_and_seed(tmp_path):
    """Any run of a sweep can be repeated alone: base scenario + the point's levers + its seed."""
    path = write(tmp_path, small())
    assert sweep(path, "--executor", "serial", "--out", tmp_path / "out").exit_code == 0
    row = pd.read_parquet(tmp_path / "out" / "runs").iloc[10]
    experiment = load_experiment(path)
    scenario = apply_overrides(
        experiment.base,
        {
            "entry.threshold": row["entry.threshold"],
            "cadence.promotion.start_day": int(row["cadence.promotion.start_day"]),
        },
    )
    summary = run_scenario(scenario, int(row["seed"])).summary
    assert (
        summary["lifespan_days"] == row["lifespan_days"]
        and summary["value_posts_total"] == row["value_posts_total"]
    )
    assert summary["peak_members"] == row["peak_members"]


def test_runs_are_split_into_files_of_a_fixed_size_with_one_schema(tmp_path):
    experiment = load_experiment(write(tmp_path, small(replicates=3)))
    design, job = prepare(experiment)
    result = run_sweep(
        experiment, design, job, tmp_path / "out", lambda: make_executor("serial"), rows_per_file=5
    )
    assert result.complete and result.runs_written == 18
    files = sorted((tmp_path / "out" / "runs").glob("*.parquet"))
    assert [p.name for p in files] == [f"part-{i:05d}.parquet" for i in range(4)]
    tables = [pd.read_parquet(p) for p in files]
    assert [len(t) for t in tables] == [5, 5, 5, 3] and all(
        list(t.dtypes) == list(tables[0].dtypes) for t in tables
    )
    whole = pd.read_parquet(tmp_path / "out" / "runs")
    assert len(whole) == 18 and not whole.duplicated(["point", "replicate"]).any()


def test_one_and_two_local_workers_give_identical_files(tmp_path):
    path = write(tmp_path, small(days=10))
    one = sweep(path, "--workers", 1, "--out", tmp_path / "one")
    assert one.exit_code == 0, one.output
    two = sweep(path, "--workers", 2, "--out", tmp_path / "two")
    assert two.exit_code == 0, two.output
    assert "runs/s" in flat(two.output)
    assert runs_files(tmp_path / "one") == runs_files(tmp_path / "two") and runs_files(tmp_path / "one")
    assert (tmp_path / "one" / "design.parquet").read_bytes() == (
        tmp_path / "two" / "design.parquet"
    ).read_bytes()


def test_independent_seeds_give_every_run_its_own_seed(tmp_path):
    path = write(tmp_path, small(extra="seeds: independent\n"))
    assert sweep(path, "--executor", "serial", "--out", tmp_path / "out").exit_code == 0
    runs = pd.read_parquet(tmp_path / "out" / "runs")
    assert runs["seed"].is_unique
    assert list(runs["seed"]) == [run_seed(1, r, p, "independent") for r in range(2) for p in range(6)]
    assert run_seed(1, 3, 0, "common") == replicate_seed(1, 3) == run_seed(1, 3, 99, "common")


def test_more_replicates_extend_a_sweep_and_another_design_is_refused(tmp_path):
    out = tmp_path / "out"
    assert sweep(write(tmp_path, small(replicates=1)), "--executor", "serial", "--out", out).exit_code == 0
    first = pd.read_parquet(out / "runs")
    more = sweep(write(tmp_path, small(replicates=2)), "--executor", "serial", "--out", out)
    assert more.exit_code == 0, more.output
    assert "6 of 12 runs already done" in flat(more.output)
    both = pd.read_parquet(out / "runs")
    pd.testing.assert_frame_equal(both.iloc[:6], first)
    again = sweep(write(tmp_path, small(replicates=2)), "--executor", "serial", "--out", out)
    assert again.exit_code == 0 and "already done" in flat(again.output)
    other = sweep(write(tmp_path, small(threshold="[none, vetting]")), "--executor", "serial", "--out", out)
    assert other.exit_code == 2 and "its design differs" in flat(other.output), other.output
    assert "--overwrite" in flat(other.output)
    assert (
        sweep(
            write(tmp_path, small(threshold="[none, vetting]")),
            "--executor",
            "serial",
            "--out",
            out,
            "--overwrite",
        ).exit_code
        == 0
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--executor", "cloud"], "--executor must be local, dask or serial"),
        (["--executor", "local", "--scheduler", "tcp://127.0.0.1:1"], "--scheduler is for --executor dask"),
        (["--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_bad_options_give_a_clear_message_and_exit_code_2(tmp_path, args, message):
    result = sweep(write(tmp_path, small()), *args, "--out", tmp_path / "o")
    assert result.exit_code == 2 and message in flat(result.output), result.output
    assert "Traceback" not in result.output


# ------------------------------------------------------------------- the batch layer generalisations


def test_a_task_carries_overrides_and_a_job_may_keep_no_daily_tables():
    base = apply_overrides(load_scenario(BASELINE), {"horizon.days": 5})
    tasks = (
        Task("a", "base", 3, {"point": 0}),
        Task("b", "base", 3, {"point": 1}, {"entry.threshold": "paid"}),
    )
    result = run_chunk(Chunk(base, tasks, run_scenario, ()))
    assert result.daily is None and [r["status"] for r in result.rows] == ["ok", "ok"]
    paid = run_scenario(apply_overrides(base, {"entry.threshold": "paid"}), 3).summary
    assert result.rows[1]["scenario_hash"] == paid["scenario_hash"] != result.rows[0]["scenario_hash"]
    bad = run_chunk(
        Chunk(base, (Task("c", "base", 3, {}, {"entry.threshold": "nonsense"}),), run_scenario, ())
    )
    assert bad.rows[0]["status"] == "error" and "entry.threshold" in bad.rows[0]["error"]


def test_extra_identity_is_checked_and_a_slim_store_keeps_only_keys_and_status(tmp_path):
    base = apply_overrides(load_scenario(BASELINE), {"horizon.days": 3})
    tasks = (Task("a", "base", 1, {"point": 0}),)
    job = Job("sweep", {"base": base}, tasks, 1, daily_columns=(), extra_identity={"design": "x"})
    assert job.identity()["extra"] == {"design": "x"}
    assert "extra" not in Job("sweep", {"base": base}, tasks, 1).identity()  # unchanged for other jobs
    with ResultStore(tmp_path / "s", keep_rows=False).open(job) as store:
        store.add(run_chunk(Chunk(base, tasks, run_scenario, ())))
        assert store.rows(["a"]) == [{"_key": "a", "status": "ok"}] and store.part_of("a")
    other = Job("sweep", {"base": base}, tasks, 1, daily_columns=(), extra_identity={"design": "y"})
    with pytest.raises(Exception, match="its design differs"):
        ResultStore(tmp_path / "s").open(other)
    with ResultStore(tmp_path / "s", keep_rows=False).open(job) as store:
        assert store.status("a") == "ok"


# ------------------------------------------------------------------------------- kill and resume


KILL_TEXT = small(days=60, replicates=4, threshold="[none, vetting, share_to_join, paid]")


def _parts(folder: Path) -> int:
    parts = folder / "parts"
    return sum(1 for p in parts.glob("*") if not p.name.startswith(".")) if parts.exists() else 0


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sweep-ref")
    path = write(folder, KILL_TEXT)
    done = subprocess.run(
        [*GROUPSIM, "sweep", str(path), "--workers", "2", "--out", str(folder / "out")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return folder / "out"


def _start_sweep(path, out):
    """Start a sweep in its own process group; return (command, process) once two parts are saved."""
    command = [*GROUPSIM, "sweep", str(path), "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(
        command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 120
    while _parts(out) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail(f"the sweep ended or stalled before it could be interrupted: {proc.communicate()}")
        time.sleep(0.02)
    return command, proc


@pytest.mark.slow
def test_a_sweep_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path, uninterrupted):
    path = write(tmp_path, KILL_TEXT)
    out = tmp_path / "out"
    command, proc = _start_sweep(path, out)
    try:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # workers exit by themselves once the parent is gone; be sure
    saved = _parts(out)
    assert saved >= 2 and not runs_files(out)  # killed before the runs table was written
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming" in resumed.stdout and "already done" in flat(resumed.stdout)
    assert _parts(out) > saved
    identity = [
        json.loads((f / "manifest.json").read_text(encoding="utf-8"))["identity"]
        for f in (out, uninterrupted)
    ]
    assert identity[0] == identity[1], "the model code changed while the test ran; run it again"
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 4 * 3 * 4 and not runs.duplicated(["point", "replicate"]).any()
    assert runs_files(out) == runs_files(uninterrupted)
    with ResultStore(out, keep_rows=False).open(prepare(load_experiment(path))[1]) as store:
        assert store.duplicates_ignored == 0


@pytest.mark.slow
def test_ctrl_c_stops_a_sweep_at_once_and_the_same_command_resumes(tmp_path, uninterrupted):
    path = write(tmp_path, KILL_TEXT)
    out = tmp_path / "out"
    command, proc = _start_sweep(path, out)
    try:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, stderr = proc.communicate(timeout=30)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in flat(stderr) and "Traceback" not in stderr
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert runs_files(out) == runs_files(uninterrupted)
