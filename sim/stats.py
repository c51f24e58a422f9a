"""Survival curves, log-rank tests and bootstrap intervals over replicate results, via SciPy.

Lifespans are right-censored: a group still alive at the horizon has `censored=True` and its
lifespan is the horizon. Kaplan-Meier curves (`scipy.stats.ecdf` of `CensoredData`), their
pointwise confidence bands, and log-rank tests (`scipy.stats.logrank`) are SciPy's. Differences
between scenarios get bootstrap intervals from `scipy.stats.bootstrap` (two independent samples).

Edge cases are stated per function; a statistic that does not exist (a median survival that is
never reached, a test with no events) is returned as None rather than a made-up number.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

#: Kaplan-Meier confidence bands use the log-log transform (they stay inside [0, 1]).
BAND_METHOD = "log-log"


@dataclass(frozen=True)
class Interval:
    """An estimate with a confidence interval; bounds are None where they do not exist."""

    estimate: float | None
    low: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high}


def censored_data(times: np.ndarray, censored: np.ndarray) -> stats.CensoredData:
    """SciPy's right-censored sample: `times[i]` is an event unless `censored[i]`."""
    t = np.asarray(times, dtype=np.float64)
    c = np.asarray(censored, dtype=bool)
    if t.shape != c.shape or t.ndim != 1:
        raise ValueError("times and censored must be 1-D arrays of the same length")
    if t.size == 0:
        raise ValueError("no observations")
    return stats.CensoredData(uncensored=t[~c], right=t[c])


def survival_function(times: np.ndarray, censored: np.ndarray):
    """The Kaplan-Meier survival function S(t) = P(lifespan > t), as SciPy's `ecdf(...).sf`."""
    return stats.ecdf(censored_data(times, censored)).sf


def survival_curve(
    times: np.ndarray, censored: np.ndarray, days: np.ndarray, confidence: float = 0.95
) -> pd.DataFrame:
    """S(t) and its pointwise `confidence` band (log-log) evaluated at `days`.

    Columns: day, survival, low, high. Where the band is undefined (S = 1 before the first
    event, or S = 0) it collapses onto S.
    """
    sf = survival_function(times, censored)
    grid = np.asarray(days, dtype=np.float64)
    survival = sf.evaluate(grid)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(confidence, method=BAND_METHOD)
        low, high = band.low.evaluate(grid), band.high.evaluate(grid)
    low = np.where(np.isfinite(low), low, survival)
    high = np.where(np.isfinite(high), high, survival)
    return pd.DataFrame(
        {
            "day": np.asarray(days),
            "survival": survival,
            "low": np.minimum(low, survival),
            "high": np.maximum(high, survival),
        }
    )


def median_survival(times: np.ndarray, censored: np.ndarray, confidence: float = 0.95) -> Interval:
    """Kaplan-Meier median lifespan: the first time S(t) <= 0.5, with the interval where the
    pointwise band crosses 0.5 (Brookmeyer-Crowley style).

    `estimate` (and `high`) are None when the curve (its upper band) never falls to 0.5 within
    the data: more than half the groups outlived the horizon, so the median is "not reached".
    """
    t = np.asarray(times, dtype=np.float64)
    points = np.unique(np.concatenate([[0.0], t]))
    curve = survival_curve(times, censored, points, confidence)

    def first_at_or_below_half(values: np.ndarray) -> float | None:
        hit = np.flatnonzero(values <= 0.5 + 1e-12)
        return float(points[hit[0]]) if hit.size else None

    return Interval(
        first_at_or_below_half(curve["survival"].to_numpy()),
        first_at_or_below_half(curve["low"].to_numpy()),
        first_at_or_below_half(curve["high"].to_numpy()),
    )


def survival_at(times: np.ndarray, censored: np.ndarray, day: float, confidence: float = 0.95) -> Interval:
    """S(day) - the share of groups whose lifespan exceeds `day` - with its pointwise band."""
    row = survival_curve(times, censored, np.array([day]), confidence).iloc[0]
    return Interval(float(row["survival"]), float(row["low"]), float(row["high"]))


