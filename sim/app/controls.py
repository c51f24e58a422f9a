"""What the trainer can change: levers generated from the scenario schema, and intervention buttons.

Levers are *generated* from `sim.scenario.fields.field_spec`: their bounds, units and default come
from the schema, so the app cannot drift from the model. This module only chooses
which parameters are shown and whether a change can take effect in the middle of a run.

Buttons turn into the same pydantic intervention objects a scenario's timeline holds; their
parameters are the schema's defaults except where a button says otherwise in its label.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim.figures import BAN_ADS_CHANGES
from sim.scenario import Scenario, ScenarioError, apply_overrides, load_scenario
from sim.scenario.fields import FieldSpec, field_spec
from sim.scenario.schema import (
    InviteKOL,
    MassAdd,
    PromoteKOCs,
    RunEvent,
    SendRedPackets,
    SetParameters,
    StartSelling,
)

# ------------------------------------------------------------------------------------ levers


@dataclass(frozen=True)
class Lever:
    """One scenario parameter offered as a control.

    `live` levers can change in the middle of a run (the change is scheduled as a timeline
    `set` on the next day); the others shape the group at its founding and apply on reset.
    """

    spec: FieldSpec
    live: bool

    @property
    def path(self) -> str:
        return self.spec.path

    @property
    def kind(self) -> str:
        """ "int", "float", "bool" or "choice" (as in `FieldSpec.kind`)."""
        return self.spec.kind

    def read(self, scenario: Scenario) -> Any:
        """This parameter's value in `scenario`."""
        return functools.reduce(getattr, self.path.split("."), scenario)

    def positions(self, current: Any = None) -> tuple[Any, ...]:
        """The values a slider offers, ascending, from the schema's lower to its upper bound.

        Narrow ranges are linear (every integer; 21 steps for a float range of width <= 2);
        wide ranges use a 1-1.5-2-3-5-7 ladder (day counts: 0-10, weeks, months, years) so a
        slider can reach both 3 and 3650. `current` is always included so a scenario's own
        value is never rounded away. Only for "int" and "float" levers.
        """
        lo, hi = self.spec.lower, self.spec.upper
        if self.kind not in ("int", "float") or lo is None or hi is None:
            raise ValueError(f"{self.path} is not a bounded number")
        integer = self.kind == "int"
        if integer and hi - lo <= 60:
            values = set(range(int(lo), int(hi) + 1))
        elif not integer and hi - lo <= 2:
            step = 10 ** math.floor(math.log10(hi - lo)) / 20
            values = {round(lo + k * step, 10) for k in range(int(round((hi - lo) / step)) + 1)}
        elif self.spec.unit in ("day", "days"):
            values = {d for d in _DAY_LADDER if lo <= d <= hi}
        else:
            values = {v for v in _ladder(hi) if lo <= v <= hi}
            if integer:
                values = {int(round(v)) for v in values} | {v for v in range(0, 11) if lo <= v <= hi}
        values |= {lo, hi}
        if current is not None and lo <= current <= hi:
            values.add(current)
        cast = int if integer else float
        return tuple(sorted({cast(v) for v in values}))


_DAY_LADDER = (
    *range(0, 11),
    14,
    21,
    28,
    30,
    45,
    60,
    90,
    120,
    180,
    270,
    365,
    540,
    730,
    1095,
    1825,
    3650,
)


def _ladder(upper: float) -> list[float]:
    top = math.floor(math.log10(upper))
    return [m * 10.0**k for k in range(top - 2, top + 1) for m in (1, 1.5, 2, 3, 5, 7)]


#: (path, live) of the levers the app shows, in display order.
_LEVERS: tuple[tuple[str, bool], ...] = (
    ("population.initial_members", False),
    ("population.organic_prospects_per_day", True),
    ("positioning.focus", True),
    ("entry.threshold", True),
    ("operator.hours_per_day", True),
    ("rules.admins", False),
    ("kol.count", False),
    ("referral.enabled", True),
    ("cadence.promotion.enabled", True),
    ("cadence.promotion.start_day", True),
    ("cadence.promotion.every_days", True),
    ("horizon.days", False),
)

LEVERS: tuple[Lever, ...] = tuple(Lever(field_spec(path), live) for path, live in _LEVERS)
LEVERS_BY_PATH: dict[str, Lever] = {lever.path: lever for lever in LEVERS}


# ------------------------------------------------------------------------------- buttons


@dataclass(frozen=True)
class Button:
    """An intervention button: `make(day)` builds the timeline item it stands for."""

    key: str
    make: Callable[[int], Any]

    def label_values(self) -> dict[str, Any]:
        """The item's own fields (count, posts, ...), for the button's label."""
        return self.make(0).model_dump(exclude={"day", "action", "note"})


BUTTONS: tuple[Button, ...] = (
    Button("red_packets", lambda day: SendRedPackets(action="red_packets", day=day)),
    # hard selling: the case seed 002 warns about (三天群就被屏蔽了)
    Button(
        "start_selling",
        lambda day: StartSelling(action="start_selling", day=day, every_days=1, posts=2),
    ),
    Button("invite_kol", lambda day: InviteKOL(action="invite_kol", day=day)),
    Button("mass_add", lambda day: MassAdd(action="mass_add", day=day, count=100)),
    Button("run_event", lambda day: RunEvent(action="run_event", day=day)),
    Button("promote_kocs", lambda day: PromoteKOCs(action="promote_kocs", day=day)),
    Button(
        "ban_ads",
        lambda day: SetParameters(action="set", day=day, changes=dict(BAN_ADS_CHANGES), note="ban ads"),
    ),
)
BUTTONS_BY_KEY: dict[str, Button] = {button.key: button for button in BUTTONS}


def lever_intervention(day: int, changes: dict[str, Any]) -> SetParameters:
    """The timeline `set` that applies lever changes made during a run."""
    return SetParameters(action="set", day=day, changes=dict(changes), note="lever")


# ----------------------------------------------------------------------------- scenarios

#: Environment variables `groupsim app` uses to tell the page what to open.
ENV_SCENARIO = "GROUPSIM_APP_SCENARIO"
ENV_SCENARIOS_DIR = "GROUPSIM_APP_SCENARIOS_DIR"
ENV_SEED = "GROUPSIM_APP_SEED"


def default_scenarios_dir() -> Path:
    """The repository's `scenarios/` folder (next to the `sim` package)."""
    return Path(__file__).resolve().parents[2] / "scenarios"


def scenario_files(directory: Path, chosen: Path | None = None) -> list[Path]:
    """Scenario files the picker offers: `*.yaml`/`*.yml` in `directory`, and `chosen`."""
    files = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]) if directory.is_dir() else []
    resolved = {f.resolve() for f in files}
    if chosen is not None and chosen.resolve() not in resolved:
        files.insert(0, chosen)
    return files


def load_for_app(path: Path) -> Scenario:
    """Load a scenario for the classroom: a dead group is kept on screen (no stop at death).

    Raises `ScenarioError` (with every problem) if the file is not a valid scenario.
    """
    return apply_overrides(load_scenario(path), {"horizon.stop_at_death": False})


def first_problem(error: Exception) -> str:
    """One line saying why a scenario could not be loaded or changed."""
    if isinstance(error, ScenarioError) and error.problems:
        return str(error.problems[0])
    return str(error)
