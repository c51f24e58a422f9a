"""With no lever pulled the model must look like real groups (the brief; sources in sim/calibration.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import Scenario, load_scenario
from sim.calibration import activity_by_size, participation, tenure

pytestmark = pytest.mark.slow

SEEDS = [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(11).spawn(10)]


def test_with_no_lever_pulled_most_members_never_post_and_a_few_produce_most_value():
    p = participation(Scenario(name="default"), SEEDS)
    assert p.never_posted_anything > 0.6, p  # van Mierlo 2014: < 25% ever posted
    assert p.never_posted_value > 0.85, p  # Nielsen 2006: ~90% lurk
    assert p.top1pct_value_share > 0.35 and p.top10pct_value_share > 0.75, p
    assert p.value_gini > 0.8, p


def test_even_a_well_run_group_keeps_participation_unequal():
    p = participation(load_scenario("scenarios/baseline.yaml"), SEEDS[:6])
    assert p.never_posted_value > 0.7 and p.top10pct_value_share > 0.75, p


def test_per_member_activity_falls_as_the_group_grows_past_a_few_hundred():
    table = activity_by_size(load_scenario("scenarios/baseline.yaml"), (50, 150, 500), SEEDS[:5], days=45)
    value = table["value_posts_per_member_day"].to_numpy()
    messages = table["messages_per_member_day"].to_numpy()
    assert (np.diff(value) < 0).all() and (np.diff(messages) < 0).all(), table
    assert value[-1] < 0.5 * value[0], table  # at 500 members, well under half the per-member output at 50


def test_time_in_the_group_is_heavier_tailed_than_exponential():
    t = tenure(load_scenario("scenarios/baseline.yaml"), SEEDS)
    assert t.weibull_shape < 1.0, t
    assert t.exponential_lr_p < 0.01, t
