"""Build a new validated scenario with some parameters changed by dotted path.

Used by timeline `set` interventions, sweeps (each point overrides a few paths of a base
scenario), the browser app's sliders and `groupsim run --set`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import ValidationError

from sim.inputs import short
from sim.scenario.fields import field_spec, section_at
from sim.scenario.schema import Scenario


def apply_overrides(scenario: Scenario, changes: Mapping[str, Any]) -> Scenario:
    """Return a copy of `scenario` with each dotted path in `changes` set to its value.

    A path may name one parameter ('cadence.promotion.start_day') or a whole section given as a
    mapping of some of its fields ('behaviour.replies.rate': {'lurker': 0.0}).
    Raises ValueError naming the path, what was expected and (for unknown paths) a suggestion.
    """
    if not changes:
        return scenario
    data = scenario.model_dump(mode="python")
    for path, value in changes.items():
        if not isinstance(path, str):
            raise ValueError(f"parameter paths are dotted strings, got {short(path)}")
        for leaf_path, leaf_value in _leaves(path, value):
            try:
                field_spec(leaf_path)
            except KeyError as exc:
                raise ValueError(exc.args[0]) from None
            node = data
            *parents, leaf = leaf_path.split(".")
            for part in parents:
                node = node[part]
            node[leaf] = _coerce(leaf_path, leaf_value)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "value_error":  # a rule across fields; its input is the whole section
            raise ValueError(f"{where}: {first['msg'].removeprefix('Value error, ')}") from None
        raise ValueError(f"{where}: {first['msg']} (got {short(first.get('input'))})") from None


def _leaves(path: str, value: Any) -> Iterator[tuple[str, Any]]:
    """The (parameter path, value) pairs a change sets.

    A section's mapping is expanded key by key, recursively, so the fields it does not name keep
    the scenario's values (replacing a nested section's dict wholesale would reset them to the
    class defaults, e.g. cadence.red_packets.every_days from 7 to 1).
    """
    if section_at(path) is None:
        yield path, value
        return
    if not isinstance(value, Mapping):
        raise ValueError(f"{path} is a section: give a mapping of its fields, got {short(value)}")
    for key, sub in value.items():
        yield from _leaves(f"{path}.{key}", sub)


def _coerce(path: str, value: Any) -> Any:
    """Accept the natural Python number for a float parameter (sweeps pass numpy floats, ints)."""
    spec = field_spec(path)
    try:
        if spec.kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if (
            spec.kind == "int"
            and hasattr(value, "is_integer")
            and not isinstance(value, bool)
            and float(value).is_integer()
        ):
            return int(value)
    except OverflowError:  # a whole number too large for a float: the bounds check words it
        return value
    if spec.kind == "bool" and type(value).__name__ == "bool_":  # numpy bool
        return bool(value)
    return value
