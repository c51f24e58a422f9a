"""A sweep on real `dask scheduler` and `dask worker` processes on loopback gives the local tables."""

import json
from pathlib import Path

import pytest
from test_dask_cluster import scheduler  # noqa: F401  (the real scheduler and worker, module-scoped)
from typer.testing import CliRunner

from sim.cli.common import app

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
EXPERIMENT = f"""\
name: on a cluster
base: {ROOT / "scenarios" / "baseline.yaml"}
set: {{horizon.days: 15, horizon.report_days: [7, 15]}}
parameters:
  kol.count: {{range: [0, 3]}}
  entry.threshold: [none, paid]
design: {{kind: lhs, samples: 6}}
replicates: 2
analysis: {{survival_day: 7, contributors_day: 7}}
"""


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.name: p.read_bytes()
        for p in [folder / "design.parquet", *sorted((folder / "runs").glob("*.parquet"))]
    }


def test_the_same_experiment_runs_unchanged_on_a_dask_cluster(tmp_path, scheduler):  # noqa: F811
    path = tmp_path / "exp.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    local = runner.invoke(app, ["sweep", str(path), "--workers", "2", "--out", str(tmp_path / "local")])
    assert local.exit_code == 0, local.output
    dask = runner.invoke(
        app,
        ["sweep", str(path), "--executor", "dask", "--scheduler", scheduler, "--out", str(tmp_path / "dask")],
    )
    assert dask.exit_code == 0, dask.output
    assert f"Dask at {scheduler}" in " ".join(dask.output.split())
    assert files(tmp_path / "local") == files(tmp_path / "dask")
    sessions = json.loads((tmp_path / "dask" / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert "Dask at" in sessions[-1]["executor"]
    analysis = runner.invoke(app, ["analyze", str(tmp_path / "dask")])
    assert analysis.exit_code == 0, analysis.output


def test_a_sweep_started_locally_is_finished_on_the_cluster(tmp_path, scheduler):  # noqa: F811
    """The experiment's executor section is only a default: here the file asks for the cluster."""
    one = tmp_path / "one.yaml"
    one.write_text(EXPERIMENT.replace("replicates: 2", "replicates: 1"), encoding="utf-8")
    assert (
        runner.invoke(
            app, ["sweep", str(one), "--executor", "serial", "--out", str(tmp_path / "mixed")]
        ).exit_code
        == 0
    )
    two = tmp_path / "two.yaml"
    two.write_text(EXPERIMENT + f"executor: {{kind: dask, scheduler: '{scheduler}'}}\n", encoding="utf-8")
    rest = runner.invoke(app, ["sweep", str(two), "--out", str(tmp_path / "mixed")])
    assert rest.exit_code == 0, rest.output
    assert "6 of 12 runs already done" in " ".join(rest.output.split())
    whole = runner.invoke(app, ["sweep", str(two), "--executor", "serial", "--out", str(tmp_path / "whole")])
    assert whole.exit_code == 0, whole.output
    assert files(tmp_path / "mixed") == files(tmp_path / "whole")
