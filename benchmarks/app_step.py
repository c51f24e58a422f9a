"""Browser app speed: one simulated day plus redrawing every chart, for a 500-member group.

In-process (always): the bundled baseline scenario with N founding members (default 500) is
stepped through `--warmup` days, then for `--days` more days each day is timed in three parts:
the model's step, building all six figures (`sim.app.components.FIGURES`, including the network
layout), and putting them into Plotly figure widgets the way the app does (`update_widget`).

In the browser (`--browser`): the real app (`groupsim app`) is started with the same scenario
and driven by Debian's chromium; each day is timed from clicking "Step 1 day" until the page
reports the day drawn (server step + render + transfer + Plotly drawing), and the time the
browser spent inside Plotly is measured too.

Prints one JSON object. Usage:
    .venv/bin/python benchmarks/app_step.py [--members 500] [--days 40] [--warmup 20] [--browser]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim import __version__  # noqa: E402
from sim.app import components  # noqa: E402
from sim.app.classroom import Classroom  # noqa: E402
from sim.app.controls import load_for_app  # noqa: E402
from sim.app.widgets import new_widget, update_widget  # noqa: E402
from sim.scenario import apply_overrides  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def summary(values_s: list[float]) -> dict[str, float]:
    """Median, 90th percentile and maximum, in milliseconds."""
    ms = np.asarray(values_s) * 1000.0
    return {
        "median_ms": round(float(np.median(ms)), 1),
        "p90_ms": round(float(np.percentile(ms, 90)), 1),
        "max_ms": round(float(ms.max()), 1),
    }


def in_process(members: int, days: int, warmup: int, seed: int) -> dict:
    scenario = apply_overrides(load_for_app(BASELINE), {"population.initial_members": members})
    room = Classroom([scenario], seed=seed)
    widgets = {key: new_widget() for key, _ in components.FIGURES}

    def redraw() -> None:
        for key, build in components.FIGURES:
            update_widget(widgets[key], build(room.runs, "en"))

    redraw()  # day 0: places the founders (a one-off warm-up of the layout)
    for _ in range(warmup):
        room.step()
        redraw()
    step_s, figures_s, widgets_s, total_s = [], [], [], []
    for _ in range(days):
        began = time.perf_counter()
        room.step()
        stepped = time.perf_counter()
        figures = [(key, build(room.runs, "en")) for key, build in components.FIGURES]
        built = time.perf_counter()
        for key, fig in figures:
            update_widget(widgets[key], fig)
        done = time.perf_counter()
        step_s.append(stepped - began)
        figures_s.append(built - stepped)
        widgets_s.append(done - built)
        total_s.append(done - began)
    present = components.status(room.runs[0].model).members
    return {
        "members_present_at_end": present,
        "days_timed": days,
        "step": summary(step_s),
        "figures": summary(figures_s),
        "widget_updates": summary(widgets_s),
        "day_total": summary(total_s),
    }


# ------------------------------------------------------------------------------ browser

_PLOTLY_TIMER = """
window.__plotly_ms = 0;
setInterval(() => {
  if (!window.Plotly || window.Plotly.__timed) return;
  const names = ['update', 'react', 'restyle', 'relayout', 'addTraces', 'deleteTraces', 'newPlot'];
  for (const name of names) {
    const original = window.Plotly[name];
    if (!original) continue;
    window.Plotly[name] = function (...args) {
      const began = performance.now();
      const result = original.apply(this, args);
      const done = () => { window.__plotly_ms += performance.now() - began; };
      if (result && result.then) result.then(done, done); else done();
      return result;
    };
  }
  window.Plotly.__timed = true;
}, 20);
"""


def in_browser(members: int, days: int, warmup: int, seed: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
        data["name"] = f"baseline-{members}"
        data.setdefault("population", {})["initial_members"] = members
        scenario = Path(folder) / f"baseline-{members}.yaml"
        scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "GROUPSIM_APP_SCENARIOS_DIR": folder}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sim",
                "app",
                str(scenario),
                "--port",
                str(port),
                "--seed",
                str(seed),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/"
        try:
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(url, timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.5)
            with sync_playwright() as pw:
                from sim.app.headless import CHROMIUM, CHROMIUM_ARGS

                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1500, "height": 1000})
                page.add_init_script(_PLOTLY_TIMER)
                page.set_default_timeout(60_000)
                page.goto(url)
                page.wait_for_selector(".groupsim-chart-network .js-plotly-plot")
                page.wait_for_selector(".groupsim-render-ack[data-day='0']", state="attached")

                def step(day: int) -> float:
                    began = time.perf_counter()
                    page.click(".groupsim-step")
                    page.wait_for_selector(f".groupsim-render-ack[data-day='{day}']", state="attached")
                    return time.perf_counter() - began

                for day in range(1, warmup + 1):
                    step(day)
                page.evaluate("() => { window.__plotly_ms = 0; }")
                latencies = [step(day) for day in range(warmup + 1, warmup + days + 1)]
                plotly_ms = page.evaluate("() => window.__plotly_ms") / days
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "days_timed": days,
        "click_to_drawn": summary(latencies),
        "plotly_drawing_ms_per_day": round(plotly_ms, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500, help="founding members (default 500)")
    parser.add_argument("--days", type=int, default=40, help="days timed (default 40)")
    parser.add_argument("--warmup", type=int, default=20, help="days simulated before timing (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--browser", action="store_true", help="also time the real app in chromium")
    args = parser.parse_args()
    result = {
        "benchmark": "app_step",
        "version": __version__,
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "members": args.members,
        "warmup_days": args.warmup,
        "in_process": in_process(args.members, args.days, args.warmup, args.seed),
    }
    if args.browser:
        result["browser"] = in_browser(args.members, args.days, args.warmup, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
