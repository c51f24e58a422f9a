"""The result store: atomic parts, resume without loss or duplicates, identical consolidated bytes."""

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from sim import Scenario
from sim.batch.compare import compare_job
from sim.batch.store import ResultStore, StoreError, load_partial
from sim.batch.worker import ChunkResult, code_fingerprint, daily_rows, error_row, run_row

SCENARIOS = [("a", Scenario(name="a")), ("b", Scenario(name="b", positioning={"focus": 0.3}))]


def job(replicates=4, seed=1):
    return compare_job(SCENARIOS, replicates, seed)


def fake_result(tasks, fail=()):
    """A chunk result with made-up numbers derived from the seed (no model run)."""
    rows, dailies = [], []
    for task in tasks:
        if task.key in fail:
            rows.append(error_row(task, RuntimeError("boom")))
            continue
        days = 3 + task.seed % 4
        rows.append(
            run_row(
                task,
                {
                    "lifespan_days": days,
                    "censored": days == 6,
                    "value_contributors_at": {"7": task.seed % 5},
                    "value_posts_per_1000_yuan": None,
                    "group_lifespans": [days],
                },
            )
        )
        daily = pd.DataFrame(
            {
                "day": range(1, days + 1),
                "value_posts": [task.seed % 3] * days,
                "interventions": pd.Series([""] * days, dtype="string"),
            }
        )
        dailies.append(daily_rows(task, daily, None))
    return ChunkResult(
        rows, pd.concat(dailies, ignore_index=True) if dailies else None, code_fingerprint(), 0.1, "test"
    )


def fill(folder, the_job, chunk_sizes, fail=()):
    tasks = list(the_job.tasks)
    with ResultStore(folder).open(the_job) as store:
        i = 0
        for size in chunk_sizes:
            store.add(fake_result(tasks[i : i + size], fail))
            i += size
        if i >= len(tasks):
            store.consolidate(the_job)
    return folder


def test_consolidated_tables_are_byte_identical_whatever_the_chunking(tmp_path):
    one = fill(tmp_path / "one", job(), [1] * 8)
    big = fill(tmp_path / "big", job(), [4, 4])
    odd = fill(tmp_path / "odd", job(), [3, 1, 2, 2])
    for name in ("runs.parquet", "daily.parquet"):
        assert (one / name).read_bytes() == (big / name).read_bytes() == (odd / name).read_bytes()
    runs = pd.read_parquet(one / "runs.parquet")
    assert list(zip(runs["scenario"], runs["replicate"])) == [(s, r) for s in ("a", "b") for r in range(4)]
    daily = pd.read_parquet(one / "daily.parquet")
    assert list(daily.columns[:3]) == ["scenario", "replicate", "day"]
    assert "_key" not in daily.columns and "_key" not in runs.columns


def test_row_groups_of_the_daily_table_do_not_depend_on_the_chunking(tmp_path, monkeypatch):
    monkeypatch.setattr("sim.batch.store.DAILY_ROW_GROUP", 7)  # many row groups from little data
    one = fill(tmp_path / "one", job(), [1] * 8)
    odd = fill(tmp_path / "odd", job(), [3, 1, 2, 2])
    assert (one / "daily.parquet").read_bytes() == (odd / "daily.parquet").read_bytes()
    meta = pq.ParquetFile(one / "daily.parquet").metadata
    assert meta.num_row_groups > 2
    assert all(meta.row_group(i).num_rows == 7 for i in range(meta.num_row_groups - 1))


def test_reopening_skips_finished_runs_and_never_duplicates(tmp_path):
    the_job = job()
    fill(tmp_path, the_job, [3, 2])
    with ResultStore(tmp_path).open(the_job) as store:
        done = store.finished_keys()
        assert done == {t.key for t in the_job.tasks[:5]}
        store.add(fake_result([t for t in the_job.tasks if t.key not in done]))
        store.consolidate(the_job)
        assert store.duplicates_ignored == 0
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    assert len(runs) == 8 and not runs.duplicated(["scenario", "replicate"]).any()
    assert (tmp_path / "runs.parquet").read_bytes() == (
        fill(tmp_path / "ref", job(), [8]) / "runs.parquet"
    ).read_bytes()


