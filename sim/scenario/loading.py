"""Load scenario files safely and turn every problem into a readable message.

A problem names the file, the line, the dotted field path, what was expected and, where it can,
a suggestion. The CLI prints these and exits with code 2; nobody sees a traceback. Files are
read and parsed by `sim.inputs` (the toolkit every loader shares: limits, safe YAML, wording);
this module validates scenarios and follows `extends:`.
"""

from __future__ import annotations

import hashlib
import json
import os
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sim.inputs import (
    Lines,
    Problem,
    ScenarioError,
    did_you_mean,
    dotted,
    read_yaml_file,
    resolve_reference,
    short,
    shown_path,
    type_name,
    where,
    within,
)
from sim.limits import MAX_EXTENDS_DEPTH, MAX_PROBLEMS
from sim.scenario.fields import allowed_keys, model_at
from sim.scenario.schema import Scenario

__all__ = [
    "Lines",
    "Problem",
    "ScenarioError",
    "load_scenario",
    "scenario_hash",
    "scenario_warnings",
    "validate_data",
]

M = TypeVar("M", bound=BaseModel)

# ------------------------------------------------------------------------------ validation


def validate_data(model: type[M], data: Any, shown: str, lines: Lines) -> M:
    """Validate parsed YAML against `model`, converting pydantic errors into `Problem`s."""
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ScenarioError(
            [Problem(shown, 1, "", f"expected a mapping of fields (key: value), but the file is {kind}")]
        )
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        problems = []
        for err in errors[:MAX_PROBLEMS]:  # a file of 30,000 unknown keys: the first ones, and a count
            if model is Scenario and not err["loc"] and err["type"] == "value_error":
                # only the whole-scenario check of 'set' changes (timeline, playbook) fails at the root
                problems += (
                    _timeline_set_problems(data, shown, lines)
                    or _untracked_playbook_problems(data, shown, lines)
                    or [_problem(model, err, data, shown, lines)]
                )
            else:
                problems.append(_problem(model, err, data, shown, lines))
        raise ScenarioError(_dedupe(problems), omitted=max(0, len(errors) - MAX_PROBLEMS)) from None


def _set_changes(data: dict) -> list[tuple[tuple[Any, ...], dict]]:
    """(where, changes) of every `set` action in the timeline and the playbook."""
    out = []
    for key, action_at in (("timeline", ()), ("playbook", ("do",))):
        items = data.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            action = item
            for part in action_at:
                action = action.get(part) if isinstance(action, dict) else None
            if (
                isinstance(action, dict)
                and action.get("action") == "set"
                and isinstance(action.get("changes"), dict)
            ):
                out.append(((key, index, *action_at, "changes"), action["changes"]))
    return out


def _timeline_set_problems(data: dict, shown: str, lines: Lines) -> list[Problem]:
    """Each bad change of a `set` action (timeline or playbook), located at
    `timeline[i].changes.<path>` or `playbook[i].do.changes.<path>`.

    Runs only once every field is valid (the schema checks 'set' changes last), so the scenario
    without its timeline and playbook validates and each change can be tried on it alone.
    """
    from sim.scenario.overrides import apply_overrides  # overrides imports the schema, as we do

    try:
        base = Scenario.model_validate({**data, "timeline": (), "playbook": ()})
    except ValidationError:
        return []
    problems = []
    for path, changes in _set_changes(data):
        found = False
        for key, value in changes.items():
            try:
                apply_overrides(base, {key: value})
            except ValueError as exc:
                found = True
                message = str(exc).removeprefix(f"{key}: ")
                problems.append(Problem(*where(path + (key,), lines, shown), dotted(path + (key,)), message))
        if not found:  # every change is fine alone, but not together
            try:
                apply_overrides(base, changes)
            except ValueError as exc:
                problems.append(Problem(*where(path, lines, shown), dotted(path), str(exc)))
    return problems


