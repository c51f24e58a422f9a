"""Shared machinery for the claim tests: replicate runs with fixed seeds, reduce each run to the
facts the claims talk about, compare two sets of runs with scipy, and report the measured effect.

Seeds are fixed (a SeedSequence spawned from one root), so every test is deterministic; the
statistics say whether the direction the seed articles claim holds across replicates.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np
from scipy import stats

from sim import load_scenario, run_scenario

ROOT_SEED = 20261122
SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
REPORT_DIR = Path(__file__).resolve().parent.parent / "test-artifacts" / "claims"


def seeds(n: int) -> list[int]:
    """`n` replicate seeds derived from one root seed."""
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(ROOT_SEED).spawn(n)]


@dataclass(frozen=True)
class Facts:
    """What one run says about the things the claims compare."""

    lifespan: int
    censored: bool
    members_day10: int
    members_day14: int
    members_ever: int
    contributors_day90: int
    contributor_days_90: float  # value contributors summed over days 1-90, / 90
    member_days_90: float  # members summed over days 1-90, / 90
    value_per_member_day: float
    early_mute_share: float  # of members who joined by day 30: muted within 30 days of joining
    high_fit_exit_share: float  # of members with fit >= 0.7 who joined by day 30: left by day 90
    referred_fit: float  # mean fit of members who joined through an invitation (NaN if none)
    invitations_early: float  # invitations per member per day, days 1-14
    invitations_late: float  # invitations per member per day, days 57-84
    chatter_on_packet_days: float
    chatter_two_days_after: float
    dead_by_day_90: bool  # not alive on day 90 (stopped posting value; Kraut & Fiore's "died by 3 months")
    muted_share_day14: float  # of members present on day 14 (or on the last day, if the group ended sooner)


def _at(daily, column: str, day: int) -> int:
    """`column` on `day`, or 0 after the run stopped (a dead group)."""
    hit = daily.loc[daily["day"] == day, column]
    return int(hit.iloc[0]) if len(hit) else 0


@cache
def facts(scenario_file: str, seed: int) -> Facts:
    """Run `scenarios/<scenario_file>.yaml` once and reduce it to `Facts` (cached per process)."""
    scenario = load_scenario(SCENARIOS / f"{scenario_file}.yaml")
    result = run_scenario(scenario, seed)
    d, mb = result.daily, result.members
    ordinary = mb[mb["role_at_join"] != "admin"]
    first90 = d[d["day"] <= 90]
    early = ordinary[ordinary["join_day"] <= 30]
    muted_early = (early["first_mute_day"] >= 0) & (early["first_mute_day"] - early["join_day"] <= 30)
    high_fit = early[early["fit"] >= 0.7]
    left_by_90 = (high_fit["exit_day"] >= 0) & (high_fit["exit_day"] <= 90)
    referred = ordinary[ordinary["channel"].isin(["referral", "bait"])]
    per_member = d["invitations"] / d["members"].clip(lower=1)
    days = d["day"]
    packet_days = [k for k in range(3, 60, 3)]
    chatter = dict(zip(d["day"], d["chatter"]))
    row = d[d["day"] == 14] if (d["day"] == 14).any() else d.tail(1)
    return Facts(
        lifespan=int(result.summary["lifespan_days"]),
        censored=bool(result.summary["censored"]),
        members_day10=_at(d, "members", 10),
        members_day14=_at(d, "members", 14),
        members_ever=int(result.summary["members_ever"]),
        contributors_day90=_at(d, "value_contributors", 90),
        contributor_days_90=float(first90["value_contributors"].sum()) / 90.0,
        member_days_90=float(first90["members"].sum()) / 90.0,
        value_per_member_day=float(result.summary["value_posts_per_member_day"]),
        early_mute_share=float(muted_early.mean()) if len(early) else 0.0,
        high_fit_exit_share=float(left_by_90.mean()) if len(high_fit) else 0.0,
        referred_fit=float(referred["fit"].mean()) if len(referred) else float("nan"),
        invitations_early=float(per_member[(days >= 1) & (days <= 14)].mean()),
        invitations_late=float(per_member[(days >= 57) & (days <= 84)].mean()) if (days >= 57).any() else 0.0,
        chatter_on_packet_days=float(np.mean([chatter.get(k, 0) for k in packet_days])),
        chatter_two_days_after=float(np.mean([chatter.get(k + 2, 0) for k in packet_days])),
        dead_by_day_90=not bool(_at(d, "alive", 90)),
        muted_share_day14=float(row.iloc[0]["muted"] / max(1, row.iloc[0]["members"])),
    )


def runs(scenario_file: str, n: int) -> list[Facts]:
    """`Facts` of `n` replicates with the fixed seeds."""
    return [facts(scenario_file, s) for s in seeds(n)]


def column(runs_: list[Facts], name: str) -> np.ndarray:
    return np.array([getattr(f, name) for f in runs_], dtype=float)


# ------------------------------------------------------------------------------ statistics


def lifespans(runs_: list[Facts]) -> stats.CensoredData:
    life = column(runs_, "lifespan")
    censored = column(runs_, "censored").astype(bool)
    return stats.CensoredData(uncensored=life[~censored], right=life[censored])


def lives_longer_p(a: list[Facts], b: list[Facts]) -> float:
    """One-sided log-rank p-value for 'a survives longer than b' (scipy: alternative='less'
    means a's failure rate is lower)."""
    return float(stats.logrank(lifespans(a), lifespans(b), alternative="less").pvalue)


def km_median(runs_: list[Facts]) -> float:
    """Kaplan–Meier median lifespan (inf if more than half are still alive at the horizon)."""
    sf = stats.ecdf(lifespans(runs_)).sf
    below = np.flatnonzero(sf.probabilities <= 0.5)
    return float(sf.quantiles[below[0]]) if below.size else float("inf")


def rmst(runs_: list[Facts], horizon: int = 180) -> float:
    """Restricted mean survival time: the area under the Kaplan–Meier curve up to the horizon."""
    sf = stats.ecdf(lifespans(runs_)).sf
    return float(sf.evaluate(np.arange(horizon)).sum())


def rmst_difference(a: list[Facts], b: list[Facts], horizon: int = 180) -> tuple[float, float, float]:
    """RMST(a) - RMST(b) with a 95% bootstrap interval (scipy.stats.bootstrap over runs)."""

    def stat(ia, ib):
        return rmst([a[int(i)] for i in ia], horizon) - rmst([b[int(i)] for i in ib], horizon)

    res = stats.bootstrap(
        (np.arange(len(a)), np.arange(len(b))),
        stat,
        vectorized=False,
        n_resamples=999,
        method="percentile",
        random_state=np.random.default_rng(ROOT_SEED),
    )
    return (
        stat(np.arange(len(a)), np.arange(len(b))),
        float(res.confidence_interval.low),
        float(res.confidence_interval.high),
    )


def greater_p(x: np.ndarray, y: np.ndarray) -> float:
    """One-sided Mann–Whitney U p-value for 'x tends to be larger than y'."""
    return float(stats.mannwhitneyu(x, y, alternative="greater").pvalue)


def mean_difference(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """mean(x) - mean(y) with a 95% bootstrap interval."""

    def stat(a, b):
        return np.mean(a) - np.mean(b)

    res = stats.bootstrap(
        (x, y),
        stat,
        vectorized=False,
        n_resamples=999,
        method="percentile",
        random_state=np.random.default_rng(ROOT_SEED),
    )
    return float(stat(x, y)), float(res.confidence_interval.low), float(res.confidence_interval.high)


# -------------------------------------------------------------------------------- reporting


def report(claim: str, **measured: object) -> None:
    """Record what a claim test measured; `conftest.py` prints it in the terminal summary."""
    REPORT_DIR.mkdir(parents=True, exist_ok=True)
    clean = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in measured.items()}
    (REPORT_DIR / f"{claim}.json").write_text(
        json.dumps({"claim": claim, **clean}, ensure_ascii=False), encoding="utf-8"
    )


def describe(runs_: list[Facts]) -> dict:
    return {"n": len(runs_), **{k: float(np.nanmean(column(runs_, k))) for k in asdict(runs_[0])}}


__all__ = [
    "Facts",
    "column",
    "describe",
    "facts",
    "greater_p",
    "km_median",
    "lives_longer_p",
    "mean_difference",
    "report",
    "rmst",
    "rmst_difference",
    "runs",
    "seeds",
]
