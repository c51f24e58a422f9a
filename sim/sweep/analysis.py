"""Which levers matter, how they interact, and where the tipping points are - from a sweep's tables.

Analysis never touches a live model: it reads design.parquet, runs/ and the manifest of a sweep
folder (`sim.sweep.tables.load_sweep`) and nothing else.

Outcomes (per run; a point's value is the mean over its successful replicates):

* `lifespan` - days of value within the horizon: the *restricted* lifespan min(lifespan, horizon).
  A group still alive at the horizon is right-censored; it counts the full horizon, so the mean
  over replicates is the restricted mean survival time (exact here, because runs are censored
  only at the horizon), which exists even when most groups outlive the horizon.
* `survival` - alive on the survival day D (default 90): 1 if the group had not died by day D
  (lifespan > D, or censored at a horizon >= D), else 0. Its mean over replicates is the
  Kaplan-Meier survival S(D) of that point (no censoring before the horizon).
* `contributors` - value contributors on day C (`value_contributors_at_C`; 0 once the group died).
* `value_output` - value posts per day over the horizon (value_posts_total / horizon; days
  after death count zero).

Methods, by design:

* Sobol (Saltelli) - first-order S1 and total ST indices (and second-order S2) with bootstrap
  intervals (`SALib.analyze.sobol`), on the point means.
* Morris - mu, mu* (with a bootstrap interval) and sigma of the elementary effects
  (`SALib.analyze.morris`), in outcome units per full range of the lever.
* random / Latin hypercube - first-order indices by RBD-FAST (`SALib.analyze.rbd_fast`).
* grid - main-effect and pairwise-interaction shares of the variance between points (η² of a
  balanced ANOVA on the point means: on a full grid, a lever's main share is its first-order
  Sobol index), main effects per level and 2-D interaction tables (heatmaps in the report).

Every design also gets main effects (grid levels; for sampled designs, levels or quantile bins),
the *noise share* (variance between replicates of the same point, over the total variance across
runs) and tipping points: where the share of groups alive on day D crosses 50% along each
numeric lever, overall and, for grids, at each level of every other lever. Crossings are linear
interpolations between adjacent levels (or bins); a lever whose survival stays on one side of
50% is reported as such.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sim.batch.worker import STATUS_OK
from sim.inputs import clip, did_you_mean, short
from sim.stats import alive_on_day
from sim.sweep.experiment import Parameter
from sim.sweep.tables import SweepError, SweepTables

CONFIDENCE = 0.95
RESAMPLES = 1000
THRESHOLD = 0.5
#: Sampled designs: a lever with at most this many distinct values is shown per value, else in bins.
MAX_LEVELS = 12
BINS = 8
#: The summary's sentences name at most this many tipping points at given levels of another lever.
MAX_CONDITIONAL_SENTENCES = 4


@dataclass(frozen=True)
class Outcome:
    """One analysed outcome: `key` (column in the tables), labels and unit."""

    key: str
    label: str
    unit: str
    short: str = ""  # a few words, for chart titles

    @property
    def title(self) -> str:
        return self.short or self.label


def outcome_definitions(survival_day: int, contributors_day: int, horizon: int) -> list[Outcome]:
    return [
        Outcome("lifespan", f"days of value (restricted lifespan, of {horizon})", "days", "days of value"),
        Outcome(
            "survival",
            f"share of groups alive on day {survival_day}",
            "share",
            f"alive on day {survival_day}",
        ),
        Outcome(
            "contributors",
            f"value contributors on day {contributors_day}",
            "members",
            f"contributors, day {contributors_day}",
        ),
        Outcome("value_output", "value posts per day", "posts/day", "value posts/day"),
    ]


@dataclass
class SweepAnalysis:
    """Everything `groupsim analyze` reports: tables (pandas) and a JSON-ready summary."""

    name: str
    design: str  # grid, random, lhs, sobol, morris
    parameters: tuple[Parameter, ...]
    outcomes: list[Outcome]
    survival_day: int
    horizon: int
    runs: pd.DataFrame  # per successful run: point, replicate, levers, outcomes
    points: pd.DataFrame  # per point: levers, runs, mean of each outcome
    sensitivity: pd.DataFrame  # long: outcome, method, index, parameter, parameter_b, estimate, low, high
    effects: pd.DataFrame  # outcome, parameter, level, x, mean, low, high, runs
    interactions: pd.DataFrame  # outcome, parameter_a, level_a, x_a, parameter_b, level_b, x_b, mean, runs
    tipping: pd.DataFrame  # parameter, condition, crossing, low_level, high_level, direction, clear, ...
    noise: pd.DataFrame  # outcome, noise_share, runs, points
    summary: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def method(self) -> str:
        """The sensitivity method used for this design."""
        return METHOD[self.design]

    def ranking(self, outcome: str = "lifespan") -> pd.DataFrame:
        """The levers ordered by importance for `outcome` (the design's headline index)."""
        index = HEADLINE_INDEX[self.method]
        rows = self.sensitivity[
            (self.sensitivity["outcome"] == outcome)
            & (self.sensitivity["index"] == index)
            & (self.sensitivity["parameter_b"] == "")
        ]
        return rows.sort_values("estimate", ascending=False, kind="stable").reset_index(drop=True)


METHOD = {"sobol": "sobol", "morris": "morris", "random": "rbd_fast", "lhs": "rbd_fast", "grid": "anova"}
HEADLINE_INDEX = {"sobol": "ST", "morris": "mu_star", "rbd_fast": "S1", "anova": "main"}
INDEX_LABEL = {
    "ST": "total-order Sobol index",
    "S1": "first-order index",
    "S2": "second-order Sobol index",
    "mu_star": "Morris mu*",
    "mu": "Morris mu",
    "sigma": "Morris sigma",
    "main": "main-effect share of variance",
    "interaction": "interaction share of variance",
}
SENSITIVITY_COLUMNS = ["outcome", "method", "index", "parameter", "parameter_b", "estimate", "low", "high"]
INTERACTION_COLUMNS = [
    "outcome",
    "parameter_a",
    "level_a",
    "x_a",
    "parameter_b",
    "level_b",
    "x_b",
    "mean",
    "runs",
]


# ------------------------------------------------------------------------------------ runs


def run_outcomes(
    runs: pd.DataFrame,
    parameters: Sequence[Parameter],
    survival_day: int,
    contributors_day: int,
    extra: Sequence[str] = (),
) -> pd.DataFrame:
    """Per successful run: point, replicate, the levers, the four outcomes (see the module doc) and
    the `extra` recorded columns as they are."""
    column = f"value_contributors_at_{contributors_day}"
    ok = runs[runs["status"] == STATUS_OK] if len(runs) else runs
    keys = ["point", "replicate", *[p.path for p in parameters]]
    if ok.empty:
        return pd.DataFrame(columns=[*keys, "lifespan", "survival", "contributors", "value_output", *extra])
    missing = [c for c in (column, *extra) if c not in ok.columns]
    if missing:
        raise SweepError(
            f"the runs hold no {', '.join(missing)} column; record it (outcomes: in the experiment) "
            "and run the sweep command again"
        )
    horizon = ok["horizon_days"].astype(np.float64)
    lifespan = ok["lifespan_days"].astype(np.float64)
    out = ok[keys].copy()
    out["lifespan"] = np.minimum(lifespan, horizon)
    out["survival"] = alive_on_day(lifespan.to_numpy(), ok["censored"].to_numpy(), survival_day)
    out["contributors"] = ok[column].astype(np.float64)
    out["value_output"] = ok["value_posts_total"].astype(np.float64) / horizon
    for name in extra:
        out[name] = pd.to_numeric(ok[name], errors="coerce").astype(np.float64)
    return out.reset_index(drop=True)


def point_means(
    per_run: pd.DataFrame, design: pd.DataFrame, parameters: Sequence[Parameter], outcomes: Sequence[Outcome]
) -> pd.DataFrame:
    """Per point of the design (all of them, in order): its levers, successful runs and the mean of
    each outcome (NaN where no run of the point succeeded)."""
    keys = [o.key for o in outcomes]
    grouped = per_run.groupby("point", sort=True)
    means = grouped[keys].mean() if len(per_run) else pd.DataFrame(columns=keys)
    counts = grouped.size() if len(per_run) else pd.Series(dtype=np.int64)
    table = design[["point", *[p.path for p in parameters]]].copy()
    table["runs"] = table["point"].map(counts).fillna(0).astype(np.int64)
    for key in keys:
        table[key] = table["point"].map(means[key]) if len(per_run) else np.nan
    return table


# ----------------------------------------------------------------------------- sensitivity


def _problem(parameters: Sequence[Parameter]) -> dict[str, Any]:
    return {
        "num_vars": len(parameters),
        "names": [p.path for p in parameters],
        "bounds": [[0.0, 1.0]] * len(parameters),
    }


def _row(
    outcome: str,
    method: str,
    index: str,
    parameter: str,
    estimate: float,
    low: float | None = None,
    high: float | None = None,
    parameter_b: str = "",
) -> dict[str, Any]:
    value = lambda x: float(x) if x is not None and np.isfinite(x) else np.nan  # noqa: E731
    return {
        "outcome": outcome,
        "method": method,
        "index": index,
        "parameter": parameter,
        "parameter_b": parameter_b,
        "estimate": value(estimate),
        "low": value(low),
        "high": value(high),
    }


def sobol_indices(
    parameters: Sequence[Parameter],
    y: np.ndarray,
    outcome: str,
    *,
    second_order: bool,
    seed: int,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> list[dict[str, Any]]:
    """S1 and ST (and S2) of `y` (one value per point, in Saltelli order) with bootstrap intervals."""
    from SALib.analyze import sobol

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = sobol.analyze(
            _problem(parameters),
            np.asarray(y, dtype=np.float64),
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=confidence,
            seed=seed,
        )
    rows = []
    for i, p in enumerate(parameters):
        for index in ("S1", "ST"):
            estimate, half = result[index][i], result[f"{index}_conf"][i]
            rows.append(_row(outcome, "sobol", index, p.path, estimate, estimate - half, estimate + half))
    if second_order:
        for i, j in itertools.combinations(range(len(parameters)), 2):
            estimate, half = result["S2"][i][j], result["S2_conf"][i][j]
            rows.append(
                _row(
                    outcome,
                    "sobol",
                    "S2",
                    parameters[i].path,
                    estimate,
                    estimate - half,
                    estimate + half,
                    parameter_b=parameters[j].path,
                )
            )
    return rows


def morris_indices(
    parameters: Sequence[Parameter],
    x: np.ndarray,
    y: np.ndarray,
    outcome: str,
    *,
    levels: int,
    seed: int,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> list[dict[str, Any]]:
    """mu, mu* (with a bootstrap interval) and sigma of the elementary effects of `y` at the Morris
    points `x` (unit coordinates), in outcome units per full range of each lever."""
    from SALib.analyze import morris

    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = morris.analyze(
            _problem(parameters),
            np.asarray(x, dtype=np.float64),
            np.asarray(y, dtype=np.float64),
            num_resamples=resamples,
            conf_level=confidence,
            num_levels=levels,
            seed=seed,
        )
    rows = []
    for i, p in enumerate(parameters):
        mu_star, half = result["mu_star"][i], result["mu_star_conf"][i]
        rows.append(
            _row(outcome, "morris", "mu_star", p.path, mu_star, max(0.0, mu_star - half), mu_star + half)
        )
        rows.append(_row(outcome, "morris", "mu", p.path, result["mu"][i]))
        rows.append(_row(outcome, "morris", "sigma", p.path, result["sigma"][i]))
    return rows


def rbd_fast_indices(
    parameters: Sequence[Parameter],
    x: np.ndarray,
    y: np.ndarray,
    outcome: str,
    *,
    seed: int,
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> list[dict[str, Any]]:
    """First-order indices of `y` at any sample `x` (unit coordinates) by RBD-FAST, with intervals."""
    from SALib.analyze import rbd_fast

    harmonics = max(1, min(10, (len(y) - 1) // 2 - 1))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result = rbd_fast.analyze(
            _problem(parameters),
            np.asarray(x, dtype=np.float64),
            np.asarray(y, dtype=np.float64),
            M=harmonics,
            num_resamples=resamples,
            conf_level=confidence,
            seed=seed,
        )
    rows = []
    for i, p in enumerate(parameters):
        estimate, half = result["S1"][i], result["S1_conf"][i]
        rows.append(_row(outcome, "rbd_fast", "S1", p.path, estimate, estimate - half, estimate + half))
    return rows


def anova_shares(points: pd.DataFrame, parameters: Sequence[Parameter], outcome: str) -> list[dict[str, Any]]:
    """Grid designs: the share of the variance of `outcome` between points (each point's mean over
    its replicates, every point weighted equally) explained by each lever's main effect and by each
    pair's interaction beyond both main effects (η² of a balanced ANOVA: sums of squares over the
    total). On a full grid a lever's main share is its first-order Sobol index for levels drawn
    with equal weight. Empty when the outcome is the same at every point."""
    points = points[points[outcome].notna()]
    y = points[outcome].to_numpy(np.float64)
    grand = y.mean() if len(y) else math.nan
    total = float(((y - grand) ** 2).sum()) if len(y) else 0.0
    rows: list[dict[str, Any]] = []
    if total <= 1e-12 * max(1.0, abs(grand)) ** 2 * max(1, len(y)):
        return rows
    main: dict[str, float] = {}
    for p in parameters:
        means = points.groupby(p.path, sort=False, observed=True)[outcome].agg(["mean", "size"])
        main[p.path] = float((means["size"] * (means["mean"] - grand) ** 2).sum())
        rows.append(_row(outcome, "anova", "main", p.path, main[p.path] / total))
    for a, b in itertools.combinations(parameters, 2):
        cells = points.groupby([a.path, b.path], sort=False, observed=True)[outcome].agg(["mean", "size"])
        between = float((cells["size"] * (cells["mean"] - grand) ** 2).sum())
        share = max(0.0, between - main[a.path] - main[b.path]) / total
        rows.append(_row(outcome, "anova", "interaction", a.path, share, parameter_b=b.path))
    return rows


def noise_share(per_run: pd.DataFrame, outcome: str) -> float:
    """Variance between replicates of the same point over the total variance across runs (NaN if
    the outcome never varies or no point has two runs)."""
    y = per_run[outcome].to_numpy(np.float64)
    total = float(((y - y.mean()) ** 2).sum())
    if total <= 0 or per_run.groupby("point").size().max() < 2:
        return math.nan
    within = float(((per_run[outcome] - per_run.groupby("point")[outcome].transform("mean")) ** 2).sum())
    return within / total


# ------------------------------------------------------------------------------- effects


def lever_levels(per_run: pd.DataFrame, parameter: Parameter, design: str) -> tuple[pd.Series, pd.DataFrame]:
    """Each run's level of `parameter` (a label) and the levels in order with their position `x`.

    Grids, choices, flags and levers with few distinct values: one level per value. Otherwise
    (sampled continuous levers): `BINS` quantile bins, at the mean value of the runs in each."""
    values = per_run[parameter.path]
    if not parameter.ordered:
        order = [v for v in (parameter.levels or ()) if (values == v).any()]
        labels = values.map(_label)
        return labels, pd.DataFrame({"level": [_label(v) for v in order], "x": np.nan})
    distinct = np.sort(values.unique())
    if design == "grid" or len(distinct) <= MAX_LEVELS:
        labels = values.map(_label)
        return labels, pd.DataFrame(
            {"level": [_label(v) for v in distinct], "x": distinct.astype(np.float64)}
        )
    bins = pd.qcut(values.astype(np.float64), BINS, duplicates="drop")
    centres = values.astype(np.float64).groupby(bins, observed=True).mean()
    labels = bins.map(lambda interval: _interval_label(interval, parameter)).astype(str)
    order = [_interval_label(iv, parameter) for iv in centres.index]
    return labels, pd.DataFrame({"level": order, "x": centres.to_numpy()})


def _label(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.4g}"
    return str(value)


def _interval_label(interval: pd.Interval, parameter: Parameter) -> str:
    fmt = (lambda v: str(int(round(v)))) if parameter.kind == "int" else (lambda v: f"{v:.3g}")  # noqa: E731
    return f"{fmt(max(interval.left, parameter.low if parameter.low is not None else interval.left))}–{fmt(interval.right)}"


def _interval(values: np.ndarray, outcome: str, confidence: float) -> tuple[float, float]:
    """A `confidence` interval of the mean of `values`: Wilson for the survival share, Student t
    otherwise (NaN, NaN when there are too few values)."""
    n = len(values)
    if outcome == "survival":
        return wilson(float(values.mean()), n, confidence) if n else (math.nan, math.nan)
    if n < 2:
        return math.nan, math.nan
    mean, sd = float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return mean - half, mean + half


def main_effects(
    per_run: pd.DataFrame,
    parameters: Sequence[Parameter],
    outcomes: Sequence[Outcome],
    design: str,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Mean of each outcome at each level (or bin) of each lever, over every run there, with an interval."""
    rows = []
    for p in parameters:
        labels, order = lever_levels(per_run, p, design)
        for level, x in zip(order["level"], order["x"]):
            at = per_run[labels == level]
            for o in outcomes:
                values = at[o.key].to_numpy(np.float64)
                low, high = _interval(values, o.key, confidence)
                rows.append(
                    {
                        "outcome": o.key,
                        "parameter": p.path,
                        "level": level,
                        "x": x,
                        "mean": float(values.mean()) if len(values) else math.nan,
                        "low": low,
                        "high": high,
                        "runs": len(values),
                        "points": int(at["point"].nunique()),
                    }
                )
    return pd.DataFrame(
        rows, columns=["outcome", "parameter", "level", "x", "mean", "low", "high", "runs", "points"]
    )


def interaction_table(
    per_run: pd.DataFrame, parameters: Sequence[Parameter], outcomes: Sequence[Outcome], design: str
) -> pd.DataFrame:
    """Mean of each outcome in each cell of each pair of levers (averaged over the other levers)."""
    rows = []
    levels = {p.path: lever_levels(per_run, p, design) for p in parameters}
    for a, b in itertools.combinations(parameters, 2):
        labels_a, order_a = levels[a.path]
        labels_b, order_b = levels[b.path]
        grouped = per_run.groupby([labels_a.rename("a"), labels_b.rename("b")], sort=False)
        means = grouped[[o.key for o in outcomes]].mean()
        sizes = grouped.size()
        for (la, xa), (lb, xb) in itertools.product(
            zip(order_a["level"], order_a["x"]), zip(order_b["level"], order_b["x"])
        ):
            if (la, lb) not in sizes.index:
                continue
            for o in outcomes:
                rows.append(
                    {
                        "outcome": o.key,
                        "parameter_a": a.path,
                        "level_a": la,
                        "x_a": xa,
                        "parameter_b": b.path,
                        "level_b": lb,
                        "x_b": xb,
                        "mean": float(means.loc[(la, lb), o.key]),
                        "runs": int(sizes.loc[(la, lb)]),
                    }
                )
    return pd.DataFrame(rows, columns=INTERACTION_COLUMNS)


# ---------------------------------------------------------------------------- tipping points


def crossings(
    x: Sequence[float], p: Sequence[float], threshold: float = THRESHOLD
) -> list[tuple[float, int, int, bool]]:
    """Where the curve through (x, p), x ascending, crosses `threshold`: (crossing, index before,
    index after, rises) for each pair of adjacent finite points on opposite sides (p >= threshold
    counts as above); the crossing is the linear interpolation. Empty when it never crosses."""
    out = []
    finite = [i for i in range(len(p)) if np.isfinite(p[i])]
    for i, j in zip(finite, finite[1:]):
        above_i, above_j = p[i] >= threshold, p[j] >= threshold
        if above_i == above_j:
            continue
        at = x[i] + (threshold - p[i]) * (x[j] - x[i]) / (p[j] - p[i])
        out.append((float(at), i, j, bool(above_j)))
    return out


def wilson(share: float, runs: int, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """Wilson interval of a share observed over `runs` runs (NaN, NaN for none)."""
    if runs <= 0 or not np.isfinite(share):
        return math.nan, math.nan
    ci = stats.binomtest(int(round(share * runs)), int(runs)).proportion_ci(confidence, method="wilson")
    return float(ci.low), float(ci.high)


TIPPING_COLUMNS = [
    "parameter",
    "condition",
    "crossing",
    "low_level",
    "high_level",
    "direction",
    "clear",
    "survival_min",
    "survival_max",
    "text",
]


def tipping_points(
    effects: pd.DataFrame,
    interactions: pd.DataFrame,
    parameters: Sequence[Parameter],
    survival_day: int,
    confidence: float = CONFIDENCE,
) -> pd.DataFrame:
    """Where the share of groups alive on `survival_day` crosses 50% along each numeric lever:
    over all other levers, then at each level of each other lever (grids).

    A crossing is `clear` when the level just below 50% and the one at or above it both have
    Wilson intervals on their own side of 50%; otherwise chance alone could have made it."""
    rows: list[dict[str, Any]] = []
    day = f"day {survival_day}"
    survival = effects[effects["outcome"] == "survival"]
    for p in parameters:
        if p.ordered:
            curve = survival[survival["parameter"] == p.path].sort_values("x")
            rows += curve_tipping_points(p, "", curve, day, confidence)
    cells = interactions[interactions["outcome"] == "survival"] if len(interactions) else interactions
    for a, b in itertools.permutations(parameters, 2):
        if not a.ordered or not len(cells):
            continue
        for level, curve in conditional_curves(cells, a.path, b.path):
            rows += curve_tipping_points(a, f"{b.path} = {level}", curve, day, confidence)
    return pd.DataFrame(rows, columns=TIPPING_COLUMNS)


def curve_tipping_points(
    parameter: Parameter, condition: str, curve: pd.DataFrame, day: str, confidence: float
) -> list[dict[str, Any]]:
    """The tipping-point rows (TIPPING_COLUMNS) of one survival curve along `parameter`: `curve`
    has columns x (ascending), mean (the share alive on `day`, e.g. "day 90") and runs, at a
    `condition` such as "kol.count = 2" ("" for the curve over all other levers). One row per
    crossing of 50%, else one row saying the share stays on one side; none when no level has runs."""
    x = curve["x"].to_numpy(np.float64)
    share = curve["mean"].to_numpy(np.float64)
    runs = curve["runs"].to_numpy(np.int64)
    finite = share[np.isfinite(share)]
    if not len(finite):
        return []
    lo, hi = float(finite.min()), float(finite.max())
    common = {"parameter": parameter.path, "condition": condition, "survival_min": lo, "survival_max": hi}
    where = f"{parameter.path}{f' with {condition}' if condition else ''}: the share alive on {day}"
    found = crossings(x, share)
    if not found:
        side = "at least" if lo >= THRESHOLD else "below"
        text = (
            f"{where} stays {side} 50% from {_label(float(np.nanmin(x)))} "
            f"to {_label(float(np.nanmax(x)))} (between {lo:.0%} and {hi:.0%})"
        )
        no_crossing = {"crossing": math.nan, "low_level": math.nan, "high_level": math.nan}
        return [{**common, **no_crossing, "direction": f"always {side} 50%", "clear": True, "text": text}]
    unit = parameter.unit
    unit = f" {unit}" if unit and unit not in ("0..1", "share", "choice", "flag") else ""
    return [{**common, **_crossing(x, share, runs, found_at, where, unit, confidence)} for found_at in found]


def _crossing(
    x: np.ndarray,
    share: np.ndarray,
    runs: np.ndarray,
    found: tuple[float, int, int, bool],
    where: str,
    unit: str,
    confidence: float,
) -> dict[str, Any]:
    """The crossing, levels, direction, clarity and sentence of one crossing (from `crossings`) of
    the curve (x, share) whose levels have `runs` runs; `where` opens the sentence and `unit`
    (" yuan", or "") follows the levels."""
    at, i, j, rises = found
    below, above = (i, j) if rises else (j, i)
    clear = (
        wilson(share[below], int(runs[below]), confidence)[1]
        < THRESHOLD
        <= wilson(share[above], int(runs[above]), confidence)[0]
    )
    move = "rises to 50% or more" if rises else "falls below 50%"
    text = (
        f"{where} {move} between {_label(x[i])} and {_label(x[j])}{unit} "
        f"({share[i]:.0%} -> {share[j]:.0%}; interpolated {at:.3g})"
        + ("" if clear else "; not clear - the intervals of both levels include 50%")
    )
    return {
        "crossing": at,
        "low_level": float(x[i]),
        "high_level": float(x[j]),
        "direction": move,
        "clear": bool(clear),
        "text": text,
    }


def conditional_curves(cells: pd.DataFrame, along: str, given: str) -> list[tuple[str, pd.DataFrame]]:
    """From a 2-D interaction table of one outcome: for each level of `given` (in order), the curve
    along `along` as a frame with columns x, level, mean, runs (x ascending)."""
    if ((cells["parameter_a"] == along) & (cells["parameter_b"] == given)).any():
        pair = cells[(cells["parameter_a"] == along) & (cells["parameter_b"] == given)]
        x, level, at, order = "x_a", "level_a", "level_b", "x_b"
    else:
        pair = cells[(cells["parameter_a"] == given) & (cells["parameter_b"] == along)]
        x, level, at, order = "x_b", "level_b", "level_a", "x_a"
    if pair.empty:
        return []
    levels = pair[[at, order]].drop_duplicates()
    if levels[order].notna().all():
        levels = levels.sort_values(order, kind="stable")
    out = []
    for value in levels[at]:
        curve = pair[pair[at] == value].sort_values(x, kind="stable")
        out.append(
            (
                str(value),
                pd.DataFrame(
                    {
                        "x": curve[x].to_numpy(np.float64),
                        "level": curve[level].to_numpy(),
                        "mean": curve["mean"].to_numpy(np.float64),
                        "runs": curve["runs"].to_numpy(np.int64),
                    }
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------------- analyse


def _check_numeric(names: Sequence[str], tables: SweepTables) -> None:
    """SweepError unless every extra outcome is a recorded column of numbers (or true/false)."""
    runs = tables.runs
    numeric = [
        c
        for c in runs.columns
        if pd.api.types.is_numeric_dtype(runs[c]) and c not in ("point", "replicate", "seed")
    ]
    for name in names:
        if name not in runs.columns:
            raise SweepError(
                f"the runs hold no {short(name)} column{did_you_mean(name, numeric, cutoff=0.6) or '.'} "
                f"Record it (outcomes: in the experiment) and run the sweep command again, or pick a "
                f"recorded numeric column: {clip(', '.join(numeric), 600)}"
            )
        if not pd.api.types.is_numeric_dtype(runs[name]):
            raise SweepError(f"{clip(name, 80)} is not a number (it holds text), so it cannot be analysed")


def analyze_sweep(
    tables: SweepTables,
    *,
    survival_day: int | None = None,
    extra: Sequence[str] = (),
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> SweepAnalysis:
    """The full analysis of a finished sweep (SweepError if it is unfinished or has no successful
    run). `extra` names recorded numeric run columns (e.g. peak_members) analysed beside the four
    outcomes (default: the experiment's analysis.extra_outcomes)."""
    _require_finished(tables)
    experiment, parameters = tables.experiment, tables.parameters
    design_kind = experiment["design"]["kind"]
    horizon = int(tables.manifest["scenarios"]["base"]["horizon"]["days"])
    day = _survival_day(
        experiment["analysis"]["survival_day"] if survival_day is None else survival_day, horizon
    )
    contributors_day = int(experiment["analysis"]["contributors_day"])
    outcomes = outcome_definitions(day, contributors_day, horizon)
    extra = extra_outcomes(extra or experiment["analysis"].get("extra_outcomes", []), outcomes, parameters)
    _check_numeric(extra, tables)
    outcomes += [Outcome(name, name.replace("_", " "), "") for name in extra]
    per_run = run_outcomes(tables.runs, parameters, day, contributors_day, extra)
    if per_run.empty:
        raise SweepError(f"no run of the sweep in {tables.folder} succeeded; see the error column of runs/")
    points = point_means(per_run, tables.design, parameters, outcomes)
    notes = failure_notes(tables.runs)
    sensitivity = sensitivity_table(points, tables, outcomes, notes, confidence, resamples)
    effects = main_effects(per_run, parameters, outcomes, design_kind, confidence)
    interactions = (
        interaction_table(per_run, parameters, outcomes, design_kind)
        if design_kind == "grid"
        else pd.DataFrame(columns=INTERACTION_COLUMNS)
    )
    analysis = SweepAnalysis(
        name=experiment["name"],
        design=design_kind,
        parameters=parameters,
        outcomes=outcomes,
        survival_day=day,
        horizon=horizon,
        runs=per_run,
        points=points,
        sensitivity=sensitivity,
        effects=effects,
        interactions=interactions,
        tipping=tipping_points(effects, interactions, parameters, day, confidence),
        noise=noise_table(per_run, outcomes),
        notes=notes,
    )
    analysis.summary = summarize(analysis, tables)
    return analysis


def _require_finished(tables: SweepTables) -> None:
    """SweepError, saying how to finish it, unless every run of the sweep is in runs/."""
    if not tables.complete:
        raise SweepError(
            f"the sweep in {tables.folder} is not finished: {len(tables.runs)} of {tables.total} runs "
            "are in runs/. Run the same `groupsim sweep` command again to finish it, then analyze"
        )


def _survival_day(day: int, horizon: int) -> int:
    """`day` as the survival day; SweepError unless it lies within the horizon (days 1 to `horizon`)."""
    if not 1 <= int(day) <= horizon:
        raise SweepError(f"the survival day must lie within the horizon (1 to {horizon}), got {int(day)}")
    return int(day)


def extra_outcomes(
    names: Sequence[str], outcomes: Sequence[Outcome], parameters: Sequence[Parameter]
) -> list[str]:
    """The recorded run columns to analyse beside `outcomes` (duplicates dropped, order kept);
    SweepError when one of them is already an outcome or a lever."""
    extra = list(dict.fromkeys(names))
    taken = {o.key for o in outcomes} | {p.path for p in parameters}
    clash = [name for name in extra if name in taken]
    if clash:
        raise SweepError(
            f"{', '.join(clash)} is already analysed (or is a lever); pick recorded run columns "
            "such as peak_members"
        )
    return extra


def failure_notes(runs: pd.DataFrame) -> list[str]:
    """The analysis notes to start with: how many runs failed and are left out (none if none did)."""
    failed = int((runs["status"] != STATUS_OK).sum())
    if not failed:
        return []
    return [f"{failed} of {len(runs)} runs failed and are left out (see the error column of runs/)."]


def sensitivity_table(
    points: pd.DataFrame,
    tables: SweepTables,
    outcomes: Sequence[Outcome],
    notes: list[str],
    confidence: float = CONFIDENCE,
    resamples: int = RESAMPLES,
) -> pd.DataFrame:
    """The sensitivity indices of each outcome's point means by the design's method (long format,
    SENSITIVITY_COLUMNS): variance shares for grids, Sobol, Morris or RBD-FAST indices otherwise.
    An outcome that gets none (the same at every point, points without a successful run, RBD-FAST
    failing) gets a line in `notes` saying why."""
    parameters = tables.parameters
    design_kind = tables.experiment["design"]["kind"]
    unit = tables.design[[f"u:{p.path}" for p in parameters]].to_numpy(np.float64)
    rows: list[dict[str, Any]] = []
    for o in outcomes:
        y = points[o.key].to_numpy(np.float64)
        if design_kind == "grid":
            shares = anova_shares(points, parameters, o.key)
            if not shares:
                notes.append(
                    f"{o.label}: the same ({np.nanmean(y):.3g}) at every point, so nothing to explain."
                )
            rows += shares
        elif np.isnan(y).any():
            notes.append(
                f"{o.label}: {int(np.isnan(y).sum())} points have no successful run, "
                f"so no {METHOD[design_kind]} indices."
            )
        elif np.ptp(y) == 0:
            notes.append(
                f"{o.label}: the same ({y[0]:.3g}) at every point, so every index is zero or undefined."
            )
        else:
            rows += sampled_indices(tables, unit, y, o, notes, confidence=confidence, resamples=resamples)
    return pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)


def sampled_indices(
    tables: SweepTables,
    unit: np.ndarray,
    y: np.ndarray,
    outcome: Outcome,
    notes: list[str],
    *,
    confidence: float,
    resamples: int,
) -> list[dict[str, Any]]:
    """Sobol, Morris or RBD-FAST indices (by the sampled design's kind) of the point means `y` at the
    points' unit coordinates `unit`; when RBD-FAST cannot be computed, none and a line in `notes`."""
    parameters = tables.parameters
    design_kind = tables.experiment["design"]["kind"]
    settings = tables.details.get("design", {}).get("settings", {})
    seed = int(settings.get("seed", 1))
    common = {"seed": seed, "confidence": confidence, "resamples": resamples}
    if design_kind == "sobol":
        second_order = bool(settings.get("second_order", True))
        return sobol_indices(parameters, y, outcome.key, second_order=second_order, **common)
    if design_kind == "morris":
        return morris_indices(parameters, unit, y, outcome.key, levels=int(settings["levels"]), **common)
    try:
        return rbd_fast_indices(parameters, unit, y, outcome.key, **common)
    except (ValueError, IndexError, ZeroDivisionError) as exc:
        notes.append(f"{outcome.label}: RBD-FAST indices could not be computed ({exc}); use more samples.")
        return []


def noise_table(per_run: pd.DataFrame, outcomes: Sequence[Outcome]) -> pd.DataFrame:
    """Per outcome: its noise share (see `noise_share`) over the runs and points analysed."""
    return pd.DataFrame(
        [
            {
                "outcome": o.key,
                "noise_share": noise_share(per_run, o.key),
                "runs": len(per_run),
                "points": int(per_run["point"].nunique()),
            }
            for o in outcomes
        ]
    )


# --------------------------------------------------------------------------------- summary


def drivers_sentence(analysis: SweepAnalysis, outcome: str = "lifespan", *, top: int = 3) -> str | None:
    """'What drives <outcome>: A (index 0.61, 95% interval 0.50–0.72), then B (...)...' or None."""
    ranking = analysis.ranking(outcome)
    if ranking.empty:
        return None
    label = next(o.label for o in analysis.outcomes if o.key == outcome)
    index = HEADLINE_INDEX[analysis.method]
    parts = []
    for _, row in ranking.head(top).iterrows():
        interval = (
            f", {CONFIDENCE:.0%} interval {row['low']:.2f} to {row['high']:.2f}"
            if np.isfinite(row["low"]) and np.isfinite(row["high"])
            else ""
        )
        parts.append(f"{row['parameter']} ({row['estimate']:.3g}{interval})")
    rest = ranking.iloc[top:]
    tail = (
        (
            f"; {', '.join(rest['parameter'])} {'matters' if len(rest) == 1 else 'matter'} less "
            f"({index} at most {rest['estimate'].max():.2g})"
        )
        if len(rest)
        else ""
    )
    return f"What drives {label}, by {INDEX_LABEL[index]} ({index}): " + ", then ".join(parts) + tail + "."


def summarize(analysis: SweepAnalysis, tables: SweepTables) -> dict[str, Any]:
    """The JSON summary: what was analysed, the headline rankings, tipping points and notes."""
    details = tables.details
    identity = tables.manifest["identity"]
    return _strict(
        {
            "name": analysis.name,
            "design": details.get("design"),
            "method": analysis.method,
            "replicates": details.get("replicates"),
            "runs": {
                "total": tables.total,
                "ok": len(analysis.runs),
                "failed": tables.total - len(analysis.runs),
            },
            "seeds": details.get("seeds"),
            "experiment_hash": details.get("experiment_hash"),
            "version": identity.get("version"),
            "code_fingerprint": identity.get("code_fingerprint"),
            "horizon_days": analysis.horizon,
            "survival_day": analysis.survival_day,
            "outcomes": [{"key": o.key, "label": o.label, "unit": o.unit} for o in analysis.outcomes],
            "parameters": [p.as_dict() for p in analysis.parameters],
            "rankings": {
                o.key: analysis.ranking(o.key)[["parameter", "index", "estimate", "low", "high"]].to_dict(
                    "records"
                )
                for o in analysis.outcomes
            },
            "tipping_points": analysis.tipping.to_dict("records"),
            "noise_share": {row.outcome: row.noise_share for row in analysis.noise.itertuples()},
            "sentences": summary_sentences(analysis),
            "notes": analysis.notes,
        }
    )


def summary_sentences(analysis: SweepAnalysis) -> list[str]:
    """The summary's plain sentences: what drives each outcome, the tipping points (see
    `tipping_sentences`) and chance's share of the variation in lifespan."""
    sentences = [s for s in (drivers_sentence(analysis, o.key) for o in analysis.outcomes) if s]
    sentences += tipping_sentences(analysis.tipping, analysis.survival_day)
    for o in analysis.noise.itertuples():
        if o.outcome == "lifespan" and np.isfinite(o.noise_share):
            sentences.append(
                f"Chance - the spread between replicates of the same point - accounts for "
                f"{o.noise_share:.0%} of the variation in lifespan across runs."
            )
    return sentences


def tipping_sentences(tipping: pd.DataFrame, survival_day: int) -> list[str]:
    """Sentences on the tipping-point table, in order: the clear crossings over all other levers,
    the levers along which the share alive on `survival_day` stays at least (then below) 50%, the
    first MAX_CONDITIONAL_SENTENCES clear crossings at given levels of another lever (and how many
    more there are), and how many crossings are not clear. None for an empty table."""
    if not len(tipping):
        return []
    clear = tipping["clear"].astype(bool)
    crossed = tipping["crossing"].astype(float).notna()
    marginal = tipping[(tipping["condition"] == "") & clear]
    sentences = [str(t) for t in tipping[(tipping["condition"] == "") & clear & crossed]["text"]]
    for side in ("at least", "below"):
        flat = marginal[marginal["direction"] == f"always {side} 50%"]
        if len(flat):
            levers = ", ".join(
                f"{t.parameter} ({t.survival_min:.0%}–{t.survival_max:.0%})" for t in flat.itertuples()
            )
            sentences.append(
                f"No tipping point along {'this lever' if len(flat) == 1 else 'these levers'}: the share "
                f"alive on day {survival_day} stays {side} 50% across {'its' if len(flat) == 1 else 'each'} "
                f"range (averaged over the other levers): {levers}."
            )
    given = tipping[(tipping["condition"] != "") & clear & crossed]
    sentences += [str(t) for t in given["text"]][:MAX_CONDITIONAL_SENTENCES]
    if len(given) > MAX_CONDITIONAL_SENTENCES:
        sentences.append(
            f"{len(given) - MAX_CONDITIONAL_SENTENCES} more tipping points hold at given levels of "
            "another lever (tipping_points.csv, and the report)."
        )
    unclear = int((~clear).sum())
    if unclear:
        sentences.append(
            f"{unclear} {'crossing' if unclear == 1 else 'crossings'} of 50% {'is' if unclear == 1 else 'are'} "
            "not clear (the intervals of the neighbouring levels include 50%); more replicates would "
            "settle them."
        )
    return sentences


def _strict(value: Any) -> Any:
    """`value` with NaN/inf as None and NumPy scalars as Python values (strict JSON)."""
    if isinstance(value, dict):
        return {str(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


TABLES = ("points", "sensitivity", "effects", "interactions", "tipping", "noise")


def write_analysis(analysis: SweepAnalysis, folder: Path) -> dict[str, Path]:
    """Write the tables as CSV (points.csv, sensitivity.csv, effects.csv, interactions.csv,
    tipping_points.csv, noise.csv) and summary.json into `folder`; returns their paths by name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in TABLES:
        table: pd.DataFrame = getattr(analysis, name)
        filename = "tipping_points.csv" if name == "tipping" else f"{name}.csv"
        table.to_csv(folder / filename, index=False, float_format="%.6g")
        written[name] = folder / filename
    path = folder / "summary.json"
    path.write_text(
        json.dumps(analysis.summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8"
    )
    written["summary"] = path
    return written
