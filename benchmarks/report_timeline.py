"""Run report cost against the length of the scenario's timeline (issue 9: it grew with the square).

The bundled baseline scenario (180 days) gets a timeline of N `run_event` entries spread evenly
over its days (several per day once N > 180, as in the issue's hostile input); the run is
simulated once and its report written, and both are timed.

Prints one JSON line per N. Usage:
    .venv/bin/python benchmarks/report_timeline.py [--entries 20 50 100 500] [--days 180]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim import __version__, apply_overrides, load_scenario, run_scenario  # noqa: E402
from sim.report.single import write_run_report  # noqa: E402
from sim.scenario.schema import RunEvent  # noqa: E402


def measure(entries: int, days: int) -> dict:
    base = apply_overrides(load_scenario(ROOT / "scenarios" / "baseline.yaml"), {"horizon.days": days})
    timeline = tuple(RunEvent(action="run_event", day=1 + i * days // entries) for i in range(entries))
    began = time.perf_counter()
    result = run_scenario(base.model_copy(update={"timeline": timeline}), 1)
    simulated = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_run_report(result, Path(folder) / "report.html")
    done = time.perf_counter()
    return {
        "entries": entries,
        "entries_carried_out": len(result.interventions),
        "days_simulated": result.summary["days_simulated"],
        "simulation_seconds": round(simulated - began, 3),
        "report_seconds": round(done - simulated, 3),
        "version": __version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[20, 50, 100, 500])
    parser.add_argument("--days", type=int, default=180)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:  # warm-up: imports, plotly.js read once
        warm = run_scenario(load_scenario(ROOT / "scenarios" / "baseline.yaml"), 1, days=5)
        write_run_report(warm, Path(folder) / "report.html")
    for entries in args.entries:
        print(json.dumps(measure(entries, args.days)), flush=True)


if __name__ == "__main__":
    main()
