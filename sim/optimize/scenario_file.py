"""A scenario as a short, ready YAML file: only what differs from the schema's defaults.

The file needs nothing else (no `extends:`, so it can be moved anywhere), is loaded back by
`groupsim run` / `load_scenario` into exactly the same scenario (the same `scenario_hash`), and
starts with comment lines saying where it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from pydantic import BaseModel

from sim.scenario import Scenario


def differences(model: BaseModel) -> dict[str, Any]:
    """The fields of `model` to write so that loading them gives `model` back, as JSON data.

    A field is written when it differs from the default it would get if left out; a section
    (a nested model) is then written as its differences from the section's own defaults, which is
    what a given section is built from (the two can differ: `events` defaults to monthly events,
    an `events:` section to daily ones).
    """
    out: dict[str, Any] = {}
    defaults = type(model)()
    for name in type(model).model_fields:
        value, default = getattr(model, name), getattr(defaults, name)
        if _json(value) == _json(default):
            continue
        out[name] = differences(value) if isinstance(value, BaseModel) else _json(value)
    return out


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    return value


def scenario_yaml(scenario: Scenario, comments: Sequence[str] = ()) -> str:
    """`scenario` as YAML text: its name and description, then every field that differs from the
    defaults, in the schema's order; `comments` become leading `#` lines."""
    data = scenario.model_dump(mode="json")
    ordered = {"name": data["name"], "description": data["description"], **differences(scenario)}
    text = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)
    header = "".join(f"# {line}\n" if line else "#\n" for line in comments)
    return header + text
