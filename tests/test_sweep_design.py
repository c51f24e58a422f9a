"""The designs: grid size and coverage, Latin hypercube strata, Saltelli and Morris sizes, value mapping."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from sim.sweep.design import lhs_unit, make_design, morris_unit, sobol_unit
from sim.sweep.experiment import Parameter, load_experiment

ROOT = Path(__file__).resolve().parent.parent
BASE = f"base: {ROOT / 'scenarios' / 'baseline.yaml'}\nset: {{horizon.days: 30}}\nreplicates: 1\nanalysis: {{survival_day: 30}}\n"
LEVERS = """\
parameters:
  entry.threshold: [none, vetting, paid]
  kol.count: {range: [0, 4]}
  positioning.focus: {range: [0.2, 0.9]}
  referral.reward_yuan: {range: [0.5, 50], scale: log}
"""


def experiment(tmp_path: Path, design: str, levers: str = LEVERS):
    path = tmp_path / "e.yaml"
    path.write_text(BASE + levers + f"design: {design}\n", encoding="utf-8")
    return load_experiment(path)


def test_a_grid_has_every_combination_of_levels_once(tmp_path):
    levers = """\
parameters:
  entry.threshold: [none, vetting, paid]
  cadence.promotion.start_day: {range: [3, 21], steps: 4}
  rules.enabled: [false, true]
"""
    design = make_design(experiment(tmp_path, "grid", levers))
    assert len(design) == 3 * 4 * 2
    expected = set(itertools.product(["none", "vetting", "paid"], [3, 9, 15, 21], [False, True]))
    assert set(design.values) == expected
    assert design.values[0] == ("none", 3, False) and design.values[1] == (
        "none",
        3,
        True,
    )  # first lever slowest
    table = design.table()
    assert list(table.columns[:4]) == [
        "point",
        "entry.threshold",
        "cadence.promotion.start_day",
        "rules.enabled",
    ]
    assert str(table["entry.threshold"].dtype) == "string" and table["rules.enabled"].dtype == bool
    assert table["u:cadence.promotion.start_day"].tolist()[:8:2] == pytest.approx([0, 1 / 3, 2 / 3, 1])
    assert design.describe() == "full grid of 3 x 4 x 2 = 24 points"


def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_lever():
    unit = lhs_unit(5, 40, np.random.default_rng(7))
    assert unit.shape == (40, 5)
    for column in unit.T:
        assert sorted(np.floor(column * 40).astype(int)) == list(range(40))
    assert np.array_equal(unit, lhs_unit(5, 40, np.random.default_rng(7)))  # a fixed seed repeats it
    assert not np.array_equal(unit, lhs_unit(5, 40, np.random.default_rng(8)))


@pytest.mark.parametrize(
    "d, n, second_order, size",
    [(4, 16, True, 16 * (2 * 4 + 2)), (4, 16, False, 16 * (4 + 2)), (10, 8, True, 8 * 22)],
)
def test_saltelli_samples_have_n_times_2d_plus_2_points(d, n, second_order, size):
    unit = sobol_unit(d, n, second_order, seed=3)
    assert unit.shape == (size, d) and (unit >= 0).all() and (unit <= 1).all()
    assert np.array_equal(unit, sobol_unit(d, n, second_order, seed=3))
    # each block of 2D+2 (or D+2) rows is A, then A with one column from B, ..., then B
    block = unit[: (2 * d + 2) if second_order else d + 2]
    a, b = block[0], block[-1]
    for j in range(d):
        row = block[1 + j]
        assert row[j] == b[j] and np.array_equal(np.delete(row, j), np.delete(a, j))


def test_morris_trajectories_move_one_lever_at_a_time_on_the_grid():
    d, trajectories, levels = 4, 6, 4
    unit = morris_unit(d, trajectories, levels, seed=5)
    assert unit.shape == (trajectories * (d + 1), d)
    assert set(np.round(unit.ravel() * (levels - 1), 9)) <= set(range(levels))
    delta = levels / (2 * (levels - 1))
    for t in range(trajectories):
        steps = np.diff(unit[t * (d + 1) : (t + 1) * (d + 1)], axis=0)
        assert (np.count_nonzero(np.abs(steps) > 1e-12, axis=1) == 1).all()  # one lever per step
        assert np.allclose(np.abs(steps).sum(axis=1), delta)
        assert sorted(np.flatnonzero(np.abs(steps) > 1e-12) % d) == list(range(d))  # each lever moves once


@pytest.mark.parametrize(
    "design, size",
    [
        ("{kind: random, samples: 30}", 30),
        ("{kind: lhs, samples: 30}", 30),
        ("{kind: sobol, samples: 8}", 8 * 10),
        ("{kind: morris, samples: 5}", 25),
    ],
)
def test_sampled_designs_give_values_inside_each_levers_range(tmp_path, design, size):
    made = make_design(experiment(tmp_path, design))
    assert len(made) == size
    table = made.table()
    assert set(table["entry.threshold"]) <= {"none", "vetting", "paid"}
    assert table["kol.count"].between(0, 4).all() and table["kol.count"].dtype == np.int64
    assert table["positioning.focus"].between(0.2, 0.9).all()
    assert table["referral.reward_yuan"].between(0.5, 50).all()
    assert make_design(experiment(tmp_path, design)).hash() == made.hash()


def test_the_sampler_seed_changes_the_points_and_the_design_hash(tmp_path):
    one = make_design(experiment(tmp_path, "{kind: lhs, samples: 20, seed: 1}"))
    two = make_design(experiment(tmp_path, "{kind: lhs, samples: 20, seed: 2}"))
    assert one.values != two.values and one.hash() != two.hash()


def test_unit_values_map_evenly_onto_levels_whole_numbers_and_log_ranges():
    u = (np.arange(10_000) + 0.5) / 10_000
    levels = Parameter("entry.threshold", "choice", "", "", levels=("none", "vetting", "paid"))
    assert sorted(levels.from_unit(u).count(v) for v in levels.levels) == [3333, 3333, 3334]
    assert levels.from_unit(np.array([0.0, 1.0])) == ["none", "paid"]
    ints = Parameter("kol.count", "int", "", "", low=0, high=4)
    counts = np.bincount(ints.from_unit(u))
    assert len(counts) == 5 and counts.min() == counts.max() == 2000  # every whole number equally likely
    assert ints.from_unit(np.array([1.0])) == [4]
    log = Parameter("referral.reward_yuan", "float", "", "", low=1.0, high=100.0, scale="log")
    assert log.from_unit(np.array([0.0, 0.5, 1.0])) == pytest.approx([1.0, 10.0, 100.0])
    linear = Parameter("positioning.focus", "float", "", "", low=0.2, high=0.6)
    assert linear.from_unit(np.array([0.0, 0.25, 1.0])) == pytest.approx([0.2, 0.3, 0.6])
    spread = Parameter("x", "int", "", "", low=1, high=100, steps=3, scale="log")
    assert spread.grid_levels() == (1, 10, 100)
