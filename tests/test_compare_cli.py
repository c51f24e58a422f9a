"""`groupsim compare` end to end: outputs, clear errors (exit 2), and resuming after a kill."""

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

from sim.cli.common import app

ROOT = Path(__file__).resolve().parent.parent
BASELINE = str(ROOT / "scenarios" / "baseline.yaml")
UNMANAGED = str(ROOT / "scenarios" / "unmanaged.yaml")
GROUPSIM = [sys.executable, "-m", "sim"]
runner = CliRunner()


def flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps to the terminal width)."""
    return " ".join(text.split())


def invoke(*args):
    return runner.invoke(app, ["compare", *map(str, args)])


def test_compare_writes_tables_summary_and_report(tmp_path):
    out = tmp_path / "out"
    result = invoke(BASELINE, UNMANAGED, "--replicates", 4, "--days", 25, "--workers", 2, "--out", out)
    assert result.exit_code == 0, result.output
    assert "runs/s" in flat(result.output) and "Report:" in result.output
    runs = pd.read_parquet(out / "runs.parquet")
    assert list(runs["scenario"]) == ["baseline"] * 4 + ["unmanaged"] * 4
    assert {
        "seed",
        "status",
        "lifespan_days",
        "censored",
        "value_contributors_at_7",
        "value_posts_total",
        "operator_cost_yuan",
    } <= set(runs.columns)
    daily = pd.read_parquet(out / "daily.parquet")
    assert {"scenario", "replicate", "day", "value_posts", "value_contributors", "members", "alive"} <= set(
        daily.columns
    )
    summary = json.loads(
        (out / "summary.json").read_text(encoding="utf-8"),
        parse_constant=lambda c: pytest.fail(f"summary.json holds {c}, which is not JSON"),
    )
    assert summary["reference"] == "baseline" and summary["comparisons"][0]["scenario"] == "unmanaged"
    assert summary["sentences"]["en"] and summary["sentences"]["zh"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Kaplan" in html and summary["sentences"]["en"][0].split(":")[0] in html


def test_running_the_same_command_again_reuses_the_default_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = invoke(UNMANAGED, "-n", 2, "--days", 10, "--executor", "serial")
    again = invoke(UNMANAGED, "-n", 2, "--days", 10, "--executor", "serial")
    assert first.exit_code == 0 and again.exit_code == 0, again.output
    folders = list((tmp_path / "results").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("compare-unmanaged-seed1-")
    assert "already done" in flat(again.output)


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.yaml", "-n", "2"], "file not found"),
        ([UNMANAGED, "-n", "0"], "--replicates must be at least 1"),
        ([UNMANAGED, "-n", "2", "--seed", "-3"], "--seed must be"),
        ([UNMANAGED, "-n", "2", "--executor", "cloud"], "--executor must be local, dask or serial"),
        (
            [UNMANAGED, "-n", "2", "--executor", "local", "--scheduler", "tcp://127.0.0.1:1"],
            "--scheduler is for --executor dask",
        ),
        ([UNMANAGED, "-n", "2", "--workers", "0"], "--workers must be at least 1"),
        ([UNMANAGED, "-n", "2", "--set", "nonsense.path=3"], "nonsense"),
        ([UNMANAGED, UNMANAGED, "-n", "2"], "same configuration"),
    ],
)
def test_bad_input_gives_a_clear_message_and_exit_code_2(args, message, tmp_path):
    result = runner.invoke(app, ["compare", *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert message in flat(result.output)
    assert "Traceback" not in result.output


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.batch.executors.DASK_CONNECT_TIMEOUT", 2.0)
    result = invoke(
        UNMANAGED, "-n", 2, "--days", 5, "--scheduler", "tcp://127.0.0.1:9", "--out", tmp_path / "o"
    )
    assert result.exit_code == 2, result.output
    assert "cannot reach the Dask scheduler" in flat(result.output)
    result = invoke(UNMANAGED, "-n", 2, "--scheduler", "http://127.0.0.1:9", "--out", tmp_path / "o2")
    assert result.exit_code == 2 and "expected an address like tcp://HOST:8786" in flat(result.output)


def test_an_output_folder_of_another_batch_is_refused(tmp_path):
    out = tmp_path / "o"
    assert invoke(UNMANAGED, "-n", 2, "--days", 5, "--executor", "serial", "--out", out).exit_code == 0
    result = invoke(UNMANAGED, "-n", 2, "--days", 5, "--seed", 9, "--executor", "serial", "--out", out)
    assert result.exit_code == 2 and "root seed is 1, not 9" in flat(result.output)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("x", encoding="utf-8")
    result = invoke(UNMANAGED, "-n", 2, "--out", tmp_path / "notes")
    assert result.exit_code == 2 and "not a batch results folder" in flat(result.output)


def _parts(folder: Path) -> int:
    return (
        sum(1 for p in (folder / "parts").glob("*") if not p.name.startswith("."))
        if (folder / "parts").exists()
        else 0
    )


def _start(args, out):
    return subprocess.Popen(
        [*GROUPSIM, "compare", *args, "--out", str(out)],
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_parts(proc, out, count, timeout=120.0):
    deadline = time.monotonic() + timeout
    while _parts(out) < count:
        assert proc.poll() is None, f"compare ended before it could be interrupted: {proc.communicate()}"
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.02)


def _cleanup(proc):
    """Reap the process group (workers exit by themselves once their parent is gone; be sure)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


ARGS = [BASELINE, UNMANAGED, "--replicates", "16", "--days", "60", "--workers", "2"]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "out"
    done = subprocess.run(
        [*GROUPSIM, "compare", *ARGS, "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return out


def _assert_same_as(out, reference):
    fingerprints = [
        json.loads((f / "manifest.json").read_text(encoding="utf-8"))["identity"]["code_fingerprint"]
        for f in (out, reference)
    ]
    assert fingerprints[0] == fingerprints[1], "the model code changed while the test ran; run it again"
    runs = pd.read_parquet(out / "runs.parquet")
    assert len(runs) == 32 and not runs.duplicated(["scenario", "replicate"]).any()
    for name in ("runs.parquet", "daily.parquet"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name


@pytest.mark.slow
def test_a_compare_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path, uninterrupted):
    out = tmp_path / "out"
    proc = _start(ARGS, out)
    try:
        _wait_for_parts(proc, out, 3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        _cleanup(proc)
    assert not (out / "runs.parquet").exists()
    saved = _parts(out)
    resumed = subprocess.run(
        [*GROUPSIM, "compare", *ARGS, "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Resuming" in resumed.stdout and "already done" in flat(resumed.stdout)
    assert _parts(out) > saved
    _assert_same_as(out, uninterrupted)


@pytest.mark.slow
def test_ctrl_c_stops_at_once_and_the_same_command_resumes(tmp_path, uninterrupted):
    out = tmp_path / "out"
    proc = _start(ARGS, out)
    try:
        _wait_for_parts(proc, out, 2)
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the whole foreground group
        _, stderr = proc.communicate(timeout=30)
    finally:
        _cleanup(proc)
    assert proc.returncode == 130, stderr
    assert "run the same command again to resume" in flat(stderr)
    assert "Traceback" not in stderr
    resumed = subprocess.run(
        [*GROUPSIM, "compare", *ARGS, "--out", str(out)], cwd=ROOT, capture_output=True, text=True
    )
    assert resumed.returncode == 0, resumed.stderr
    _assert_same_as(out, uninterrupted)
