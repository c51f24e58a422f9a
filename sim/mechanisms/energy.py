"""The owner tires (seed 000: "一個500人的社群,每個人都是索取者,群主早晚被榨干"; seed 002 三: a team
scaled under KPIs "就会形成一种恶性循环").

The owner's energy E (0..1, full on day 0) changes every day by

    E <- clip(E + rest * (1 - E) - taker_drain * takers - work_drain * hours
              + contribution_gain * value_posts + revenue_gain * revenue, 0, 1)

where `takers` are today's active members (not the operator's side) who have not posted value
within the contributor window, `hours` the operator hours worked today (SOP, events, campaigns,
vetting, moderation), `value_posts` members' value posts and `revenue` today's yuan. A tired owner
(E below `tired_below`) cuts the SOP: tomorrow's operator hours are scaled by E / tired_below. At
or below `quit_below` the owner quits for good: no operator hours, no scheduled events, no
playbook, and the community is dissolved if `dissolve_on_quit`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from sim.columns import LAST_VALUE_DAY, ROLE, STATE
from sim.enums import ACTIVE, ADMIN
from sim.scenario.schema import Energy


@dataclass
class OwnerEnergy:
    """The owner's energy and the books it is read from (hours and revenue booked so far)."""

    level: float = 1.0
    hours_seen: float = 0.0
    revenue_seen: float = 0.0
    quit: bool = False

    def hours_factor(self, e: Energy) -> float:
        """Share of the scenario's operator hours the owner gives today."""
        if not e.enabled:
            return 1.0
        if self.quit:
            return 0.0
        return 1.0 if self.level >= e.tired_below else self.level / e.tired_below


@nb.njit(cache=True)
def takers(n: int, Z: np.ndarray, day: int, window: int) -> int:
    """Active members (not the operator's side) with no value post in the last `window` days."""
    count = 0
    for i in range(n):
        if Z[STATE, i] == ACTIVE and Z[ROLE, i] != ADMIN and Z[LAST_VALUE_DAY, i] <= day - window:
            count += 1
    return count


def change(
    e: Energy, level: float, taker_count: int, hours: float, value_posts: int, revenue: float
) -> float:
    """Tomorrow's energy from today's (see the module docstring)."""
    drain = e.taker_drain * taker_count + e.work_drain * hours
    gain = e.contribution_gain * value_posts + e.revenue_gain * revenue
    return float(min(max(level + e.rest * (1.0 - level) - drain + gain, 0.0), 1.0))
