"""Entry thresholds (入群门槛, seed 003; 设定门槛, seed 001): fewer but better-fitting, committed members.

Each threshold is a filter on prospects: vetting screens on (noisily) observed fit, share-to-join
admits those motivated enough to post the group to their feed, paid admits those whose
willingness to pay exceeds the price. Passing a costly threshold also leaves a commitment that
lowers the member's hazard of leaving.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.schema import Entry


@dataclass(frozen=True)
class Admission:
    admitted: np.ndarray  # bool per prospect
    commitment: np.ndarray  # per admitted prospect, 0..1
    fees_yuan: float  # revenue from entry fees
    shares: int  # share-to-join posts made (they bring extra prospects tomorrow)
    vetted: int  # applicants the operator had to look at
    spam_pass: float = 1.0  # share of would-be advertisers the threshold lets through


def admit(rng: np.random.Generator, fit: np.ndarray, entry: Entry) -> Admission:
    """Apply the entry threshold to prospects of the given fit."""
    count = fit.shape[0]
    kind = entry.threshold
    if kind == "none" or count == 0:
        ones = np.ones(count, dtype=bool)
        return Admission(ones, np.zeros(count), 0.0, 0, 0)
    if kind == "vetting":
        observed = fit + 0.15 * rng.standard_normal(count)
        admitted = observed > 0.2 + 0.5 * entry.strictness
        commitment = 0.5 * entry.commitment
        # a name card usually gives a 微商 away
        return Admission(
            admitted,
            np.full(int(admitted.sum()), commitment),
            0.0,
            0,
            count,
            spam_pass=1.0 - entry.strictness,
        )
    if kind == "share_to_join":
        # sharing costs face; people do it in proportion to how much they want in
        admitted = rng.random(count) < fit ** (1.0 + 3.0 * entry.strictness)
        n = int(admitted.sum())
        return Admission(admitted, np.full(n, 0.3 * entry.commitment), 0.0, n, 0)
    # paid / deposit: willingness to pay scales with fit, lognormal between people
    willingness = entry.willingness_to_pay_yuan * fit * np.exp(0.5 * rng.standard_normal(count))
    admitted = willingness >= entry.price_yuan
    n = int(admitted.sum())
    price_share = entry.price_yuan / (entry.price_yuan + entry.willingness_to_pay_yuan)
    commitment = entry.commitment * min(1.0, 2.0 * price_share) if entry.price_yuan > 0 else 0.0
    # some advertisers will pay to reach an audience, most won't
    return Admission(admitted, np.full(n, commitment), n * entry.price_yuan, 0, 0, spam_pass=0.5)