def _untracked_playbook_problems(data: dict, shown: str, lines: Lines) -> list[Problem]:
    """Playbook rules that watch a figure the scenario does not track (culture, owner energy),
    located at `playbook[i].when`."""
    try:
        base = Scenario.model_validate({**data, "playbook": ()})
    except ValidationError:
        return []
    tracked = {
        "culture": ("culture.enabled", base.culture.enabled),
        "owner_energy": ("energy.enabled", base.energy.enabled),
    }
    problems = []
    rules = data.get("playbook")
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        switch, on = tracked.get(rule.get("when") if isinstance(rule, dict) else None, ("", True))
        if not on:
            path = ("playbook", index, "when")
            message = f"{rule['when']} is not tracked in this scenario; set {switch}: true to watch it"
            problems.append(Problem(*where(path, lines, shown), dotted(path), message))
    return problems


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.field, p.message) not in seen:
            seen.add((p.field, p.message))
            out.append(p)
    return out


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[Any, ...]:
    """Map a pydantic error location onto the user's data, dropping union tags and wrappers."""
    path: list[Any] = []
    node = data
    for part in loc:
        if (
            isinstance(node, dict)
            and part in node
            or isinstance(node, list)
            and isinstance(part, int)
            and part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and node.get("action") == part:
            continue  # discriminated-union tag
        elif isinstance(part, str) and (part.startswith("function-") or "[" in part):
            continue
        else:
            path.append(part)
            node = None
    return tuple(path)


def _problem(model: type[BaseModel], err: dict[str, Any], data: Any, shown: str, lines: Lines) -> Problem:
    path = _data_path(tuple(err["loc"]), data)
    shown, line = where(path, lines, shown)
    kind = err["type"]
    got = err.get("input")
    field = dotted(path)
    spec_text = _field_hint(model, path, data)

    if kind == "extra_forbidden":
        parent = model_at(path[:-1], data) if model is Scenario else _plain_model_at(model, path[:-1])
        allowed = allowed_keys(parent) if parent else []
        hint = did_you_mean(path[-1], allowed) or "."
        listing = f" Allowed here: {', '.join(allowed)}." if allowed else ""
        return Problem(shown, line, field, f"unknown field {short(path[-1])}{hint}{listing}")
    if kind == "missing":
        return Problem(shown, line, field, f"required field is missing{spec_text}")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        from sim.scenario.fields import intervention_actions

        actions = intervention_actions()
        if kind == "union_tag_not_found":
            return Problem(
                shown, line, field, f"each timeline entry needs an 'action': one of {', '.join(actions)}"
            )
        tag = err.get("ctx", {}).get("tag", got)
        hint = did_you_mean(tag, actions) or "."
        shown, line = where(path + ("action",), lines, shown)
        return Problem(
            shown,
            line,
            field + ".action",
            f"unknown action {short(tag)}{hint} Expected one of: {', '.join(actions)}.",
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        hint = did_you_mean(got, options, cutoff=0.4)
        return Problem(shown, line, field, f"expected one of {expected}, got {short(got)}{hint}")
    if kind == "value_error":  # a rule across fields, e.g. sustained_min_weeks <= sustained_weeks
        return Problem(shown, line, field, _expected(kind, err))
    if kind == "too_long":
        ctx = err.get("ctx", {})
        return Problem(
            shown,
            line,
            field,
            f"holds {_length(got, ctx)} entries; at most {ctx.get('max_length') or 0:,} are allowed",
        )
    expected = _expected(kind, err)
    return Problem(shown, line, field, f"expected {expected}, got {short(got)} ({type_name(got)}){spec_text}")


def _length(value: Any, ctx: dict[str, Any]) -> str:
    """How many entries a too-long list or mapping holds (pydantic does not always say)."""
    length = ctx.get("actual_length")
    if length is None and hasattr(value, "__len__"):
        length = len(value)
    return f"{length:,}" if isinstance(length, int) else "too many"


def _expected(kind: str, err: dict[str, Any]) -> str:
    ctx = err.get("ctx", {})
    table = {
        "int_type": "a whole number",
        "int_from_float": "a whole number",
        "int_parsing": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
        "bool_type": "true or false",
        "bool_parsing": "true or false",
        "string_type": "text",
        "dict_type": "a mapping of fields (key: value)",
        "model_type": "a mapping of fields (key: value)",
        "model_attributes_type": "a mapping of fields (key: value)",
        "tuple_type": "a list",
        "list_type": "a list",
        "greater_than_equal": f"a value >= {ctx.get('ge')}",
        "greater_than": f"a value > {ctx.get('gt')}",
        "less_than_equal": f"a value <= {ctx.get('le')}",
        "less_than": f"a value < {ctx.get('lt')}",
        "finite_number": "a finite number",
    }
    if kind == "value_error":
        return str(err.get("msg", "")).removeprefix("Value error, ")
    return table.get(kind, str(err.get("msg", kind)).lower())


def _plain_model_at(model: type[BaseModel], path: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part) if isinstance(part, str) else None
        if info is None:
            return None
        current = info.annotation
        args = typing.get_args(current)
        if args and not (isinstance(current, type) and issubclass(current, BaseModel)):
            current = next((a for a in args if isinstance(a, type) and issubclass(a, BaseModel)), current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_hint(model: type[BaseModel], path: tuple[Any, ...], data: Any) -> str:
    if not path or not isinstance(path[-1], str):
        return ""
    parent = model_at(path[:-1], data) if model is Scenario else _plain_model_at(model, path[:-1])
    if parent is None or path[-1] not in parent.model_fields:
        return ""
    info = parent.model_fields[path[-1]]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = extra.get("unit")
    doc = info.description
    parts = [f"unit: {unit}" if unit else "", doc or ""]
    text = "; ".join(p for p in parts if p)
    return f". [{text}]" if text else ""


# --------------------------------------------------------------------------------- loading


#: Environment variable listing further folders (separated by os.pathsep, ':' on Linux) that
#: `extends:` may reach, besides the folder of the file given and the folders below it.
EXTENDS_ALLOW_ENV = "GROUPSIM_EXTENDS_ALLOW"


def load_scenario(
    path: str | Path, *, extends_allow: Sequence[str | Path] = (), referenced: bool = False
) -> Scenario:
    """Read, validate and freeze a scenario file. Raises `ScenarioError` on any problem.

    A file may start from another with `extends: other.yaml` (a path relative to the file): the
    other file's fields are the defaults, this file's fields win, mappings merge key by key and
    lists (the timeline) are replaced. Problems point at the file and line each field came from.
    Scenario files are shared, so `extends:` may only reach files in the folder of `path` or below
    it, or in a folder of `extends_allow` or of the GROUPSIM_EXTENDS_ALLOW environment variable;
    chains are at most `MAX_EXTENDS_DEPTH` files long. With `referenced` (the file was named by
    another file, e.g. an experiment's `base:`, not by the user), a file that does not look like
    a scenario is refused without quoting its content.
    """
    path = Path(path)
    shown = shown_path(path)
    try:
        data, lines = _read_with_extends(path, shown, _extends_folders(path, extends_allow))
        if referenced and not _looks_like_scenario(data):
            raise ScenarioError([Problem(shown, None, "", NOT_A_SCENARIO)])
        return validate_data(Scenario, data, shown, lines)
    except ScenarioError as exc:
        raise ScenarioError(_note_parents(exc.problems, shown), omitted=exc.omitted) from None


def _note_parents(problems: list[Problem], shown: str) -> list[Problem]:
    """`problems`, and, when some lie in the files `shown` extends, a last one at its `extends`
    saying so (otherwise a user who ran it on one file would see only other files named)."""
    others = list(dict.fromkeys(p.file for p in problems if p.file != shown))
    if not others:
        return problems
    names = ", ".join(Path(f).name for f in others[:3]) + (" ..." if len(others) > 3 else "")
    where_ = "some of the problems above are" if len(others) < len(problems) else "the problems above are"
    return [*problems, Problem(shown, None, "extends", f"{where_} in {names}, which this file extends")]


#: Said of a referenced file none of whose top-level keys is a scenario field (never quoted:
#: its keys could be anything, e.g. secrets).
NOT_A_SCENARIO = "does not look like a scenario file (none of its top-level keys is a scenario field)"


def _looks_like_scenario(data: Any) -> bool:
    """False for a mapping none of whose keys is a scenario field (an empty one is a scenario)."""
    return not isinstance(data, dict) or not data or any(key in Scenario.model_fields for key in data)


def _extends_folders(path: Path, allow: Sequence[str | Path]) -> tuple[Path, ...]:
    """The resolved folders `extends:` may reach from the file at `path` (its own folder first)."""
    from_env = [p for p in os.environ.get(EXTENDS_ALLOW_ENV, "").split(os.pathsep) if p.strip()]
    folders = []
    for folder in [path.parent, *allow, *from_env]:
        try:
            folders.append(Path(folder).resolve())
        except (OSError, RuntimeError):  # a folder that cannot be resolved allows nothing
            continue
    return tuple(folders)


def _read_with_extends(
    path: Path, shown: str, folders: tuple[Path, ...], chain: tuple[Path, ...] = ()
) -> tuple[Any, Lines]:
    """`read_yaml_file`, following `extends:` to parent files within `folders`."""
    data, lines = read_yaml_file(path, what="scenario", shown=shown)
    if not isinstance(data, dict) or "extends" not in data:
        return data, lines
    at, line = lines.pop(("extends",))
    reference = data.pop("extends")

    def refuse(message: str) -> ScenarioError:
        return ScenarioError([located(message)])

    def located(message: str) -> Problem:
        return Problem(at, line, "extends", message)

    if not isinstance(reference, str) or not reference.strip():
        raise refuse(f"expected the path of another scenario file, got {short(reference)}")
    chain = chain + (path.resolve(),)
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise refuse(
            f"{shown_path(reference)} would make a chain of more than {MAX_EXTENDS_DEPTH} files through "
            f"'extends' ({chain[0].name} -> {chain[1].name} -> ... -> {chain[-1].name}); "
            f"at most {MAX_EXTENDS_DEPTH} files may extend one another"
        )
    parent, why = resolve_reference(reference, path.parent)
    if parent is None:
        raise refuse(f"{shown_path(reference)}: {why}")
    if parent in chain:
        cycle = " -> ".join(p.name for p in chain[chain.index(parent) :] + (parent,))
        raise refuse(f"a cycle of 'extends': {cycle}")
    if not within(parent, folders):
        raise refuse(
            f"{shown_path(reference)} is outside {shown_path(folders[0])}: a scenario may extend only files in "
            f"its own folder or below it (or in a folder listed in {EXTENDS_ALLOW_ENV}); copy the file there"
        )
    try:
        base, base_lines = _read_with_extends(parent, shown_path(parent), folders, chain)
    except ScenarioError as exc:
        # a problem with a line is shown where it is (in the parent, or further up); one without
        # (the parent is missing, a folder, too large) at this file's 'extends:'
        raise ScenarioError(
            [
                p if p.line is not None else located(f"in {shown_path(reference)}: {p.message}")
                for p in exc.problems
            ]
        ) from None
    if not isinstance(base, dict):
        raise refuse(f"{shown_path(reference)} does not hold a mapping of fields")
    if not _looks_like_scenario(base):
        raise refuse(f"{shown_path(reference)} {NOT_A_SCENARIO}, so it is not used")
    return _merge(base, data), _merged_lines(data, lines, base_lines)


def _merged_lines(data: dict, lines: Lines, base_lines: Lines) -> Lines:
    """Where each field of the merged file comes from. A value this file gives replaces the
    parent's (mappings aside, which merge key by key), so the parent's lines inside it no longer
    describe anything: they are dropped, or a problem in this file's timeline entry would be shown
    at the line of the parent's entry. Linear in the number of lines."""
    replaced = {key for key in lines if key and not isinstance(_at(data, key), dict)}
    kept = {
        key: at
        for key, at in base_lines.items()
        if not any(key[:cut] in replaced for cut in range(1, len(key)))
    }
    return {**kept, **lines}


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for key, value in override.items():
        out[key] = (
            _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
        )
    return out


def scenario_warnings(scenario: Scenario) -> list[str]:
    """What in `scenario` can never take effect, worded for the user: timeline entries dated
    after the horizon (the run ends before them). Empty if nothing."""
    horizon = scenario.horizon.days
    return [
        f"timeline[{i}]: day {item.day} ({item.action}) is after the horizon (horizon.days = {horizon}), "
        "so it never happens"
        for i, item in enumerate(scenario.timeline)
        if item.day > horizon
    ]


def scenario_hash(scenario: Scenario) -> str:
    """A short, stable hash of the fully-defaulted scenario: equal configurations hash equal."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    # surrogatepass: a Scenario built in Python may hold a lone surrogate, which strict UTF-8 refuses
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]
