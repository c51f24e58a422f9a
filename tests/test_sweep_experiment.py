"""Experiment files: what a valid one gives, and the clear message each kind of mistake gets."""

from pathlib import Path

import pytest
from experiment_support import one_problem, problems, write
from typer.testing import CliRunner

from sim.cli.common import app
from sim.scenario import ScenarioError
from sim.sweep.experiment import REQUIRED_OUTCOMES, load_experiment

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
VALID = f"""\
name: small
base: {BASELINE}
set:
  horizon.days: 30
  horizon.report_days: [7, 20, 30]
parameters:
  entry.threshold: [none, paid]
  cadence.promotion.start_day: {{range: [3, 21], steps: 4}}
design: grid
replicates: 2
analysis: {{survival_day: 20}}
"""


def test_a_valid_experiment_is_loaded_with_the_base_changed_and_levers_typed(tmp_path):
    experiment = load_experiment(write(tmp_path, VALID))
    assert experiment.name == "small" and experiment.base.horizon.days == 30
    threshold, start = experiment.parameters
    assert threshold.kind == "choice" and threshold.levels == ("none", "paid")
    assert start.kind == "int" and start.grid_levels() == (3, 9, 15, 21)
    assert experiment.outcomes[: len(REQUIRED_OUTCOMES)] == REQUIRED_OUTCOMES
    assert "value_contributors_at_20" in experiment.outcomes and "peak_members" in experiment.outcomes
    assert experiment.executor.kind == "local" and experiment.seeds == "common"
    assert experiment.hash() == load_experiment(write(tmp_path, VALID, "again.yaml")).hash()


