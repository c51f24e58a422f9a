"""Interventions: the operator's actions, and one handler per timeline action.

`HANDLERS` maps each timeline action class of the scenario schema to the function that carries it
out; importing this module checks that every member of the schema's `Intervention` union has one.
Adding an action means: a schema class, a handler here, and an i18n key for the app's label.
The operator actions (`mass_add`, `promote_kocs`, `remove_lurkers`, `split`, `merge`, `dissolve`)
are also what the day's housekeeping and death check call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, get_args

import numpy as np

from sim.enums import ACTIVE, ADMIN, CREATOR, KOC, KOL, MUTED, Channel, State
from sim.mechanisms import arrivals, draws, koc, matrix
from sim.mechanisms.draws import Stream
from sim.model import membership
from sim.scenario.schema import (
    Dissolve,
    Intervention,
    InviteKOL,
    MassAdd,
    MergeGroups,
    PromoteKOCs,
    RemoveLurkersNow,
    RunEvent,
    SendRedPackets,
    SetParameters,
    SplitGroups,
    StartSelling,
    StopSelling,
)

if TYPE_CHECKING:
    from sim.model.community import CommunityModel

# ------------------------------------------------------------------ operator actions


def mass_add(model: CommunityModel, count: int) -> np.ndarray:
    """The operator pulls `count` contacts in without asking them (no threshold, no consent)."""
    if count <= 0:
        return np.empty(0, dtype=np.int64)
    sc = model.current
    fit = draws.beta_array(model.keys[Stream.MASS_ADD], model.day, model.members.n, count,
                           sc.recruiting.mass_add_fit_mean, sc.population.fit_concentration)  # fmt: skip
    return membership.join(
        model, fit, Channel.OPERATOR, satisfaction0=sc.behaviour.satisfaction.unconsented_start,
        spam_share=arrivals.spam_share(sc, Channel.OPERATOR),
    )  # fmt: skip


def promote_kocs(model: CommunityModel, per_group: int | None = None, total: int | None = None) -> np.ndarray:
    """Promote the most active ordinary members to KOC (up to `per_group` per group, or `total` more)."""
    m, n = model.members, model.members.n
    role, state, group = m.role[:n], m.state[:n], m.group[:n]
    eligible = (state == ACTIVE) & (role <= CREATOR)
    groups = model.groups.open_groups()
    chosen = []
    for i, g in enumerate(groups):
        if per_group is not None:
            vacancies = per_group - int(np.count_nonzero((role == KOC) & (state <= MUTED) & (group == g)))
        else:
            vacancies = total // len(groups) + (1 if i < total % len(groups) else 0)
        chosen.append(
            koc.pick_kocs(np.flatnonzero(eligible & (group == g)), m.recent_activity[:n], vacancies)
        )
    rows = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
    role[rows] = KOC
    model.kocs_exist |= rows.shape[0] > 0
    if rows.shape[0]:
        model.note(f"{rows.shape[0]} KOC(s) promoted")
    return rows


def remove_lurkers(model: CommunityModel, inactive_days: int) -> np.ndarray:
    """Remove members silent for `inactive_days` (never admins, KOLs or KOCs)."""
    m, n = model.members, model.members.n
    rows = matrix.lurkers_to_remove(
        m.state[:n] <= MUTED,
        m.role[:n] <= CREATOR,
        m.last_post_day[:n],
        m.join_day[:n],
        model.day,
        inactive_days,
    )
    membership.leave(model, rows, State.KICKED)
    if rows.shape[0]:
        model.note(f"{rows.shape[0]} long-term lurkers removed")
    return rows


def split(model: CommunityModel, g: int, subgroups: int) -> list[int]:
    """Split group `g` into focused sub-groups by members' sub-topic (聚是一团火，散是满天星)."""
    bonus = model.current.matrix.split.focus_bonus
    m, n, groups = model.members, model.members.n, model.groups
    in_g = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= MUTED))
    new_ids = [g] + [model.open_group(k, subgroups, bonus) for k in range(1, subgroups)]
    groups.focus_slot[g], groups.focus_modulus[g], groups.fit_bonus[g] = 0, subgroups, bonus
    slot = matrix.split_assignment(m.interest[in_g], subgroups)
    # the owner stays in the first group; KOLs are shared out so every sub-group has a voice
    kols = m.role[in_g] == KOL
    slot[kols] = np.arange(int(kols.sum())) % subgroups
    admins = m.role[in_g] == ADMIN
    slot[admins] = 0
    m.group[in_g] = np.asarray(new_ids)[slot]
    # the focus bonus goes to those whose sub-topic their new group serves (a reassigned KOL may not)
    served = in_g[~admins & (m.interest[in_g] % subgroups == slot)]
    m.fit[served] = np.minimum(1.0, m.fit[served] + bonus)
    for new in new_ids[1:]:  # the sub-groups inherit the group's record, culture and habits
        groups.last_value_day[new] = groups.last_value_day[g]
        model.kol_last_post[new] = model.kol_last_post[g]
        model.culture[new] = model.culture[g]
        model.familiarity[:, new] = model.familiarity[:, g]
        model.checkin_peers[new] = model.checkin_peers[g]
    model.note(f"group {g} split into {subgroups} focused sub-groups")
    return new_ids