def test_a_half_written_part_is_discarded_on_reopen(tmp_path):
    the_job = job()
    fill(tmp_path, the_job, [2])
    staging = tmp_path / "parts" / ".tmp-crashed"
    staging.mkdir()
    (staging / "part.json").write_text('{"rows": [{"_key": "a/000002"', encoding="utf-8")
    with ResultStore(tmp_path).open(the_job) as store:
        assert store.finished_keys() == {"a/000000", "a/000001"}
    assert not staging.exists()


def test_a_folder_killed_before_its_manifest_was_written_can_be_used(tmp_path):
    (tmp_path / ".lock").write_text("12345\n", encoding="utf-8")  # all a first session left behind
    with ResultStore(tmp_path).open(job()) as store:
        assert store.finished_keys() == set()


def test_a_corrupt_part_is_set_aside_not_trusted(tmp_path):
    the_job = job()
    fill(tmp_path, the_job, [2, 2])
    part = sorted(p for p in (tmp_path / "parts").iterdir())[-1]
    (part / "part.json").write_text("not json", encoding="utf-8")
    with ResultStore(tmp_path).open(the_job) as store:
        assert len(store.finished_keys()) == 2
    assert (part.parent / f".bad-{part.name}").exists()


def test_failed_runs_are_rows_with_their_error_and_a_retry_replaces_them(tmp_path):
    the_job = job(2)
    bad = the_job.tasks[1].key
    fill(tmp_path, the_job, [4], fail={bad})
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    row = runs.set_index(["scenario", "replicate"]).loc[("a", 1)]
    assert row["status"] == "error" and row["error"] == "RuntimeError: boom"
    assert pd.isna(row["lifespan_days"])
    with ResultStore(tmp_path).open(the_job) as store:
        assert bad not in store.finished_keys(retry_failed=True)
        store.add(fake_result([the_job.tasks[1]]))
        store.consolidate(the_job)
    assert (pd.read_parquet(tmp_path / "runs.parquet")["status"] == "ok").all()


def test_only_one_process_may_write_a_folder(tmp_path):
    with ResultStore(tmp_path).open(job()), pytest.raises(StoreError, match="another groupsim process"):
        ResultStore(tmp_path).open(job())


def test_a_folder_of_another_batch_is_refused_with_the_reason(tmp_path):
    fill(tmp_path, job(seed=1), [1])
    with pytest.raises(StoreError, match="root seed is 1, not 2"):
        ResultStore(tmp_path).open(job(seed=2))
    changed = compare_job([SCENARIOS[0], ("b", Scenario(name="b", positioning={"focus": 0.9}))], 4, 1)
    with pytest.raises(StoreError, match="scenario b has changed"):
        ResultStore(tmp_path).open(changed)


def test_more_replicates_extend_the_batch(tmp_path):
    fill(tmp_path, job(4), [8])
    bigger = job(6)
    with ResultStore(tmp_path).open(bigger) as store:
        assert len(store.finished_keys()) == 8
        store.add(fake_result([t for t in bigger.tasks if t.key not in store.finished_keys()]))
        store.consolidate(bigger)
    assert (tmp_path / "runs.parquet").read_bytes() == (
        fill(tmp_path / "ref", job(6), [12]) / "runs.parquet"
    ).read_bytes()


def test_overwrite_clears_a_batch_but_never_a_foreign_folder(tmp_path):
    fill(tmp_path / "batch", job(), [8])
    with ResultStore(tmp_path / "batch").open(job(seed=5), overwrite=True) as store:
        assert store.finished_keys() == set()
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("precious", encoding="utf-8")
    with pytest.raises(StoreError, match="not a groupsim results folder, not the folder of an earlier"):
        ResultStore(foreign).open(job(), overwrite=True)
    assert (foreign / "thesis.tex").exists()


def test_consolidating_an_unfinished_batch_is_refused_but_partial_results_load(tmp_path):
    the_job = job()
    fill(tmp_path, the_job, [3])
    with ResultStore(tmp_path).open(the_job) as store, pytest.raises(StoreError, match="5 of 8 runs"):
        store.consolidate(the_job)
    runs, daily = load_partial(Path(tmp_path))
    assert list(runs["replicate"]) == [0, 1, 2]
    assert set(daily["replicate"]) == {0, 1, 2}
