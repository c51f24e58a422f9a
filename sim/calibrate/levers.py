"""Lever files: the options a forecast compares with doing nothing, as timeline actions from tomorrow.

    levers:
      promote_kocs:                       # a name (letters, digits, _ and -)
        en: Promote 3 active members to KOC
        zh: 提拔 3 名活跃成员为 KOC
        actions:                          # timeline actions (groupsim params / docs/model.md 3.21)
          - {action: promote_kocs, count: 3}          # day 1 (the default) = the day after the last observed day
      stop_selling:
        actions: [{action: stop_selling}]
      monthly_events:
        actions: [{action: run_event, repeat_every_days: 30}]   # tomorrow, then every 30 days
      koc_programme:
        actions: [{action: set, changes: {koc.enabled: true}}]

An action is any scenario timeline action, with `day` counted from the last observed day (1 =
tomorrow) and an optional `repeat_every_days`, which repeats it through the forecast. Every action
is checked like a scenario's timeline entry (unknown actions and fields get "did you mean"; `set`
changes are checked against the schema), and each lever's whole timeline against the calibrated
scenario. `load_levers(path, base, last_day, days)` returns the `Lever`s; ScenarioError listing
every problem (file, line, field) otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sim.inputs import Lines, read_yaml_file, shown_path
from sim.inputs import where as line_of
from sim.scenario import Problem, Scenario, ScenarioError
from sim.scenario.loading import validate_data

#: The option every lever is compared with.
NOTHING = "nothing"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class LeverSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field("", description="what the lever is, in English")
    zh: str = Field("", description="杠杆说明（中文）")
    actions: list[Any] = Field(
        ..., description="timeline actions; day 1 = the day after the last observed day"
    )


class LeverFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    levers: dict[str, LeverSpec] = Field(..., description="each option by name")


@dataclass(frozen=True)
class Lever:
    """One option: its name, descriptions, and timeline actions with days relative to the last observed day."""

    name: str
    en: str
    zh: str
    actions: tuple[
        dict[str, Any], ...
    ]  # validated action mappings; `day` relative, `repeat_every_days` optional

    def timeline(self, last_day: int, days: int) -> list[dict[str, Any]]:
        """The actions as absolute timeline entries within days last_day+1 .. last_day+days."""
        out = []
        for action in self.actions:
            item = {k: v for k, v in action.items() if k != "repeat_every_days"}
            every = action.get("repeat_every_days")
            day = int(action.get("day", 1))
            while day <= days:
                out.append({**item, "day": last_day + day})
                if not every:
                    break
                day += int(every)
        return out


def with_timeline(base: Scenario, items: list[dict[str, Any]]) -> Scenario:
    """`base` with `items` added to its timeline (validated as a scenario; ValueError if not)."""
    data = base.model_dump(mode="python")
    data["timeline"] = [*data["timeline"], *items]
    try:
        return Scenario.model_validate(data)
    except Exception as exc:  # noqa: BLE001 - pydantic's error, worded by the caller
        raise ValueError(str(exc).splitlines()[-1] if str(exc) else type(exc).__name__) from None


def load_levers(path: str | Path, base: Scenario, last_day: int, days: int) -> list[Lever]:
    """Read and check a lever file for a forecast of `days` days after `last_day` from `base`."""
    path = Path(path)
    shown = shown_path(path)
    data, lines = read_yaml_file(path, what="lever", shown=shown)
    top = validate_data(LeverFile, data, shown, lines)
    problems: list[Problem] = []
    levers: list[Lever] = []
    if not top.levers:
        problems.append(Problem(*line_of(("levers",), lines, shown), "levers", "name at least one lever"))
    for name, spec in top.levers.items():
        prefix = ("levers", name)
        if not _NAME.match(name) or name == NOTHING:
            problems.append(
                Problem(
                    *line_of(prefix, lines, shown),
                    f"levers.{name}",
                    f"a lever name is letters, digits, _ and - (and not {NOTHING!r}, the option of doing nothing); "
                    f"got {name!r}",
                )
            )
            continue
        actions = [_action(name, i, raw, days, shown, lines, problems) for i, raw in enumerate(spec.actions)]
        if not spec.actions:
            problems.append(
                Problem(*line_of(prefix, lines, shown), f"levers.{name}.actions", "give at least one action")
            )
        if any(a is None for a in actions) or not spec.actions:
            continue
        lever = Lever(name, spec.en, spec.zh, tuple(a for a in actions if a is not None))
        try:
            with_timeline(base, lever.timeline(last_day, days))
        except ValueError as exc:
            problems.append(
                Problem(*line_of(prefix, lines, shown), f"levers.{name}", f"not valid for this group: {exc}")
            )
            continue
        levers.append(lever)
    if problems:
        raise ScenarioError(problems)
    return levers


def _action(
    name: str, index: int, raw: Any, days: int, shown: str, lines: Lines, problems: list[Problem]
) -> dict[str, Any] | None:
    """One action checked as a scenario timeline entry; None (and problems) if it is wrong."""
    prefix = ("levers", name, "actions", index)
    field = f"levers.{name}.actions[{index}]"
    if not isinstance(raw, dict):
        problems.append(
            Problem(
                *line_of(prefix, lines, shown),
                field,
                f"expected a timeline action, e.g. {{action: run_event}}, got {raw!r}",
            )
        )
        return None
    item = dict(raw)
    every = item.pop("repeat_every_days", None)
    found = len(problems)
    if every is not None and (isinstance(every, bool) or not isinstance(every, int) or every < 1):
        problems.append(
            Problem(
                *line_of(prefix + ("repeat_every_days",), lines, shown),
                f"{field}.repeat_every_days",
                f"expected a whole number >= 1, got {every!r}",
            )
        )
    day = item.setdefault("day", 1)
    if not isinstance(day, bool) and isinstance(day, int) and not 1 <= day <= days:
        problems.append(
            Problem(
                *line_of(prefix + ("day",), lines, shown),
                f"{field}.day",
                f"day {day} is outside the forecast: day 1 is the day after the last observed day, the last is {days}",
            )
        )
    timeline_lines = {("timeline", 0, *k[4:]): v for k, v in lines.items() if k[:4] == prefix}
    try:
        validate_data(Scenario, {"timeline": [item]}, shown, timeline_lines)
    except ScenarioError as exc:
        for p in exc.problems:
            problems.append(
                Problem(
                    p.file,
                    p.line or line_of(prefix, lines, shown)[1],
                    p.field.replace("timeline[0]", field, 1),
                    p.message,
                )
            )
    if len(problems) > found:
        return None
    return {**item, **({"repeat_every_days": every} if every else {})}
