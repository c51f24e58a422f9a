"""`TieLog` retires a leaver's ties exactly as a brute-force recount over all edges would.

Hypothesis draws edge batches between present members and sets of leavers, in any order, with a
node index that is merged often (small TAIL) or never (the default TAIL), and every query is
compared with a recount from the plain list of edges.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.state import MemberTable, TieLog

N = 12  # members in a drawn history


@st.composite
def histories(draw):
    """A TAIL and a list of operations: ('add', [(a, b, w), ...]) or ('drop', [rows])."""
    tail = draw(st.sampled_from([0, 1, 3, 7, TieLog.TAIL]))
    present = set(range(N))
    ops = []
    for _ in range(draw(st.integers(1, 12))):
        if len(present) >= 2 and draw(st.booleans()):
            members = sorted(present)
            pair = st.tuples(st.sampled_from(members), st.sampled_from(members)).filter(
                lambda p: p[0] != p[1]
            )
            weight = st.one_of(st.just(0.15), st.just(0.03), st.floats(0.001, 5.0, allow_nan=False))
            edges = draw(
                st.lists(
                    st.tuples(pair, weight).map(lambda t: (t[0][0], t[0][1], t[1])), min_size=1, max_size=15
                )
            )
            ops.append(("add", edges))
        elif present:
            leavers = draw(st.lists(st.sampled_from(sorted(present)), min_size=1, max_size=4, unique=True))
            present -= set(leavers)
            ops.append(("drop", leavers))
    return tail, ops


class Recount:
    """The plain list of edges, and which members have left."""

    def __init__(self) -> None:
        self.edges: list[tuple[int, int, float]] = []  # weights as the log stores them (float32)
        self.left: set[int] = set()

    def alive(self) -> list[bool]:
        return [a not in self.left and b not in self.left for a, b, _ in self.edges]

    def strength_and_count(self) -> tuple[np.ndarray, np.ndarray]:
        strength, count = np.zeros(N), np.zeros(N, dtype=np.int64)
        for (a, b, w), live in zip(self.edges, self.alive()):
            if live:
                strength[[a, b]] += w
                count[[a, b]] += 1
        return strength, count

    def pairs(self) -> dict[tuple[int, int], float]:
        out: dict[tuple[int, int], float] = defaultdict(float)
        for (a, b, w), live in zip(self.edges, self.alive()):
            if live:
                out[(min(a, b), max(a, b))] += w
        return dict(out)


def replay(tail: int, ops: list) -> tuple[TieLog, np.ndarray, np.ndarray, Recount]:
    """Apply `ops` the way the model does: add edges (a batch per tie weight) to the log, which adds
    them to both ends' strength and count."""
    log = TieLog()
    log.TAIL = tail
    members = MemberTable.empty(N)
    members.append(N)
    recount = Recount()
    for day, (kind, payload) in enumerate(ops):
        if kind == "add":
            for weight in dict.fromkeys(e[2] for e in payload):
                batch = [e for e in payload if e[2] == weight]
                a = np.array([e[0] for e in batch], dtype=np.int64)
                b = np.array([e[1] for e in batch], dtype=np.int64)
                log.add(a, b, weight, day, members)
                recount.edges += [(x, y, float(np.float32(z))) for x, y, z in batch]
        else:
            log.drop_members(np.array(payload, dtype=np.int64), members)
            recount.left |= set(payload)
    return log, members.tie_strength[:N], members.tie_count[:N], recount


@settings(max_examples=150, deadline=None)
@given(histories())
def test_dropping_members_retires_exactly_their_live_ties(history):
    tail, ops = history
    log, strength, count, recount = replay(tail, ops)
    expected_strength, expected_count = recount.strength_and_count()
    assert log.n == len(recount.edges)
    assert log.alive[: log.n].tolist() == recount.alive()
    assert count.tolist() == expected_count.tolist()
    np.testing.assert_allclose(strength, expected_strength, rtol=1e-6, atol=1e-5)
    assert (strength >= 0).all()
    for member in recount.left:
        assert count[member] == 0 and strength[member] <= 1e-5


@settings(max_examples=100, deadline=None)
@given(histories())
def test_live_edges_and_neighbours_match_the_recount(history):
    tail, ops = history
    log, strength, _, recount = replay(tail, ops)
    src, dst, weight = log.edges()
    assert {(int(a), int(b)): w for a, b, w in zip(src, dst, weight)} == recount.pairs()
    for member in range(N):
        expected = defaultdict(float)
        for (a, b), w in recount.pairs().items():
            if member in (a, b):
                expected[b if a == member else a] += w
        got = log.neighbours(member)
        assert got.keys() == expected.keys()
        for partner, w in got.items():
            assert abs(w - expected[partner]) < 1e-5
        if member not in recount.left:
            assert abs(sum(got.values()) - strength[member]) < 1e-5


@settings(max_examples=100, deadline=None)
@given(histories(), st.lists(st.integers(0, N - 1), min_size=1, max_size=4, unique=True))
def test_edges_of_finds_every_logged_edge_touching_the_rows(history, rows):
    tail, ops = history
    log, *_, recount = replay(tail, ops)
    found = log.edges_of(np.array(rows, dtype=np.int64), N)
    expected = {i for i, (a, b, _) in enumerate(recount.edges) if a in rows or b in rows}
    assert set(found.tolist()) == expected
    if len(rows) == 1:
        assert len(found) == len(expected)  # one row: each of its edges once


def test_an_edge_between_two_leavers_is_taken_off_once():
    log = TieLog()
    members = MemberTable.empty(3)
    members.append(3)
    log.add(np.array([0]), np.array([1]), 0.5, 1, members)
    log.add(np.array([0]), np.array([2]), 0.25, 1, members)
    log.drop_members(np.array([0, 1]), members)
    strength, count = members.tie_strength[:3], members.tie_count[:3]
    assert count.tolist() == [0, 0, 0]
    np.testing.assert_allclose(strength, [0.0, 0.0, 0.0], atol=1e-7)
    assert not log.alive[:2].any()
