"""Member, group and tie state as NumPy arrays (structure of arrays).

Every member who ever joined has a row; rows are never removed (departed members keep their
history for the per-member table). Mechanisms read and update whole columns at once; the Mesa
`Member` agents are thin views onto a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.columns import FLOAT_COLUMNS, INT_COLUMNS, NEVER  # noqa: F401  (NEVER: callers import it from here)
from sim.mechanisms import ties


def _grow(array: np.ndarray, capacity: int, fill: float | int = 0) -> np.ndarray:
    out = np.full(capacity, fill, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out


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

    def add(self, a: np.ndarray, b: np.ndarray, weight: float, day: int, members: MemberTable,
            lasting: bool = False) -> None:  # fmt: skip
        """Log ties a[k]-b[k] of strength `weight` formed on `day` (self-ties are dropped) and add
        them to both ends' tie strength and count (and operator tie, for ties with the operator
        side). `lasting` ties predate the group (friends who invited each other, the owner and the
        founders they asked) and do not fade with it."""
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
                           members.F, members.Z)  # fmt: skip
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

    def drop_members(self, rows: np.ndarray, members: MemberTable) -> None:
        """Retire the live edges of members in `rows`, taking them off both ends' tie strength and count."""
        ids = self.edges_of(rows, members.capacity)
        ties.retire(ids, self.src, self.dst, self.weight, self.alive, members.F, members.Z)

    def fade(
        self, day: int, half_life: float, forget_below: float, dunbar: float, members: MemberTable
    ) -> int:
        """A night without contact for every live edge formed in the group (`ties.fade`); returns
        the edges forgotten."""
        return ties.fade(self.n, self.src, self.dst, self.weight, self.alive, self.lasting, self.day, members.F,
                         members.Z, day, half_life, forget_below, dunbar)  # fmt: skip

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

    def owner_present(self) -> np.ndarray:
        """A 1 for the group the owner is in (the first group: a split keeps the owner there)."""
        out = np.zeros(self.count)
        out[0] = 1.0
        return out

    def open_mask(self) -> np.ndarray:
        """A flag per group: not dissolved or merged away."""
        return np.asarray(self.dissolved_day) < 0

    def open_groups(self) -> list[int]:
        """Groups not dissolved (dead groups stay open unless dissolved or merged)."""
        return [g for g in range(self.count) if self.dissolved_day[g] < 0]

    def alive_groups(self) -> list[int]:
        return [g for g in range(self.count) if self.dead_day[g] < 0 and self.dissolved_day[g] < 0]
