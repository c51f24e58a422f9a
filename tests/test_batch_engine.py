"""The batch loop: identical results whatever the executor, workers or chunking; failures recorded."""

import os
from pathlib import Path

import pandas as pd
import pytest

from sim import Scenario, apply_overrides, load_scenario, run_scenario
from sim.batch.compare import compare_job
from sim.batch.engine import BatchError, run_job
from sim.batch.executors import LocalExecutor, SerialExecutor
from sim.batch.job import ChunkPlanner
from sim.batch.seeds import replicate_seed
from sim.batch.store import ResultStore

ROOT = Path(__file__).resolve().parent.parent
DAYS = 12


def scenarios():
    return [
        (name, apply_overrides(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), {"horizon.days": DAYS}))
        for name in ("baseline", "unmanaged")
    ]


def raises_on_replicate_2(scenario: Scenario, seed: int):
    """A simulate function whose replicate 2 raises (module level: workers import it by name)."""
    if seed == replicate_seed(1, 2):
        raise RuntimeError("deliberate failure in replicate 2")
    return run_scenario(scenario, seed)


def kills_worker_on_replicate_1(scenario: Scenario, seed: int):
    """A simulate function whose replicate 1 kills its worker process, as an out-of-memory kill would."""
    if seed == replicate_seed(1, 1):
        os._exit(9)
    return run_scenario(scenario, seed)


def run(folder, job, executor, **kwargs):
    with ResultStore(folder).open(job) as store, executor:
        outcome = run_job(job, store, executor, **kwargs)
        store.consolidate(job)
    return outcome


def test_results_are_identical_whatever_the_executor_workers_or_chunking(tmp_path):
    job = compare_job(scenarios(), 5, 1)
    run(tmp_path / "serial", job, SerialExecutor())
    run(tmp_path / "one", job, LocalExecutor(1), target_chunk_seconds=0.0)  # one run per chunk
    run(tmp_path / "two", job, LocalExecutor(2), target_chunk_seconds=60.0)  # chunks as large as allowed
    for name in ("runs.parquet", "daily.parquet"):
        serial = (tmp_path / "serial" / name).read_bytes()
        assert serial == (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )
    runs = pd.read_parquet(tmp_path / "serial" / "runs.parquet")
    assert list(runs["seed"]) == [replicate_seed(1, i) for i in range(5)] * 2
    single = run_scenario(job.scenarios["unmanaged"], replicate_seed(1, 3))
    row = runs[(runs["scenario"] == "unmanaged") & (runs["replicate"] == 3)].iloc[0]
    assert row["lifespan_days"] == single.summary["lifespan_days"]
    assert row["value_posts_total"] == single.summary["value_posts_total"]


def test_a_failing_replicate_is_recorded_and_the_batch_continues(tmp_path):
    job = compare_job(scenarios(), 4, 1, simulate=raises_on_replicate_2)
    outcome = run(tmp_path, job, LocalExecutor(2))
    assert outcome.done == 8 and outcome.failed == 2
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    failed = runs[runs["status"] == "error"]
    assert list(failed["replicate"]) == [2, 2]
    assert failed["error"].str.contains("RuntimeError: deliberate failure in replicate 2").all()
    assert (runs.loc[runs["status"] == "ok", "lifespan_days"] > 0).all()
    daily = pd.read_parquet(tmp_path / "daily.parquet")
    assert 2 not in set(daily["replicate"]) and set(daily["replicate"]) == {0, 1, 3}


def test_a_replicate_that_kills_its_worker_is_isolated_and_recorded(tmp_path):
    job = compare_job(scenarios()[:1], 4, 1, simulate=kills_worker_on_replicate_1)
    outcome = run(tmp_path, job, LocalExecutor(2), target_chunk_seconds=60.0)
    assert outcome.done == 4 and outcome.failed == 1 and outcome.restarts >= 1
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert list(runs["status"]) == ["ok", "error", "ok", "ok"]
    assert "worker process died" in runs.loc[1, "error"]


def test_workers_running_other_model_code_stop_the_batch(tmp_path, monkeypatch):
    job = compare_job(scenarios()[:1], 2, 1)
    monkeypatch.setattr("sim.batch.engine.code_fingerprint", lambda: "something-else")
    with pytest.raises(BatchError, match="different groupsim model code"):
        run(tmp_path, job, SerialExecutor())


def test_chunks_are_contiguous_single_scenario_and_sized_from_measured_time():
    job = compare_job(
        [("a", Scenario(name="a")), ("b", Scenario(name="b", positioning={"focus": 0.2}))], 50, 1
    )
    position = job.position()
    pending = [t for t in job.tasks if position[t.key] % 10 != 3]  # gaps, as after a resume
    planner = ChunkPlanner(job, pending, slots=2, target_seconds=1.0, max_size=8)
    first = planner.next_chunk()
    assert len(first.tasks) == 1  # nothing measured yet
    planner.record(10, 1.0)  # 0.1 s per run -> 10 per chunk, capped at 8
    seen = list(first.tasks)
    while len(planner):
        chunk = planner.next_chunk()
        keys = [position[t.key] for t in chunk.tasks]
        assert keys == list(range(keys[0], keys[0] + len(keys)))
        assert len({t.scenario for t in chunk.tasks}) == 1
        assert len(chunk.tasks) <= 8
        seen += chunk.tasks
    assert seen == pending
