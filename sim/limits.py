"""Every limit groupsim enforces, in one place, and the error a run that grows too large raises.

The limits are chosen so that no real use meets them (the bundled scenarios are 1-3 KB, simulate
a few hundred members, and log a few thousand ties) while a hostile or careless input is refused
with a clear message instead of hanging or exhausting memory. README.md ("Reliability") lists
them; `sim.inputs` enforces the input-file limits, `check_run_size` the run limits, and the
compare and sweep loaders the batch limits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

# ---------------------------------------------------------------------------- input files

#: Largest input file read (scenario, experiment, calibration...): bundled scenarios are 1-3 KB,
#: a timeline with an entry for every day of ten years about 170 KB.
MAX_FILE_BYTES = 256 * 1024
#: Values (mappings, lists and scalars) a YAML file may hold once aliases (*name) are expanded.
MAX_YAML_VALUES = 50_000
#: Deepest nesting of lists and mappings in a YAML file (a scenario nests 4 deep).
MAX_YAML_DEPTH = 50
#: Longest path (bytes) and longest file or folder name (bytes) accepted, as on Linux.
MAX_PATH_BYTES = 4096
MAX_NAME_BYTES = 255
#: Longest chain of `extends:` (a file, its parent, its grandparent ...).
MAX_EXTENDS_DEPTH = 16
#: Most timeline entries in one scenario (one a day for ten years is 3,650).
MAX_TIMELINE_ENTRIES = 5_000
#: Longest problem message printed (a quoted value is cut well before this).
MAX_MESSAGE_CHARS = 2_000
#: Problems worded per validation of one file (the rest are counted).
MAX_PROBLEMS = 200

# ------------------------------------------------------------------------------------- runs

#: Most members one run may ever simulate (founders, admins, KOLs and every joiner; those who
#: left included). About 1.4 KB of memory each.
MAX_MEMBERS_EVER = 250_000
#: Most groups one run may open (a matrix overflows into new groups at matrix.max_group_size).
MAX_GROUPS = 5_000
#: Most ties (edges of the tie log, one per reply, event pairing or invitation) one run may log.
#: About 40 bytes each.
MAX_TIE_EDGES = 30_000_000

# ---------------------------------------------------------------------------------- batches

#: Most replicates per scenario (groupsim compare, experiment files).
MAX_REPLICATES = 100_000
#: Most run-days in one compare (runs x horizon days): its daily table is read whole for the
#: statistics (about 0.4 KB per run-day).
MAX_COMPARE_RUN_DAYS = 20_000_000
#: Most points in a sweep's design, and most runs (points x replicates) in one sweep (a sweep
#: keeps about 1.3 KB per run in memory while it runs).
MAX_DESIGN_POINTS = 200_000
MAX_SWEEP_RUNS = 1_000_000
#: Most levels of one lever in an experiment file, and most levers or outcome names it lists.
MAX_LEVELS = 10_000
MAX_NAMES = 1_000


class RunTooLarge(Exception):
    """A run would grow past `MAX_MEMBERS_EVER`, `MAX_GROUPS` or `MAX_TIE_EDGES`.

    The message names the limit, the day, the size reached, the scenario fields that drive the
    growth and what to change; the CLI prints it, a batch records it as the run's error.
    """


#: The scenario fields behind each way of joining (member channel label -> fields).
GROWTH_FIELDS = {
    "seed": ("population.initial_members", "kol.count"),
    "organic": ("population.organic_prospects_per_day", "population.organic_half_life_days"),
    "referral": ("referral.base_rate", "referral.acceptance", "referral.fatigue", "referral.reward_yuan"),
    "bait": ("referral.bait.boost", "referral.bait.acceptance", "referral.bait.fatigue"),
    "operator": ("recruiting.mass_add_per_day", "timeline mass_add counts"),
}


def check_run_size(
    members_ever: int,
    groups: int,
    day: int,
    scenario: Any,
    *,
    ties: int = 0,
    joins_by_channel: Mapping[str, int] | Callable[[], Mapping[str, int]] | None = None,
    previous_members: int | None = None,
    horizon: int | None = None,
) -> None:
    """Raise `RunTooLarge` if a run of `scenario` has, by `day`, simulated more than
    `MAX_MEMBERS_EVER` members, opened more than `MAX_GROUPS` groups or logged more than
    `MAX_TIE_EDGES` ties.

    `joins_by_channel` (members by how they came: seed, organic, referral, bait, operator; or a
    function returning them, called only when a limit is passed) names the fields responsible; `previous_members` (members ever the day before) gives the pace, from
    which the size at the horizon is projected. Cheap: call it after every simulated day.
    """
    horizon = int(scenario.horizon.days)
    if members_ever > MAX_MEMBERS_EVER:
        pace = ""
        if previous_members and members_ever > previous_members:
            factor = members_ever / previous_members
            pace = f", {factor:.2g}x the day before" + _projection(members_ever, factor, day, horizon)
        raise RunTooLarge(
            f"the run grew past {MAX_MEMBERS_EVER:,} members ever on day {day} "
            f"({members_ever:,} members so far{pace}). "
            f"{_drivers(joins_by_channel() if callable(joins_by_channel) else joins_by_channel)} "
            f"groupsim simulates at most {MAX_MEMBERS_EVER:,} members per run so that its memory stays "
            "bounded (about 1.4 KB per member): lower these, or shorten horizon.days"
        )
    if groups > MAX_GROUPS:
        raise RunTooLarge(
            f"the run opened more than {MAX_GROUPS:,} groups by day {day} ({groups:,} groups for "
            f"{members_ever:,} members ever; matrix.max_group_size is "
            f"{scenario.matrix.max_group_size}, matrix.split.enabled is "
            f"{str(scenario.matrix.split.enabled).lower()}). groupsim opens at most {MAX_GROUPS:,} groups "
            "per run: raise matrix.max_group_size, or bring fewer members in"
        )
    if ties > MAX_TIE_EDGES:
        raise RunTooLarge(
            f"the run logged more than {MAX_TIE_EDGES:,} ties by day {day} ({ties:,} ties among "
            f"{members_ever:,} members ever; replies, events and invitations each add ties: "
            "behaviour.replies.rate, events.ties_per_attendee, events.capacity). groupsim logs at most "
            f"{MAX_TIE_EDGES:,} ties per run so that its memory stays bounded (about 40 bytes per tie): "
            "lower these, or shorten horizon.days"
        )


def check_scenario_size(scenario: Any, horizon: int | None = None) -> None:
    """Raise `RunTooLarge` before a run starts if `scenario` schedules more than
    `MAX_MEMBERS_EVER` members (founders, KOLs and admins, every mass-add of the timeline within
    the horizon, and recruiting.mass_add_per_day over its days; a group that dies early stops
    before some of them, but a schedule that large is refused rather than run) or, at
    matrix.max_group_size members per group, more than `MAX_GROUPS` groups on day 0. `horizon`:
    the days the run will simulate (default: the scenario's horizon.days)."""
    horizon = int(scenario.horizon.days if horizon is None else horizon)
    founders = scenario.population.initial_members + scenario.kol.count + 1 + scenario.rules.admins
    added = sum(
        int(item.count)
        for item in scenario.timeline
        if getattr(item, "action", "") == "mass_add" and item.day <= horizon
    )
    recruiting = scenario.recruiting
    mass_days = 0
    if recruiting.style == "mass_add":
        mass_days = max(
            0, min(recruiting.mass_add_to_day, horizon) - max(recruiting.mass_add_from_day, 1) + 1
        )
    least = founders + added + recruiting.mass_add_per_day * mass_days
    if least > MAX_MEMBERS_EVER:
        parts = [f"{founders:,} on day 0 (population.initial_members, kol.count, rules.admins)"]
        if added:
            parts.append(f"{added:,} by the timeline's mass_add entries")
        if mass_days:
            parts.append(
                f"{recruiting.mass_add_per_day * mass_days:,} by recruiting.mass_add_per_day "
                f"({recruiting.mass_add_per_day} a day for {mass_days} days)"
            )
        raise RunTooLarge(
            f"this scenario schedules {least:,} members to join ({', '.join(parts)}); groupsim "
            f"simulates at most {MAX_MEMBERS_EVER:,} members per run so that its memory stays bounded: "
            "bring fewer people in, or shorten horizon.days"
        )
    opening = math.ceil(founders / scenario.matrix.max_group_size)
    if opening > MAX_GROUPS:
        raise RunTooLarge(
            f"{founders:,} founding members at matrix.max_group_size = {scenario.matrix.max_group_size} "
            f"open {opening:,} groups on day 0; groupsim opens at most {MAX_GROUPS:,} groups per run: "
            "raise matrix.max_group_size"
        )


def _drivers(joins_by_channel: Mapping[str, int] | None) -> str:
    """'Most came by referral (290,112: referral.base_rate, ...), then ...' from the joins."""
    if not joins_by_channel:
        fields = sorted({f for names in GROWTH_FIELDS.values() for f in names})
        return f"Members come in through {', '.join(fields)}."
    ranked = sorted(((n, c) for c, n in joins_by_channel.items() if n > 0), reverse=True)[:2]
    parts = [
        f"{channel} ({count:,}: {', '.join(GROWTH_FIELDS.get(channel, ()))})" for count, channel in ranked
    ]
    return "Most came " + ", then ".join(f"by {p}" for p in parts) + "."


def _projection(members: int, factor: float, day: int, horizon: int) -> str:
    """'; at that pace about 10^14 by day 30 (the horizon)' when the run would go on growing."""
    if factor < 1.01 or day >= horizon:
        return ""
    exponent = math.log10(members) + (horizon - day) * math.log10(factor)
    size = f"{round(10**exponent):,}" if exponent < 9 else f"about 10^{exponent:.0f}"
    return f"; at that pace {size} by day {horizon}, the horizon"
