"""Membership: people join (through a channel, routed to a group), tie up, and leave.

Every change to who is in the community goes through here, so the member table, the tie log,
the Mesa agents and the day's flows stay in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.enums import MUTED, OPERATOR, Channel, Role, State
from sim.mechanisms import draws, entry, matrix, traits
from sim.mechanisms.draws import Stream

if TYPE_CHECKING:
    from sim.model.community import CommunityModel


def join(
    model: CommunityModel,
    fit: np.ndarray,
    channel: Channel | int,
    *,
    role: Role | None = None,
    inviter: np.ndarray | int = -1,
    commitment: np.ndarray | float = 0.0,
    satisfaction0: float = 0.0,
    speak: float = 1.0,
    spam_share: np.ndarray | float = 0.0,
    participation: float = 1.0,
) -> np.ndarray:
    """Add members who came by one channel; route them to groups; returns their rows.

    People added without consent (channel OPERATOR) arrive without the newcomer's activation.
    Joins after day 0 count in the day's flows. (Their Mesa agents are made when someone looks:
    `CommunityModel.agents`.)
    """
    count = fit.shape[0]
    if count == 0:
        return np.empty(0, dtype=np.int64)
    sc, m = model.current, model.members
    rows = m.append(count)
    new = slice(int(rows[0]), int(rows[-1]) + 1)
    activation = 0.0 if channel == OPERATOR else sc.behaviour.activation.newcomer
    traits.enroll(model.keys, m, new, fit, sc.population, spam_share, participation, int(channel), model.day,
                  inviter, commitment, speak, satisfaction0, activation)  # fmt: skip
    if role is not None:
        m.role[new] = m.role_at_join[new] = role
        if role in (Role.ADMIN, Role.KOL):
            m.activity[new] = 1.0
            m.spammer[new] = 0
    m.group[new] = group = route(model, m.interest[new], upto=new.start)
    groups = model.groups
    if (
        groups.count > 1 or groups.fit_bonus[0]
    ):  # a focused sub-group fits better those whose sub-topic it serves
        modulus, slot = np.asarray(groups.focus_modulus)[group], np.asarray(groups.focus_slot)[group]
        served = (modulus > 0) & (m.interest[new] % np.maximum(modulus, 1) == slot)
        m.fit[new] = np.minimum(fit + served * np.asarray(groups.fit_bonus)[group], 1.0)
    if model.day > 0:  # founding members (day 0) are not a day's joins
        joins = model.flows().joins
        joins[int(channel)] = joins.get(int(channel), 0) + count
    return rows


def join_kols(model: CommunityModel, count: int, activity: float) -> np.ndarray:
    """KOLs the operator seeds or invites: they embody the theme and speak `activity` as often."""
    fit = draws.beta_array(model.keys[Stream.KOL_FIT], model.day, model.members.n, count, 0.9, 20.0)
    model.kols_joined += count
    return join(
        model, fit, Channel.SEED, role=Role.KOL, satisfaction0=model.current.behaviour.satisfaction.consented_start,
        speak=activity,
    )  # fmt: skip


def admit(model: CommunityModel, fit: np.ndarray, batch: int) -> entry.Admission:
    """Apply the entry threshold to prospects (`batch`: 0 founders, 1 invitees, 2 organic), booking
    vetting time, fees and shares."""
    sc = model.current
    decision = entry.admit(model.keys[Stream.ENTRY], model.day, batch, fit, sc.entry)
    if decision.vetted:
        model.ledger.hours(decision.vetted * sc.entry.vetting_hours, sc.operator.hourly_cost_yuan)
    if decision.fees_yuan:
        model.ledger.earn("entry_fees", decision.fees_yuan)
    model.share_bonus += decision.shares * sc.entry.share_reach
    return decision


def present_sizes(model: CommunityModel, upto: int | None = None) -> np.ndarray:
    """Present members (active or muted) in each group, among the first `upto` rows (default all)."""
    m = model.members
    n = m.n if upto is None else upto
    present = m.state[:n] <= MUTED
    return np.bincount(m.group[:n], present, minlength=model.groups.count).astype(np.int64)


def route(model: CommunityModel, interest: np.ndarray, upto: int) -> np.ndarray:
    """Group of each newcomer (members from row `upto` on are the newcomers), opening as many
    overflow groups as needed when every group is full."""
    cap = model.current.matrix.max_group_size
    groups = model.groups
    count = interest.shape[0]
    one_group = groups.count == 1 and groups.dissolved_day[0] < 0
    # one group has room unless it is nearly full (members ever bound those present from above)
    if one_group and (
        upto + count <= cap or np.count_nonzero(model.members.state[:upto] <= MUTED) + count <= cap
    ):
        return np.zeros(count, dtype=np.int64)
    sizes = present_sizes(model, upto)
    out = matrix.route(interest, sizes, np.asarray(groups.focus_slot), np.asarray(groups.focus_modulus),
                       groups.open_mask(), cap)  # fmt: skip
    missing = out < 0
    if missing.any():
        opened = [model.open_group() for _ in range(-(-int(missing.sum()) // cap))]
        for g in opened:
            model.note(f"overflow group {g} opened")
        sizes = np.concatenate([sizes, np.zeros(len(opened), dtype=np.int64)])
        out[missing] = matrix.route(interest[missing], sizes, np.asarray(groups.focus_slot),
                                    np.asarray(groups.focus_modulus), groups.open_mask(), cap)  # fmt: skip
    return out


def tie(model: CommunityModel, a: np.ndarray, b: np.ndarray, weight: float, lasting: bool = False) -> None:
    """Ties between members a[k] and b[k] (a member's tie with themself is dropped); `lasting` ties
    predate the group and do not fade (sim/mechanisms/ties.py `fade`)."""
    model.ties.add(a, b, weight, model.day, model.members, lasting)


def leave(model: CommunityModel, rows: np.ndarray, state: State) -> None:
    """Members leave or are kicked: they stop counting, and their ties stop holding anyone."""
    if rows.shape[0] == 0:
        return
    m = model.members
    m.state[rows] = state
    m.exit_day[rows] = model.day
    if m.tie_count[rows].any():
        model.ties.drop_members(rows, m)
    flows = model.flows()
    if state == State.KICKED:
        flows.kicks += rows.shape[0]
    else:
        flows.leaves += rows.shape[0]
