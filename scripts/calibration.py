"""Print the calibration figures quoted in docs/model.md.

    .venv/bin/python scripts/calibration.py [--replicates 20]

Runs the bundled scenarios with fixed seeds and prints, as Markdown: participation inequality
(default scenario and baseline), per-member activity by group size, and the distribution of
time in the group. See sim/calibration.py for what each figure means and its published source.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from sim import Scenario, load_scenario
from sim.calibration import activity_by_size, participation, tenure

ROOT = Path(__file__).resolve().parent.parent


def seeds(n: int) -> list[int]:
    return [int(s.generate_state(1)[0]) for s in np.random.SeedSequence(7).spawn(n)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--replicates", type=int, default=20)
    args = parser.parse_args()
    s = seeds(args.replicates)
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    default = Scenario(name="default")

    print(f"## Participation inequality ({args.replicates} replicates each, 180 days)\n")
    print(
        "| scenario | members | never posted anything | never posted value | top 1% share of value posts | top 10% share | Gini |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, scenario in (("default (no levers)", default), ("baseline", baseline)):
        p = participation(scenario, s)
        print(
            f"| {name} | {p.members} | {p.never_posted_anything:.0%} | {p.never_posted_value:.0%} | "
            f"{p.top1pct_value_share:.0%} | {p.top10pct_value_share:.0%} | {p.value_gini:.2f} |"
        )

    print(
        f"\n## Per-member activity by group size (fixed membership, 60 days, {args.replicates} replicates)\n"
    )
    table = activity_by_size(baseline, (50, 150, 300, 500, 1000), s)
    print("| members | value posts per member-day | messages per member-day |")
    print("|---|---|---|")
    for row in table.itertuples():
        print(f"| {row.members} | {row.value_posts_per_member_day:.4f} | {row.messages_per_member_day:.3f} |")

    print(f"\n## Time in the group (baseline, {args.replicates} replicates)\n")
    t = tenure(baseline, s)
    print(f"- members: {t.members}; left before day 180: {t.left_share:.0%}")
    print(
        f"- Weibull fit to censored stays: shape {t.weibull_shape:.2f} (< 1: the hazard of leaving falls with tenure), "
        f"scale {t.weibull_scale_days:.0f} days; likelihood-ratio test against the exponential: p = {t.exponential_lr_p:.2g}"
    )
    print(
        f"- completed stays: median {t.median_completed_stay_days:.0f} days, 90th percentile {t.p90_completed_stay_days:.0f} days"
    )


if __name__ == "__main__":
    main()
