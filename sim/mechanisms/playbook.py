"""The operator's playbook: state-triggered rules ("when value contributors stay below 5 for 7 days,
run an event"; "when the muted share passes 30%, stop selling").

Strategists think in playbooks (the brief; seed 002 三: the operator "认真聆听 … 解决问题即可" rather
than following a fixed SOP). Each morning, before the members' day, every rule looks at the last
recorded day: if its figure is below (or above) its level the rule's streak grows by one, else it
restarts at zero. A rule whose streak has reached `for_days` fires — its action (any timeline action)
is carried out that morning, exactly as a timeline item would be — provided the day is at least
`from_day`, the rule has not used up its `times`, and `cooldown_days` have passed since it last
fired. Firing restarts the streak, so the condition must hold `for_days` again before it fires
again. A figure that is not defined (NaN, e.g. culture when it is not tracked) never meets a
condition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.metrics import DAILY_COLUMNS
from sim.scenario.schema import PlaybookRule

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
NEVER = -(10**6)


def quantity(name: str, row: np.ndarray, days_since_value: int) -> float:
    """The figure `name` on a recorded day (`row` of the daily table)."""
    if name == "muted_share":
        return float(row[_COL["muted"]] / max(row[_COL["members"]], 1.0))
    if name == "contributor_share":
        ordinary = row[_COL["members"]] - row[_COL["admins"]]
        return float(row[_COL["value_contributors"]] / max(ordinary, 1.0))
    if name == "days_since_value_post":
        return float(days_since_value)
    return float(row[_COL[name]])


def holds(rule: PlaybookRule, value: float) -> bool:
    """Whether `value` meets the rule's condition (never for NaN)."""
    if rule.below is not None:
        return bool(value < rule.below)
    return bool(value > rule.above)


@dataclass
class Playbook:
    """The rules' running state: each rule's streak, last firing and number of firings, and the last
    recorded day with a member value post."""

    rules: tuple[PlaybookRule, ...]
    streak: list[int] = field(default_factory=list)
    last_fired: list[int] = field(default_factory=list)
    fired: list[int] = field(default_factory=list)
    last_value_day: int = 0

    def __post_init__(self) -> None:
        k = len(self.rules)
        self.streak, self.last_fired, self.fired = [0] * k, [NEVER] * k, [0] * k

    def due(self, day: int, row: np.ndarray | None) -> list[int]:
        """Read the last recorded day (`row`, None before the first) and return the rules that fire
        on `day`, in the playbook's order; their streaks restart."""
        if row is None:
            return []
        if row[_COL["value_posts"]] > 0:
            self.last_value_day = int(row[_COL["day"]])
        since = int(row[_COL["day"]]) - self.last_value_day
        out = []
        for k, rule in enumerate(self.rules):
            self.streak[k] = self.streak[k] + 1 if holds(rule, quantity(rule.when, row, since)) else 0
            if (
                self.streak[k] >= rule.for_days
                and day >= rule.from_day
                and (rule.times == 0 or self.fired[k] < rule.times)
                and day - self.last_fired[k] >= max(rule.cooldown_days, 1)
            ):
                self.streak[k], self.last_fired[k] = 0, day
                self.fired[k] += 1
                out.append(k)
        return out
