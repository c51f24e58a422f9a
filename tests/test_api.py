"""The Python API: run a scenario, run a batch, load results as DataFrames."""

from pathlib import Path

import pandas as pd

import sim.api as gs
from sim.batch.seeds import replicate_seed

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
UNMANAGED = ROOT / "scenarios" / "unmanaged.yaml"


def test_run_gives_the_tables_of_one_replicate():
    result = gs.run(UNMANAGED, seed=4, days=6, sets={"population.initial_members": 20})
    assert list(result.daily["day"]) == list(range(1, len(result.daily) + 1))
    assert result.summary["seed"] == 4 and result.summary["horizon_days"] == 6


def test_run_batch_loads_tables_summary_curves_and_bands(tmp_path):
    batch = gs.run_batch([BASELINE, UNMANAGED], replicates=3, days=15, out=tmp_path / "b", executor="serial")
    assert batch.complete and batch.labels == ["baseline", "unmanaged"] and batch.report is not None
    assert list(batch.runs["seed"]) == [replicate_seed(1, i) for i in range(3)] * 2
    assert batch.summary["comparisons"][0]["scenario"] == "unmanaged"
    one = gs.run(UNMANAGED, seed=replicate_seed(1, 2), days=15)
    mine = batch.daily[(batch.daily["scenario"] == "unmanaged") & (batch.daily["replicate"] == 2)]
    assert mine["value_posts"].tolist() == one.daily["value_posts"].tolist()
    curves = batch.survival()
    assert set(curves["scenario"]) == {"baseline", "unmanaged"} and curves["day"].max() == 15
    band = batch.bands("value_contributors")
    assert (band.groupby("scenario")["day"].max() == 15).all()
    assert batch.outcome is not None and batch.outcome.ran == 6


def test_calling_again_with_more_replicates_extends_the_same_folder(tmp_path):
    gs.run_batch(UNMANAGED, replicates=2, days=8, out=tmp_path, executor="serial", report=False)
    more = gs.run_batch(UNMANAGED, replicates=4, days=8, out=tmp_path, executor="serial", report=False)
    assert more.outcome.ran == 2 and list(more.runs["replicate"]) == [0, 1, 2, 3]
    same = gs.run_batch(UNMANAGED, replicates=4, days=8, out=tmp_path, executor="serial", report=False)
    assert same.outcome is None
    assert same.runs.equals(more.runs)


def test_load_results_reads_a_batch_that_is_not_finished(tmp_path):
    from sim.batch.compare import compare_job
    from sim.batch.job import make_chunk
    from sim.batch.store import ResultStore
    from sim.batch.worker import run_chunk

    job = compare_job([("unmanaged", gs.scenario(UNMANAGED, days=8))], 5, 1)
    with ResultStore(tmp_path).open(job) as store:
        store.add(run_chunk(make_chunk(job, list(job.tasks[:2]))))  # as if killed after the first chunk
    partial = gs.load_results(tmp_path)
    assert not partial.complete and partial.summary is None
    assert list(partial.runs["replicate"]) == [0, 1]
    assert isinstance(partial.daily, pd.DataFrame) and set(partial.daily["replicate"]) == {0, 1}
