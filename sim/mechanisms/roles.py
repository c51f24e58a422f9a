"""Role transitions both ways (seed 004: 相互影响和转换).

Lurkers become commenters when drawn in (activation from topics and @-mentions, replies, ties);
commenters become creators when their posts get answered; creators who go unanswered, and
commenters who disengage, slide back.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from sim.columns import ACTIVATION, FIT, REWARD, ROLE, SATISFACTION, STATE
from sim.enums import ACTIVE, COMMENTER, CREATOR, LURKER
from sim.mechanisms.draws import uniform
from sim.scenario.schema import Scenario


@nb.njit(cache=True)
def next_role(
    u: float, role: int, fit: float, pull: float, replied_to: bool, reward: float, satisfaction: float,
    lurker_to_commenter: float, commenter_to_creator: float, creator_to_commenter: float,
    commenter_to_lurker: float, reward_scale: float,
) -> int:  # fmt: skip
    """A behaving member's role tomorrow, from one uniform `u`. `pull` is activation plus the pull of
    ties; the chances: drawn in = 1 - exp(-(pull + replied_to)), answered = tanh(reward / scale),
    unhappy = clip(-satisfaction, 0, 2)."""
    drawn_in = -np.expm1(-(pull + replied_to))
    answered = np.tanh(reward / reward_scale)
    unhappy = min(max(-satisfaction, 0.0), 2.0)
    if role == LURKER:
        return COMMENTER if u < lurker_to_commenter * drawn_in * fit else LURKER
    if role == COMMENTER:
        if u < commenter_to_creator * answered * fit:
            return CREATOR
        if u > 1.0 - commenter_to_lurker * (1.0 - drawn_in) * (0.5 + unhappy):
            return LURKER
        return COMMENTER
    if role == CREATOR:
        return COMMENTER if u < creator_to_commenter * (1.0 - answered) * (0.5 + unhappy) else CREATOR
    return role


def arguments(sc: Scenario) -> tuple:
    """The scenario's constants `transition` takes, in its order."""
    r = sc.behaviour.roles
    return (r.tie_pull, r.lurker_to_commenter, r.commenter_to_creator, r.creator_to_commenter, r.commenter_to_lurker,
            r.reward_scale)  # fmt: skip


@nb.njit(cache=True)
def transition(
    key: np.uint64, day: int, n: int, F: np.ndarray, Z: np.ndarray, ties: np.ndarray, received: np.ndarray,
    tie_pull: float,
    lurker_to_commenter: float, commenter_to_creator: float, creator_to_commenter: float,
    commenter_to_lurker: float, reward_scale: float,
) -> None:  # fmt: skip
    """Move active lurkers, commenters and creators between roles, in place (KOLs, admins and KOCs
    keep theirs; muted members keep theirs until they come back)."""
    role, state = Z[ROLE], Z[STATE]
    for i in range(n):
        if state[i] == ACTIVE and role[i] <= CREATOR:
            pull = F[ACTIVATION, i] + tie_pull * ties[i]  # the ties that hold the member (ties.effective)
            role[i] = next_role(uniform(key, day, i, 0), role[i], F[FIT, i], pull, received[i] > 0, F[REWARD, i],
                                F[SATISFACTION, i], lurker_to_commenter, commenter_to_creator, creator_to_commenter,
                                commenter_to_lurker, reward_scale)  # fmt: skip


@nb.njit(cache=True)
def remember_reward(
    n: int, F: np.ndarray, value_posts: np.ndarray, received: np.ndarray, memory: float
) -> None:
    """Update the recognition remembered by today's posters: replies received per value post, as an
    exponentially weighted memory (`memory` = weight of today)."""
    for i in range(n):
        if value_posts[i] > 0:
            F[REWARD, i] = (1.0 - memory) * F[REWARD, i] + memory * received[i] / value_posts[i]
