"""`groupsim optimize` on a cheap synthetic objective: it finds known optima, keeps to budgets,
is reproducible, resumes, and refuses bad optimize: blocks with clear messages."""

from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest
from experiment_support import one_problem, write
from typer.testing import CliRunner

from sim.batch.executors import make_executor
from sim.batch.store import ResultStore
from sim.cli.common import app
from sim.optimize.metrics import run_metrics, trial_means
from sim.optimize.run import run_optimization
from sim.optimize.scenario_file import scenario_yaml
from sim.optimize.study import LazyExecutor, ask, distributions, next_round, open_study, run_round, study_job
from sim.runner import RunResult
from sim.scenario import apply_overrides, load_scenario, scenario_hash
from sim.sweep.experiment import load_experiment

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
runner = CliRunner()


def synthetic(scenario, seed) -> RunResult:
    """A stand-in for the model: value peaks at focus 0.3, 4 KOLs and vetting; each KOL costs 100
    yuan on top of 50; a little noise per seed. Under a budget of 380 yuan the best has 3 KOLs."""
    focus, kols = scenario.positioning.focus, scenario.kol.count
    if scenario.population.initial_members == 13:
        raise RuntimeError("unlucky thirteen")
    value = (
        10 - 100 * (focus - 0.3) ** 2 - (kols - 4) ** 2 + (5 if scenario.entry.threshold == "vetting" else 0)
    )
    value += np.random.default_rng(seed).normal(0, 0.05)
    days = scenario.horizon.days
    summary = {
        "horizon_days": days,
        "days_simulated": days,
        "lifespan_days": days,
        "censored": True,
        "value_posts_per_member": value,
        "operator_hours": 1.25,
        "operator_cost_yuan": 100.0 * kols + 50.0,
        "cost_breakdown_yuan": {"operator_hours": 50.0},
    }
    return RunResult(pd.DataFrame(), pd.DataFrame(), summary)


def experiment_text(
    objectives="{value_posts_per_member: maximize}",
    constraints="{budget_yuan: 380}",
    trials=60,
    levers="  entry.threshold: [none, vetting, paid, share_to_join]\n",
    extra="",
) -> str:
    return f"""\
name: synthetic
base: {BASELINE}
set: {{horizon.days: 30}}
parameters:
  positioning.focus: {{range: [0, 1]}}
  kol.count: {{range: [0, 8]}}
{levers}replicates: 2
optimize:
  objectives: {objectives}
  constraints: {constraints}
  trials: {trials}
  batch: 4
  confirm: {{top: 2, replicates: 5}}
{extra}"""


def optimise(tmp_path: Path, text: str, out: str = "out", **kwargs):
    experiment = load_experiment(write(tmp_path, text, f"{out}.yaml"))
    return run_optimization(
        experiment, tmp_path / out, lambda: make_executor("serial"), simulate=synthetic, **kwargs
    )


# --------------------------------------------------------------------------- finding optima


def test_the_optimiser_finds_the_known_optimum_of_a_cheap_synthetic_objective_within_the_budget(tmp_path):
    result = optimise(tmp_path, experiment_text())
    trials = result.trials
    assert len(trials) == 60 and (trials["state"] == "complete").all()
    assert not trials.loc[trials["feasible"], "operator_cost_yuan"].gt(380).any()
    assert trials.loc[~trials["feasible"], "operator_cost_yuan"].gt(380).all()
    (answer,) = result.best
    best = answer.candidate
    assert answer.level == 380 and best is not None
    assert best.params["kol.count"] == 3 and best.params["entry.threshold"] == "vetting"
    assert abs(best.params["positioning.focus"] - 0.3) < 0.08
    confirmed = result.confirmed.set_index(["strategy", "metric"])["mean"]
    assert confirmed[(best.name, "value_posts_per_member")] > 13.3  # the constrained optimum is 14
    assert confirmed[(best.name, "operator_cost_yuan")] == 350
    assert (tmp_path / "out" / "best" / "best-under-380-yuan.yaml").exists()


