"""Load scenario (and experiment) files safely and turn every problem into a readable message.

A problem names the file, the line, the dotted field path, what was expected and, where it can,
a suggestion. The CLI prints these and exits with code 2; nobody sees a traceback.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import reprlib
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.scenario.fields import allowed_keys, model_at
from sim.scenario.schema import Scenario

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(Exception):
    """A file could not be loaded; `problems` say why, already worded for the user."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# ------------------------------------------------------------------------------------ YAML


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (no arbitrary objects)."""


Lines = dict[tuple[Any, ...], tuple[str, int]]  # field path -> (file, line)


def read_yaml(path: Path) -> tuple[Any, Lines]:
    """Parse a YAML file safely. Returns the data and a map from field path to (file, line).

    Duplicate keys are an error (PyYAML would silently keep the last one).
    """
    shown = str(path)
    if not path.exists():
        siblings = sorted(p.name for p in path.parent.glob("*.y*ml")) if path.parent.is_dir() else []
        close = difflib.get_close_matches(path.name, siblings, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError([Problem(shown, None, "", f"file not found{hint}")])
    if path.is_dir():
        raise ScenarioError([Problem(shown, None, "", "is a folder, expected a YAML file")])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(
            [Problem(shown, None, "", f"could not be read ({exc.strerror or exc})")]
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [
                Problem(
                    shown,
                    line,
                    "",
                    f"is not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
                )
            ]
        ) from None
    lines: Lines = {}
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else _Builder(loader, lines, shown).construct(node, ())
    except RecursionError:
        raise ScenarioError(
            [Problem(shown, None, "", "malformed YAML: lists or mappings are nested too deeply")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = (exc.problem or exc.context or "could not parse").strip()
        raise ScenarioError([Problem(shown, line, "", f"malformed YAML{column}: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(shown, None, "", f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return data, lines


# Tags the safe loader builds from plain YAML; anything else (!!python/object, !!set, custom
# tags) is refused rather than silently read as a plain mapping or list.
_SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)


class _Builder:
    """Builds plain Python data from a YAML node tree, recording the line of every field path.

    Like PyYAML's constructor, a node reached again through an alias is built once and shared
    (so a "billion laughs" file stays small), and an alias inside its own anchor is an error
    (PyYAML would build a self-containing list, which validation would recurse into forever).
    """

    def __init__(self, loader: _Loader, lines: Lines, shown: str) -> None:
        self.loader, self.lines, self.shown = loader, lines, shown
        self.built: dict[int, Any] = {}
        self.building: set[int] = set()

    def construct(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.lines.setdefault(path, (self.shown, node.start_mark.line + 1))
        if node.tag not in _SAFE_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise ScenarioError(
                [
                    Problem(
                        self.shown,
                        node.start_mark.line + 1,
                        _dotted(path),
                        f"the YAML tag {tag} is not allowed: scenario files are loaded safely and hold "
                        "plain data only (text, numbers, true/false, lists and mappings)",
                    )
                ]
            )
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.building:
            raise ScenarioError(
                [
                    Problem(
                        self.shown,
                        node.start_mark.line + 1,
                        _dotted(path),
                        "an alias (*name) is used inside its own anchor (&name); recursive YAML is not allowed",
                    )
                ]
            )
        self.building.add(key)
        try:
            value = self._build(node, path)
        finally:
            self.building.discard(key)
        self.built[key] = value
        return value

    def _build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        loader, lines, shown = self.loader, self.lines, self.shown
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_TAGS:
                    raise ScenarioError(
                        [
                            Problem(
                                shown, key_node.start_mark.line + 1, _dotted(path), "keys must be plain names"
                            )
                        ]
                    )
                key = loader.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise ScenarioError(
                        [
                            Problem(
                                shown,
                                key_node.start_mark.line + 1,
                                _dotted(path),
                                f"keys must be plain names, got {key!r}",
                            )
                        ]
                    )
                if key in out:
                    raise ScenarioError(
                        [
                            Problem(
                                shown,
                                key_node.start_mark.line + 1,
                                _dotted(path + (key,)),
                                f"duplicate key (first given on line {lines[path + (key,)][1]})",
                            )
                        ]
                    )
                lines[path + (key,)] = (shown, key_node.start_mark.line + 1)
                out[key] = self.construct(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.construct(item, path + (i,)) for i, item in enumerate(node.value)]
        return loader.construct_object(node, deep=True)


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
        for err in errors:
            if model is Scenario and not err["loc"] and err["type"] == "value_error":
                # only the whole-scenario check of 'set' changes (timeline, playbook) fails at the root
                problems += (
                    _timeline_set_problems(data, shown, lines)
                    or _untracked_playbook_problems(data, shown, lines)
                    or [_problem(model, err, data, shown, lines)]
                )
            else:
                problems.append(_problem(model, err, data, shown, lines))
        raise ScenarioError(_dedupe(problems)) from None


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
                problems.append(
                    Problem(*_where(path + (key,), lines, shown), _dotted(path + (key,)), message)
                )
        if not found:  # every change is fine alone, but not together
            try:
                apply_overrides(base, changes)
            except ValueError as exc:
                problems.append(Problem(*_where(path, lines, shown), _dotted(path), str(exc)))
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
            problems.append(Problem(*_where(path, lines, shown), _dotted(path), message))
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


def _where(path: tuple[Any, ...], lines: Lines, shown: str) -> tuple[str, int | None]:
    """File and line of the nearest located ancestor of `path` (a field may come from a parent file)."""
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return shown, None


def _problem(model: type[BaseModel], err: dict[str, Any], data: Any, shown: str, lines: Lines) -> Problem:
    path = _data_path(tuple(err["loc"]), data)
    shown, line = _where(path, lines, shown)
    kind = err["type"]
    got = err.get("input")
    field = _dotted(path)
    spec_text = _field_hint(model, path, data)

    if kind == "extra_forbidden":
        parent = model_at(path[:-1], data) if model is Scenario else _plain_model_at(model, path[:-1])
        allowed = allowed_keys(parent) if parent else []
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else "."
        listing = f" Allowed here: {', '.join(allowed)}." if allowed else ""
        return Problem(shown, line, field, f"unknown field {path[-1]!r}{hint}{listing}")
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
        close = difflib.get_close_matches(str(tag), actions, n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else "."
        shown, line = _where(path + ("action",), lines, shown)
        return Problem(
            shown,
            line,
            field + ".action",
            f"unknown action {tag!r}{hint} Expected one of: {', '.join(actions)}.",
        )
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",") if o.strip()]
        close = difflib.get_close_matches(str(got), options, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return Problem(shown, line, field, f"expected one of {expected}, got {_short(got)}{hint}")
    if kind == "value_error":  # a rule across fields, e.g. sustained_min_weeks <= sustained_weeks
        return Problem(shown, line, field, _expected(kind, err))
    expected = _expected(kind, err)
    return Problem(
        shown, line, field, f"expected {expected}, got {_short(got)} ({_type_name(got)}){spec_text}"
    )


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60


def _short(value: Any) -> str:
    """repr() cut to a readable length (a wrong value may be a whole section, or a huge list)."""
    return _REPR.repr(value)


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


def _type_name(value: Any) -> str:
    return {
        str: "text",
        int: "whole number",
        float: "number",
        bool: "true/false",
        list: "list",
        dict: "mapping",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


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


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and freeze a scenario file. Raises `ScenarioError` on any problem.

    A file may start from another with `extends: other.yaml` (a path relative to the file): the
    other file's fields are the defaults, this file's fields win, mappings merge key by key and
    lists (the timeline) are replaced. Problems point at the file and line each field came from.
    """
    path = Path(path)
    data, lines = read_with_extends(path)
    return validate_data(Scenario, data, str(path), lines)


