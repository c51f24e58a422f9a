"""`groupsim app`: serve the trainer's browser app (Mesa SolaraViz) on this machine.

(The module is not called `app.py`: importing `sim.cli.app` would replace the Typer `app`
object in the `sim.cli` namespace with the module, and `groupsim` would stop working.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
from pathlib import Path

import typer

from sim.cli.common import app, console, fail, load_or_exit

DEFAULT_SCENARIO = Path("scenarios/baseline.yaml")


def app_module() -> Path:
    """The Solara page `solara run` serves."""
    return Path(__file__).resolve().parents[1] / "app" / "app.py"


def solara_command(port: int, host: str = "127.0.0.1", open_browser: bool = False) -> list[str]:
    """The `solara run` command line: production mode (no auto-reload; JavaScript and CSS come from
    the solara-assets package, not a CDN) and no check for a newer Solara on PyPI (offline
    rooms)."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(app_module()),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-check-version",
        "--open" if open_browser else "--no-open",
    ]


def app_environment(scenario: Path, seed: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the server: which scenario to open, where to find others (the repository's
    `scenarios/` unless $GROUPSIM_APP_SCENARIOS_DIR is already set), the seed."""
    from sim.app.controls import ENV_SCENARIO, ENV_SCENARIOS_DIR, ENV_SEED, default_scenarios_dir

    env = dict(os.environ if base is None else base)
    env[ENV_SCENARIO] = str(scenario.resolve())
    folder = default_scenarios_dir()
    env.setdefault(ENV_SCENARIOS_DIR, str(folder if folder.is_dir() else scenario.resolve().parent))
    env[ENV_SEED] = str(seed)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")  # no network calls from a classroom
    env.setdefault(
        "SOLARA_THEME_SHOW_BANNER", "False"
    )  # the page's own labels are translated; this one is not
    env.setdefault("SOLARA_THEME_TITLE", "groupsim")
    return env


def run_server(command: list[str], env: dict[str, str]) -> int:
    """Run the server until it exits (Ctrl+C or a SIGTERM to this process stop it too).

    Returns the server's exit code.
    """
    server = subprocess.Popen(command, env=env)

    def stop(signum, _frame) -> None:
        server.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            try:
                return server.wait()
            except KeyboardInterrupt:  # the terminal sent SIGINT to both; let the server finish
                continue
    finally:
        signal.signal(signal.SIGTERM, previous)


@app.command("app")
def serve_app(
    scenario_file: Path = typer.Argument(
        DEFAULT_SCENARIO,
        metavar="[SCENARIO]",
        help="Scenario YAML to open first (default: scenarios/baseline.yaml).",
    ),
    port: int = typer.Option(8765, "--port", min=1, max=65535, help="Port to serve on (localhost only)."),
    seed: int = typer.Option(1, "--seed", help="Seed the page starts with (the trainer can change it)."),
    open_browser: bool = typer.Option(
        False, "--open/--no-open", help="Open the page in the default browser."
    ),
) -> None:
    """Serve the trainer's app: watch a group live and die, pull levers, compare two scenarios."""
    load_or_exit(scenario_file)  # a bad file fails here, clearly, before a server starts
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Solara lints Mesa's components on import
            import mesa.visualization  # noqa: F401  (needs solara and altair)
            import solara  # noqa: F401
    except ImportError as exc:
        fail(f"the browser app needs the 'app' extras ({exc.name} is missing): pip install -e '.[app]'")
    url = f"http://127.0.0.1:{port}/"
    console.print(
        f"groupsim app: serving [bold]{scenario_file}[/] at [bold]{url}[/]  (Ctrl+C to stop)",
        highlight=False,
    )
    code = run_server(solara_command(port, open_browser=open_browser), app_environment(scenario_file, seed))
    if code not in (0, -signal.SIGINT, -signal.SIGTERM, 130):
        fail(f"the app server stopped with exit code {code} (is port {port} already in use? try --port)")
