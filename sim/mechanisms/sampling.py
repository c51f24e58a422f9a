"""Small random draws shared by several mechanisms."""

from __future__ import annotations

import numpy as np


def small_counts(u: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Poisson(rate) counts truncated at 3, from one uniform `u` per member.

    rng.poisson on a length-500 array costs ~17 µs; inverting the first four terms of the CDF
    costs ~4 µs and daily message counts per member above 3 are negligible at these rates.
    """
    p0 = np.exp(-rate)
    c1 = p0 * (1.0 + rate)
    c2 = c1 + p0 * rate * rate * 0.5
    return (u > p0).astype(np.int32) + (u > c1) + (u > c2)


def beta_with_mean(
    rng: np.random.Generator, mean: float | np.ndarray, concentration: float, size: int
) -> np.ndarray:
    """Beta draws with the given mean and a+b = concentration."""
    mean = np.minimum(np.maximum(mean, 0.01), 0.99)
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size)


def weighted_sample(
    rng: np.random.Generator, candidates: np.ndarray, weights: np.ndarray, k: int
) -> np.ndarray:
    """Up to `k` distinct candidates, chosen with probability proportional to `weights`.

    Uses the exponential-keys trick (one uniform per candidate, no Python loop). Zero-weight
    candidates are never chosen.
    """
    positive = weights > 0
    candidates, weights = candidates[positive], weights[positive]
    if k <= 0 or candidates.shape[0] == 0:
        return candidates[:0]
    if k >= candidates.shape[0]:
        return candidates
    keys = rng.exponential(size=candidates.shape[0]) / weights
    return candidates[np.argpartition(keys, k)[:k]]
