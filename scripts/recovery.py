"""Parameter-recovery study: calibrate >= 20 synthetic groups with known parameters; report 90% coverage.

Each group's "true" parameters are drawn from the FIT file's priors (a Latin hypercube), the base
scenario is simulated with them, the run is read as a chat export would be (members, joins, leaves,
messages, speakers), and the model is calibrated to it exactly as `groupsim calibrate` does
(`sim.calibrate.recovery`). The study reports, per parameter, the share of groups whose 90% credible
interval holds the truth (about 90% for a calibrated method) and how much the data narrowed it.

    .venv/bin/python scripts/recovery.py --groups 20 --out results/recovery        # resumable: done groups are kept
    .venv/bin/python scripts/recovery.py --fit scenarios/data/recovery_fit.yaml --days 60 --groups 30

Writes OUT/coverage.csv (per parameter), OUT/groups.csv (per group and parameter) and OUT/summary.json;
OUT/group-NNN/ holds each calibration.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd

from sim.batch import make_executor
from sim.calibrate.fit import load_fit
from sim.calibrate.recovery import GroupResult, coverage_table, recover_group, true_parameters
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fit", type=Path, default=ROOT / "scenarios" / "data" / "recovery_fit.yaml")
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.yaml")
    parser.add_argument("--days", type=int, default=60, help="observed days per synthetic group")
    parser.add_argument("--groups", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--executor", default="local")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "recovery")
    args = parser.parse_args()

    base = load_scenario(args.scenario)
    fit = load_fit(args.fit, base)
    truths = true_parameters(fit, args.groups, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    results: list[GroupResult] = []
    started = time.perf_counter()
    for group, truth in enumerate(truths):
        result = recover_group(
            group,
            truth,
            base,
            fit,
            args.days,
            args.out / f"group-{group:03d}",
            lambda: make_executor(args.executor, args.workers, preload=("sim.calibrate.sampler",)),
            args.seed,
        )
        results.append(result)
        inside = sum(r["inside"] for r in result.rows)
        print(
            f"group {group:3d}: {inside}/{len(result.rows)} inside the 90% interval, "
            f"{result.simulations:,} simulations, {result.seconds:.0f} s",
            flush=True,
        )
    coverage = coverage_table(results)
    pd.DataFrame([row for r in results for row in r.rows]).to_csv(args.out / "groups.csv", index=False)
    coverage.to_csv(args.out / "coverage.csv", index=False)
    summary = {
        "fit": str(args.fit.relative_to(ROOT) if args.fit.is_relative_to(ROOT) else args.fit),
        "scenario": str(
            args.scenario.relative_to(ROOT) if args.scenario.is_relative_to(ROOT) else args.scenario
        ),
        "days": args.days,
        "groups": args.groups,
        "seed": args.seed,
        "coverage": coverage.to_dict("records"),
        "overall_coverage": float(pd.DataFrame([row for r in results for row in r.rows])["inside"].mean()),
        "simulations": sum(r.simulations for r in results),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(coverage.to_string(index=False))
    print(
        f"overall: {summary['overall_coverage']:.0%} of intervals hold the truth; {summary['seconds']:.0f} s"
    )


if __name__ == "__main__":
    main()