def alive_on_day(lifespan: np.ndarray, censored: np.ndarray, day: float) -> np.ndarray:
    """Per run, 1.0 if its group was still alive on `day`, else 0.0: it produced value after
    `day` (lifespan > day) or was still alive at the horizon (censored; a horizon shorter than
    `day` is the caller's to refuse). Its mean over runs is the Kaplan-Meier S(day) when runs
    are censored only at a horizon >= `day`, as groupsim runs are."""
    life = np.asarray(lifespan, dtype=np.float64)
    return ((life > day) | np.asarray(censored, dtype=bool)).astype(np.float64)


def restricted_mean(times: np.ndarray, censored: np.ndarray, tau: float) -> float:
    """Restricted mean survival time: the area under the Kaplan-Meier curve from 0 to `tau`.

    It is the mean lifespan counted up to `tau` (a group alive beyond `tau` counts `tau`),
    defined even when the median is not reached. Exact for the step function.
    """
    sf = survival_function(times, censored)
    jumps = np.asarray(sf.quantiles, dtype=np.float64)
    points = np.unique(np.concatenate([[0.0], jumps[jumps < tau], [float(tau)]]))
    return float(np.sum(sf.evaluate(points[:-1]) * np.diff(points)))


def logrank(
    times_a: np.ndarray, censored_a: np.ndarray, times_b: np.ndarray, censored_b: np.ndarray
) -> tuple[float | None, float | None]:
    """Two-sided log-rank test that two survival curves are equal: (statistic, p-value).

    (None, None) when the test is undefined (no group died in either sample).
    """
    if np.all(censored_a) and np.all(censored_b):
        return None, None
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        result = stats.logrank(censored_data(times_a, censored_a), censored_data(times_b, censored_b))
    statistic, pvalue = float(result.statistic), float(result.pvalue)
    if not np.isfinite(pvalue):
        return None, None
    return statistic, pvalue


