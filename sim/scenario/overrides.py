"""Build a new validated scenario with some parameters changed by dotted path.

Used by timeline `set` interventions, sweeps (each point overrides a few paths of a base
scenario), the browser app's sliders and `groupsim run --set`.
"""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import ValidationError

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
            raise ValueError(f"parameter paths are dotted strings, got {path!r}")
        node = data
        *parents, leaf = path.split(".")
        if section_at(path) is not None:
            if not isinstance(value, Mapping):
                raise ValueError(f"{path} is a section: give a mapping of its fields, got {value!r}")
            for part in path.split("."):
                node = node[part]
            for key, sub in value.items():
                apply_path = f"{path}.{key}"
                if section_at(apply_path) is None:
                    try:
                        field_spec(apply_path)
                    except KeyError as exc:
                        raise ValueError(exc.args[0]) from None
                node[key] = _coerce(apply_path, sub) if section_at(apply_path) is None else sub
            continue
        try:
            field_spec(path)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        for part in parents:
            node = node[part]
        node[leaf] = _coerce(path, value)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"{where}: {first['msg']} (got {first.get('input')!r})") from None


def _coerce(path: str, value: Any) -> Any:
    """Accept the natural Python number for a float parameter (sweeps pass numpy floats, ints)."""
    spec = field_spec(path)
    if spec.kind == "float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if spec.kind == "int" and hasattr(value, "is_integer") and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
    if spec.kind == "bool" and type(value).__name__ == "bool_":  # numpy bool
        return bool(value)
    return value
