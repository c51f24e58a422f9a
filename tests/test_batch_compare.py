"""The compare job: labels, task keys, and the same seeds for replicate i of every scenario."""

import pytest

from sim import Scenario
from sim.batch.compare import compare_job, default_folder, scenario_labels
from sim.batch.seeds import replicate_seed


def test_labels_are_names_then_file_stems_then_numbered():
    a, b = Scenario(name="基线"), Scenario(name="基线", positioning={"focus": 0.2})
    assert scenario_labels([a, b], ["x/first.yaml", "y/second.yaml"]) == ["first", "second"]
    assert scenario_labels([a, b]) == ["基线", "基线-2"]
    assert scenario_labels([Scenario(name="solo")]) == ["solo"]


def test_the_same_configuration_twice_is_refused():
    with pytest.raises(ValueError, match="same configuration"):
        scenario_labels([Scenario(name="a"), Scenario(name="a")])


def test_replicate_i_of_every_scenario_shares_its_seed_and_keys_are_stable():
    job = compare_job(
        [("a", Scenario(name="a")), ("b", Scenario(name="b", positioning={"focus": 0.2}))], 3, 11
    )
    assert [t.key for t in job.tasks] == [
        "a/000000",
        "a/000001",
        "a/000002",
        "b/000000",
        "b/000001",
        "b/000002",
    ]
    assert [t.seed for t in job.tasks] == [replicate_seed(11, i) for i in range(3)] * 2
    assert job.tasks[4].meta == {"scenario": "b", "replicate": 1}
    assert (
        job.identity() == compare_job(list(job.scenarios.items()), 50, 11).identity()
    )  # more replicates: same batch
    assert default_folder(job).name.startswith("compare-a-vs-b-seed11-")


def test_at_least_one_replicate_and_one_scenario():
    with pytest.raises(ValueError):
        compare_job([("a", Scenario(name="a"))], 0)
    with pytest.raises(ValueError):
        compare_job([], 3)
