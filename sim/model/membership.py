"""Membership: people join (through a channel, routed to a group), tie up, and leave.

Every change to who is in the community goes through here, so the member table, the tie log,
the Mesa agents and the day's flows stay in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.agents import Member
from sim.enums import MUTED, OPERATOR, Channel, Role, State
from sim.mechanisms import entry, matrix, traits

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
    satisfaction0: np.ndarray | float = 0.0,
    speak: float = 1.0,
    spam_share: np.ndarray | float = 0.0,
    participation: float = 1.0,
) -> np.ndarray:
    """Add members who came by one channel; route them to groups; create their Mesa agents.

    Returns their rows. People added without consent (channel OPERATOR) arrive without the
    newcomer's activation. Joins after day 0 count in the day's flows.
    """
    count = fit.shape[0]
    if count == 0:
        return np.empty(0, dtype=np.int64)
    sc = model.current
    cols = traits.draw_traits(model.trait_pool, fit, sc.population, spam_share, participation)
    if role is not None:
        cols["role"] = np.full(count, role, dtype=np.int8)
        if role in (Role.ADMIN, Role.KOL):
            cols["activity"] = np.ones(count)
            cols["spammer"] = np.zeros(count, dtype=bool)
    cols["group"] = route(model, cols["interest"])
    groups = model.groups
    if groups.count > 1 or groups.fit_bonus[0]:
        # a focused sub-group fits better those whose sub-topic it serves
        served = np.array([groups.serves(g, i) for g, i in zip(cols["group"], cols["interest"])], dtype=bool)
        cols["fit"] = np.minimum(fit + served * np.asarray(groups.fit_bonus)[cols["group"]], 1.0)
    newcomer = 0.0 if channel == OPERATOR else sc.behaviour.activation.newcomer
    model.operator_added |= channel == OPERATOR
    # columns left out keep the table's fill value (state ACTIVE, inviter -1, speak 1, counters 0 ...)
    extra = {"inviter": inviter} if np.ndim(inviter) else {}
    if np.ndim(commitment) or commitment:
        extra["commitment"] = commitment
    if speak != 1.0:
        extra["speak"] = speak
    rows = model.members.append(
        count, **cols, **extra, role_at_join=cols["role"], channel=channel, join_day=model.day,
        satisfaction=satisfaction0, activation=newcomer,
    )  # fmt: skip
    model.member_agents.extend([Member(model, row) for row in rows.tolist()])
    if model.day > 0:  # founding members (day 0) are not a day's joins
        joins = model.flows().joins
        joins[int(channel)] = joins.get(int(channel), 0) + count
    return rows


def join_kols(model: CommunityModel, count: int, activity: float) -> np.ndarray:
    """KOLs the operator seeds or invites: they embody the theme and speak `activity` as often."""
    return join(
        model, traits.kol_fit(model.rng, count), Channel.SEED, role=Role.KOL,
        satisfaction0=model.current.behaviour.satisfaction.consented_start, speak=activity,
    )  # fmt: skip


def admit(model: CommunityModel, fit: np.ndarray) -> entry.Admission:
    """Apply the entry threshold to prospects, booking vetting time, fees and shares."""
    sc = model.current
    decision = entry.admit(model.rng, fit, sc.entry)
    if decision.vetted:
        model.ledger.hours(decision.vetted * sc.entry.vetting_hours, sc.operator.hourly_cost_yuan)
    if decision.fees_yuan:
        model.ledger.earn("entry_fees", decision.fees_yuan)
    model.share_bonus += decision.shares * sc.entry.share_reach
    return decision


def present_sizes(model: CommunityModel) -> np.ndarray:
    """Present members (active or muted) in each group."""
    m = model.members
    present = m.state[: m.n] <= MUTED
    return np.bincount(m.group[: m.n], present, minlength=model.groups.count).astype(np.int64)


def route(model: CommunityModel, interest: np.ndarray) -> np.ndarray:
    """Group of each newcomer, opening overflow groups when every group is full."""
    cap = model.current.matrix.max_group_size
    groups = model.groups
    if groups.count == 1 and groups.dissolved_day[0] < 0:
        present = np.count_nonzero(model.members.state[: model.members.n] <= MUTED)
        if present + interest.shape[0] <= cap:
            return np.zeros(interest.shape[0], dtype=np.int64)
    counts = present_sizes(model)
    open_groups = groups.open_groups()
    sizes = {g: int(counts[g]) for g in open_groups}
    focus = {g: (groups.focus_slot[g], groups.focus_modulus[g]) for g in open_groups}
    out = matrix.route(interest, sizes, focus, cap)
    while (out < 0).any():
        g = model.open_group()
        model.note(f"overflow group {g} opened")
        sizes[g], focus[g] = 0, (0, 0)
        missing = out < 0
        out[missing] = matrix.route(interest[missing], sizes, focus, cap)
    return out


def tie(model: CommunityModel, a: np.ndarray, b: np.ndarray, weight: float | np.ndarray) -> None:
    """Queue ties between members a[k] and b[k]; `flush_ties` adds the queued ties in one batch."""
    if a.shape[0]:
        model.tie_queue.append((a, b, np.full(a.shape[0], weight) if np.ndim(weight) == 0 else weight))


def flush_ties(model: CommunityModel) -> None:
    """Add the queued ties to the log and to members' tie strength (self-ties dropped)."""
    if not model.tie_queue:
        return
    parts, model.tie_queue = model.tie_queue, []
    a = np.concatenate([p[0] for p in parts])
    b = np.concatenate([p[1] for p in parts])
    w = np.concatenate([p[2] for p in parts])
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    if a.shape[0] == 0:
        return
    model.ties.add(a, b, w, model.day)
    m, n = model.members, model.members.n
    ends = np.concatenate([a, b])  # bincount is ~4x faster than np.add.at at these sizes
    m.tie_strength[:n] += np.bincount(ends, np.concatenate([w, w]), minlength=n)
    m.tie_count[:n] += np.bincount(ends, minlength=n).astype(np.int32)


def leave(model: CommunityModel, rows: np.ndarray, state: State) -> None:
    """Members leave or are kicked: they stop counting, and their ties stop holding anyone."""
    if rows.shape[0] == 0:
        return
    flush_ties(model)  # so no queued tie outlives its member
    m = model.members
    m.state[rows] = state
    m.exit_day[rows] = model.day
    if m.tie_count[rows].any():
        model.ties.drop_members(rows, m.tie_strength, m.tie_count)
    for row in rows:
        model.member_agents[row].remove()
    flows = model.flows()
    if state == State.KICKED:
        flows.kicks += rows.shape[0]
    else:
        flows.leaves += rows.shape[0]
