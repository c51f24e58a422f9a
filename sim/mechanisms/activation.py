"""Activation: how drawn in a member is today (seed 004 ⑼: topics and prompts give commenters
something to comment on; @-mentions, KOL sparks, events), and buzz, the excitement of red packets
and lotteries. Both lift posting today and fade overnight.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, BUZZ, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN


@nb.njit(cache=True)
def prompt(n: int, F: np.ndarray, Z: np.ndarray, prompts: np.ndarray, boost: float) -> None:
    """Topic prompts (话题) in a group draw its active members (not the operator's side) into
    discussion: activation + boost per prompt."""
    for i in range(n):
        if Z[STATE, i] == ACTIVE and Z[ROLE, i] != ADMIN:
            F[ACTIVATION, i] += boost * prompts[Z[GROUP, i]]


@nb.njit(cache=True)
def fade(n: int, F: np.ndarray, decay: float, cap: float, buzz_decay: float) -> None:
    """Overnight, activation keeps a share `decay` (and never exceeds `cap`), buzz a share `buzz_decay`."""
    for i in range(n):
        F[ACTIVATION, i] = min(F[ACTIVATION, i] * decay, cap)
        F[BUZZ, i] *= buzz_decay
