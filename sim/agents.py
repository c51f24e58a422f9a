"""`Member`: the Mesa agent for one member, a view onto its row in the model's member arrays.

The model updates all members at once with NumPy; agents exist so the browser app and users' own
code can reach a member the Mesa way (`model.agents`, `agent.role`, `agent.ties()` ...).
Reading an attribute always returns the current value from the arrays.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa

from sim.enums import Channel, Role, State

if TYPE_CHECKING:
    from sim.model import CommunityModel


def _column(name: str, convert: Any = None, doc: str = "") -> property:
    def get(self: Member) -> Any:
        value = getattr(self.model.members, name)[self.row]
        return convert(value) if convert else value.item()

    return property(get, doc=doc)


class Member(mesa.Agent):
    """One member of the community (present members are in `model.agents`)."""

    model: CommunityModel

    def __init__(self, model: CommunityModel, row: int) -> None:
        super().__init__(model)
        self.row = row

    role = _column("role", Role, "Current role (Role enum).")
    state = _column("state", State, "ACTIVE, MUTED, LEFT or KICKED.")
    channel = _column("channel", Channel, "How the member joined.")
    group = _column("group", doc="Index of the member's group in the matrix.")
    fit = _column("fit", doc="Fit to the group's positioning, 0..1.")
    satisfaction = _column("satisfaction", doc="Remembered satisfaction (0 = indifferent).")
    attention = _column("attention", doc="Messages per day the member reads before overload.")
    tolerance = _column("tolerance", doc="Irritating messages per day tolerated before muting.")
    tie_strength = _column("tie_strength", doc="Summed strength of ties to present members.")
    join_day = _column("join_day", doc="Day the member joined.")
    inviter = _column("inviter", doc="Row of the member who invited them, or -1.")
    value_posts = _column("value_posts", doc="Value posts so far.")
    replies_received = _column("replies_received", doc="Replies received so far.")

    @property
    def tenure(self) -> int:
        """Days since joining (up to today, or to the exit day)."""
        exit_day = int(self.model.members.exit_day[self.row])
        end = exit_day if exit_day >= 0 else self.model.day
        return end - self.join_day

    def ties(self) -> dict[int, float]:
        """Present members this member has ties with (by row) and the strength of each tie."""
        return self.model.ties.neighbours(self.row)

    def __repr__(self) -> str:
        return f"Member(row={self.row}, role={self.role.name}, state={self.state.name}, fit={self.fit:.2f})"