def read_with_extends(path: Path, _chain: tuple[Path, ...] = ()) -> tuple[Any, Lines]:
    """`read_yaml`, following `extends:` to parent files."""
    data, lines = read_yaml(path)
    if not isinstance(data, dict) or "extends" not in data:
        return data, lines
    shown, line = lines[("extends",)]
    parent_ref = data.pop("extends")
    lines.pop(("extends",))
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ScenarioError(
            [
                Problem(
                    shown, line, "extends", f"expected the path of another scenario file, got {parent_ref!r}"
                )
            ]
        )
    parent = (path.parent / parent_ref).resolve()
    chain = _chain + (path.resolve(),)
    if parent in chain:
        cycle = " -> ".join(p.name for p in chain[chain.index(parent) :] + (parent,))
        raise ScenarioError([Problem(shown, line, "extends", f"a cycle of 'extends': {cycle}")])
    try:
        base, base_lines = read_with_extends(parent, chain)
    except ScenarioError as exc:
        # a problem with a line is shown where it is (in the parent, or further up); one without
        # (the parent is missing, a folder, not UTF-8) at this file's 'extends:'
        raise ScenarioError(
            [
                p if p.line is not None else Problem(shown, line, "extends", f"in {parent_ref}: {p.message}")
                for p in exc.problems
            ]
        ) from None
    if not isinstance(base, dict):
        raise ScenarioError(
            [Problem(shown, line, "extends", f"{parent_ref} does not hold a mapping of fields")]
        )
    # a value this file gives replaces the parent's (except mappings, which merge key by key), so
    # the parent's lines inside it no longer describe anything: drop them, or a problem in this
    # file's timeline entry would be shown at the line of the parent's entry
    replaced = [key for key in lines if key and not isinstance(_at(data, key), dict)]
    kept = {
        key: where
        for key, where in base_lines.items()
        if not any(key[: len(r)] == r and len(key) > len(r) for r in replaced)
    }
    return _merge(base, data), {**kept, **lines}


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


def scenario_hash(scenario: Scenario) -> str:
    """A short, stable hash of the fully-defaulted scenario: equal configurations hash equal."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
