"""The package imports and a default scenario runs a few days."""

from sim import Scenario, run_scenario


def test_default_scenario_runs_a_week_and_records_each_day():
    result = run_scenario(Scenario(name="smoke"), seed=1, days=7)
    assert list(result.daily["day"]) == list(range(1, 8))
    assert result.summary["days_simulated"] == 7
