"""The record of one simulated day: what each phase leaves for the phases after it.

A day's phases (sim/model/phases.py) run in a fixed order and pass their results on through a
`Day`: who is present and behaving, today's uniforms, what was posted, removed and read, the
replies, and the day's flows (joins, exits, mutes, what campaigns added). The daily row of the
results table is written from it, so nothing passes between phases as loose local variables.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.mechanisms.cadence import OperatorDay
from sim.mechanisms.moderation import Enforcement
from sim.mechanisms.reading import Exposure
from sim.mechanisms.replies import Settlement


@dataclass
class Flows:
    """What happens to members on a day besides their own posting, for the daily record.

    Per-member arrays are sized to the member table's capacity, per-group arrays to the groups;
    `grow` makes room when members join or groups open during the day. Campaigns (timeline
    actions) add extra red packets and events here, and book money, mentions and recognition.
    """

    money: np.ndarray  # yuan received, per member
    mentions: np.ndarray  # @-mentions received, per member
    identity: np.ndarray  # recognition (leaderboard) received, per member
    red_packets: np.ndarray  # extra packets per group from campaigns
    red_packet_yuan: np.ndarray  # money in those extra packets, per group
    events: np.ndarray  # extra events per group from campaigns
    offline_events: np.ndarray  # extra offline events per group from campaigns
    joins: dict[int, int] = field(default_factory=dict)  # by channel code
    leaves: int = 0
    kicks: int = 0
    mutes: int = 0
    unmutes: int = 0
    notes: list[str] = field(default_factory=list)  # events held, shown in the daily table
    campaigns: bool = False  # a campaign (timeline red packets or event) added to the day

    @classmethod
    def start(cls, n_members: int, n_groups: int) -> Flows:
        def zeros(k: int) -> np.ndarray:
            return np.zeros(k)

        def ints(k: int) -> np.ndarray:
            return np.zeros(k, dtype=np.int64)

        return cls(
            zeros(n_members),
            zeros(n_members),
            zeros(n_members),
            ints(n_groups),
            zeros(n_groups),
            ints(n_groups),
            ints(n_groups),
        )

    def grow(self, capacity: int, n_groups: int) -> None:
        """Make room after the member table grew or groups opened."""
        if self.money.shape[0] < capacity:
            for name in ("money", "mentions", "identity"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros(capacity - arr.shape[0])]))
        for name in ("red_packets", "red_packet_yuan", "events", "offline_events"):
            arr = getattr(self, name)
            if arr.shape[0] < n_groups:
                setattr(self, name, np.concatenate([arr, np.zeros(n_groups - arr.shape[0], dtype=np.int64)]))


class NextDay:
    """Flows booked between steps (the founding day's timeline, an action called directly), which
    count for the next simulated day: `book` hands out the pending flows, `take` starts a day with
    them (or with fresh ones)."""

    def __init__(self) -> None:
        self._pending: Flows | None = None

    def book(self, n_members: int, n_groups: int) -> Flows:
        if self._pending is None:
            self._pending = Flows.start(n_members, n_groups)
        return self._pending

    def take(self, n_members: int, n_groups: int) -> Flows:
        pending, self._pending = self._pending, None
        return pending if pending is not None else Flows.start(n_members, n_groups)


@dataclass
class Posts:
    """Messages members posted today (per member), before moderation."""

    value: np.ndarray
    chatter: np.ndarray
    ads: np.ndarray

    @property
    def posted_value(self) -> np.ndarray:
        return self.value > 0


@dataclass
class Feed:
    """What there is to read in each group today and the quality of each member's own value posts.

    `totals` has a row per group total, as `reading.feed` computes them: value posts, their quality,
    chatter and ads as readers saw them (removed messages partly seen; ads include the operator's
    promotions), KOLs' value posts, and the volume (everything, yesterday's replies included)."""

    quality: np.ndarray  # per member: quality-weighted value posts
    totals: np.ndarray
    promotions: np.ndarray
    operator_posts: np.ndarray

    value = property(lambda self: self.totals[0])
    quality_total = property(lambda self: self.totals[1])
    chatter = property(lambda self: self.totals[2])
    ads = property(lambda self: self.totals[3])
    kol_posts = property(lambda self: self.totals[4])
    volume = property(lambda self: self.totals[5])


@dataclass
class Day:
    """The day being simulated: its number, its flows, and each phase's results in turn.

    Fields after `flows` are filled by the phases (see `sim.model.phases.DAY`), in order; a phase
    reads only what earlier phases wrote. `n` and `n_groups` are fixed at the roll call: every
    per-member array of the day has `n` rows.
    """

    number: int
    flows: Flows
    over: bool = False  # the community ended today (dissolved): the rest of the day does not happen
    plan: OperatorDay | None = None
    n: int = 0
    n_groups: int = 0
    census: np.ndarray | None = None  # per group: [present members, present members not of the operator side]
    proof: np.ndarray | None = None  # per group: social proof's factor on posting and replying (norms.proof)
    ties: np.ndarray | None = None  # per member: the tie strength that holds them (ties.effective)
    need: np.ndarray | None = None  # share of each member's need for the group left (lifecycle)
    engagement: np.ndarray | None = None  # commitment's lift on taking part
    posts: Posts | None = None
    post_totals: tuple[int, int, int] = (0, 0, 0)  # value posts, chatter, ads
    enforcement: Enforcement | None = None
    feed: Feed | None = None
    exposure: Exposure | None = None
    replies: Settlement | None = None
    bond: np.ndarray | None = None
    invitations: int = 0
    extras: Extras | None = None  # the operator's work beyond the SOP (reminders, introductions)
    checked: np.ndarray | None = None  # per member: checked in today (0/1)
    checkin_share: np.ndarray | None = None  # per group: share of members who checked in today
    events_held: np.ndarray | None = None  # per group: events held today (online and offline)
    welcomed: np.ndarray | None = None  # per group: newcomers welcomed today
    deals: np.ndarray | None = None  # per group: promotions taken as deals (their welcome share)
    deal_orders: np.ndarray | None = None  # per group: expected orders from deals
    sourced: np.ndarray | None = None  # per group: value the group type counts besides members' posts


@dataclass
class Extras:
    """What the operator does in each group today beyond the SOP: manifesto reminders, check-in
    reminders (1 on a check-in day) and introductions; all are messages in the group."""

    reminders: np.ndarray
    checkin_day: np.ndarray
    introductions: np.ndarray

    @property
    def messages(self) -> np.ndarray:
        return self.reminders + self.checkin_day + self.introductions
