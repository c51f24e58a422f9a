"""Group rules and their enforcement (群规, seed 000 §2 and 003).

Violations (member ads when ads are banned, off-topic chatter when it is banned) are caught in
proportion to enforcement capacity, which grows with the admins (owner time, volunteer admins,
KOCs) relative to the number of violations. Caught messages are removed after some readers saw
them; violators are warned and, past the allowed warnings, kicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from sim.mechanisms.groups import per_member
from sim.scenario.schema import Rules


@dataclass(frozen=True)
class Enforcement:
    caught: np.ndarray  # bool per member: a violation of theirs was caught today
    kicked: np.ndarray  # bool per member: caught past the allowed warnings
    removed_ads: np.ndarray  # per group
    removed_chatter: np.ndarray  # per group


def capacity(admins_in_group: np.ndarray, operator_hours_left: float, rules: Rules) -> np.ndarray:
    """Violations each group's moderators can handle today (the owner's hours are shared evenly)."""
    share = operator_hours_left / max(1, admins_in_group.shape[0])
    return admins_in_group * rules.handled_per_admin_per_day + share * rules.handled_per_operator_hour


def enforce(
    rng: np.random.Generator,
    ads: np.ndarray,
    chatter: np.ndarray,
    group: np.ndarray,
    warnings: np.ndarray,
    cap: np.ndarray | Callable[[], np.ndarray],
    rules: Rules,
    n_groups: int | None = None,
) -> Enforcement:
    """Catch violations with probability min(1, capacity / violations) in each group.

    `cap` may be a function computing the capacity, called only if there is something to catch.
    """
    if n_groups is None:
        if callable(cap):
            raise ValueError("n_groups is needed when the capacity is computed lazily")
        n_groups = cap.shape[0]
    viol_ads = ads if rules.ban_ads else np.zeros_like(ads)
    viol_chat = chatter if rules.ban_off_topic else np.zeros_like(chatter)
    violations = viol_ads + viol_chat
    if not rules.enabled or not violations.any():
        none = np.zeros(ads.shape[0], dtype=bool)
        return Enforcement(none, none, np.zeros(n_groups), np.zeros(n_groups))
    if callable(cap):
        cap = cap()
        n_groups = cap.shape[0]
    per_group = np.bincount(group, violations, minlength=n_groups)
    p_catch = np.minimum(1.0, cap / np.maximum(per_group, 1.0))
    caught = (violations > 0) & (rng.random(ads.shape[0]) < per_member(p_catch, group))
    kicked = caught & (warnings + 1 > rules.warnings_before_kick)
    removed_ads = np.bincount(group, viol_ads * caught, minlength=n_groups)
    removed_chat = np.bincount(group, viol_chat * caught, minlength=n_groups)
    return Enforcement(caught, kicked, removed_ads, removed_chat)