def _median(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.median(x, axis=axis)


def _mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


STATISTICS: dict[str, Callable[..., np.ndarray]] = {"median": _median, "mean": _mean}


def bootstrap_difference(
    a: np.ndarray,
    b: np.ndarray,
    statistic: str = "median",
    *,
    confidence: float = 0.95,
    n_resamples: int = 4999,
    rng: np.random.Generator | int = 0,
) -> Interval:
    """stat(a) - stat(b) with a bootstrap `confidence` interval (two independent samples).

    `statistic` is "median" (percentile interval; BCa is unreliable for medians of discrete data)
    or "mean" (BCa interval). NaNs are dropped first. With an empty sample every field is None;
    when both samples are constant the interval collapses onto the estimate.
    """
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    if x.size == 0 or y.size == 0:
        return Interval(None, None, None)
    fn = STATISTICS[statistic]

    def difference(s: np.ndarray, t: np.ndarray, axis: int = -1) -> np.ndarray:
        return fn(s, axis=axis) - fn(t, axis=axis)

    estimate = float(difference(x, y))
    if np.ptp(x) == 0 and np.ptp(y) == 0:
        return Interval(estimate, estimate, estimate)
    generator = _generator(rng)
    method = "percentile" if statistic == "median" else "BCa"
    low, high = _bootstrap((x, y), difference, method, confidence, n_resamples, generator)
    if not (np.isfinite(low) and np.isfinite(high)):  # BCa failed (e.g. a nearly constant sample)
        low, high = _bootstrap((x, y), difference, "percentile", confidence, n_resamples, generator)
    return Interval(estimate, low, high)


def _generator(rng: np.random.Generator | int) -> np.random.Generator:
    """`rng` itself, or a new generator seeded with it."""
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def _bootstrap(
    samples: tuple[np.ndarray, ...],
    statistic: Callable[..., np.ndarray],
    method: str,
    confidence: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """The (low, high) `confidence` interval of the vectorised `statistic` of the independent
    `samples` by scipy's bootstrap with `method` ("percentile" or "BCa"), drawing from `rng`.
    Warnings about degenerate resamples are silenced: a failed interval comes back as NaN."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = stats.bootstrap(
            samples,
            statistic,
            n_resamples=n_resamples,
            vectorized=True,
            paired=False,
            confidence_level=confidence,
            method=method,
            rng=rng,
            batch=1000,
        )
    return float(result.confidence_interval.low), float(result.confidence_interval.high)


def restricted_mean_difference(
    times_a: np.ndarray,
    censored_a: np.ndarray,
    times_b: np.ndarray,
    censored_b: np.ndarray,
    tau: float,
    *,
    confidence: float = 0.95,
    n_resamples: int = 4999,
    rng: np.random.Generator | int = 0,
) -> Interval:
    """RMST(a) - RMST(b) up to `tau` (see `restricted_mean`), with a bootstrap interval.

    When every censored lifespan is at or beyond `tau` (censoring only at the horizon, as in
    groupsim runs), the RMST is exactly the mean of min(lifespan, tau) and the bootstrap is
    vectorised; otherwise each resample gets its own Kaplan-Meier curve (slower, 999 resamples).
    """
    ta, ca = np.asarray(times_a, dtype=np.float64), np.asarray(censored_a, dtype=bool)
    tb, cb = np.asarray(times_b, dtype=np.float64), np.asarray(censored_b, dtype=bool)
    if ta.size == 0 or tb.size == 0:
        return Interval(None, None, None)
    if np.all(ta[ca] >= tau) and np.all(tb[cb] >= tau):
        return bootstrap_difference(
            np.minimum(ta, tau),
            np.minimum(tb, tau),
            "mean",
            confidence=confidence,
            n_resamples=n_resamples,
            rng=rng,
        )
    estimate = restricted_mean(ta, ca, tau) - restricted_mean(tb, cb, tau)

    def difference(i: np.ndarray, j: np.ndarray) -> float:
        return restricted_mean(ta[i], ca[i], tau) - restricted_mean(tb[j], cb[j], tau)

    generator = _generator(rng)
    result = stats.bootstrap(
        (np.arange(ta.size), np.arange(tb.size)),
        difference,
        n_resamples=999,
        vectorized=False,
        paired=False,
        confidence_level=confidence,
        method="percentile",
        rng=generator,
    )
    return Interval(
        float(estimate), float(result.confidence_interval.low), float(result.confidence_interval.high)
    )


def spread(values: np.ndarray) -> dict[str, float | None]:
    """Median, 10th and 90th percentiles, mean and count of `values` (NaNs dropped; None if empty)."""
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return {"median": None, "p10": None, "p90": None, "mean": None, "n": 0}
    p10, median, p90 = np.quantile(x, [0.1, 0.5, 0.9])
    return {
        "median": float(median),
        "p10": float(p10),
        "p90": float(p90),
        "mean": float(x.mean()),
        "n": int(x.size),
    }


def bootstrap_interval(
    values: np.ndarray,
    statistic: str = "mean",
    *,
    confidence: float = 0.95,
    n_resamples: int = 4999,
    rng: np.random.Generator | int = 0,
) -> Interval:
    """stat(values) with a one-sample bootstrap interval (BCa for "mean", percentile for "median").

    NaNs are dropped; all None for an empty sample; a constant sample gives a zero-width interval.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[~np.isnan(x)]
    if x.size == 0:
        return Interval(None, None, None)
    fn = STATISTICS[statistic]
    estimate = float(fn(x))
    if np.ptp(x) == 0:
        return Interval(estimate, estimate, estimate)
    method = "percentile" if statistic == "median" else "BCa"
    low, high = _bootstrap((x,), fn, method, confidence, n_resamples, _generator(rng))
    return Interval(estimate, low, high)


def restricted_mean_interval(
    times: np.ndarray,
    censored: np.ndarray,
    tau: float,
    *,
    confidence: float = 0.95,
    n_resamples: int = 4999,
    rng: np.random.Generator | int = 0,
) -> Interval:
    """RMST up to `tau` (see `restricted_mean`) with a bootstrap interval.

    Vectorised when every censored lifespan is at or beyond `tau` (then the RMST is exactly the
    mean of min(lifespan, tau)); otherwise a Kaplan-Meier curve per resample (999 resamples).
    """
    t, c = np.asarray(times, dtype=np.float64), np.asarray(censored, dtype=bool)
    if t.size == 0:
        return Interval(None, None, None)
    if np.all(t[c] >= tau):
        return bootstrap_interval(
            np.minimum(t, tau), "mean", confidence=confidence, n_resamples=n_resamples, rng=rng
        )
    generator = _generator(rng)
    result = stats.bootstrap(
        (np.arange(t.size),),
        lambda i: restricted_mean(t[i], c[i], tau),
        n_resamples=999,
        vectorized=False,
        confidence_level=confidence,
        method="percentile",
        rng=generator,
    )
    return Interval(
        restricted_mean(t, c, tau),
        float(result.confidence_interval.low),
        float(result.confidence_interval.high),
    )
