"""The one seam between the model and everything that runs it: `run_scenario(scenario, seed)`.

The CLI, batches, sweeps, the browser app and the tests all call this (or build the model with
`build_model` and step it themselves, as the app does), and get plain tables with fixed columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim import __version__
from sim.enums import CHANNEL_LABELS, ROLE_LABELS, STATE_LABELS, Role
from sim.limits import check_run_size, check_scenario_size
from sim.metrics import DAILY_COLUMNS, FLOAT_COLUMNS, participation, value_at_days
from sim.model import CommunityModel
from sim.scenario import Scenario, scenario_hash

MEMBER_COLUMNS: tuple[str, ...] = (
    "member",
    "group",
    "join_day",
    "channel",
    "inviter",
    "role_at_join",
    "role_end",
    "state_end",
    "exit_day",
    "first_mute_day",
    "fit",
    "satisfaction_end",
    "tie_strength_end",
    "value_posts",
    "chatter_posts",
    "ads_posted",
    "replies_given",
    "replies_received",
    "invitations_sent",
    "mentions_received",
    "points",
    "spammer",
)


@dataclass
class RunResult:
    """Everything one run produced: per-day and per-member tables and a summary dict."""

    daily: pd.DataFrame
    members: pd.DataFrame
    summary: dict
    interventions: list[dict] = field(default_factory=list)


def build_model(scenario: Scenario, seed: int) -> CommunityModel:
    """A fresh model on day 0 (the factory the app and tests use)."""
    return CommunityModel(scenario, seed=seed)


def simulate(model: CommunityModel, days: int, on_day: Callable[[int], None] | None = None) -> None:
    """Step `model` until `days` have passed or it stops running (death with stop_at_death, dissolution).

    Raises `RunTooLarge` (sim.limits) after the first day on which the run has simulated more
    members, opened more groups or logged more ties than the limits allow.
    """
    previous = model.members.n
    while model.running and model.day < days:
        model.step()
        check_size(model, previous, horizon=days)
        previous = model.members.n
        if on_day is not None:
            on_day(model.day)


def check_size(
    model: CommunityModel, previous_members: int | None = None, *, horizon: int | None = None
) -> None:
    """`check_run_size` for a model: members ever, groups and ties so far, and (only if a limit is
    passed) who came by which channel. `previous_members`: members ever the day before; `horizon`:
    the last day the run would simulate (default: the scenario's horizon.days)."""
    m = model.members

    def joins() -> dict[str, int]:
        counts = np.bincount(m.channel[: m.n].astype(np.int64), minlength=len(CHANNEL_LABELS))
        return {label: int(c) for label, c in zip(CHANNEL_LABELS, counts)}

    check_run_size(
        m.n,
        model.groups.count,
        model.day,
        model.current,
        ties=model.ties.n,
        joins_by_channel=joins,
        previous_members=previous_members,
        horizon=horizon,
    )


def run_scenario(
    scenario: Scenario,
    seed: int,
    days: int | None = None,
    on_day: Callable[[int], None] | None = None,
) -> RunResult:
    """Run one replicate of `scenario` with `seed` for `days` (default: the scenario's horizon).

    Raises `RunTooLarge` before building the model if the scenario schedules more members than
    `sim.limits` allows, and as soon as the run outgrows a limit (see `simulate`).
    """
    horizon = scenario.horizon.days if days is None else days
    check_scenario_size(scenario, horizon)
    model = build_model(scenario, seed)
    simulate(model, horizon, on_day)
    return collect(model, scenario, seed, horizon)


def collect(model: CommunityModel, scenario: Scenario, seed: int, horizon: int) -> RunResult:
    """Tables and summary of a model that has been stepped."""
    daily = daily_table(model)
    members = member_table(model)
    summary = summarize(model, scenario, seed, horizon, daily, members)
    return RunResult(daily, members, summary, list(model.intervention_log))


def daily_table(model: CommunityModel) -> pd.DataFrame:
    """One row per simulated day; columns as in `sim.metrics.DAILY_COLUMNS` plus `interventions`."""
    data = model.daily_array()
    frame = pd.DataFrame(data, columns=list(DAILY_COLUMNS))
    for column in DAILY_COLUMNS:
        if column not in FLOAT_COLUMNS:
            frame[column] = frame[column].round().astype(np.int64)
    frame["alive"] = frame["alive"].astype(bool)
    frame["interventions"] = pd.Series(model.day_notes(), dtype="string")
    return frame


def member_table(model: CommunityModel) -> pd.DataFrame:
    """One row per member who ever joined (row number = `member`)."""
    m, n = model.members, model.members.n
    labels = lambda codes, names: pd.Categorical.from_codes(codes.astype(np.int64), categories=list(names))  # noqa: E731
    return pd.DataFrame(
        {
            "member": np.arange(n, dtype=np.int64),
            "group": m.group[:n].astype(np.int64),
            "join_day": m.join_day[:n].astype(np.int64),
            "channel": labels(m.channel[:n], CHANNEL_LABELS),
            "inviter": m.inviter[:n].astype(np.int64),
            "role_at_join": labels(m.role_at_join[:n], ROLE_LABELS),
            "role_end": labels(m.role[:n], ROLE_LABELS),
            "state_end": labels(m.state[:n], STATE_LABELS),
            "exit_day": m.exit_day[:n].astype(np.int64),
            "first_mute_day": m.first_mute_day[:n].astype(np.int64),
            "fit": m.fit[:n].copy(),
            "satisfaction_end": m.satisfaction[:n].copy(),
            "tie_strength_end": m.tie_strength[:n].copy(),
            "value_posts": m.value_posts[:n].astype(np.int64),
            "chatter_posts": m.chatter_posts[:n].astype(np.int64),
            "ads_posted": m.ads_posted[:n].astype(np.int64),
            "replies_given": m.replies_given[:n].astype(np.int64),
            "replies_received": m.replies_received[:n].astype(np.int64),
            "invitations_sent": m.invitations_sent[:n].astype(np.int64),
            "mentions_received": m.mentions_received[:n].astype(np.int64),
            "points": m.points[:n].copy(),
            "spammer": m.spammer[:n].copy(),
        },
        columns=list(MEMBER_COLUMNS),
    )


def summarize(
    model: CommunityModel,
    scenario: Scenario,
    seed: int,
    horizon: int,
    daily: pd.DataFrame,
    members: pd.DataFrame,
) -> dict:
    """The per-run summary: lifespan, sizes, contributors, output, inequality, referral, cost."""
    lifespan, censored = model.lifespan()
    ledger = model.ledger
    ordinary = members[members["role_at_join"] != ROLE_LABELS[Role.ADMIN]]
    total_value = int(daily["value_posts"].sum())
    member_days = float(daily["members"].sum())
    joins = ordinary[ordinary["join_day"] > 0]
    cost = ledger.total_cost
    peak_idx = int(daily["members"].idxmax()) if len(daily) else 0
    days = tuple(scenario.horizon.report_days)
    return {
        "scenario": scenario.name,
        "scenario_hash": scenario_hash(scenario),
        "seed": int(seed),
        "version": __version__,
        "horizon_days": int(horizon),
        "days_simulated": int(model.day),
        "lifespan_days": int(lifespan),
        "censored": bool(censored),
        "ended_by": model.ended_by or "horizon",
        "dead_after_days": scenario.horizon.dead_after_days,
        "peak_members": int(daily["members"].max()) if len(daily) else 0,
        "peak_day": int(daily["day"].iloc[peak_idx]) if len(daily) else 0,
        "final_members": int(daily["members"].iloc[-1]) if len(daily) else 0,
        "members_ever": int(len(ordinary)),
        "value_contributors_at": value_at_days(daily, "value_contributors", days, horizon),
        "sustained_contributors_at": value_at_days(daily, "sustained_contributors", days, horizon),
        "value_posts_total": total_value,
        "value_posts_per_member": total_value / max(1, len(ordinary)),
        "value_posts_per_member_day": total_value / member_days if member_days else 0.0,
        "chatter_total": int(daily["chatter"].sum()),
        "ads_total": int(daily["ads"].sum()),
        "participation": participation(members),
        "referral_share": float((joins["channel"].isin(["referral", "bait"])).sum() / max(1, len(joins))),
        "muted_share_final": float(daily["muted"].iloc[-1] / max(1, daily["members"].iloc[-1]))
        if len(daily)
        else 0.0,
        "operator_hours": round(ledger.operator_hours, 4),
        "operator_cost_yuan": round(cost, 2),
        "cost_breakdown_yuan": {k: round(v, 2) for k, v in ledger.cost.items()},
        "revenue_yuan": round(ledger.total_revenue, 2),
        "revenue_breakdown_yuan": {k: round(v, 2) for k, v in ledger.revenue.items()},
        "value_posts_per_1000_yuan": (1000.0 * total_value / cost) if cost > 0 else None,
        "groups_opened": model.groups.count,
        "group_lifespans": [int(x) if x >= 0 else None for x in model.groups.lifespan],
    }
