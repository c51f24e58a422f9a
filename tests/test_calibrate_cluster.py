"""A calibration and a forecast on real `dask scheduler` and `dask worker` processes on loopback."""

import json

import pandas as pd
import pytest
from calibrate_support import calibrate_command, write_fit, write_observation
from test_dask_cluster import scheduler  # noqa: F401  (the real scheduler and worker, module-scoped)
from typer.testing import CliRunner

from sim.cli.common import app

pytestmark = pytest.mark.cluster
runner = CliRunner()


def test_a_calibration_on_a_dask_cluster_gives_the_posterior_of_one_process(tmp_path, scheduler):  # noqa: F811
    observed, fit = write_observation(tmp_path / "observed"), write_fit(tmp_path)
    results = {}
    for name, options in (
        ("serial", ["--executor", "serial"]),
        ("dask", ["--executor", "dask", "--scheduler", scheduler]),
    ):
        out = tmp_path / name
        result = runner.invoke(app, calibrate_command(observed, fit, out, *options))
        assert result.exit_code == 0, result.output
        results[name] = out
    assert pd.read_parquet(results["dask"] / "posterior.parquet").equals(
        pd.read_parquet(results["serial"] / "posterior.parquet")
    )
    sessions = json.loads((results["dask"] / "manifest.json").read_text(encoding="utf-8"))["sessions"]
    assert f"Dask at {scheduler}" in sessions[-1]["executor"]
    forecast = runner.invoke(
        app, ["forecast", str(results["dask"]), "--days", "7", "--executor", "dask", "--scheduler", scheduler]
    )
    assert forecast.exit_code == 0, forecast.output
