"""Member, group and tie state as NumPy arrays (structure of arrays).

Every member who ever joined has a row; rows are never removed (departed members keep their
history for the per-member table). Mechanisms read and update whole columns at once; the Mesa
`Member` agents are thin views onto a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

NEVER = -(10**6)  # "day" of something that has not happened (far in the past)


def _grow(array: np.ndarray, capacity: int, fill: float | int = 0) -> np.ndarray:
    out = np.full(capacity, fill, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


@dataclass
class MemberTable:
    """Per-member columns. `n` rows are in use; arrays have spare capacity beyond them."""

    # identity and trajectory
    group: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    role: np.ndarray = field(metadata={"dtype": np.int8, "fill": 0})
    role_at_join: np.ndarray = field(metadata={"dtype": np.int8, "fill": 0})
    state: np.ndarray = field(metadata={"dtype": np.int8, "fill": 0})
    channel: np.ndarray = field(metadata={"dtype": np.int8, "fill": 0})
    inviter: np.ndarray = field(metadata={"dtype": np.int32, "fill": -1})
    join_day: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    exit_day: np.ndarray = field(metadata={"dtype": np.int32, "fill": -1})
    first_mute_day: np.ndarray = field(metadata={"dtype": np.int32, "fill": -1})
    # traits (fixed at join, except fit which a split can raise)
    fit: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    interest: np.ndarray = field(metadata={"dtype": np.int16, "fill": 0})
    attention: np.ndarray = field(metadata={"dtype": np.float64, "fill": 1.0})
    tolerance: np.ndarray = field(metadata={"dtype": np.float64, "fill": 1.0})
    activity: np.ndarray = field(metadata={"dtype": np.float64, "fill": 1.0})
    sociability: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.5})
    restlessness: np.ndarray = field(
        metadata={"dtype": np.float64, "fill": 1.0}
    )  # multiplier on leaving hazard
    speak: np.ndarray = field(metadata={"dtype": np.float64, "fill": 1.0})  # KOL activity; 1 otherwise
    spammer: np.ndarray = field(metadata={"dtype": np.bool_, "fill": False})
    commitment: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    # dynamic state
    satisfaction: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    trust: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})  # slow memory of good experience
    activation: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    buzz: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    tie_strength: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    tie_count: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})  # live edges touching the member
    reward: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    recent_activity: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    warnings: np.ndarray = field(metadata={"dtype": np.int16, "fill": 0})
    invite_appetite: np.ndarray = field(metadata={"dtype": np.float64, "fill": 1.0})
    last_value_day: np.ndarray = field(metadata={"dtype": np.int32, "fill": NEVER})
    last_post_day: np.ndarray = field(metadata={"dtype": np.int32, "fill": NEVER})
    value_weeks: np.ndarray = field(metadata={"dtype": np.uint16, "fill": 0})
    week_points: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    # lifetime counters
    value_posts: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    chatter_posts: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    ads_posted: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    replies_given: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    replies_received: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    invitations_sent: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    mentions_received: np.ndarray = field(metadata={"dtype": np.int32, "fill": 0})
    points: np.ndarray = field(metadata={"dtype": np.float64, "fill": 0.0})
    n: int = 0

    @classmethod
    def empty(cls, capacity: int = 256) -> MemberTable:
        """A table with room for `capacity` members and none in use."""
        columns = {
            f.name: np.full(capacity, f.metadata["fill"], dtype=f.metadata["dtype"])
            for f in fields(cls)
            if "dtype" in f.metadata
        }
        return cls(**columns, n=0)

    @property
    def capacity(self) -> int:
        return self.group.shape[0]

    def append(self, count: int, **columns: np.ndarray | float | int) -> np.ndarray:
        """Add `count` members with the given column values; returns their row indices.

        Columns not given keep their fill value (see the field metadata).
        """
        if count <= 0:
            return np.empty(0, dtype=np.int64)
        if self.n + count > self.capacity:
            new_capacity = max(2 * self.capacity, self.n + count)
            for f in fields(self):
                if "dtype" in f.metadata:
                    setattr(self, f.name, _grow(getattr(self, f.name), new_capacity, f.metadata["fill"]))
        rows = np.arange(self.n, self.n + count)
        for name, value in columns.items():
            getattr(self, name)[self.n : self.n + count] = value
        self.n += count
        return rows


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
    n: int = 0
    _index_nodes: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    _index_edges: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _indexed: int = 0

    TAIL = 8192  # unindexed edges tolerated before they are merged into the index (a merge copies the log)

    def add(self, src: np.ndarray, dst: np.ndarray, weight: float | np.ndarray, day: int) -> None:
        """Append edges (self-loops are dropped by the caller)."""
        count = src.shape[0]
        if count == 0:
            return
        if self.n + count > self.src.shape[0]:
            capacity = max(2 * self.src.shape[0], self.n + count)
            self.src = _grow(self.src, capacity)
            self.dst = _grow(self.dst, capacity)
            self.weight = _grow(self.weight, capacity)
            self.alive = _grow(self.alive, capacity, False)
            self.day = _grow(self.day, capacity)
        end = self.n + count
        self.src[self.n : end] = src
        self.dst[self.n : end] = dst
        self.weight[self.n : end] = weight
        self.alive[self.n : end] = True
        self.day[self.n : end] = day
        self.n = end
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
        ids = ids[self.alive[ids]]
        if rows.shape[0] > 1:
            ids = np.unique(ids)  # an edge between two leavers appears twice
        self.alive[ids] = False
        n = tie_strength.shape[0]
        ends = np.concatenate([self.src[ids], self.dst[ids]])
        w = self.weight[ids].astype(np.float64)
        tie_strength -= np.bincount(ends, np.concatenate([w, w]), minlength=n)
        tie_count -= np.bincount(ends, minlength=n).astype(tie_count.dtype)
        np.maximum(tie_strength, 0.0, out=tie_strength)  # float round-off must not leave negative ties

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

    def open_groups(self) -> list[int]:
        """Groups not dissolved (dead groups stay open unless dissolved or merged)."""
        return [g for g in range(self.count) if self.dissolved_day[g] < 0]

    def alive_groups(self) -> list[int]:
        return [g for g in range(self.count) if self.dead_day[g] < 0 and self.dissolved_day[g] < 0]
