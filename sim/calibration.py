"""Does the model behave like real groups when no lever is pulled? Three published regularities:

1. Participation is very unequal: most members never post, a few produce most value
   (Nielsen 2006, the 90-9-1 rule; van Mierlo 2014: under 25% of members ever posted and the
   top 1.3% produced 74.7% of content in four digital-health communities).
2. Per-member activity falls as a group grows past a few hundred (Butler 2001: membership size
   has negative as well as positive effects, through free-riding and communication costs).
3. Time in the group before leaving is heavy-tailed: the hazard of leaving falls with tenure,
   so stays are longer-tailed than exponential (Lang & Wu 2011 on social-network user lifetimes).

Each function runs replicates and returns plain numbers; `scripts/calibration.py` prints them and
the calibration tests assert them. Analysis only reads the run tables.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sim.runner import run_scenario
from sim.scenario import Scenario, apply_overrides


@dataclass(frozen=True)
class Participation:
    members: int  # members (not the operator) who ever joined, over all replicates
    never_posted_anything: float  # share who sent no value post, chatter or reply
    never_posted_value: float
    top1pct_value_share: float  # share of value posts by the top 1% of members (pooled)
    top10pct_value_share: float
    value_gini: float


def participation(scenario: Scenario, seeds: list[int]) -> Participation:
    """Participation inequality pooled over members of `len(seeds)` runs of `scenario`.

    Shares are per replicate, then averaged (so a large run does not dominate).
    """
    from sim.metrics import gini, top_share

    rows = []
    total = 0
    for seed in seeds:
        mb = run_scenario(scenario, seed).members
        mb = mb[mb["role_at_join"] != "admin"]
        total += len(mb)
        posts = mb["value_posts"].to_numpy()
        anything = mb["value_posts"] + mb["chatter_posts"] + mb["replies_given"]
        rows.append(
            (
                float((anything == 0).mean()),
                float((posts == 0).mean()),
                top_share(posts, 0.01),
                top_share(posts, 0.10),
                gini(posts),
            )
        )
    a = np.array(rows).mean(axis=0)
    return Participation(total, *(float(x) for x in a))


def activity_by_size(
    scenario: Scenario, sizes: tuple[int, ...], seeds: list[int], days: int = 60
) -> pd.DataFrame:
    """Value posts and all messages per member-day in fixed-size groups (no newcomers) of each size."""
    out = []
    for size in sizes:
        fixed = apply_overrides(
            scenario,
            {
                "population.initial_members": size,
                "population.organic_prospects_per_day": 0.0,
                "referral.enabled": False,
                "matrix.max_group_size": max(2 * size, 500),
                "horizon.days": days,
                "horizon.stop_at_death": False,
            },
        )
        value, messages = [], []
        for seed in seeds:
            d = run_scenario(fixed, seed).daily
            member_days = float(d["members"].sum())
            value.append(d["value_posts"].sum() / member_days)
            messages.append((d["value_posts"] + d["chatter"] + d["replies"]).sum() / member_days)
        out.append(
            {
                "members": size,
                "value_posts_per_member_day": float(np.mean(value)),
                "messages_per_member_day": float(np.mean(messages)),
            }
        )
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Tenure:
    members: int
    left_share: float  # share who left or were kicked before the run ended
    weibull_shape: float  # < 1: the hazard of leaving falls with tenure (heavier tail than exponential)
    weibull_scale_days: float
    exponential_lr_p: float  # likelihood-ratio test of the Weibull against the exponential (shape 1)
    median_completed_stay_days: float
    p90_completed_stay_days: float


def tenure(scenario: Scenario, seeds: list[int]) -> Tenure:
    """Time in the group (right-censored for those still there), fitted with a Weibull by maximum likelihood."""
    durations, censored = [], []
    for seed in seeds:
        r = run_scenario(scenario, seed)
        mb = r.members[r.members["role_at_join"] != "admin"]
        end = r.summary["days_simulated"]
        left = mb["exit_day"].to_numpy() >= 0
        durations.append(np.where(left, mb["exit_day"] - mb["join_day"], end - mb["join_day"]))
        censored.append(~left)
    t = np.maximum(np.concatenate(durations).astype(float), 0.5)  # a same-day exit counts as half a day
    c = np.concatenate(censored)
    data = stats.CensoredData(uncensored=t[~c], right=t[c])
    shape, _, scale = stats.weibull_min.fit(data, floc=0)
    ll_weibull = (
        stats.weibull_min.logpdf(t[~c], shape, 0, scale).sum()
        + stats.weibull_min.logsf(t[c], shape, 0, scale).sum()
    )
    rate = (~c).sum() / t.sum()  # exponential MLE with censoring
    ll_exp = stats.expon.logpdf(t[~c], 0, 1 / rate).sum() + stats.expon.logsf(t[c], 0, 1 / rate).sum()
    lr = 2.0 * (ll_weibull - ll_exp)
    completed = t[~c]
    return Tenure(
        members=int(t.size),
        left_share=float((~c).mean()),
        weibull_shape=float(shape),
        weibull_scale_days=float(scale),
        exponential_lr_p=float(stats.chi2.sf(max(lr, 0.0), df=1)),
        median_completed_stay_days=float(np.median(completed)) if completed.size else float("nan"),
        p90_completed_stay_days=float(np.percentile(completed, 90)) if completed.size else float("nan"),
    )


def as_dict(obj) -> dict:
    return asdict(obj)
