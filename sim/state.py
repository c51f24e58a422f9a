"""Member, group and tie state as NumPy arrays (structure of arrays).

Every member who ever joined has a row; rows are never removed (departed members keep their
history for the per-member table). Mechanisms read and update whole columns at once; the Mesa
`Member` agents are thin views onto a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.mechanisms import ties

NEVER = -(10**6)  # "day" of something that has not happened (far in the past)


def _grow(array: np.ndarray, capacity: int, fill: float | int = 0) -> np.ndarray:
    out = np.full(capacity, fill, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


# Member columns: name, fill value of an unused row, meaning. Floats live in the rows of
# `MemberTable.F`, whole numbers (and flags) in the rows of `MemberTable.Z` (ℤ); each column's row
# number is a module constant below, which compiled kernels use to reach it (`F[FIT, i]`).
FLOAT_COLUMNS: tuple[tuple[str, float, str], ...] = (
    ("fit", 0.0, "fit to the group's positioning, 0..1 (a split can raise it)"),
    ("attention", 1.0, "messages a day the member reads before overload"),
    ("tolerance", 1.0, "irritating messages a day tolerated before muting"),
    ("activity", 1.0, "personal activity level (lognormal, mean 1)"),
    ("sociability", 0.5, "taste for small talk, 0..1"),
    ("restlessness", 1.0, "multiplier on the hazard of leaving"),
    ("speak", 1.0, "how often a KOL speaks (1 for everyone else)"),
    ("commitment", 0.0, "sunk cost of a costly entry threshold, 0..1"),
    ("satisfaction", 0.0, "remembered satisfaction (0 = indifferent)"),
    ("trust", 0.0, "slow memory of good experience"),
    ("activation", 0.0, "how drawn in the member is today (topics, mentions, sparks, events)"),
    ("buzz", 0.0, "excitement from red packets and lotteries (chatter)"),
    ("tie_strength", 0.0, "summed strength of ties to present members"),
    ("reward", 0.0, "remembered recognition: replies per value post"),
    ("recent_activity", 0.0, "14-day memory of posting and replying"),
    ("invite_appetite", 1.0, "social capital left for inviting friends"),
    ("week_points", 0.0, "points this week (leaderboard)"),
    ("points", 0.0, "points so far"),
    ("mention_fatigue", 0.0, "familiarity with being @-mentioned (recent mentions, fading with rest)"),
    ("checkin_habit", 1.0, "0..1, how firmly the member keeps the check-in habit"),
)
INT_COLUMNS: tuple[tuple[str, int, str], ...] = (
    ("group", 0, "index of the member's group in the matrix"),
    ("role", 0, "Role code"),
    ("role_at_join", 0, "Role code at join"),
    ("state", 0, "State code (ACTIVE, MUTED, LEFT, KICKED)"),
    ("channel", 0, "Channel code: how the member joined"),
    ("inviter", -1, "row of the member who invited them, or -1"),
    ("join_day", 0, "day the member joined"),
    ("exit_day", -1, "day the member left or was kicked, or -1"),
    ("first_mute_day", -1, "first day the member muted the group, or -1"),
    ("interest", 0, "sub-topic within the theme (used when a group splits)"),
    ("spammer", 0, "1 if the member joined mainly to advertise"),
    ("warnings", 0, "warnings received from moderators"),
    ("tie_count", 0, "live ties touching the member"),
    ("last_value_day", NEVER, "last day the member posted value"),
    ("last_post_day", NEVER, "last day the member posted or replied"),
    ("value_weeks", 0, "bit k: posted value k weeks ago (bit 0: this week)"),
    ("value_posts", 0, "value posts so far"),
    ("chatter_posts", 0, "off-topic messages so far"),
    ("ads_posted", 0, "ads so far"),
    ("replies_given", 0, "replies given so far"),
    ("replies_received", 0, "replies received so far"),
    ("invitations_sent", 0, "invitations sent so far"),
    ("mentions_received", 0, "@-mentions received so far"),
)
(FIT, ATTENTION, TOLERANCE, ACTIVITY, SOCIABILITY, RESTLESSNESS, SPEAK, COMMITMENT, SATISFACTION, TRUST,
 ACTIVATION, BUZZ, TIE_STRENGTH, REWARD, RECENT_ACTIVITY, INVITE_APPETITE, WEEK_POINTS,
 POINTS, MENTION_FATIGUE, CHECKIN_HABIT) = range(len(FLOAT_COLUMNS))  # fmt: skip
(GROUP, ROLE, ROLE_AT_JOIN, STATE, CHANNEL, INVITER, JOIN_DAY, EXIT_DAY, FIRST_MUTE_DAY, INTEREST, SPAMMER,
 WARNINGS, TIE_COUNT, LAST_VALUE_DAY, LAST_POST_DAY, VALUE_WEEKS, VALUE_POSTS, CHATTER_POSTS, ADS_POSTED,
 REPLIES_GIVEN, REPLIES_RECEIVED, INVITATIONS_SENT, MENTIONS_RECEIVED) = range(len(INT_COLUMNS))  # fmt: skip


class MemberTable:
    """Every member who ever joined: a row of `F` (float columns) and of `Z` (whole numbers, ℤ).

    `n` rows are in use; the matrices have spare capacity beyond them. Each column is also an
    attribute (`members.fit`, `members.role`, ...): a view of its row of `F` or `I`, so writes go
    to the table. Views taken before the table grows (`append`) no longer point at it.
    """

    def __init__(self, capacity: int) -> None:
        self.F = np.array([np.full(capacity, fill, dtype=np.float64) for _, fill, _ in FLOAT_COLUMNS])
        self.Z = np.array([np.full(capacity, fill, dtype=np.int64) for _, fill, _ in INT_COLUMNS])
        self.n = 0

    @classmethod
    def empty(cls, capacity: int = 256) -> MemberTable:
        """A table with room for `capacity` members and none in use."""
        return cls(capacity)

    @property
    def capacity(self) -> int:
        return self.F.shape[1]

    def append(self, count: int) -> np.ndarray:
        """Make room for `count` new members (their columns hold the fill values); returns their rows."""
        if count <= 0:
            return np.empty(0, dtype=np.int64)
        if self.n + count > self.capacity:
            capacity = max(2 * self.capacity, self.n + count)
            self.F = np.array(
                [_grow(self.F[j], capacity, fill) for j, (_, fill, _) in enumerate(FLOAT_COLUMNS)]
            )
            self.Z = np.array(
                [_grow(self.Z[j], capacity, fill) for j, (_, fill, _) in enumerate(INT_COLUMNS)]
            )
        rows = np.arange(self.n, self.n + count)
        self.n += count
        return rows


def _column(matrix: str, index: int, doc: str) -> property:
    return property(lambda self: getattr(self, matrix)[index], doc=doc)


for _j, (_name, _, _doc) in enumerate(FLOAT_COLUMNS):
    setattr(MemberTable, _name, _column("F", _j, _doc))
for _j, (_name, _, _doc) in enumerate(INT_COLUMNS):
    setattr(MemberTable, _name, _column("Z", _j, _doc))


@dataclass
class TieLog:
    """Undirected ties as an append-only edge list; repeated pairs add up.

    `alive` turns False once either end has left, so tie strength counts present partners only.
    A node index (edge ids sorted by endpoint) covers all but the newest edges, so finding a
    leaver's edges costs O(its edges + unindexed tail) rather than a scan of the whole log.
    """

    src: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.int32))
    dst: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.int32))
    weight: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.float32))
    alive: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.bool_))
    day: np.ndarray = field(default_factory=lambda: np.empty(1024, dtype=np.int32))
    lasting: np.ndarray = field(default_factory=lambda: np.zeros(1024, dtype=np.bool_))  # predates the group
    n: int = 0
    _index_nodes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    _index_edges: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _indexed: int = 0

    TAIL = 8192  # unindexed edges tolerated before they are merged into the index (a merge copies the log)

    def add(self, a: np.ndarray, b: np.ndarray, weight: float, day: int, tie_strength: np.ndarray,
            tie_count: np.ndarray, lasting: bool = False) -> None:  # fmt: skip
        """Log ties a[k]-b[k] of strength `weight` formed on `day` (self-ties are dropped) and add
        them to both ends' tie strength and count. `lasting` ties predate the group (friends who
        invited each other, the owner and the founders they asked) and do not fade with it."""
        count = a.shape[0]
        if count == 0:
            return
        if self.n + count > self.src.shape[0]:
            capacity = max(2 * self.src.shape[0], self.n + count)
            self.src = _grow(self.src, capacity)
            self.dst = _grow(self.dst, capacity)
            self.weight = _grow(self.weight, capacity)
            self.alive = _grow(self.alive, capacity, False)
            self.day = _grow(self.day, capacity)
            self.lasting = _grow(self.lasting, capacity, False)
        start = self.n
        self.n = ties.form(a, b, weight, day, self.n, self.src, self.dst, self.weight, self.alive, self.day,
                           tie_strength, tie_count)  # fmt: skip
        self.lasting[start : self.n] = lasting
        if self.n - self._indexed > self.TAIL:
            self._extend_index()

    def _extend_index(self) -> None:
        """Merge the unindexed tail into the sorted node index (sort the tail, then one merge)."""
        lo, hi = self._indexed, self.n
        nodes = np.concatenate([self.src[lo:hi], self.dst[lo:hi]])
        edges = np.concatenate([np.arange(lo, hi), np.arange(lo, hi)])
        order = np.argsort(nodes, kind="stable")
        nodes, edges = nodes[order], edges[order]
        at = np.searchsorted(self._index_nodes, nodes, side="right")
        self._index_nodes = np.insert(self._index_nodes, at, nodes)
        self._index_edges = np.insert(self._index_edges, at, edges)
        self._indexed = hi

    def edges_of(self, rows: np.ndarray, n_members: int) -> np.ndarray:
        """Ids of all logged edges (alive or not) touching any member in `rows` (rows < n_members)."""
        first = np.searchsorted(self._index_nodes, rows, side="left")
        last = np.searchsorted(self._index_nodes, rows, side="right")
        if rows.shape[0] == 1:  # the common case: one leaver, one slice of the index
            indexed = self._index_edges[first[0] : last[0]]
        else:
            sizes = last - first
            offsets = np.repeat(first - (np.cumsum(sizes) - sizes), sizes)
            indexed = self._index_edges[offsets + np.arange(offsets.shape[0])]
        lo = self._indexed
        if lo == self.n:
            return indexed
        mark = np.zeros(n_members, dtype=bool)
        mark[rows] = True
        tail_hit = mark[self.src[lo : self.n]] | mark[self.dst[lo : self.n]]
        return np.concatenate([indexed, lo + np.flatnonzero(tail_hit)])

    def drop_members(self, rows: np.ndarray, tie_strength: np.ndarray, tie_count: np.ndarray) -> None:
        """Retire the live edges of members in `rows`, taking them off both ends' tie strength and count."""
        ids = self.edges_of(rows, tie_strength.shape[0])
        ties.retire(ids, self.src, self.dst, self.weight, self.alive, tie_strength, tie_count)

    def fade(self, day: int, half_life: float, forget_below: float, dunbar: float, tie_strength: np.ndarray,
             tie_count: np.ndarray) -> int:  # fmt: skip
        """A night without contact for every live edge formed in the group (`ties.fade`); returns
        the edges forgotten."""
        return ties.fade(self.n, self.src, self.dst, self.weight, self.alive, self.lasting, self.day, tie_strength,
                         tie_count, day, half_life, forget_below, dunbar)  # fmt: skip

    def edges(self, live_only: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(src, dst, weight) with repeated pairs summed; only ties between present members by default."""
        keep = self.alive[: self.n] if live_only else np.ones(self.n, dtype=bool)
        a = self.src[: self.n][keep].astype(np.int64)
        b = self.dst[: self.n][keep].astype(np.int64)
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        if lo.size == 0:
            return lo, hi, np.empty(0)
        key = lo * (int(hi.max()) + 1) + hi
        uniq, inverse = np.unique(key, return_inverse=True)
        w = np.bincount(inverse, self.weight[: self.n][keep].astype(np.float64))
        first = np.zeros(uniq.shape[0], dtype=np.int64)
        first[inverse] = np.arange(inverse.shape[0])
        return lo[first], hi[first], w

    def neighbours(self, member: int) -> dict[int, float]:
        """Present partners of one member and the summed tie strength to each."""
        ids = self.edges_of(
            np.array([member]),
            int(max(self.src[: self.n].max(initial=0), self.dst[: self.n].max(initial=0), member)) + 1,
        )
        ids = ids[self.alive[ids]]
        out: dict[int, float] = {}
        for a, b, w in zip(self.src[ids], self.dst[ids], self.weight[ids]):
            other = int(b if a == member else a)
            out[other] = out.get(other, 0.0) + float(w)
        return out


@dataclass
class GroupTable:
    """Per-group state of the community (one group unless the matrix opens more)."""

    founded_day: list[int] = field(default_factory=list)
    last_value_day: list[int] = field(default_factory=list)
    dead_day: list[int] = field(default_factory=list)  # -1 while alive
    lifespan: list[int] = field(default_factory=list)  # last value day before death
    dissolved_day: list[int] = field(default_factory=list)  # -1 unless dissolved/merged away
    # a focused group serves the sub-topics i with i % focus_modulus == focus_slot (modulus 0: all)
    focus_slot: list[int] = field(default_factory=list)
    focus_modulus: list[int] = field(default_factory=list)
    fit_bonus: list[float] = field(default_factory=list)  # fit gain of members whose sub-topic it serves

    def open(self, day: int, focus_slot: int = 0, focus_modulus: int = 0, fit_bonus: float = 0.0) -> int:
        """Open a new group on `day` (general unless focused); returns its index."""
        self.founded_day.append(day)
        self.last_value_day.append(day)
        self.dead_day.append(-1)
        self.lifespan.append(-1)
        self.dissolved_day.append(-1)
        self.focus_slot.append(focus_slot)
        self.focus_modulus.append(focus_modulus)
        self.fit_bonus.append(fit_bonus)
        return len(self.founded_day) - 1

    def focused(self, g: int) -> bool:
        return self.focus_modulus[g] > 0

    def serves(self, g: int, interest: np.ndarray) -> np.ndarray:
        """Whether group `g` is focused on each of these sub-topics (a general group serves none)."""
        if self.focus_modulus[g] == 0:
            return np.zeros(np.shape(interest), dtype=bool)
        return np.asarray(interest) % self.focus_modulus[g] == self.focus_slot[g]

    @property
    def count(self) -> int:
        return len(self.founded_day)

    def open_mask(self) -> np.ndarray:
        """A flag per group: not dissolved or merged away."""
        return np.asarray(self.dissolved_day) < 0

    def open_groups(self) -> list[int]:
        """Groups not dissolved (dead groups stay open unless dissolved or merged)."""
        return [g for g in range(self.count) if self.dissolved_day[g] < 0]

    def alive_groups(self) -> list[int]:
        return [g for g in range(self.count) if self.dead_day[g] < 0 and self.dissolved_day[g] < 0]
