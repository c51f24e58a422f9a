"""Positions for the network view, kept from day to day and relaxed a little each time.

A full spring layout of a 500-member group on every redraw is too slow for a live class, and it
would make the picture jump. `NetworkLayout` instead remembers where every member is, places a
newcomer next to whoever brought them in (their inviter, or a member they already have a tie
with; people added without a tie land on the rim), and then runs a few steps of a
Fruchterman-Reingold relaxation over the present members only. It has its own random generator:
drawing the view never changes what the model does.
"""

from __future__ import annotations

import numpy as np

from sim.enums import State

#: Above this many present members, repulsion is computed against a random sample of them.
_EXACT_REPULSION_UP_TO = 1200
_SAMPLE = 600
#: Pull towards the centre; balances the repulsion of ~all members at a radius of about 1.
_GRAVITY = 4.0


class NetworkLayout:
    """Member positions (one row per member row ever seen), updated incrementally.

    `update(model, src, dst, weight)` returns positions for all `model.members.n` rows; only
    present members' rows are meaningful. `iterations` relaxation steps run per update, more
    (`warmup`) when many members arrived or many ties formed at once (founding, a mass-add).
    """

    def __init__(self, seed: int = 0, iterations: int = 1, warmup: int = 30) -> None:
        self._rng = np.random.default_rng(seed)
        self._pos = np.zeros((0, 2))
        self._ties_seen = 0
        self.iterations = iterations
        self.warmup = warmup

    @property
    def placed(self) -> int:
        """Member rows that have a position."""
        return self._pos.shape[0]

    def update(self, model, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """Place newcomers, relax the present members, and return positions (n x 2)."""
        m = model.members
        n = m.n
        present = np.flatnonzero(m.state[:n] <= State.MUTED)
        new = n - self.placed
        if new > 0:
            self._place(m.inviter[:n].astype(np.int64), present, src, dst, n)
        steps = self.iterations
        new_ties = src.shape[0] - self._ties_seen
        self._ties_seen = src.shape[0]
        if present.shape[0] and (new > 0.2 * present.shape[0] or new_ties > 0.5 * present.shape[0]):
            steps = max(steps, self.warmup)  # founding, a mass-add, a burst of ties: settle quickly
        for _ in range(steps):
            self._relax(present, src, dst, weight)
        return self._pos[:n]

    # ------------------------------------------------------------------ internals

    def _scale(self, count: int) -> float:
        """Ideal distance between neighbours for `count` members in a square of side ~2."""
        return 2.0 / np.sqrt(max(count, 1))

    def _place(
        self, inviter: np.ndarray, present: np.ndarray, src: np.ndarray, dst: np.ndarray, n: int
    ) -> None:
        old = self.placed
        pos = np.zeros((n, 2))
        pos[:old] = self._pos
        rows = np.arange(old, n)
        anchor = inviter[old:n].copy()
        anchor[(anchor >= old) | (anchor < 0)] = -1
        # members without a placed inviter: use any tie to an already placed member
        missing = anchor < 0
        if missing.any() and src.shape[0]:
            partner = np.full(n, -1, dtype=np.int64)
            for a, b in ((src, dst), (dst, src)):
                ok = (a >= old) & (b < old)
                partner[a[ok]] = b[ok]
            anchor[missing] = partner[rows[missing]]
        settled = present[present < old]
        radius = (
            float(np.percentile(np.sqrt((pos[settled] ** 2).sum(axis=1)), 95)) if settled.shape[0] else 0.0
        )
        spread = self._scale(n)
        tied = anchor >= 0
        jitter = self._rng.normal(0.0, 0.5 * spread, size=(rows.shape[0], 2))
        pos[rows[tied]] = pos[anchor[tied]] + jitter[tied]
        # strangers (and the very first members) arrive on the rim, evenly around it
        loose = rows[~tied]
        if loose.shape[0]:
            angle = self._rng.uniform(0, 2 * np.pi, loose.shape[0])
            rim = max(radius * 1.1, 0.3 if old else 0.0) + self._rng.uniform(0, spread, loose.shape[0])
            pos[loose] = np.column_stack([np.cos(angle), np.sin(angle)]) * rim[:, None]
        if old == 0 and n:
            pos[0] = 0.0  # the owner founds the group in the middle
        self._pos = pos

    def _relax(self, present: np.ndarray, src: np.ndarray, dst: np.ndarray, weight: np.ndarray) -> None:
        count = present.shape[0]
        if count < 2:
            return
        pos = self._pos
        k = self._scale(count)
        p = pos[present]
        if count <= _EXACT_REPULSION_UP_TO:
            others, factor = p, 1.0
        else:
            others = p[self._rng.choice(count, _SAMPLE, replace=False)]
            factor = count / _SAMPLE
        p32, o32 = (
            p.astype(np.float32),
            others.astype(np.float32),
        )  # float32 halves the time; plenty for a picture
        dx = p32[:, 0, None] - o32[None, :, 0]
        dy = p32[:, 1, None] - o32[None, :, 1]
        push = np.float32(factor * k * k) / np.maximum(dx * dx + dy * dy, np.float32(1e-6))
        disp = np.column_stack([(dx * push).sum(axis=1), (dy * push).sum(axis=1)]).astype(np.float64)
        # springs along ties (log-weighted so a few strong ties do not collapse everyone)
        if src.shape[0]:
            index = np.full(pos.shape[0], -1, dtype=np.int64)
            index[present] = np.arange(count)
            a, b = index[src], index[dst]
            ok = (a >= 0) & (b >= 0)
            a, b, w = a[ok], b[ok], np.log1p(weight[ok])
            d = p[a] - p[b]
            length = np.sqrt((d**2).sum(axis=1)) + 1e-9
            pull = d * (w * length / k)[:, None]
            np.add.at(disp, a, -pull)
            np.add.at(disp, b, pull)
        disp -= _GRAVITY * p  # keeps loose members and separate groups on screen
        step = np.sqrt((disp**2).sum(axis=1)) + 1e-9
        limit = 0.1 * k
        p += disp * (np.minimum(step, limit) / step)[:, None]
        pos[present] = p
