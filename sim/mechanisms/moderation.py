"""Group rules and their enforcement (群规, seed 000 §2 and 003).

Violations (member ads when ads are banned, off-topic chatter when it is banned) are caught in
proportion to enforcement capacity, which grows with the admins (owner time, volunteer admins,
KOCs) relative to the number of violations. Caught messages are removed after some readers saw
them; violators are warned and, past the allowed warnings, kicked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.mechanisms.groups import per_member
from sim.scenario.schema import Rules


@dataclass(frozen=True)
class Enforcement:
    caught: np.ndarray  # bool per member: a violation of theirs was caught today
    kicked: np.ndarray  # bool per member: caught past the allowed warnings
    removed_ads: np.ndarray  # per group
    removed_chatter: np.ndarray  # per group
    operator_hours: float = 0.0  # owner's time spent on the violations the admins could not handle


def capacity(admins_in_group: np.ndarray, owner_hours_in_group: np.ndarray, rules: Rules) -> np.ndarray:
    """Violations each group's moderators can handle today: its admins plus its share of the owner's time."""
    return (
        admins_in_group * rules.handled_per_admin_per_day
        + owner_hours_in_group * rules.handled_per_operator_hour
    )


def enforce(
    rng: np.random.Generator,
    ads: np.ndarray,
    chatter: np.ndarray,
    group: np.ndarray,
    warnings: np.ndarray,
    moderators: Callable[[], np.ndarray],
    operator_hours_left: float,
    open_groups: np.ndarray,
    rules: Rules,
) -> Enforcement:
    """Catch violations with probability min(1, capacity / violations) in each group.

    `moderators()` gives the admins and KOCs per group; it is called only on a day with something
    to catch. The owner's hours left after the SOP are shared evenly by the open groups (a boolean
    per group); the hours the owner actually spends are returned so they can be costed.
    """
    n_groups = open_groups.shape[0]
    viol_ads = ads if rules.ban_ads else np.zeros_like(ads)
    viol_chat = chatter if rules.ban_off_topic else np.zeros_like(chatter)
    violations = viol_ads + viol_chat
    if not rules.enabled or not violations.any():
        none = np.zeros(ads.shape[0], dtype=bool)
        return Enforcement(none, none, np.zeros(n_groups), np.zeros(n_groups))
    admins = moderators()
    owner_hours = open_groups * (operator_hours_left / max(1, int(open_groups.sum())))
    cap = capacity(admins, owner_hours, rules)
    per_group = np.bincount(group, violations, minlength=n_groups)
    p_catch = np.minimum(1.0, cap / np.maximum(per_group, 1.0))
    caught = (violations > 0) & (rng.random(ads.shape[0]) < per_member(p_catch, group))
    kicked = caught & (warnings + 1 > rules.warnings_before_kick)
    removed_ads = np.bincount(group, viol_ads * caught, minlength=n_groups)
    removed_chat = np.bincount(group, viol_chat * caught, minlength=n_groups)
    left_to_owner = np.maximum(removed_ads + removed_chat - admins * rules.handled_per_admin_per_day, 0.0)
    hours = float(np.minimum(owner_hours, left_to_owner / max(rules.handled_per_operator_hour, 1e-9)).sum())
    return Enforcement(caught, kicked, removed_ads, removed_chat, hours)
