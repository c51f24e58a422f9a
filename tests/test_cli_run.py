"""`groupsim run` end to end: the files it writes, where, what they hold, and the report."""

from __future__ import annotations

import json
import re
import runpy
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sim import Scenario, apply_overrides, load_scenario, run_scenario
from sim.cli import common
from sim.cli.common import app
from sim.figures import marker_text
from sim.i18n import BOTH
from sim.metrics import DAILY_COLUMNS
from sim.runner import MEMBER_COLUMNS
from sim.scenario.fields import iter_fields

ROOT = Path(__file__).resolve().parent.parent
CAMPAIGN = ROOT / "scenarios" / "campaign_timeline.yaml"
UNMANAGED = ROOT / "scenarios" / "unmanaged.yaml"
OUTPUTS = {
    "daily.parquet",
    "members.parquet",
    "summary.json",
    "report.html",
    "scenario.json",
    ".groupsim-kind",
}
runner = CliRunner()


def flat(text: str) -> str:
    return " ".join(text.split())


def run_cli(*args) -> object:
    result = runner.invoke(app, ["run", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def strict_json(path: Path) -> dict:
    return json.loads(
        path.read_text(encoding="utf-8"),
        parse_constant=lambda c: pytest.fail(f"{path.name} holds {c}, which is not JSON"),
    )


def plotly_arrays(html: str, key: str) -> list[list[dict]]:
    """Every figure's layout `shapes` or `annotations` array (their items hold no nested lists)."""
    return [json.loads(m) for m in re.findall(rf'"{key}":(\[[^\[\]]*\])', html)]


@pytest.fixture(scope="module")
def campaign(tmp_path_factory):
    """One run of the campaign scenario (a timeline with interventions on days 20, 30 and 45)."""
    out = tmp_path_factory.mktemp("campaign") / "out"
    result = run_cli(CAMPAIGN, "--days", 50, "--seed", 3, "--out", out)
    assert result.exit_code == 0, result.output
    return out, result


def test_run_writes_tables_summary_scenario_and_report_into_out(campaign):
    out, result = campaign
    assert {p.name for p in out.iterdir()} == OUTPUTS
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "a staging folder was left behind"
    assert "Report:" in result.stdout and str(out / "report.html") in flat(result.stdout)
    daily = pd.read_parquet(out / "daily.parquet")
    assert list(daily.columns) == [*DAILY_COLUMNS, "interventions"]
    members = pd.read_parquet(out / "members.parquet")
    assert list(members.columns) == list(MEMBER_COLUMNS)
    assert list(members["member"]) == list(range(len(members)))


def test_days_and_seed_are_respected_and_recorded(campaign):
    out, _ = campaign
    summary = strict_json(out / "summary.json")
    assert summary["seed"] == 3 and summary["horizon_days"] == 50
    daily = pd.read_parquet(out / "daily.parquet")
    assert list(daily["day"]) == list(range(1, summary["days_simulated"] + 1))
    if summary["censored"]:
        assert summary["days_simulated"] == 50
    scenario = Scenario.model_validate(strict_json(out / "scenario.json"))
    assert scenario == apply_overrides(load_scenario(CAMPAIGN), {"horizon.days": 50})


def test_summary_matches_the_api_run_and_lists_the_interventions(campaign):
    out, _ = campaign
    summary = strict_json(out / "summary.json")
    api = run_scenario(apply_overrides(load_scenario(CAMPAIGN), {"horizon.days": 50}), 3)
    assert summary == json.loads(json.dumps({**api.summary, "interventions": api.interventions}))
    assert [(i["day"], i["action"]) for i in summary["interventions"]] == [
        (20, "invite_kol"),
        (30, "run_event"),
        (30, "red_packets"),
        (45, "start_selling"),
    ]


def test_report_is_self_contained_with_plotly_inline(campaign):
    out, _ = campaign
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("plotly.js v") >= 1 and len(html) > 1_000_000  # the library itself, inline
    assert not re.search(r"<script[^>]*\bsrc=", html), "a script is loaded from elsewhere"
    assert not re.search(r"<link[^>]*\bhref=[\"']https?:", html)
    assert not re.search(
        r"\bsrc=[\"']https?:", html
    )  # (plotly.js mentions cdn.plot.ly only for map topojson)


def test_report_marks_every_intervention_of_the_timeline(campaign):
    out, _ = campaign
    html = (out / "report.html").read_text(encoding="utf-8")
    summary = strict_json(out / "summary.json")
    marked = [a for figure in plotly_arrays(html, "annotations") for a in figure]
    lines = [s for figure in plotly_arrays(html, "shapes") for s in figure]
    for item in summary["interventions"]:  # one label per day names all of that day's, in both languages
        label = marker_text(item, BOTH)
        assert any(label in a.get("text", "").split(", ") and a.get("x") == item["day"] for a in marked), item
        assert any(s.get("x0") == item["day"] == s.get("x1") for s in lines), item
        assert f"<td>{item['action']}</td>" in html  # and the interventions table lists it
    assert "Interventions" in html


def dying_seed(days: int = 60) -> tuple[int, dict]:
    scenario = load_scenario(UNMANAGED)
    for seed in range(1, 40):
        summary = run_scenario(scenario, seed, days=days).summary
        if summary["ended_by"] == "dead" and summary["days_simulated"] < days:
            return seed, summary
    pytest.fail("the unmanaged group outlived 60 days for seeds 1..39; pick a scenario that dies")


def test_report_marks_the_day_a_group_died(tmp_path):
    seed, expected = dying_seed()
    out = tmp_path / "dead"
    result = run_cli(UNMANAGED, "--days", 60, "--seed", seed, "--out", out)
    assert result.exit_code == 0, result.output
    summary = strict_json(out / "summary.json")
    assert summary["ended_by"] == "dead" and not summary["censored"]
    assert summary["lifespan_days"] == expected["lifespan_days"]
    died = summary["lifespan_days"] + summary["dead_after_days"]
    assert summary["days_simulated"] == died  # the run stops the day the group is found dead
    html = (out / "report.html").read_text(encoding="utf-8")
    marked = [a for figure in plotly_arrays(html, "annotations") for a in figure]
    assert any(
        a.get("x") == died
        and a.get("text", "").startswith(f"dead (last value post day {summary['lifespan_days']})")
        for a in marked
    )
    assert any(s.get("x0") == died for figure in plotly_arrays(html, "shapes") for s in figure)
    assert "The group died" in html


def test_without_out_the_run_goes_to_a_new_folder_under_results(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = run_cli(UNMANAGED, "--days", 3, "--seed", 2)
    second = run_cli(UNMANAGED, "--days", 3, "--seed", 2)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    folders = sorted((tmp_path / "results").iterdir())
    assert len(folders) == 2, "the second run must not reuse or overwrite the first one's folder"
    for folder in folders:
        assert folder.name.startswith("unmanaged-seed2-")
        assert {p.name for p in folder.iterdir()} == OUTPUTS


def test_an_existing_folder_is_not_overwritten_without_overwrite(tmp_path):
    out = tmp_path / "out"
    assert run_cli(UNMANAGED, "--days", 3, "--seed", 1, "--out", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = run_cli(UNMANAGED, "--days", 3, "--seed", 2, "--out", out)
    assert again.exit_code == 2
    assert "already exists and is not empty" in flat(again.stderr) and "--overwrite" in flat(again.stderr)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_overwrite_replaces_an_earlier_run(tmp_path):
    out = tmp_path / "out"
    assert run_cli(UNMANAGED, "--days", 3, "--seed", 1, "--out", out).exit_code == 0
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    again = run_cli(UNMANAGED, "--days", 4, "--seed", 2, "--out", out, "--overwrite")
    assert again.exit_code == 0, again.output
    assert {p.name for p in out.iterdir()} == OUTPUTS
    summary = strict_json(out / "summary.json")
    assert summary["seed"] == 2 and summary["horizon_days"] == 4


def test_an_empty_existing_folder_is_used(tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert run_cli(UNMANAGED, "--days", 2, "--out", out).exit_code == 0
    assert {p.name for p in out.iterdir()} == OUTPUTS


def test_overwrite_never_deletes_a_folder_that_is_not_a_run(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.tex").write_text("years of work", encoding="utf-8")
    result = run_cli(UNMANAGED, "--days", 2, "--out", precious, "--overwrite")
    assert result.exit_code == 2
    assert "not the folder of an earlier groupsim run" in flat(result.stderr)
    assert (precious / "thesis.tex").read_text(encoding="utf-8") == "years of work"


def test_out_naming_a_file_is_a_clear_error(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    for extra in ([], ["--overwrite"]):
        result = run_cli(UNMANAGED, "--days", 2, "--out", target, *extra)
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
        assert "is a file, not a folder" in flat(result.stderr)
    assert target.read_text(encoding="utf-8") == "x"


def test_a_failed_write_leaves_no_partial_folder(tmp_path, monkeypatch):
    def broken_report(*args, **kwargs):
        raise RuntimeError("report writer broke")

    monkeypatch.setattr("sim.cli.run.write_run_report", broken_report)
    result = run_cli(UNMANAGED, "--days", 2, "--out", tmp_path / "out")
    assert isinstance(result.exception, RuntimeError)
    assert list(tmp_path.iterdir()) == []  # neither the folder nor its staging copy


def test_an_unwritable_out_is_a_clear_error(tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("sim.outputs.tempfile.mkdtemp", refuse)
    result = run_cli(UNMANAGED, "--days", 2, "--out", tmp_path / "out")
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "could not write the results" in flat(result.stderr) and "Permission denied" in result.stderr


def test_python_dash_m_sim_is_the_groupsim_command(monkeypatch, capsys):
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "groupsim"]
    assert script.value == "sim.cli:main"
    monkeypatch.setattr(sys, "argv", ["python -m sim", "--help"])
    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("sim", run_name="__main__")  # what `python -m sim` executes
    assert exited.value.code in (0, None)
    shown = capsys.readouterr().out
    assert "Usage:" in shown
    for command in ("run", "compare", "validate", "params"):
        assert re.search(rf"\b{command}\b", shown), command


def test_params_lists_every_cadence_parameter_with_its_unit_and_real_default(monkeypatch):
    monkeypatch.setattr(common.console, "_width", 400)  # no folding of long paths
    result = runner.invoke(app, ["params", "cadence"])
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃]", line)[1:-1]]
        if cells and cells[0].startswith("cadence."):
            rows[cells[0]] = cells
    specs = [s for s in iter_fields() if s.path.startswith("cadence")]
    assert set(rows) == {s.path for s in specs}
    defaults = Scenario().cadence
    for spec in specs:
        path, default, unit = rows[spec.path][:3]
        assert unit == spec.unit and unit, spec.path
        section, name = spec.path.split(".")[1:]
        assert default == str(getattr(getattr(defaults, section), name)), spec.path
    assert rows["cadence.red_packets.amount_yuan"][2] == "yuan/packet"
    assert rows["cadence.red_packets.every_days"][1] == "7"  # the section's default, not Scheduled's 1


def test_params_with_a_prefix_that_matches_nothing_is_an_error():
    result = runner.invoke(app, ["params", "cadense"])
    assert result.exit_code == 2
    assert "no scenario parameter starts with 'cadense'" in flat(result.stderr) and "cadence" in result.stderr


def test_report_and_console_leave_out_report_days_past_a_shortened_horizon(campaign):
    out, result = campaign  # 50 days: report days 7 and 30 were simulated, 90 and 180 were not
    summary = strict_json(out / "summary.json")
    html = (out / "report.html").read_text(encoding="utf-8")
    (sentence,) = re.findall(r"Value contributors \(posted value in the last \d+ days\) — ([^.<]*)\.", html)
    assert (
        sentence
        == f"day 7: {summary['value_contributors_at']['7']}, day 30: {summary['value_contributors_at']['30']}"
    )
    shown = flat(result.stdout)
    assert "day 30:" in shown and "day 90:" not in shown and "day 180:" not in shown


def test_a_folder_filled_by_another_run_meanwhile_is_not_deleted(tmp_path):
    from sim.outputs import OutputExistsError, write_atomically

    out = tmp_path / "results" / "same-name"

    def slow_write(folder: Path) -> None:
        (folder / "summary.json").write_text("{}", encoding="utf-8")
        out.mkdir(parents=True)  # another run with the same default folder name finishes first
        (out / "summary.json").write_text('{"theirs": true}', encoding="utf-8")

    with pytest.raises(OutputExistsError):
        write_atomically(out, slow_write)
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == {"theirs": True}
    assert [p.name for p in out.parent.iterdir()] == ["same-name"]  # and no staging folder is left


def test_report_names_the_scenarios_contributor_window(tmp_path):
    out = tmp_path / "out"
    result = run_cli(UNMANAGED, "--days", 10, "--set", "horizon.contributor_window_days=3", "--out", out)
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "posted value in the last 3 days" in html and "value contributors (3 days)" in html
    assert "last 7 days" not in html and "(7 days)" not in html


def test_report_cost_grows_at_most_linearly_with_the_timeline(tmp_path):
    """A timeline ten times longer costs at most ~ten times as much to report (issue 9: adding one
    Plotly marker at a time made 500 entries take 564 s); CPU time of this process, best of two."""
    from sim.report.single import CHARTS, write_run_report
    from sim.scenario.schema import RunEvent

    days = 300
    base = apply_overrides(
        Scenario(name="timeline"), {"horizon.days": days, "population.initial_members": 20}
    )

    def report_seconds(entries: int) -> float:
        timeline = tuple(RunEvent(action="run_event", day=1 + i * days // entries) for i in range(entries))
        result = run_scenario(base.model_copy(update={"timeline": timeline}), 1)
        assert len({i["day"] for i in result.interventions}) == entries  # one marker per entry
        best = float("inf")
        for _ in range(2):
            began = time.process_time()
            write_run_report(result, tmp_path / f"{entries}.html")
            best = min(best, time.process_time() - began)
        html = (tmp_path / f"{entries}.html").read_text(encoding="utf-8")
        assert html.count('"type":"line"') >= len(CHARTS) * entries  # every entry marked on every chart
        return best

    few, many = report_seconds(30), report_seconds(300)
    assert many < 20 * few, f"30 entries: {few:.2f} s, 300 entries: {many:.2f} s"


def test_params_shows_bounds_as_intervals_with_excluded_ends_open(monkeypatch):
    monkeypatch.setattr(common.console, "_width", 400)
    result = runner.invoke(app, ["params", "population"])
    rows = {
        cells[0]: cells
        for cells in (
            [c.strip() for c in re.split(r"[│┃]", line)[1:-1]] for line in result.stdout.splitlines()
        )
        if cells
    }
    assert rows["population.initial_members"][3] == "[0, 5000]"
    assert rows["population.attention_median_msgs"][3] == "(0, 2000]"  # 0 itself is refused
    with pytest.raises(ValueError, match="greater than 0"):
        apply_overrides(Scenario(), {"population.attention_median_msgs": 0})