def merge(model: CommunityModel, g: int) -> int | None:
    """Move the present members of group `g` into the smallest live group; close `g`."""
    alive = [x for x in model.groups.alive_groups() if x != g]
    if not alive:
        return None
    sizes = membership.present_sizes(model)
    target = min(alive, key=lambda x: (sizes[x], x))
    m, n = model.members, model.members.n
    m.group[:n][(m.state[:n] <= MUTED) & (m.group[:n] == g)] = target
    model.groups.dissolved_day[g] = model.day
    model.note(f"group {g} merged into group {target}")
    return target


def dissolve_group(model: CommunityModel, g: int) -> None:
    """Close group `g`: every member but the owner and admins leaves."""
    m, n = model.members, model.members.n
    rows = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= MUTED) & (m.role[:n] != ADMIN))
    membership.leave(model, rows, State.LEFT)
    model.groups.dissolved_day[g] = model.day
    model.note(f"group {g} dissolved")


def dissolve(model: CommunityModel, reason: str = "") -> None:
    """End the whole community today (the dissolution procedure of seed 003)."""
    groups = model.groups
    for g in groups.open_groups():
        if groups.dead_day[g] < 0:
            groups.lifespan[g] = model.day
        dissolve_group(model, g)
    model.ended_by = "dissolved"
    model.note(f"community dissolved{': ' + reason if reason else ''}")


# ------------------------------------------------------------------ timeline handlers


def _invite_kol(model: CommunityModel, item: InviteKOL) -> None:
    membership.join_kols(model, item.count, item.activity)


def _mass_add(model: CommunityModel, item: MassAdd) -> None:
    mass_add(model, item.count)


def _red_packets(model: CommunityModel, item: SendRedPackets) -> None:
    open_groups = model.groups.open_groups()
    campaign = model.flows()
    campaign.campaigns = True
    campaign.red_packets[open_groups] += item.count
    campaign.red_packet_yuan[open_groups] += item.count * item.amount_yuan
    sc = model.current
    model.ledger.hours(
        item.count * len(open_groups) * sc.cadence.red_packets.hours, sc.operator.hourly_cost_yuan
    )


def _run_event(model: CommunityModel, item: RunEvent) -> None:
    open_groups = model.groups.open_groups()
    campaign = model.flows()
    campaign.campaigns = True
    held = campaign.offline_events if item.offline else campaign.events
    held[open_groups] += 1  # an event in every open group
    sc = model.current
    model.ledger.hours(sc.events.hours * len(open_groups), sc.operator.hourly_cost_yuan)


def _start_selling(model: CommunityModel, item: StartSelling) -> None:
    model.set_parameters({
        "cadence.promotion.enabled": True, "cadence.promotion.start_day": model.day,
        "cadence.promotion.every_days": item.every_days, "cadence.promotion.posts": item.posts,
    })  # fmt: skip


def _stop_selling(model: CommunityModel, item: StopSelling) -> None:
    model.set_parameters({"cadence.promotion.enabled": False})


def _promote_kocs(model: CommunityModel, item: PromoteKOCs) -> None:
    promote_kocs(model, total=item.count)


def _split(model: CommunityModel, item: SplitGroups) -> None:
    split(model, int(np.argmax(membership.present_sizes(model))), item.subgroups)


def _merge(model: CommunityModel, item: MergeGroups) -> None:
    groups = model.groups
    for g in [g for g in groups.open_groups() if groups.dead_day[g] >= 0]:
        merge(model, g)


def _remove_lurkers(model: CommunityModel, item: RemoveLurkersNow) -> None:
    remove_lurkers(model, item.inactive_days)


def _dissolve(model: CommunityModel, item: Dissolve) -> None:
    dissolve(model, reason="timeline")


def _set(model: CommunityModel, item: SetParameters) -> None:
    model.set_parameters(item.changes)


HANDLERS: dict[type, Callable[[CommunityModel, Any], None]] = {
    InviteKOL: _invite_kol,
    StartSelling: _start_selling,
    StopSelling: _stop_selling,
    RunEvent: _run_event,
    MassAdd: _mass_add,
    SendRedPackets: _red_packets,
    PromoteKOCs: _promote_kocs,
    SplitGroups: _split,
    MergeGroups: _merge,
    RemoveLurkersNow: _remove_lurkers,
    Dissolve: _dissolve,
    SetParameters: _set,
}

_ACTIONS = set(get_args(get_args(Intervention)[0]))
if set(HANDLERS) != _ACTIONS:  # checked at import: every timeline action has exactly one handler
    raise ImportError(f"timeline actions without a handler: {_ACTIONS - set(HANDLERS)}; "
                      f"handlers without an action: {set(HANDLERS) - _ACTIONS}")  # fmt: skip


def intervene(model: CommunityModel, item: Any, rule: int | None = None) -> None:
    """Carry out one intervention today, logging it and noting it in the day's record. `rule` is
    the index of the playbook rule that fired it (None for the timeline and the app's buttons);
    the log entry then carries it as "rule"."""
    note = getattr(item, "note", "")
    detail = item.model_dump(exclude={"day", "action", "note"}, mode="json")
    entry = {"day": model.day, "action": item.action, "note": note, "detail": detail}
    if rule is not None:
        entry["rule"] = rule
    model.intervention_log.append(entry)
    model.note(item.action + (f" ({note})" if note else ""))
    HANDLERS[type(item)](model, item)
