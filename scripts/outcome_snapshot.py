"""Snapshot the main outcomes of library scenarios over fixed seeds, and compare two snapshots.

    .venv/bin/python scripts/outcome_snapshot.py save before.json [--replicates 100] [--scenarios a b ...]
    .venv/bin/python scripts/outcome_snapshot.py compare before.json after.json

`save` runs each scenario (scenarios/<name>.yaml) once per seed (seeds spawned from one root, so
two snapshots taken on two versions of the model use the same seeds) and stores, per run: lifespan
and censoring, mean value contributors over days 1-90, members on day 90, members ever, value posts
per member-day and the final muted share. `compare` prints, per scenario and outcome, both means,
their difference with a 95% bootstrap interval and a two-sided Mann-Whitney p-value (a log-rank
p-value for lifespans): the statistical check that a model change moved only what it should.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim import load_scenario, run_scenario  # noqa: E402

DEFAULT_SCENARIOS = (
    "baseline",
    "lightly_run",
    "unmanaged",
    "hard_sell_day3",
    "mass_add",
    "kol_active",
    "red_packets_only",
    "referral_bait",
    "koc_limited_attention",
    "small_committed",
    "large_passive",
)
OUTCOMES = (
    "contributors_d1_90",
    "members_day90",
    "members_ever",
    "value_per_member_day",
    "muted_share_final",
)


def seeds(n: int) -> list[int]:
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(20260515).spawn(n)]


def outcomes(name: str, seed: int) -> dict:
    """The outcomes of one run of scenarios/<name>.yaml."""
    result = run_scenario(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), seed)
    d, s = result.daily, result.summary
    on90 = d.loc[d["day"] == 90, "members"]
    return {
        "lifespan": int(s["lifespan_days"]),
        "censored": bool(s["censored"]),
        "contributors_d1_90": float(d.loc[d["day"] <= 90, "value_contributors"].sum()) / 90.0,
        "members_day90": int(on90.iloc[0]) if len(on90) else 0,
        "members_ever": int(s["members_ever"]),
        "value_per_member_day": float(s["value_posts_per_member_day"]),
        "muted_share_final": float(s["muted_share_final"]),
    }


def save(path: Path, names: list[str], replicates: int) -> None:
    data = {name: [outcomes(name, seed) for seed in seeds(replicates)] for name in names}
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    print(f"wrote {path} ({len(names)} scenarios x {replicates} seeds)")


def _interval(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    res = stats.bootstrap((b, a), lambda x, y: np.mean(x) - np.mean(y), vectorized=False,
                          n_resamples=999, method="percentile", random_state=np.random.default_rng(1))  # fmt: skip
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def _lifespans(runs: list[dict]) -> stats.CensoredData:
    life = np.array([r["lifespan"] for r in runs], dtype=float)
    censored = np.array([r["censored"] for r in runs])
    return stats.CensoredData(uncensored=life[~censored], right=life[censored])


def compare(before: Path, after: Path) -> None:
    a_all, b_all = (json.loads(p.read_text(encoding="utf-8")) for p in (before, after))
    print("| scenario | outcome | before | after | after - before (95% CI) | p |")
    print("|---|---|---|---|---|---|")
    for name in [n for n in a_all if n in b_all]:
        a, b = a_all[name], b_all[name]
        with warnings.catch_warnings():  # every run alive at the horizon: no log-rank test (nan)
            warnings.simplefilter("ignore", RuntimeWarning)
            p_life = stats.logrank(_lifespans(a), _lifespans(b)).pvalue
        alive_a = np.mean([r["censored"] for r in a])
        alive_b = np.mean([r["censored"] for r in b])
        print(
            f"| {name} | alive at horizon (log-rank on lifespans) | {alive_a:.2f} | {alive_b:.2f} | | {p_life:.3g} |"
        )
        for key in OUTCOMES:
            x = np.array([r[key] for r in a], dtype=float)
            y = np.array([r[key] for r in b], dtype=float)
            lo, hi = _interval(x, y)
            p = stats.mannwhitneyu(x, y).pvalue if np.ptp(np.concatenate([x, y])) > 0 else 1.0
            print(f"| {name} | {key} | {x.mean():.4g} | {y.mean():.4g} | {y.mean() - x.mean():+.4g} "
                  f"[{lo:+.3g}, {hi:+.3g}] | {p:.3g} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("save")
    s.add_argument("output", type=Path)
    s.add_argument("--replicates", type=int, default=100)
    s.add_argument("--scenarios", nargs="+", default=list(DEFAULT_SCENARIOS))
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "save":
        save(args.output, args.scenarios, args.replicates)
    else:
        compare(args.before, args.after)


if __name__ == "__main__":
    main()
