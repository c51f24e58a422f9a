"""Role transitions both ways (seed 004: 相互影响和转换).

Lurkers become commenters when drawn in (activation from topics and @-mentions, replies, ties);
commenters become creators when their posts get answered; creators who go unanswered, and
commenters who disengage, slide back.
"""

from __future__ import annotations

import numpy as np

from sim.enums import COMMENTER, CREATOR, LURKER
from sim.scenario.schema import Roles


def transition(
    u: np.ndarray,
    role: np.ndarray,
    eligible: np.ndarray,
    fit: np.ndarray,
    activation: np.ndarray,
    replied_to: np.ndarray,
    reward: np.ndarray,
    satisfaction: np.ndarray,
    r: Roles,
) -> np.ndarray:
    """New role of each member (only `eligible` lurkers/commenters/creators may change); `u` is
    one uniform per member."""
    drawn_in = -np.expm1(
        -(activation + replied_to)
    )  # `activation` includes the pull of ties (see the caller)
    answered = np.tanh(reward / r.reward_scale)
    unhappy = np.minimum(np.maximum(-satisfaction, 0.0), 2.0)
    new = role.copy()
    lurker = eligible & (role == LURKER)
    commenter = eligible & (role == COMMENTER)
    creator = eligible & (role == CREATOR)
    up_c = commenter & (u < r.commenter_to_creator * answered * fit)
    down_c = commenter & ~up_c & (u > 1.0 - r.commenter_to_lurker * (1.0 - drawn_in) * (0.5 + unhappy))
    new[lurker & (u < r.lurker_to_commenter * drawn_in * fit)] = COMMENTER
    new[up_c] = CREATOR
    new[down_c] = LURKER
    new[creator & (u < r.creator_to_commenter * (1.0 - answered) * (0.5 + unhappy))] = COMMENTER
    return new


def remember_reward(reward: np.ndarray, value_posts: np.ndarray, received: np.ndarray, memory: float) -> None:
    """Update, in place, the recognition remembered by today's posters: replies received per value
    post, as an exponentially weighted memory (`memory` = weight of today)."""
    posters = np.flatnonzero(value_posts)
    reward[posters] = (1 - memory) * reward[posters] + memory * received[posters] / value_posts[posters]