def test_the_example_experiments_are_valid():
    files = sorted((ROOT / "experiments").glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        load_experiment(path)


def test_an_unknown_path_names_the_line_and_suggests_the_right_one(tmp_path):
    message = one_problem(tmp_path, VALID.replace("entry.threshold:", "entry.treshold:"))
    assert "exp.yaml:7" in message and "parameters.entry.treshold" in message
    assert "no scenario parameter 'entry.treshold'; did you mean 'entry.threshold'" in message


def test_a_range_outside_the_parameters_bounds_is_refused_with_the_bounds(tmp_path):
    message = one_problem(
        tmp_path, VALID.replace("{range: [3, 21], steps: 4}", "{range: [-5, 21], steps: 4}")
    )
    assert (
        "exp.yaml:8" in message and "[-5, 21] is outside the bounds of cadence.promotion.start_day" in message
    )
    assert "from 0 to 3650 day" in message
    message = one_problem(
        tmp_path, VALID.replace("entry.threshold: [none, paid]", "entry.strictness: [0.2, 1.5]")
    )
    assert "parameters.entry.strictness.levels[1]" in message and "1.5 is outside the bounds" in message


def test_a_wrong_type_says_what_was_expected(tmp_path):
    message = one_problem(tmp_path, VALID.replace("{range: [3, 21], steps: 4}", "[3, seven, 21]"))
    assert (
        "levels[1]" in message
        and "expected a whole number for cadence.promotion.start_day, got 'seven'" in message
    )
    message = one_problem(
        tmp_path, VALID.replace("{range: [3, 21], steps: 4}", "{range: [3, late], steps: 4}")
    )
    assert "parameters.cadence.promotion.start_day.range" in message and "expected a number" in message
    message = one_problem(tmp_path, VALID.replace("replicates: 2", "replicates: many"))
    assert "replicates: expected a whole number, got 'many'" in message


def test_a_choice_needs_levels_not_a_range(tmp_path):
    message = one_problem(
        tmp_path, VALID.replace("entry.threshold: [none, paid]", "entry.threshold: {range: [0, 3]}")
    )
    assert "entry.threshold is a choice (none, vetting, share_to_join, paid): give levels" in message
    message = one_problem(tmp_path, VALID.replace("[none, paid]", "[none, payed]"))
    assert "'payed' is not a choice of entry.threshold" in message and "did you mean 'paid'?" in message


def test_a_bad_design_name_is_refused_with_a_suggestion(tmp_path):
    message = one_problem(tmp_path, VALID.replace("design: grid", "design: sobel"))
    assert "design.kind" in message and "did you mean 'sobol'?" in message
    assert "'grid', 'random', 'lhs', 'sobol' or 'morris'" in message


@pytest.mark.parametrize(
    "change, expected",
    [
        (
            ("design: grid", "design: {kind: sobol, samples: 100}"),
            "needs a power of 2, got 100; use 64 or 128",
        ),
        (("design: grid", "design: lhs"), "a lhs design needs samples"),
        (("design: grid", "design: {kind: grid, samples: 10}"), "a grid runs every combination"),
        (("design: grid", "design: {kind: random, samples: 10}"), "steps is for grid designs"),
        (("{range: [3, 21], steps: 4}", "{range: [3, 21]}"), "a grid needs levels, or a range with steps"),
        (("{range: [3, 21], steps: 4}", "{range: [3, 5], steps: 6}"), "only 3 whole numbers lie in [3, 5]"),
        (("{range: [3, 21], steps: 4}", "{range: [21, 3], steps: 4}"), "low < high"),
        (
            ("{range: [3, 21], steps: 4}", "{range: [0, 21], steps: 4, scale: log}"),
            "a log scale needs low > 0",
        ),
        (("{range: [3, 21], steps: 4}", "{rnage: [3, 21]}"), "unknown field 'rnage'; did you mean 'range'?"),
        (("[none, paid]", "[paid]"), "needs at least 2 levels"),
        (("[none, paid]", "[none, paid, none]"), "levels repeat: none"),
        (("entry.threshold: [none, paid]", "horizon.days: [30, 60]"), "horizon.days cannot be varied"),
        (("entry.threshold: [none, paid]", "entry: [none, paid]"), "entry is a section, not a parameter"),
        (("entry.threshold: [none, paid]", "name: [a, b]"), "which a sweep cannot vary"),
        (("entry.threshold: [none, paid]", "rules.enabled: {range: [0, 1]}"), "true or false: give levels"),
        (("survival_day: 20", "survival_day: 90"), "day 90 is beyond the horizon (30 days"),
        (("survival_day: 20", "survival_day: 25"), "not on day 25"),
        (
            ("replicates: 2", "replicates: 2\noutcomes: [lifespan_day]"),
            "no outcome 'lifespan_day'; did you mean 'lifespan_days'",
        ),
        (
            ("replicates: 2", "replicates: 2\nexecutor: {kind: local, scheduler: tcp://x:1}"),
            "a scheduler is for kind: dask",
        ),
        (
            ("horizon.days: 30", "horizon.days: 30\n  entry.threshold: paid"),
            "both fixed (under set:) and varied",
        ),
        (("horizon.days: 30", "horizon.dayz: 30"), "did you mean 'horizon.days'"),
        ((f"base: {BASELINE}", f"base: {BASELINE.parent / 'baselin.yaml'}"), "not found"),
    ],
)
def test_each_mistake_gets_a_clear_message(tmp_path, change, expected):
    found = problems(tmp_path, VALID.replace(*change))
    assert any(expected in p for p in found), found
    assert all(p.startswith(str(tmp_path)) or "scenarios" in p for p in found), found


def test_every_problem_is_reported_at_once(tmp_path):
    text = VALID.replace("entry.threshold:", "entry.treshold:").replace("replicates: 2", "replicates: 0")
    found = problems(tmp_path, text)
    assert any("entry.treshold" in p for p in found) and any("replicates" in p for p in found)


def test_points_that_break_a_rule_across_fields_are_refused_before_running(tmp_path):
    from sim.sweep.run import prepare

    text = VALID.replace(
        "entry.threshold: [none, paid]",
        "horizon.sustained_weeks: [3, 8]\n  horizon.sustained_min_weeks: [1, 4]",
    )
    experiment = load_experiment(write(tmp_path, text))  # each value is fine alone (the others at the base's)
    with pytest.raises(ScenarioError) as caught:
        prepare(experiment)
    message = str(caught.value.problems[0])
    assert (
        "4 of 16 points are not valid scenarios" in message
        and "sustained_min_weeks must not exceed" in message
    )
    assert "horizon.sustained_weeks=3, horizon.sustained_min_weeks=4" in message


def test_the_sweep_command_prints_the_problems_and_exits_2(tmp_path):
    path = write(tmp_path, VALID.replace("entry.threshold:", "entry.treshold:"))
    result = CliRunner().invoke(app, ["sweep", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "did you mean 'entry.threshold'" in " ".join(result.output.split())
    assert "Traceback" not in result.output and not (tmp_path / "o").exists()


def test_the_readme_example_experiment_is_valid(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Parameter sweeps and sensitivity", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    experiment = load_experiment(write(tmp_path, example.replace("../scenarios/", f"{ROOT / 'scenarios'}/")))
    assert experiment.paths == ["referral.reward_yuan", "kol.count"] and experiment.extra_outcomes == (
        "peak_members",
    )
