"""Role transitions both ways (seed 004: 相互影响和转换).

Lurkers become commenters when drawn in (activation from topics and @-mentions, replies, ties);
commenters become creators when their posts get answered; creators who go unanswered, and
commenters who disengage, slide back.
"""

from __future__ import annotations

import numpy as np

from sim.enums import Role
from sim.scenario.schema import Roles


def transition(
    rng: np.random.Generator,
    role: np.ndarray,
    eligible: np.ndarray,
    fit: np.ndarray,
    activation: np.ndarray,
    replied_to: np.ndarray,
    reward: np.ndarray,
    satisfaction: np.ndarray,
    r: Roles,
) -> np.ndarray:
    """New role of each member (only `eligible` lurkers/commenters/creators may change)."""
    drawn_in = 1.0 - np.exp(-(activation + replied_to))
    answered = np.tanh(reward / r.reward_scale)
    unhappy = np.clip(-satisfaction, 0.0, 2.0)
    u = rng.random(role.shape[0])
    new = role.copy()
    lurker = eligible & (role == Role.LURKER)
    commenter = eligible & (role == Role.COMMENTER)
    creator = eligible & (role == Role.CREATOR)
    up_c = commenter & (u < r.commenter_to_creator * answered * fit)
    down_c = commenter & ~up_c & (u > 1.0 - r.commenter_to_lurker * (1.0 - drawn_in) * (0.5 + unhappy))
    new[lurker & (u < r.lurker_to_commenter * drawn_in * fit)] = Role.COMMENTER
    new[up_c] = Role.CREATOR
    new[down_c] = Role.LURKER
    new[creator & (u < r.creator_to_commenter * (1.0 - answered) * (0.5 + unhappy))] = Role.COMMENTER
    return new
