"""`groupsim app`: checks the scenario first, serves the page offline, builds nothing on import."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from typer.testing import CliRunner

from sim.app.controls import ENV_SCENARIO, ENV_SCENARIOS_DIR, ENV_SEED
from sim.cli import app as cli
from sim.cli.webapp import app_environment, app_module, solara_command

ROOT = Path(__file__).resolve().parents[1]


def test_a_bad_scenario_exits_2_with_a_clear_message_and_no_server(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr("sim.cli.webapp.run_server", lambda *args: started.append(args) or 0)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\npopulation: {initial_members: lots}\n")
    result = CliRunner().invoke(cli, ["app", str(bad)])
    assert result.exit_code == 2
    assert "initial_members" in result.output and "Traceback" not in result.output
    missing = CliRunner().invoke(cli, ["app", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    assert started == []


def test_a_good_scenario_prints_the_address_and_starts_solara(monkeypatch):
    calls = []
    monkeypatch.setattr("sim.cli.webapp.run_server", lambda command, env: calls.append((command, env)) or 0)
    result = CliRunner().invoke(
        cli, ["app", str(ROOT / "scenarios" / "baseline.yaml"), "--port", "8123", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    ((command, env),) = calls
    assert command[1:4] == ["-m", "solara", "run"] and command[4] == str(app_module())
    assert env[ENV_SEED] == "9" and env[ENV_SCENARIO].endswith("baseline.yaml")


def test_the_server_is_local_production_and_makes_no_calls_out():
    command = solara_command(8765)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8765"
    assert {"--production", "--no-check-version", "--no-open"} <= set(command)
    env = app_environment(ROOT / "scenarios" / "baseline.yaml", seed=4, base={})
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert Path(env[ENV_SCENARIO]).is_absolute() and env[ENV_SEED] == "4"
    assert Path(env[ENV_SCENARIOS_DIR]).is_dir()
    assert (
        app_environment(ROOT / "scenarios" / "baseline.yaml", 1, base={ENV_SCENARIOS_DIR: "/x"})[
            ENV_SCENARIOS_DIR
        ]
        == "/x"
    )


def test_a_failing_server_is_reported(monkeypatch):
    monkeypatch.setattr("sim.cli.webapp.run_server", lambda *args: 3)
    result = CliRunner().invoke(cli, ["app", str(ROOT / "scenarios" / "baseline.yaml")])
    assert result.exit_code == 2 and "already in use" in result.output


def test_importing_the_page_builds_no_model(monkeypatch):
    import sim.app.classroom as classroom

    def refuse(*args, **kwargs):
        raise AssertionError("a model was built at import")

    monkeypatch.setattr(classroom, "build_model", refuse)
    sys.modules.pop("sim.app.app", None)
    page = importlib.import_module("sim.app.app")
    assert callable(page.Page) and len(page.CHARTS) == 6


def test_nothing_below_the_app_imports_it():
    """Reports, figures and labels sit below the app: only the app and the CLI import `sim.app`."""
    import ast

    offenders = []
    for path in sorted((ROOT / "sim").rglob("*.py")):
        if path.parts[-2] in ("app", "cli"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("sim.app")]
    assert offenders == []
