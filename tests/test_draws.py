"""The counter-based draws behave like independent random numbers of the stated distributions.

Each check is a goodness-of-fit test on many draws, at a significance level (1e-4) that a correct
generator fails once in ten thousand runs; the draws themselves are fixed, so the test either
always passes or always fails for this code.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.mechanisms import draws
from sim.mechanisms.draws import Stream, StreamKeys

ALPHA = 1e-4
N = 100_000
KEYS = StreamKeys(12345)


def _many(fn, count: int = N) -> np.ndarray:
    return np.array([fn(i) for i in range(count)])


def test_uniforms_are_uniform_along_members_days_and_slots():
    key = KEYS[Stream.POST_VALUE]
    for fn in (lambda i: draws.uniform(key, 5, i, 0), lambda i: draws.uniform(key, i, 7, 0),
               lambda i: draws.uniform(key, 5, 7, i)):  # fmt: skip
        assert stats.kstest(_many(fn), "uniform").pvalue > ALPHA


def test_neighbouring_counters_and_streams_are_independent():
    """Pairs of draws at neighbouring members, days and slots, and in two streams, fill a 10 x 10
    grid evenly (chi-square), so no draw predicts its neighbour."""
    a, b = KEYS[Stream.POST_VALUE], KEYS[Stream.CHURN]
    pairs = {
        "member": (lambda i: draws.uniform(a, 3, i, 0), lambda i: draws.uniform(a, 3, i + 1, 0)),
        "day": (lambda i: draws.uniform(a, i, 9, 0), lambda i: draws.uniform(a, i + 1, 9, 0)),
        "slot": (lambda i: draws.uniform(a, 3, i, 0), lambda i: draws.uniform(a, 3, i, 1)),
        "stream": (lambda i: draws.uniform(a, 3, i, 0), lambda i: draws.uniform(b, 3, i, 0)),
    }
    for name, (first, second) in pairs.items():
        x, y = _many(first), _many(second)
        counts = np.histogram2d(x, y, bins=10, range=[[0, 1], [0, 1]])[0].ravel()
        assert stats.chisquare(counts).pvalue > ALPHA, name


def test_normal_exponential_gamma_and_beta_draws_have_their_distributions():
    key = KEYS[Stream.TRAITS]
    assert stats.kstest(_many(lambda i: draws.normal(key, 1, i, 0)), "norm").pvalue > ALPHA
    assert stats.kstest(_many(lambda i: draws.exponential(key, 1, i, 0)), "expon").pvalue > ALPHA
    for shape in (0.4, 2.5):
        sample = _many(lambda i, shape=shape: draws.gamma(key, 1, i, shape, 0), 40_000)
        assert stats.kstest(sample, "gamma", args=(shape,)).pvalue > ALPHA
    sample = _many(lambda i: draws.beta_with_mean(key, 1, i, 0.3, 6.0), 40_000)
    assert stats.kstest(sample, "beta", args=(1.8, 4.2)).pvalue > ALPHA


@pytest.mark.parametrize("mean", [0.3, 4.0, 55.0])
def test_poisson_draws_have_the_poisson_distribution(mean):
    key = KEYS[Stream.ORGANIC_COUNT]
    sample = _many(lambda i: draws.poisson(key, 2, i, mean), 40_000)
    values, counts = np.unique(sample, return_counts=True)
    expected = stats.poisson.pmf(values, mean) * sample.shape[0]
    keep = expected >= 5  # chi-square needs expected counts of at least 5 per cell
    scale = counts[keep].sum() / expected[keep].sum()
    assert stats.chisquare(counts[keep], expected[keep] * scale).pvalue > ALPHA
    assert sample.mean() == pytest.approx(mean, rel=0.03)


def test_distinct_seeds_give_unrelated_keys_and_the_same_seed_the_same_keys():
    assert (StreamKeys(1).all == StreamKeys(1).all).all()
    assert len(set(StreamKeys(1).all.tolist()) | set(StreamKeys(2).all.tolist())) == 2 * len(Stream)
