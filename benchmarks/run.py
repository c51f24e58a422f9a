"""Model speed and memory: member-days simulated per second, and bytes per member.

Each case is N members: founded at once in one group (100, 500, 5,000 by default), or spread over
a matrix (`50000/100`: 50,000 members in 100 groups of 500 - 5,000 founders, the schema's bound, and
5,000 fitting people added by the operator on each of days 1-9, opening overflow groups). The bundled baseline scenario runs for 180 days without stopping at death. Model time
covers building the model and stepping it (turning the arrays into tables is timed apart); it is
given as wall time and as this process's CPU time, since on a shared machine the CPU time is the
steadier figure. Peak memory is measured in a separate run under tracemalloc (which sees every
NumPy allocation) and divided by the most members present on any day.

Prints one JSON line per case, then a Markdown table. Usage:
    .venv/bin/python benchmarks/run.py [--cases 100 500 5000 50000/100] [--repeats 5] [--days 180]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import tracemalloc

import numpy as np

from sim import __version__, apply_overrides, load_scenario
from sim.runner import build_model, collect, simulate

DEFAULT_CASES = ("100", "500", "5000", "50000/100")


def parse_case(text: str) -> tuple[int, int]:
    """'500' -> (500, 1); '50000/100' -> (50000, 100)."""
    members, _, groups = text.partition("/")
    return int(members), int(groups or 1)


FOUNDERS_MAX = 5000  # the schema's bound on population.initial_members (and on mass_add_per_day)


def scenario_for(members: int, groups: int, days: int):
    """The baseline scenario with `members` members in `groups` groups of equal size: founders, and
    beyond the schema's 5,000 founders people the operator adds (5,000 a day from day 1, fitting
    ones) who fill overflow groups of the same size."""
    base = load_scenario("scenarios/baseline.yaml")
    cap = max(members * 2, 500) if groups == 1 else -(-members // groups)
    founders = min(members, FOUNDERS_MAX)
    added = members - founders
    changes = {
        "population.initial_members": founders,
        "matrix.max_group_size": cap,
        "horizon.days": days,
        "horizon.stop_at_death": False,
    }
    if added:
        changes |= {
            "recruiting.style": "mass_add",
            "recruiting.mass_add_per_day": FOUNDERS_MAX,
            "recruiting.mass_add_from_day": 1,
            "recruiting.mass_add_to_day": -(-added // FOUNDERS_MAX),
            "recruiting.mass_add_fit_mean": 0.7,
        }
    return apply_overrides(base, changes)


def timed_run(scenario, seed: int, days: int) -> tuple[float, float, float, object]:
    """(wall seconds, CPU seconds, table seconds, result) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    model = build_model(scenario, seed)
    simulate(model, days)
    wall_model, cpu_model = time.perf_counter() - wall, time.process_time() - cpu
    start = time.perf_counter()
    result = collect(model, scenario, seed, days)
    return wall_model, cpu_model, time.perf_counter() - start, result


def peak_bytes(scenario, days: int) -> int:
    """Peak traced memory of building and running the model once (after a warm-up run)."""
    tracemalloc.start()
    try:
        model = build_model(scenario, 0)
        simulate(model, days)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(members: int, groups: int, days: int, repeats: int) -> dict:
    scenario = scenario_for(members, groups, days)
    walls, cpus, tables, member_days, most, opened = [], [], [], [], [], []
    for seed in range(repeats + 1):
        wall, cpu, table, result = timed_run(scenario, seed, days)
        if seed == 0:
            continue  # warm-up (imports, the compiled kernels' cache)
        walls.append(wall)
        cpus.append(cpu)
        tables.append(table)
        member_days.append(int(result.daily["members"].sum()))
        most.append(int(result.daily["members"].max()))
        opened.append(int(result.daily["groups"].max()))
    md = float(np.median(member_days))
    wall, cpu = float(np.median(walls)), float(np.median(cpus))
    peak = peak_bytes(scenario, days)
    return {
        "members": members,
        "groups": groups,
        "groups_opened_median": int(np.median(opened)),
        "most_members_median": int(np.median(most)),
        "days": days,
        "repeats": repeats,
        "model_seconds_median": round(wall, 4),
        "model_cpu_seconds_median": round(cpu, 4),
        "tables_seconds_median": round(float(np.median(tables)), 4),
        "member_days_median": int(md),
        "member_days_per_s": round(md / wall),
        "member_days_per_cpu_s": round(md / cpu),
        "us_per_member_day": round(1e6 * wall / md, 3),
        "us_per_member_day_cpu": round(1e6 * cpu / md, 3),
        "peak_bytes_per_member": round(peak / max(np.median(most), 1)),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "groupsim": __version__,
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| members | groups | µs/member-day (CPU) | M member-days/s (CPU) | µs/member-day (wall) | peak bytes/member | load |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['members']:,} | {r['groups']} | {r['us_per_member_day_cpu']:.3f} | "
            f"{r['member_days_per_cpu_s'] / 1e6:.2f} | {r['us_per_member_day']:.3f} | "
            f"{r['peak_bytes_per_member']:,} | {r['load_average_1min']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", nargs="+", default=list(DEFAULT_CASES), help="N or N/GROUPS")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    rows = []
    for case in args.cases:
        members, groups = parse_case(case)
        rows.append(measure(members, groups, args.days, args.repeats))
        print(json.dumps(rows[-1]), flush=True)
    print(table(rows))


if __name__ == "__main__":
    main()
