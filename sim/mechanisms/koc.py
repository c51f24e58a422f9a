"""KOC promotion (seed 002 打造KOC): the operator gives active members a title, admin rights and a
monthly reward so they help run the group — extra moderation capacity, @-mentions and replies that
do not cost operator hours.
"""

from __future__ import annotations

import numpy as np


def pick_kocs(candidates: np.ndarray, recent_activity: np.ndarray, vacancies: int) -> np.ndarray:
    """The most active candidates (by recent posting and replying) to fill `vacancies` KOC posts."""
    if vacancies <= 0 or candidates.shape[0] == 0:
        return candidates[:0]
    score = recent_activity[candidates]
    keep = candidates[score > 0]
    score = score[score > 0]
    order = np.argsort(-score, kind="stable")
    return keep[order[:vacancies]]
