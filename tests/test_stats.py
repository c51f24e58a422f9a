"""Survival and bootstrap helpers: SciPy's Kaplan-Meier, log-rank and bootstrap, used correctly."""

import numpy as np
import pytest

from sim import stats


def administrative(rng, n=300, horizon=180, scale=120):
    """Lifespans censored only at the horizon, as in groupsim runs."""
    t = np.minimum(rng.exponential(scale, n).round(), horizon)
    return t, t >= horizon


def test_km_equals_plain_shares_when_censoring_is_only_at_the_horizon():
    t, c = administrative(np.random.default_rng(1))
    for day in (0, 21, 90, 179):
        assert stats.survival_at(t, c, day).estimate == pytest.approx(np.mean(t > day))
    assert stats.restricted_mean(t, c, 180) == pytest.approx(np.minimum(t, 180).mean())
    assert stats.restricted_mean(t, c, 60) == pytest.approx(np.minimum(t, 60).mean())
    median = stats.median_survival(t, c).estimate
    assert np.mean(t > median) <= 0.5 < np.mean(t >= median)


def test_median_not_reached_when_most_groups_outlive_the_horizon():
    t = np.array([10, 20, 180, 180, 180], float)
    median = stats.median_survival(t, t >= 180)
    assert median.estimate is None and median.high is None


def test_median_interval_brackets_the_median_and_bands_bracket_the_curve():
    t, c = administrative(np.random.default_rng(2), scale=40)
    median = stats.median_survival(t, c)
    assert median.low <= median.estimate <= median.high
    curve = stats.survival_curve(t, c, np.arange(0, 181))
    assert ((curve["low"] <= curve["survival"]) & (curve["survival"] <= curve["high"])).all()
    assert curve["low"].min() >= 0 and curve["high"].max() <= 1
    assert curve["survival"].is_monotonic_decreasing


def test_logrank_separates_different_curves_and_not_equal_ones():
    rng = np.random.default_rng(3)
    short, long_ = administrative(rng, scale=20), administrative(rng, scale=200)
    assert stats.logrank(*short, *long_)[1] < 1e-6
    same_a, same_b = administrative(rng, scale=60), administrative(rng, scale=60)
    assert stats.logrank(*same_a, *same_b)[1] > 0.01
    everyone_alive = (np.full(5, 180.0), np.ones(5, bool))
    assert stats.logrank(*everyone_alive, *everyone_alive) == (None, None)


def test_restricted_mean_difference_is_the_km_difference_with_an_interval():
    rng = np.random.default_rng(4)
    (ta, ca), (tb, cb) = administrative(rng, scale=150), administrative(rng, scale=30)
    diff = stats.restricted_mean_difference(ta, ca, tb, cb, 180, rng=0)
    assert diff.estimate == pytest.approx(
        stats.restricted_mean(ta, ca, 180) - stats.restricted_mean(tb, cb, 180)
    )
    assert diff.low < diff.estimate < diff.high and diff.low > 0
    early = cb.copy()
    early[:3] = True  # censored before the horizon: each resample needs its own Kaplan-Meier curve
    general = stats.restricted_mean_difference(ta, ca, tb, early, 180, rng=0)
    assert general.estimate == pytest.approx(
        stats.restricted_mean(ta, ca, 180) - stats.restricted_mean(tb, early, 180)
    )
    assert general.low < general.estimate < general.high


def test_bootstrap_is_repeatable_and_handles_degenerate_samples():
    rng = np.random.default_rng(5)
    a, b = rng.poisson(12, 200), rng.poisson(9, 200)
    first = stats.bootstrap_difference(a, b, rng=7)
    assert first == stats.bootstrap_difference(a, b, rng=7)
    assert first.estimate == np.median(a) - np.median(b)
    assert first.low <= first.estimate <= first.high
    assert stats.bootstrap_difference(np.zeros(20), np.zeros(30)) == stats.Interval(0.0, 0.0, 0.0)
    assert stats.bootstrap_difference([], [1, 2]) == stats.Interval(None, None, None)
    assert stats.bootstrap_difference([np.nan, 3, 4], [1, 2], "mean").estimate == pytest.approx(2.0)
    one = stats.bootstrap_interval(a, "mean", rng=1)
    assert one.low < a.mean() < one.high


def test_spread_reports_quantiles_and_ignores_missing_values():
    s = stats.spread(np.array([1, 2, 3, 4, np.nan, 100], float))
    assert s["median"] == 3 and s["n"] == 5 and s["p10"] < s["median"] < s["p90"]
    assert stats.spread(np.array([]))["median"] is None
