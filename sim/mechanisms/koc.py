"""KOC promotion (seed 002 打造KOC): the operator gives active members a title, admin rights and a
monthly reward so they help run the group — extra moderation capacity, @-mentions and replies that
do not cost operator hours.
"""

from __future__ import annotations

import numpy as np

from sim.enums import ACTIVE, KOC


def pick_kocs(candidates: np.ndarray, recent_activity: np.ndarray, vacancies: int) -> np.ndarray:
    """The most active candidates (by recent posting and replying) to fill `vacancies` KOC posts."""
    if vacancies <= 0 or candidates.shape[0] == 0:
        return candidates[:0]
    score = recent_activity[candidates]
    keep = candidates[score > 0]
    score = score[score > 0]
    order = np.argsort(-score, kind="stable")
    return keep[order[:vacancies]]


def repliers(role: np.ndarray, state: np.ndarray, replies_each: int) -> np.ndarray:
    """Rows of active KOCs, each repeated once per reply they give today (guided discussion)."""
    return np.repeat(np.flatnonzero((role == KOC) & (state == ACTIVE)), replies_each)


def mentions_per_group(
    role: np.ndarray, state: np.ndarray, group: np.ndarray, n_groups: int, each: int
) -> np.ndarray:
    """@-mentions the active KOCs of each group send today."""
    kocs = (role == KOC) & (state == ACTIVE)
    return np.bincount(group, kocs, minlength=n_groups).astype(np.int64) * each
