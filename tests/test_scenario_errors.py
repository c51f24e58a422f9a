"""Bad scenario files get a clear message and exit code 2, never a traceback.

Each case is checked three ways: through the Python API (`load_scenario` raises `ScenarioError`
whose `problems` name the file, line and dotted field path), through `groupsim validate` and
through `groupsim run` (CliRunner: exit code 2, the message on stderr). One real subprocess
validates every bad file at once, so a crash that CliRunner would swallow still shows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim import Scenario, ScenarioError, apply_overrides, build_model, load_scenario
from sim.cli.common import app

ROOT = Path(__file__).resolve().parent.parent
UNMANAGED = ROOT / "scenarios" / "unmanaged.yaml"
runner = CliRunner()


def flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps to the terminal width)."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Case:
    """A scenario folder (file name -> text or bytes), the file to load, and what the problem says."""

    id: str
    files: dict[str, str | bytes]
    target: str
    line: int | None
    field: str
    says: tuple[str, ...]
    located_in: str = ""  # the file the problem is in, when not `target` (a parent file)


CASES = [
    Case(
        "unknown nested key",
        {"s.yaml": "name: x\npopulation:\n  initial_membrs: 3\n"},
        "s.yaml",
        3,
        "population.initial_membrs",
        ("unknown field 'initial_membrs'", "did you mean 'initial_members'?"),
    ),
    Case(
        "unknown top-level key",
        {"s.yaml": "name: x\npopulaton:\n  initial_members: 3\n"},
        "s.yaml",
        2,
        "populaton",
        ("unknown field 'populaton'", "did you mean 'population'?", "Allowed here:"),
    ),
    Case(
        "wrong type",
        {"s.yaml": "name: x\npopulation:\n  initial_members: lots\n"},
        "s.yaml",
        3,
        "population.initial_members",
        ("expected a whole number", "got 'lots'", "[unit: members"),
    ),
    Case(
        "number for a switch",
        {"s.yaml": "name: x\nrules:\n  enabled: 1\n"},
        "s.yaml",
        3,
        "rules.enabled",
        ("expected true or false", "got 1"),
    ),
    Case(
        "section given a number",
        {"s.yaml": "name: x\npopulation: 5\n"},
        "s.yaml",
        2,
        "population",
        ("expected a mapping of fields",),
    ),
    Case(
        "value above its range",
        {"s.yaml": "name: x\npositioning:\n  focus: 1.5\n"},
        "s.yaml",
        3,
        "positioning.focus",
        ("expected a value <= 1", "got 1.5"),
    ),
    Case(
        "value below its range",
        {"s.yaml": "name: x\npopulation:\n  initial_members: -4\n"},
        "s.yaml",
        3,
        "population.initial_members",
        ("expected a value >= 0", "got -4"),
    ),
    Case(
        "misspelt choice",
        {"s.yaml": "name: x\nentry:\n  threshold: payd\n"},
        "s.yaml",
        3,
        "entry.threshold",
        ("expected one of", "got 'payd'", "did you mean 'paid'?"),
    ),
    Case(
        "rule across fields",
        {"s.yaml": "name: x\nhorizon:\n  sustained_weeks: 3\n  sustained_min_weeks: 5\n"},
        "s.yaml",
        2,
        "horizon",
        ("sustained_min_weeks must not exceed sustained_weeks",),
    ),
    Case(
        "malformed YAML",
        {"s.yaml": "name: x\npopulation:\n  initial_members: [1, 2\nrules:\n  enabled: true\n"},
        "s.yaml",
        4,
        "",
        ("malformed YAML", "column"),
    ),
    Case("tab indentation", {"s.yaml": "name: x\n\tpopulation: 3\n"}, "s.yaml", 2, "", ("malformed YAML",)),
    Case("two documents", {"s.yaml": "name: x\n---\nname: y\n"}, "s.yaml", 2, "", ("malformed YAML",)),
    Case(
        "duplicate key",
        {"s.yaml": "name: x\npopulation:\n  initial_members: 3\n  initial_members: 4\n"},
        "s.yaml",
        4,
        "population.initial_members",
        ("duplicate key (first given on line 3)",),
    ),
    Case("empty file", {"s.yaml": ""}, "s.yaml", 1, "", ("expected a mapping of fields", "empty")),
    Case(
        "only comments",
        {"s.yaml": "# nothing yet\n"},
        "s.yaml",
        1,
        "",
        ("expected a mapping of fields", "empty"),
    ),
    Case(
        "a list, not a mapping",
        {"s.yaml": "- name: x\n- name: y\n"},
        "s.yaml",
        1,
        "",
        ("expected a mapping of fields", "list"),
    ),
    Case(
        "not UTF-8",
        {"s.yaml": "name: x\ndescription:\n  en: caf\xe9\n".encode("latin-1")},
        "s.yaml",
        3,
        "",
        ("not UTF-8",),
    ),
    Case(
        "python object tag on a mapping",
        {"s.yaml": "!!python/object:sim.scenario.schema.Scenario {name: x}\n"},
        "s.yaml",
        1,
        "",
        ("!!python/object:sim.scenario.schema.Scenario", "not allowed"),
    ),
    Case(
        "python tag on a list",
        {"s.yaml": "name: x\nhorizon:\n  report_days: !!python/tuple [7, 30]\n"},
        "s.yaml",
        3,
        "horizon.report_days",
        ("!!python/tuple", "not allowed"),
    ),
    Case(
        "python name tag on a scalar",
        {"s.yaml": "name: !!python/name:os.getcwd\n"},
        "s.yaml",
        1,
        "name",
        ("!!python/name:os.getcwd", "not allowed"),
    ),
    Case(
        "set tag",
        {"s.yaml": "name: x\npopulation: !!set {initial_members}\n"},
        "s.yaml",
        2,
        "population",
        ("!!set", "not allowed"),
    ),
    Case(
        "recursive alias",
        {"s.yaml": "name: x\nhorizon:\n  report_days: &days [7, *days]\n"},
        "s.yaml",
        3,
        "horizon.report_days[1]",
        ("recursive YAML is not allowed",),
    ),
    Case(
        "a key that is not a name",
        {"s.yaml": "name: x\n? [a, b]\n: 3\n"},
        "s.yaml",
        2,
        "",
        ("keys must be plain names",),
    ),
    Case(
        "unknown timeline action",
        {"s.yaml": "name: x\ntimeline:\n  - {day: 3, action: invite_kl}\n"},
        "s.yaml",
        3,
        "timeline[0].action",
        ("unknown action 'invite_kl'", "did you mean 'invite_kol'?", "Expected one of:"),
    ),
    Case(
        "timeline entry without an action",
        {"s.yaml": "name: x\ntimeline:\n  - {day: 3}\n"},
        "s.yaml",
        3,
        "timeline[0]",
        ("needs an 'action'", "invite_kol"),
    ),
    Case(
        "unknown field of a timeline entry",
        {"s.yaml": "name: x\ntimeline:\n  - {day: 3, action: invite_kol, cout: 2}\n"},
        "s.yaml",
        3,
        "timeline[0].cout",
        ("unknown field 'cout'", "did you mean 'count'?"),
    ),
    Case(
        "timeline day out of range",
        {"s.yaml": "name: x\ntimeline:\n  - {day: -1, action: run_event}\n"},
        "s.yaml",
        3,
        "timeline[0].day",
        ("expected a value >= 0",),
    ),
    Case(
        "set intervention with an unknown path",
        {
            "s.yaml": "name: x\ntimeline:\n  - day: 3\n    action: set\n    changes:\n      rules.ban_adz: true\n"
        },
        "s.yaml",
        6,
        "timeline[0].changes.rules.ban_adz",
        ("no scenario parameter 'rules.ban_adz'", "did you mean 'rules.ban_ads'"),
    ),
    Case(
        "set intervention with an invalid value",
        {
            "s.yaml": "name: x\ntimeline:\n  - {day: 2, action: run_event}\n  - {day: 3, action: set, changes: {positioning.focus: 7}}\n"
        },
        "s.yaml",
        4,
        "timeline[1].changes.positioning.focus",
        ("less than or equal to 1", "7"),
    ),
    Case(
        "missing file",
        {"baseline.yaml": "name: x\n"},
        "baselin.yaml",
        None,
        "",
        ("file not found", "did you mean baseline.yaml"),
    ),
    Case(
        "extends a missing parent",
        {"s.yaml": "extends: nothere.yaml\nname: x\n"},
        "s.yaml",
        1,
        "extends",
        ("in nothere.yaml", "file not found"),
    ),
    Case(
        "extends in a cycle",
        {"a.yaml": "extends: b.yaml\nname: a\n", "b.yaml": "name: b\nextends: a.yaml\n"},
        "a.yaml",
        2,
        "extends",
        ("a cycle of 'extends': a.yaml -> b.yaml -> a.yaml",),
        located_in="b.yaml",
    ),
    Case(
        "extends itself",
        {"a.yaml": "name: a\nextends: a.yaml\n"},
        "a.yaml",
        2,
        "extends",
        ("a cycle of 'extends'",),
    ),
    Case(
        "extends a malformed parent",
        {"p.yaml": "name: p\npopulation: [\n", "c.yaml": "extends: p.yaml\nname: c\n"},
        "c.yaml",
        3,
        "",
        ("malformed YAML",),
        located_in="p.yaml",
    ),
    Case(
        "extends a parent that is not UTF-8",
        {"p.yaml": b"name: p\n\xff\n", "c.yaml": "name: c\nextends: p.yaml\n"},
        "c.yaml",
        2,
        "",
        ("not UTF-8",),
        located_in="p.yaml",
    ),
    Case(
        "extends a folder",
        {"c.yaml": "name: c\nextends: .\n"},
        "c.yaml",
        2,
        "extends",
        ("in .: is a folder",),
    ),
    Case(
        "extends given a number",
        {"c.yaml": "name: c\nextends: 5\n"},
        "c.yaml",
        2,
        "extends",
        ("expected the path of another scenario file, got 5",),
    ),
    Case(
        "extends a parent with a bad value",
        {"p.yaml": "name: p\npopulation:\n  initial_members: -4\n", "c.yaml": "extends: p.yaml\nname: c\n"},
        "c.yaml",
        3,
        "population.initial_members",
        ("expected a value >= 0",),
        located_in="p.yaml",
    ),
    Case(
        "extends a parent with an unknown key",
        {
            "p.yaml": "name: p\n\n\nrules:\n  ban_adz: true\n",
            "c.yaml": "extends: p.yaml\nname: c\nrules: {admins: 1}\n",
        },
        "c.yaml",
        5,
        "rules.ban_adz",
        ("unknown field 'ban_adz'", "did you mean 'ban_ads'?"),
        located_in="p.yaml",
    ),
    Case(
        "child's timeline entry is located in the child, not the parent",
        {
            "p.yaml": "name: p\ntimeline:\n  - {day: 3, action: invite_kol}\n",
            "c.yaml": "extends: p.yaml\nname: c\n\ntimeline:\n  - {action: invite_kol}\n",
        },
        "c.yaml",
        5,
        "timeline[0].day",
        ("required field is missing",),
    ),
    Case(
        "playbook rule watching an unknown figure",
        {
            "s.yaml": "name: x\nplaybook:\n  - when: muted_shar\n    above: 0.3\n    do: {action: stop_selling}\n"
        },
        "s.yaml",
        3,
        "playbook[0].when",
        ("expected one of", "did you mean 'muted_share'?"),
    ),
    Case(
        "playbook rule with both below and above",
        {
            "s.yaml": "name: x\nplaybook:\n  - when: members\n    below: 3\n    above: 4\n    do: {action: run_event}\n"
        },
        "s.yaml",
        3,
        "playbook[0]",
        ("give exactly one of 'below' and 'above'",),
    ),
    Case(
        "playbook action with a misspelt field",
        {
            "s.yaml": "name: x\nplaybook:\n  - when: members\n    below: 3\n    do: {action: run_event, offlin: true}\n"
        },
        "s.yaml",
        5,
        "playbook[0].do.offlin",
        ("unknown field 'offlin'", "did you mean 'offline'?"),
    ),
    Case(
        "playbook action that is not a timeline action",
        {"s.yaml": "name: x\nplaybook:\n  - when: members\n    below: 3\n\n    do: {action: explode}\n"},
        "s.yaml",
        6,
        "playbook[0].do.action",
        ("unknown action 'explode'", "Expected one of"),
    ),
    Case(
        "playbook action given a day",
        {
            "s.yaml": "name: x\nplaybook:\n  - when: members\n    below: 3\n    do: {day: 5, action: run_event}\n"
        },
        "s.yaml",
        3,
        "playbook[0]",
        ("a playbook action has no 'day'",),
    ),
    Case(
        "playbook set of an unknown parameter",
        {
            "s.yaml": "name: x\nplaybook:\n  - when: members\n    below: 3\n    do:\n      action: set\n"
            "      changes: {rules.ban_offtopic: true}\n"
        },
        "s.yaml",
        7,
        "playbook[0].do.changes.rules.ban_offtopic",
        ("no scenario parameter 'rules.ban_offtopic'", "did you mean 'rules.ban_off_topic'"),
    ),
    Case(
        "playbook rule watching culture that is not tracked",
        {"s.yaml": "name: x\nplaybook:\n  - when: culture\n    below: 0.2\n    do: {action: run_event}\n"},
        "s.yaml",
        3,
        "playbook[0].when",
        ("culture is not tracked", "set culture.enabled: true"),
    ),
    Case(
        "energy quitting above tiring",
        {"s.yaml": "name: x\nenergy:\n  tired_below: 0.2\n  quit_below: 0.3\n"},
        "s.yaml",
        2,
        "energy",
        ("quit_below must not exceed tired_below",),
    ),
]


def make(tmp_path: Path, case: Case) -> tuple[Path, Path]:
    for name, text in case.files.items():
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    return tmp_path / case.target, tmp_path / (case.located_in or case.target)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_load_scenario_names_file_line_field_and_what_was_expected(case, tmp_path):
    target, located = make(tmp_path, case)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(target)
    problems = caught.value.problems
    assert problems, "a ScenarioError must carry at least one problem"
    first = problems[0]
    assert Path(first.file).resolve() == located.resolve(), first
    assert first.line == case.line, first
    assert first.field == case.field, first
    for fragment in case.says:
        assert fragment in first.message, first
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_cli_prints_the_problem_on_stderr_and_exits_2(case, command, tmp_path):
    target, located = make(tmp_path, case)
    args = [command, str(target)] + (
        ["--days", "2", "--out", str(tmp_path / "out")] if command == "run" else []
    )
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # not a crash CliRunner caught
    err = flat(result.stderr)
    assert "Traceback" not in result.output
    where = f"{located.name}:{case.line}:" if case.line else f"{located.name}:"
    assert where in err, err
    if case.field:
        assert f" {case.field}:" in err, err
    for fragment in case.says:
        assert fragment in err, err  # including "[unit: ...]" hints, which rich must not eat as markup
    assert not (tmp_path / "out").exists()


def test_validate_in_a_real_process_reports_every_bad_file_without_a_traceback(tmp_path):
    targets, expected = [], []
    for i, case in enumerate(CASES):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        target, located = make(folder, case)
        targets.append(str(target))
        expected.append(f"{located}:{case.line}:" if case.line else f"{located}:")
    done = subprocess.run(
        [sys.executable, "-m", "sim", "validate", *targets],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    err = flat(done.stderr)
    for where in expected:
        assert where in err, where


def test_a_good_file_next_to_bad_ones_is_reported_ok_and_the_exit_code_is_still_2(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: good\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\npositioning: {focus: 2}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert "ok" in result.stdout and "good.yaml" in result.stdout
    assert "bad.yaml:2: positioning.focus:" in flat(result.stderr)


def test_unsafe_yaml_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"name: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not allowed"):
        load_scenario(scenario)
    result = runner.invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 2
    assert not marker.exists()


def test_anchors_aliases_and_merge_keys_still_load(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "name: x\ncadence:\n  morning_report: &daily {enabled: true, every_days: 1}\n"
        "  topic_prompts: {<<: *daily, boost: 1.0}\n",
        encoding="utf-8",
    )
    loaded = load_scenario(scenario)
    assert loaded.cadence.topic_prompts.enabled and loaded.cadence.topic_prompts.boost == 1.0


def test_a_billion_laughs_file_is_refused_quickly(tmp_path):
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i, name in enumerate("bcdefgh"):
        prev = "abcdefgh"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\n" + "\n".join(levels) + "\n", encoding="utf-8")  # 9**8 leaves if expanded
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario)
    assert time.perf_counter() - started < 5.0
    (problem,) = caught.value.problems
    assert (problem.line, problem.field) == (6, "e")
    assert "holds more than 50,000 values once its aliases" in problem.message
    assert len(str(caught.value)) < 1_000  # the expanded value is never printed


def test_deeply_nested_yaml_is_a_problem_not_a_recursion_error(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\nhorizon:\n  report_days: " + "[" * 800 + "]" * 800 + "\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_scenario(scenario)


def test_a_folder_given_as_the_scenario_is_a_clear_error(tmp_path):
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(tmp_path)
    result = runner.invoke(app, ["run", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in flat(result.stderr)


def test_an_unreadable_file_is_a_clear_error(tmp_path, monkeypatch):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\n", encoding="utf-8")

    real_open = os.open

    def refuse(path, *args, **kwargs):
        if Path(path) == scenario:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario)
    assert caught.value.problems[0].file == str(scenario)
    assert "could not be read (Permission denied)" in caught.value.problems[0].message


def test_several_problems_in_one_file_are_all_reported(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("name: x\npositioning:\n  focus: 3\nrules:\n  admins: many\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(scenario)
    assert {(p.line, p.field) for p in caught.value.problems} == {
        (3, "positioning.focus"),
        (5, "rules.admins"),
    }


def test_markup_like_text_in_a_file_is_printed_verbatim(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text('name: x\n"[/bold]": 3\n', encoding="utf-8")
    result = runner.invoke(app, ["validate", str(scenario)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), repr(result.exception)
    assert "unknown field '[/bold]'" in flat(result.stderr)


# ------------------------------------------------------------------- groupsim run --set / --days / --seed


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ["--set", "rules.ban_adz=true"],
            ["--set", "no scenario parameter 'rules.ban_adz'", "did you mean 'rules.ban_ads'"],
        ),
        (["--set", "positioning.focus=7"], ["--set", "positioning.focus", "less than or equal to 1"]),
        (["--set", "rules.ban_ads=maybe"], ["--set", "rules.ban_ads", "valid boolean", "'maybe'"]),
        (["--set", "population.initial_members=2.5"], ["--set", "population.initial_members", "integer"]),
        (["--set", "population=3"], ["--set", "population"]),
        (["--set", "positioning.focus"], ["--set expects path=value"]),
        (["--set", "positioning.focus=[1"], ["--set positioning.focus: malformed YAML, column 3"]),
        (["--set", "[/x]=1"], ["no scenario parameter '[/x]'"]),
        (["--days", "5000"], ["--days", "horizon.days", "less than or equal to 3650"]),
        (["--days", "0"], ["--days"]),
        (["--seed", "-1"], ["--seed must be a whole number from 0"]),
        (["--seed", "many"], ["--seed"]),
    ],
)
def test_run_refuses_bad_overrides_with_exit_2(args, says, tmp_path):
    result = runner.invoke(app, ["run", str(UNMANAGED), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    err = flat(result.stderr)
    for fragment in says:
        assert fragment in err, err
    assert not (tmp_path / "out").exists()


def test_a_bad_set_fails_before_any_day_is_simulated(tmp_path, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the model ran although the input was bad")

    monkeypatch.setattr("sim.cli.run.run_scenario", boom)
    result = runner.invoke(
        app, ["run", str(UNMANAGED), "--set", "positioning.focus=7", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2


# -------------------------------------------------------------- apply_overrides (--set, timeline 'set')


def test_a_section_mapping_changes_only_the_fields_it_names_at_any_depth():
    baseline = load_scenario(ROOT / "scenarios" / "baseline.yaml")
    changed = apply_overrides(
        baseline, {"cadence": {"promotion": {"posts": 2}}, "behaviour.replies": {"rate": {"lurker": 0.0}}}
    )
    assert changed.cadence.promotion.posts == 2
    assert changed.cadence.promotion.start_day == baseline.cadence.promotion.start_day == 45  # not reset to 1
    assert changed.cadence.promotion.enabled and changed.cadence.red_packets == baseline.cadence.red_packets
    assert changed.behaviour.replies.rate.lurker == 0.0
    assert changed.behaviour.replies.rate.commenter == baseline.behaviour.replies.rate.commenter


def test_a_timeline_set_of_a_section_keeps_the_fields_it_does_not_name(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}\nname: s\ntimeline:\n"
        "  - {day: 1, action: set, changes: {cadence: {promotion: {posts: 3}}}}\n",
        encoding="utf-8",
    )
    loaded = load_scenario(scenario, extends_allow=[ROOT / "scenarios"])  # outside its folder: allowed here
    model = build_model(loaded, seed=1)
    model.step()
    assert model.current.cadence.promotion.posts == 3 and model.current.cadence.promotion.start_day == 45


@pytest.mark.parametrize(
    "changes, says",
    [
        ({"horizon.sustained_min_weeks": 8}, "horizon: sustained_min_weeks must not exceed sustained_weeks"),
        ({"cadence.red_packets": 3}, "cadence.red_packets is a section: give a mapping of its fields, got 3"),
        ({"cadence": {"red_packetz": {"enabled": True}}}, "no scenario parameter 'cadence.red_packetz'"),
        (
            {"behaviour.replies.rate": {"lurker": "x"}},
            "behaviour.replies.rate.lurker: Input should be a valid number (got 'x')",
        ),
        ({"description.en": "x" * 500, "positioning.focus": 9}, "positioning.focus"),
    ],
)
def test_apply_overrides_says_which_path_is_wrong_and_why(changes, says):
    with pytest.raises(ValueError) as caught:
        apply_overrides(Scenario(name="x"), changes)
    assert says in str(caught.value)
    assert "{'days'" not in str(caught.value) and len(str(caught.value)) < 300  # no section dumped as 'got'
