"""Replicate seeds come from one root seed via SeedSequence and do not depend on the batch size."""

import numpy as np
import pytest

from sim.batch.seeds import SEED_BITS, replicate_seed, replicate_seeds


def test_replicate_seed_is_the_spawned_child_of_the_root_seed():
    children = np.random.SeedSequence(2024).spawn(5)
    for i, child in enumerate(children):
        word = int(child.generate_state(1, dtype=np.uint64)[0])
        assert replicate_seed(2024, i) == word >> (64 - SEED_BITS)


def test_seeds_do_not_depend_on_how_many_replicates_run():
    assert replicate_seeds(7, 50)[:10] == replicate_seeds(7, 10)


def test_seeds_are_distinct_fit_int64_and_differ_between_root_seeds():
    seeds = replicate_seeds(1, 2000)
    assert len(set(seeds)) == len(seeds)
    assert all(0 <= s < 2**63 for s in seeds)
    assert set(replicate_seeds(2, 100)).isdisjoint(replicate_seeds(1, 100))


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_bad_root_seed_is_refused(bad):
    with pytest.raises(ValueError):
        replicate_seed(bad, 0)
