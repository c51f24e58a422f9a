"""Where a day's time goes: microseconds per day spent in each phase of `sim.model.phases.DAY`.

The bundled baseline with N founding members in one group (as in benchmarks/run.py) is run for
180 days per seed; every phase is wrapped in a timer (the wrapper itself costs well under a
microsecond per call). Prints the phases, slowest first, and the whole day. Usage:

    .venv/bin/python benchmarks/phases.py [--members 500] [--seeds 5]
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import scenario_for  # noqa: E402

import sim.model.community as community  # noqa: E402
from sim.model import phases  # noqa: E402
from sim.runner import build_model, simulate  # noqa: E402

DAYS = 180


def timed(phase, spent: collections.Counter):
    def run(model, today):
        start = time.perf_counter()
        phase(model, today)
        spent[phase.__name__] += time.perf_counter() - start

    run.__name__ = phase.__name__
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    scenario = scenario_for(args.members, 1, DAYS)
    simulate(build_model(scenario, 0), DAYS)  # warm-up: imports and the kernels' cache
    spent: collections.Counter = collections.Counter()
    community.DAY = tuple(timed(phase, spent) for phase in phases.DAY)
    start = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        simulate(build_model(scenario, seed), DAYS)
    days = args.seeds * DAYS
    whole = (time.perf_counter() - start) / days * 1e6
    for name, seconds in spent.most_common():
        print(f"{name:18s} {seconds / days * 1e6:8.1f} µs/day")
    print(f"{'all phases':18s} {sum(spent.values()) / days * 1e6:8.1f} µs/day (the whole day: {whole:.1f})")


if __name__ == "__main__":
    main()
