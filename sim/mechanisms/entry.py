"""Entry thresholds (入群门槛, seed 003; 设定门槛, seed 001): fewer but better-fitting, committed members.

Each threshold is a filter on prospects: vetting screens on (noisily) observed fit, share-to-join
admits those motivated enough to post the group to their feed, paid admits those whose
willingness to pay exceeds the price. Passing a costly threshold also leaves a commitment that
lowers the member's hazard of leaving.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba as nb
import numpy as np

from sim.mechanisms.draws import normal, uniform
from sim.scenario.schema import Entry

THRESHOLDS = ("none", "vetting", "share_to_join", "paid")


@dataclass(frozen=True)
class Admission:
    admitted: np.ndarray | None  # bool per prospect (None: everyone)
    commitment: np.ndarray | float  # per admitted prospect (or for all), 0..1
    fees_yuan: float  # revenue from entry fees
    shares: int  # share-to-join posts made (they bring extra prospects tomorrow)
    vetted: int  # applicants the operator had to look at
    spam_pass: float = 1.0  # share of would-be advertisers the threshold lets through

    def passed(self, values: np.ndarray) -> np.ndarray:
        """The values (per prospect) of those admitted."""
        return values if self.admitted is None else values[self.admitted]


@nb.njit(cache=True)
def passes(
    key: np.uint64, day: int, batch: int, fit: np.ndarray, kind: int, strictness: float, price: float,
    willingness_to_pay: float,
) -> np.ndarray:  # fmt: skip
    """Which prospects pass the threshold (`kind` indexes `THRESHOLDS`). `batch` tells apart the
    day's groups of applicants (founders, invitees, organic prospects)."""
    admitted = np.ones(fit.shape[0], dtype=np.bool_)
    for k in range(fit.shape[0]):
        if kind == 1:  # vetting: a name card shows fit, with some noise
            admitted[k] = fit[k] + 0.15 * normal(key, day, k, batch) > 0.2 + 0.5 * strictness
        elif kind == 2:  # sharing costs face; people do it in proportion to how much they want in
            admitted[k] = uniform(key, day, k, batch) < fit[k] ** (1.0 + 3.0 * strictness)
        elif kind == 3:  # willingness to pay scales with fit, lognormal between people
            admitted[k] = willingness_to_pay * fit[k] * np.exp(0.5 * normal(key, day, k, batch)) >= price
    return admitted


def admit(key: np.uint64, day: int, batch: int, fit: np.ndarray, entry: Entry) -> Admission:
    """Apply the entry threshold to prospects of the given fit."""
    count = fit.shape[0]
    kind = entry.threshold
    if kind == "none" or count == 0:
        return Admission(None, 0.0, 0.0, 0, 0)
    admitted = passes(key, day, batch, fit, THRESHOLDS.index(kind), entry.strictness, entry.price_yuan,
                      entry.willingness_to_pay_yuan)  # fmt: skip
    n = int(admitted.sum())
    if kind == "vetting":  # a name card usually gives a 微商 away
        return Admission(
            admitted, np.full(n, 0.5 * entry.commitment), 0.0, 0, count, spam_pass=1.0 - entry.strictness
        )
    if kind == "share_to_join":
        return Admission(admitted, np.full(n, 0.3 * entry.commitment), 0.0, n, 0)
    price_share = entry.price_yuan / (entry.price_yuan + entry.willingness_to_pay_yuan)
    commitment = entry.commitment * min(1.0, 2.0 * price_share) if entry.price_yuan > 0 else 0.0
    # some advertisers will pay to reach an audience, most won't
    return Admission(admitted, np.full(n, commitment), n * entry.price_yuan, 0, 0, spam_pass=0.5)