def test_nsga2_finds_the_cost_value_front_of_two_objectives(tmp_path):
    text = experiment_text(
        objectives="{value_posts_per_member: maximize, operator_cost_yuan: minimize}",
        trials=96,
        levers="",
        extra="  sampler: {population: 16}\n",
    )
    result = optimise(tmp_path, text)
    assert result.experiment.optimize.sampler == "nsga2"
    feasible = result.trials[result.trials["feasible"]]
    best_per_kols = feasible.groupby("kol.count")["value_posts_per_member"].max()
    for kols in (1, 2, 3):  # the true front: 10 - (kols - 4)^2 at cost 100 kols + 50
        assert best_per_kols[kols] > 10 - (kols - 4) ** 2 - 0.5
    front = result.trials[result.trials["front"]].sort_values("operator_cost_yuan")
    assert front["value_posts_per_member"].is_monotonic_increasing and len(front) >= 3


def test_a_failing_replicate_fails_its_trial_and_the_search_goes_on(tmp_path):
    text = experiment_text(trials=8, levers="  population.initial_members: [12, 13]\n")
    result = optimise(tmp_path, text)
    failed = result.trials[result.trials["state"] == "failed"]
    assert len(failed) and (failed["population.initial_members"] == 13).all()
    assert failed["error"].str.contains("unlucky thirteen").all()
    assert len(result.trials) == 8 and (result.trials["state"] == "complete").any()
    assert all(c.params["population.initial_members"] == 12 for c in result.candidates)


# ------------------------------------------------------------------------ determinism, resume


def test_the_same_file_gives_the_same_trials_and_answer(tmp_path):
    one = optimise(tmp_path, experiment_text(trials=12), "one")
    two = optimise(tmp_path, experiment_text(trials=12), "two")
    pd.testing.assert_frame_equal(one.trials, two.trials)
    assert (tmp_path / "one" / "confirmed.csv").read_bytes() == (
        tmp_path / "two" / "confirmed.csv"
    ).read_bytes()
    other = optimise(tmp_path, experiment_text(trials=12, extra="  sampler: {seed: 2}\n"), "other")
    assert not other.trials["positioning.focus"].equals(one.trials["positioning.focus"])


def test_more_trials_extend_a_study_as_if_it_had_run_at_once(tmp_path):
    once = optimise(tmp_path, experiment_text(trials=16), "once")
    optimise(tmp_path, experiment_text(trials=16), "twice", trials=8)
    twice = optimise(tmp_path, experiment_text(trials=16), "twice")
    assert twice.told == 8
    pd.testing.assert_frame_equal(once.trials, twice.trials)
    again = optimise(tmp_path, experiment_text(trials=16), "twice")
    assert again.told == 0  # every trial already told: nothing runs, the tables are rewritten
    pd.testing.assert_frame_equal(once.trials, again.trials)


def test_trials_left_running_are_completed_and_one_killed_inside_ask_is_abandoned(tmp_path):
    """What a kill can leave in study.db: a batch part-asked (levers stored, nothing run), a batch
    partly told, a trial whose levers were not all stored. Resuming completes the first two as an
    uninterrupted run would, and abandons the third (it never ran and does not count)."""
    reference = optimise(tmp_path, experiment_text(trials=12), "reference")
    experiment = load_experiment(write(tmp_path, experiment_text(trials=12), "killed.yaml"))
    space = distributions(experiment.parameters)

    def killed(folder: Path, leave) -> None:
        with ResultStore(folder).open(study_job(experiment, [], simulate=synthetic)) as store:
            study = open_study(folder, experiment)
            with LazyExecutor(lambda: make_executor("serial")) as executor:
                leave(study, store, executor)

    def part_asked(study, store, executor):
        assert [ask(study, experiment.optimize, space).number for _ in range(2)] == [0, 1]

    def partly_told(study, store, executor):
        run_round(experiment, study, store, next_round(study, experiment, 12), executor, simulate=synthetic)
        batch = next_round(study, experiment, 12)
        assert [p.number for p in batch] == [4, 5, 6, 7]
        run_round(experiment, study, store, batch[:1], executor, simulate=synthetic)

    for name, leave in (("part-asked", part_asked), ("partly-told", partly_told)):
        killed(tmp_path / name, leave)
        resumed = optimise(tmp_path, experiment_text(trials=12), name)
        pd.testing.assert_frame_equal(reference.trials, resumed.trials)

    killed(tmp_path / "part-asked", lambda study, store, executor: study.ask())  # no levers stored
    extended = optimise(tmp_path, experiment_text(trials=12), "part-asked", trials=16)
    states = extended.trials.set_index("trial")["state"]
    assert states[12] == "abandoned" and (states.drop(12) == "complete").all() and len(states) == 17
    assert extended.summary["trials"]["told"] == 16


