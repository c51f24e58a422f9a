"""Introspection of the scenario schema by dotted field path.

The CLI, the sweep's parameter paths and the browser app's sliders are generated from here, so a
parameter's bounds, unit and meaning are written once, in `schema.py`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from sim.inputs import did_you_mean, short
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
    lower_open: bool = False  # the bound itself is refused (gt, not ge)
    upper_open: bool = False  # (lt, not le)

    def accepts(self, value: float) -> bool:
        """True if a number `value` lies within the bounds."""
        if self.lower is not None and (value <= self.lower if self.lower_open else value < self.lower):
            return False
        return self.upper is None or (value < self.upper if self.upper_open else value <= self.upper)

    def interval(self) -> str:
        """The bounds of a number as an interval: '[0, 1]', '(0, 2000]' (0 excluded), '[0, inf)';
        '' for other kinds and unbounded numbers."""
        if self.kind not in ("int", "float"):
            return ""
        return _interval(self.lower, self.upper, self.lower_open, self.upper_open)

    def label(self) -> str:
        """A short label for a UI control: the last path component plus the unit."""
        name = self.path.rsplit(".", 1)[-1].replace("_", " ")
        return f"{name} ({self.unit})" if self.unit not in ("", "flag", "choice", "text") else name


def _number(x: float) -> str:
    return str(int(x)) if isinstance(x, float) and x.is_integer() and abs(x) < 1e15 else str(x)


def _interval(lower: float | None, upper: float | None, lower_open: bool, upper_open: bool) -> str:
    if lower is None and upper is None:
        return ""
    left = "(" if lower_open or lower is None else "["
    right = ")" if upper_open or upper is None else "]"
    lo = "-inf" if lower is None else _number(lower)
    hi = "inf" if upper is None else _number(upper)
    return f"{left}{lo}, {hi}{right}"


def field_range(info: FieldInfo) -> str:
    """What a field accepts, as the parameter reference writes it: a choice's options
    ('`a`, `b`') or a number's interval ('(0, 2000]'); '' for anything else."""
    kind, choices = _kind(info.annotation)
    if choices:
        return ", ".join(f"`{c}`" for c in choices)
    return _interval(*_bounds(info)) if kind in ("int", "float") else ""


def _bounds(info: FieldInfo) -> tuple[float | None, float | None, bool, bool]:
    """(lower, upper, lower excluded, upper excluded) of a field's numeric bounds."""
    lower = upper = None
    lower_open = upper_open = False
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            lower = meta.ge
        elif isinstance(meta, annotated_types.Gt):
            lower, lower_open = meta.gt, True
        elif isinstance(meta, annotated_types.Le):
            upper = meta.le
        elif isinstance(meta, annotated_types.Lt):
            upper, upper_open = meta.lt, True
    return lower, upper, lower_open, upper_open


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
        lower, upper, lower_open, upper_open = _bounds(info)
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
            lower_open=lower_open,
            upper_open=upper_open,
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
    return f"no scenario parameter {short(path)}{did_you_mean(path, known, n=3, cutoff=0.6)}"


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
