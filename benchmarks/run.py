"""Model speed: member-days simulated per second of model time.

For each size N (default 100, 500, 5000 members) the bundled baseline scenario is started with N
founding members in one group (the size cap is raised to N so the 5000 case is one large group,
not a matrix), simulated for 180 days without stopping at death, and timed. Model time covers
building the model and stepping it; turning the arrays into tables is timed separately.

Prints one JSON line per size. Usage:
    .venv/bin/python benchmarks/run.py [--sizes 100 500 5000] [--repeats 5] [--days 180]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from sim import __version__, apply_overrides, load_scenario
from sim.runner import build_model, collect, simulate


def scenario_for(size: int, days: int):
    base = load_scenario("scenarios/baseline.yaml")
    return apply_overrides(
        base,
        {
            "population.initial_members": size,
            "matrix.max_group_size": max(size * 2, 500),
            "horizon.days": days,
            "horizon.stop_at_death": False,
        },
    )


def measure(size: int, days: int, repeats: int) -> dict:
    scenario = scenario_for(size, days)
    model_times, table_times, member_days = [], [], []
    for seed in range(repeats + 1):
        start = time.perf_counter()
        model = build_model(scenario, seed)
        simulate(model, days)
        middle = time.perf_counter()
        result = collect(model, scenario, seed, days)
        end = time.perf_counter()
        if seed == 0:
            continue  # warm-up (imports, caches)
        model_times.append(middle - start)
        table_times.append(end - middle)
        member_days.append(int(result.daily["members"].sum()))
    t = float(np.median(model_times))
    md = float(np.median(member_days))
    return {
        "members": size,
        "days": days,
        "repeats": repeats,
        "model_seconds_median": round(t, 4),
        "tables_seconds_median": round(float(np.median(table_times)), 4),
        "member_days_median": int(md),
        "member_days_per_s": round(md / t),
        "us_per_member_day": round(1e6 * t / md, 3),
        "python": platform.python_version(),
        "groupsim": __version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 5000])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    for size in args.sizes:
        print(json.dumps(measure(size, args.days, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
