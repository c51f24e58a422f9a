"""Introspection of the scenario schema by dotted field path.

The CLI, the sweep's parameter paths and the browser app's sliders are generated from here, so a
parameter's bounds, unit and meaning are written once, in `schema.py`.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.scenario.schema import Scenario


@dataclass(frozen=True)
class FieldSpec:
    """What one scenario parameter is: its path, type, default, bounds, unit and meaning."""

    path: str
    kind: str  # "int", "float", "bool", "choice", "text", "other"
    default: Any
    unit: str
    doc: str
    source: str
    lower: float | None
    upper: float | None
    choices: tuple[str, ...]

    def label(self) -> str:
        """A short label for a UI control: the last path component plus the unit."""
        name = self.path.rsplit(".", 1)[-1].replace("_", " ")
        return f"{name} ({self.unit})" if self.unit not in ("", "flag", "choice", "text") else name


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    lower = upper = None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            lower = meta.ge
        elif isinstance(meta, annotated_types.Gt):
            lower = meta.gt
        elif isinstance(meta, annotated_types.Le):
            upper = meta.le
        elif isinstance(meta, annotated_types.Lt):
            upper = meta.lt
    return lower, upper


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    if annotation is bool:
        return "bool", ()
    if annotation is int:
        return "int", ()
    if annotation is float:
        return "float", ()
    if annotation is str:
        return "text", ()
    if typing.get_origin(annotation) is Literal:
        return "choice", tuple(str(a) for a in typing.get_args(annotation))
    return "other", ()


#: Scenario fields that are lists of items (interventions, playbook rules), not parameters.
LISTS = ("timeline", "playbook")


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def iter_fields(
    model: type[BaseModel] = Scenario,
    prefix: str = "",
    defaults: BaseModel | None = None,
    parent: FieldInfo | None = None,
) -> Iterator[FieldSpec]:
    """Every leaf parameter of `model`, depth first, as `FieldSpec`s (the lists in `LISTS` excluded).

    Defaults are read from the default scenario itself, not from each section's class: a section
    may be held with its own defaults (e.g. `red_packets: RedPackets(every_days=7)`), and a
    generated slider or table must show what a scenario really gets.
    """
    if defaults is None:
        defaults = Scenario() if model is Scenario else None
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        if name in LISTS and model is Scenario:
            continue
        value = getattr(defaults, name) if defaults is not None else info.default
        sub = _submodel(info.annotation)
        if sub is not None:
            yield from iter_fields(sub, path + ".", value if isinstance(value, BaseModel) else None, info)
            continue
        kind, choices = _kind(info.annotation)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        lower, upper = _bounds(info)
        doc = info.description or ""
        if not doc and parent is not None:  # a per-role rate: its table's unit, meaning and source
            parent_extra = parent.json_schema_extra if isinstance(parent.json_schema_extra, dict) else {}
            extra = {**parent_extra, **extra}
            doc = f"{parent.description} ({name})" if parent.description else ""
        yield FieldSpec(
            path=path,
            kind=kind,
            default=value,
            unit=str(extra.get("unit", "")),
            doc=doc,
            source=str(extra.get("source", "")),
            lower=lower,
            upper=upper,
            choices=choices,
        )


_ALL: dict[str, FieldSpec] | None = None


def field_spec(path: str) -> FieldSpec:
    """The `FieldSpec` at a dotted path; `KeyError` with a suggestion if there is none."""
    global _ALL
    if _ALL is None:
        _ALL = {spec.path: spec for spec in iter_fields()}
    try:
        return _ALL[path]
    except KeyError:
        raise KeyError(unknown_path_message(path)) from None


def unknown_path_message(path: str) -> str:
    """'no parameter X; did you mean Y?' for a dotted path."""
    known = [spec.path for spec in iter_fields()]
    close = difflib.get_close_matches(path, known, n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"no scenario parameter {path!r}{hint}"


def section_at(path: str) -> type[BaseModel] | None:
    """The schema section (a model class) at a dotted path, e.g. 'behaviour.replies.rate'; None if not a section."""
    model: type[BaseModel] | None = Scenario
    for part in path.split("."):
        info = model.model_fields.get(part) if model is not None else None
        if info is None:
            return None
        model = _submodel(info.annotation)
    return model


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """Field names a mapping for `model` may contain."""
    return list(model.model_fields)


def model_at(path: tuple[Any, ...], data: Any = None) -> type[BaseModel] | None:
    """The pydantic model class describing the mapping at `path` (None if not a model)."""
    from sim.scenario import schema

    model: type[BaseModel] | None = Scenario
    node = data
    index = 0
    while index < len(path) and model is not None:
        key = path[index]
        if model is Scenario and key in LISTS:
            # timeline[i] is chosen by its 'action' value; playbook[i] is a rule
            if index + 1 >= len(path):
                return None
            item = _item(node, key, path[index + 1])
            if key == "playbook":
                model = schema.PlaybookRule
            else:
                action = item.get("action") if isinstance(item, dict) else None
                model = _INTERVENTIONS_BY_ACTION().get(action, schema.InterventionBase)
            node = item
            index += 2
            continue
        if model is schema.PlaybookRule and key == "do":
            # a rule's action is chosen by its 'action' value, like a timeline item
            action = (
                node.get("do", {}).get("action")
                if isinstance(node, dict) and isinstance(node.get("do"), dict)
                else None
            )
            model = _INTERVENTIONS_BY_ACTION().get(action, schema.InterventionBase)
            node = node.get("do") if isinstance(node, dict) else None
            index += 1
            continue
        info = model.model_fields.get(key) if isinstance(key, str) else None
        if info is None:
            return None
        model = _submodel(info.annotation)
        node = node.get(key) if isinstance(node, dict) else None
        index += 1
    return model


def _item(node: Any, key: str, index: Any) -> Any:
    """Item `index` of the list `key` in `node` (None if there is none)."""
    items = node.get(key) if isinstance(node, dict) else None
    if isinstance(items, list) and isinstance(index, int) and index < len(items):
        return items[index]
    return None


def _INTERVENTIONS_BY_ACTION() -> dict[str, type[BaseModel]]:
    from sim.scenario import schema

    union = typing.get_args(schema.Intervention)[0]
    out = {}
    for cls in typing.get_args(union):
        action = typing.get_args(cls.model_fields["action"].annotation)[0]
        out[action] = cls
    return out


def intervention_actions() -> tuple[str, ...]:
    """Every timeline action name."""
    return tuple(_INTERVENTIONS_BY_ACTION())
