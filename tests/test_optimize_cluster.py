"""An optimisation on real `dask scheduler` and `dask worker` processes on loopback gives the
trials and the answer it gives in this process."""

from pathlib import Path

import pandas as pd
import pytest
from test_dask_cluster import scheduler  # noqa: F401  (the real scheduler and worker, module-scoped)
from typer.testing import CliRunner

from sim.cli.common import app

pytestmark = pytest.mark.cluster

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
EXPERIMENT = f"""\
name: on a cluster
base: {ROOT / "scenarios" / "lightly_run.yaml"}
set: {{horizon.days: 15, horizon.report_days: [7, 15]}}
parameters:
  kol.count: {{range: [0, 2]}}
  entry.threshold: [none, paid]
replicates: 2
optimize:
  objectives: {{value_contributors_at_7: maximize, operator_cost_yuan: minimize}}
  trials: 8
  batch: 4
  sampler: {{population: 4}}
  confirm: {{top: 2, replicates: 3}}
"""


def test_an_optimisation_runs_unchanged_on_a_dask_cluster(tmp_path, scheduler):  # noqa: F811
    path = tmp_path / "exp.yaml"
    path.write_text(EXPERIMENT, encoding="utf-8")
    here = runner.invoke(
        app, ["optimize", str(path), "--executor", "serial", "--out", str(tmp_path / "here")]
    )
    assert here.exit_code == 0, here.output
    dask = runner.invoke(
        app,
        [
            "optimize",
            str(path),
            "--executor",
            "dask",
            "--scheduler",
            scheduler,
            "--out",
            str(tmp_path / "dask"),
        ],
    )
    assert dask.exit_code == 0, dask.output
    assert f"Dask at {scheduler}" in " ".join(dask.output.split())
    for name in ("trials.parquet", "runs.parquet"):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "here" / name), pd.read_parquet(tmp_path / "dask" / name)
        )
    assert (tmp_path / "here" / "confirmed.csv").read_bytes() == (
        tmp_path / "dask" / "confirmed.csv"
    ).read_bytes()
