"""A group's culture: its shared identity as a stock (seed 001 第4步 "文化是社群的灵魂 … 社群文化体系
至少包括社群目标、价值观、社群公约"; seed 003 宣言 "需要时时重复,以加深群成员的群意识"; seed 000
"胡亂拉人 … 導致群定位產生偏離").

Each group g holds C_g in [0, 1]. Every day

    build_g   = 1 - (1 - manifesto_gain)^reminders * (1 - event_gain)^events * (1 - ritual_gain)^[newcomers welcomed]
                    * (1 - task_gain * checkin_share)
    erosion_g = misfit_erosion * misfit_share + ad_erosion * ad_share + offtopic_erosion * chatter_share
    C_g      <- clip((C_g + build_g * (1 - C_g) - erosion_g * C_g) * keep, 0, 1)

where the shares are of present members (misfits: fit below `misfit_fit`) and of the messages read
in the group (ads, off-topic chatter), and keep = 0.5^(1 / half-life): culture that is not renewed
fades. So positioning drift is not a parameter: it follows from who is in the group and what they
post. Culture acts on members three ways: belonging (identity utility `belonging * C_g * fit`),
holding them (leaving hazard x (1 - retention * C_g)) and opening member-led referral
(relationship invitations x min(1, C_g / referral_level): 裂变的前提是…亚文化体系).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import CHANNEL, FIT, GROUP, JOIN_DAY, ROLE, SATISFACTION, STATE
from sim.enums import ADMIN, MUTED, OPERATOR
from sim.scenario.schema import Culture


@nb.njit(cache=True)
def misfit_share(n: int, n_groups: int, F: np.ndarray, Z: np.ndarray, misfit_fit: float) -> np.ndarray:
    """Share of each group's present members (not the operator's side) whose fit is below `misfit_fit`."""
    present, misfits = np.zeros(n_groups), np.zeros(n_groups)
    for i in range(n):
        if Z[STATE, i] <= MUTED and Z[ROLE, i] != ADMIN:
            present[Z[GROUP, i]] += 1.0
            misfits[Z[GROUP, i]] += F[FIT, i] < misfit_fit
    out = np.zeros(n_groups)
    for g in range(n_groups):
        out[g] = misfits[g] / present[g] if present[g] > 0 else 0.0
    return out


def build(
    c: Culture, reminders: np.ndarray, events: np.ndarray, welcomed: np.ndarray, task_share: np.ndarray
) -> np.ndarray:
    """Share of the gap to a full culture closed today in each group, by reminders, events,
    a welcome ritual (on a day with newcomers) and a shared task (the share who checked in)."""
    untouched = (
        (1.0 - c.manifesto.gain) ** reminders
        * (1.0 - c.event_gain) ** events
        * (1.0 - c.ritual_gain) ** (welcomed > 0)
        * (1.0 - c.task_gain * task_share)
    )
    return 1.0 - untouched


def erosion(
    c: Culture, misfits: np.ndarray, ads: np.ndarray, chatter: np.ndarray, volume: np.ndarray
) -> np.ndarray:
    """Share of culture lost today in each group: misfits among the members, ads and off-topic
    chatter among the messages (shares of the group's reading volume)."""
    volume = np.maximum(volume, 1.0)
    return (
        c.misfit_erosion * misfits
        + c.ad_erosion * np.minimum(ads / volume, 1.0)
        + c.offtopic_erosion * np.minimum(chatter / volume, 1.0)
    )


def update(c: Culture, culture: np.ndarray, gained: np.ndarray, lost: np.ndarray) -> None:
    """Today's change of each group's culture, in place (see the module docstring)."""
    keep = 0.5 ** (1.0 / c.half_life_days) if c.half_life_days > 0 else 1.0
    culture[:] = np.clip((culture + gained * (1.0 - culture) - lost * culture) * keep, 0.0, 1.0)


@nb.njit(cache=True)
def belong(
    n: int, F: np.ndarray, Z: np.ndarray, culture: np.ndarray, belonging: float, identity: np.ndarray
) -> None:
    """Belonging felt today by present members (not the operator's side): belonging x culture x fit,
    added to their identity utility."""
    for i in range(n):
        if Z[STATE, i] <= MUTED and Z[ROLE, i] != ADMIN:
            identity[i] += belonging * culture[Z[GROUP, i]] * F[FIT, i]


def hold(c: Culture, culture: np.ndarray) -> np.ndarray:
    """Multiplier on the leaving hazard in each group (1 when culture is not tracked)."""
    return 1.0 - c.retention * culture if c.enabled else np.ones(culture.shape[0])


def referral_gate(c: Culture, culture: np.ndarray) -> np.ndarray:
    """Multiplier on member-led (relationship) invitations in each group (1 when culture is not tracked)."""
    return np.minimum(culture / c.referral_level, 1.0) if c.enabled else np.ones(culture.shape[0])


@nb.njit(cache=True)
def welcome(n: int, n_groups: int, Z: np.ndarray, F: np.ndarray, day: int, joy: float) -> np.ndarray:
    """A welcome ritual (迎新仪式) for today's newcomers who chose to join: each gets `joy` of
    satisfaction. Returns the newcomers welcomed in each group."""
    out = np.zeros(n_groups)
    for i in range(n):
        if (
            Z[JOIN_DAY, i] == day
            and Z[CHANNEL, i] != OPERATOR
            and Z[ROLE, i] != ADMIN
            and Z[STATE, i] <= MUTED
        ):
            F[SATISFACTION, i] += joy
            out[Z[GROUP, i]] += 1.0
    return out