def test_a_folder_holding_another_optimisation_is_refused(tmp_path):
    optimise(tmp_path, experiment_text(trials=4), "out")
    with pytest.raises(Exception, match="holds a different batch"):
        optimise(tmp_path, experiment_text(trials=4, constraints="{budget_yuan: 500}"), "out")
    replaced = optimise(
        tmp_path, experiment_text(trials=4, constraints="{budget_yuan: 500}"), "out", overwrite=True
    )
    assert replaced.best[0].level == 500


# ------------------------------------------------------------------------------- the pieces


def test_metrics_are_means_over_replicates_with_survival_cash_and_hours_derived():
    runs = pd.DataFrame(
        {
            "lifespan_days": [100, 40, 90],
            "censored": [False, False, True],
            "operator_cost_yuan": [500.0, 300.0, 0.0],
            "cost_breakdown_yuan_operator_hours": [200.0, 100.0, 0.0],
            "operator_hours": [90.0, 40.0, 0.0],
            "days_simulated": [180, 45, 180],
            "value_posts_per_1000_yuan": [10.0, 20.0, None],
        }
    )
    per_run = run_metrics(runs, ["survival_at_90", "cash_cost_yuan", "operator_hours_per_day"])
    assert list(per_run["survival_at_90"]) == [1.0, 0.0, 1.0]
    assert list(per_run["cash_cost_yuan"]) == [300.0, 200.0, 0.0]
    assert list(per_run["operator_hours_per_day"]) == [0.5, 40 / 45, 0.0]
    means = trial_means(runs, ["survival_at_90", "value_posts_per_1000_yuan"])
    assert means == {
        "survival_at_90": pytest.approx(2 / 3),
        "value_posts_per_1000_yuan": 15.0,
    }  # undefined left out


