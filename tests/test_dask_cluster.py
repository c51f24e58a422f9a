"""The Dask executor against real `dask scheduler` and `dask worker` processes on loopback."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.cli.common import app

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = [str(ROOT / "scenarios" / "baseline.yaml"), str(ROOT / "scenarios" / "unmanaged.yaml")]
ARGS = [*SCENARIOS, "--replicates", "6", "--days", "20"]
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory):
    """A real scheduler and one single-threaded worker process, on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask = [sys.executable, "-m", "dask"]
    logs = [open(folder / name, "w") for name in ("scheduler.log", "worker.log")]  # noqa: SIM115
    procs = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            cwd=folder,
            stdout=logs[0],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    ]
    try:
        procs.append(
            subprocess.Popen(
                [
                    *dask,
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--local-directory",
                    str(folder),
                ],
                cwd=folder,
                stdout=logs[1],
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        from dask.distributed import Client

        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(1, timeout=60)
                break
            except OSError:
                assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
                time.sleep(0.5)
        yield address
    finally:
        for proc in reversed(procs):
            _stop(proc)
        for log in logs:
            log.close()


def test_dask_cluster_gives_the_same_tables_as_local_processes(tmp_path, scheduler):
    local = runner.invoke(app, ["compare", *ARGS, "--workers", "2", "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    dask = runner.invoke(
        app,
        ["compare", *ARGS, "--executor", "dask", "--scheduler", scheduler, "--out", str(tmp_path / "dask")],
    )
    assert dask.exit_code == 0, dask.output
    assert f"Dask at {scheduler}" in " ".join(dask.output.split())
    for name in ("runs.parquet", "daily.parquet", "summary.json"):
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name
    sessions = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert "Dask at" in sessions[-1]["executor"]


def test_a_compare_started_locally_can_be_finished_on_the_cluster(tmp_path, scheduler):
    """Resume works across executors: 3 replicates locally, then all 6 on Dask, equal to all 6 locally."""
    half = [
        *SCENARIOS,
        "--replicates",
        "3",
        "--days",
        "20",
        "--executor",
        "serial",
        "--out",
        str(tmp_path / "mixed"),
    ]
    assert runner.invoke(app, ["compare", *half]).exit_code == 0
    rest = runner.invoke(app, ["compare", *ARGS, "--scheduler", scheduler, "--out", str(tmp_path / "mixed")])
    assert rest.exit_code == 0, rest.output
    assert "6 of 12 runs already done" in " ".join(rest.output.split())
    whole = runner.invoke(app, ["compare", *ARGS, "--executor", "serial", "--out", str(tmp_path / "whole")])
    assert whole.exit_code == 0
    for name in ("runs.parquet", "daily.parquet"):
        assert (tmp_path / "mixed" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_dask_without_a_scheduler_starts_a_local_cluster(tmp_path):
    result = runner.invoke(
        app,
        [
            "compare",
            SCENARIOS[1],
            "--replicates",
            "3",
            "--days",
            "10",
            "--executor",
            "dask",
            "--workers",
            "1",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "local Dask cluster" in " ".join(result.output.split())