@pytest.mark.parametrize("name", ["baseline", "unmanaged", "flash_sale", "campaign_timeline", "matrix_split"])
def test_a_strategy_written_as_a_scenario_file_loads_back_into_the_same_scenario(tmp_path, name):
    scenario = apply_overrides(
        load_scenario(ROOT / "scenarios" / f"{name}.yaml"),
        {"kol.count": 3, "operator.hours_per_day": 0.123456789, "events.enabled": True},
    )
    path = write(tmp_path, scenario_yaml(scenario, ["a comment", "", "another"]), "s.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# a comment\n#\n# another\nname: ")
    assert scenario_hash(load_scenario(path)) == scenario_hash(scenario)
    assert len(text.splitlines()) < 80  # only what differs from the defaults


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "change, where, expected",
    [
        (
            ("value_posts_per_member: maximize", "value_post_per_member: maximize"),
            9,
            "optimize.objectives.value_post_per_member: no metric 'value_post_per_member'; did you mean 'value_posts_per_member'",
        ),
        (
            ("value_posts_per_member: maximize", "value_posts_per_member: maximum"),
            9,
            "optimize.objectives.value_posts_per_member: expected one of 'maximize', 'maximise', 'minimize' or 'minimise', got 'maximum'; did you mean 'maximize'?",
        ),
        (
            ("{budget_yuan: 380}", "{budget_yuan: -5}"),
            10,
            "optimize.constraints.budget_yuan: expected a budget in yuan (a number > 0) or a list of budget levels, got -5",
        ),
        (
            ("{budget_yuan: 380}", "{budget: 380}"),
            10,
            "optimize.constraints.budget: unknown field 'budget'; did you mean 'budget_yuan'?",
        ),
        (
            ("{budget_yuan: 380}", "{budget_yuan: [500, 500]}"),
            10,
            "optimize.constraints.budget_yuan: budget levels repeat",
        ),
        (
            ("{budget_yuan: 380}", "{budget_counts_hours: false}"),
            10,
            "optimize.constraints.budget_counts_hours: says what a budget covers; give budget_yuan too",
        ),
        (
            ("{budget_yuan: 380}", "{at_least: {survival_at_400: 0.5}}"),
            10,
            "day 400 is outside the horizon (1 to 30 days",
        ),
        (("{budget_yuan: 380}", "{at_most: {scenario_hash: 1}}"), 10, "scenario_hash'"),
        (("  batch: 4", "  batch: 0"), 12, "optimize.batch: expected a value >= 1, got 0"),
        (("  batch: 4", "  bacth: 4"), 12, "optimize.bacth: unknown field 'bacth'; did you mean 'batch'?"),
        (
            ("  batch: 4", "  batch: 4\n  sampler: {kind: cmaes}"),
            13,
            "optimize.sampler.kind: expected one of 'auto', 'tpe' or 'nsga2', got 'cmaes'",
        ),
        (
            ("replicates: 5}", "replicates: 1}"),
            13,
            "optimize.confirm.replicates: expected a value >= 2, got 1",
        ),
        (
            ("replicates: 2", "replicates: 2\ndesign: grid"),
            8,
            "design: an optimisation chooses its own points: remove design:",
        ),
        (
            ("replicates: 2", "replicates: 2\nseeds: independent"),
            8,
            "seeds: an optimisation compares its trials on common random numbers",
        ),
        (
            ("{range: [0, 8]}", "{range: [0, 8], steps: 3}"),
            6,
            "parameters.kol.count.steps: steps is for grid designs; an optimisation draws from the whole range",
        ),
        (
            ("  objectives: {value_posts_per_member: maximize}", "  objectives: {}"),
            9,
            "optimize.objectives: give at least one objective",
        ),
    ],
)
def test_a_bad_optimize_block_gets_a_located_message(tmp_path, change, where, expected):
    text = experiment_text(levers="").replace(*change)
    message = one_problem(tmp_path, text)
    assert f"exp.yaml:{where}:" in message and expected in message, message


def test_the_optimize_command_prints_every_problem_and_exits_2(tmp_path):
    text = (
        experiment_text(levers="")
        .replace("maximize", "maximum")
        .replace("{budget_yuan: 380}", "{budget: 380}")
    )
    result = runner.invoke(app, ["optimize", str(write(tmp_path, text))])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "got 'maximum'" in result.output and "unknown field 'budget'" in result.output


def test_sweep_and_optimize_refuse_each_others_files(tmp_path):
    optimisation = write(tmp_path, experiment_text(levers=""))
    refused = runner.invoke(app, ["sweep", str(optimisation), "--out", str(tmp_path / "s")])
    assert refused.exit_code == 2 and "groupsim optimize" in refused.output, refused.output
    sweep = write(
        tmp_path,
        experiment_text(levers="").split("optimize:")[0]
        + "design: {kind: lhs, samples: 4}\nanalysis: {survival_day: 7}\n",
        "sweep.yaml",
    )
    refused = runner.invoke(app, ["optimize", str(sweep), "--out", str(tmp_path / "o")])
    assert refused.exit_code == 2 and "has no optimize: block" in refused.output, refused.output
    assert not (tmp_path / "s").exists() and not (tmp_path / "o").exists()


def test_the_example_optimisations_are_valid():
    files = sorted((ROOT / "experiments").glob("optimize_*.yaml"))
    assert files
    for path in files:
        assert load_experiment(path).optimize is not None


def test_a_study_is_an_ordinary_optuna_study(tmp_path):
    optimise(tmp_path, experiment_text(trials=4), "out")
    study = optuna.load_study(storage=f"sqlite:///{tmp_path / 'out' / 'study.db'}", study_name="synthetic")
    assert len(study.trials) == 4 and study.trials[0].constraints
