"""Who arrives each day, and by which channel (organic, referral, operator mass-add, bait, seed).

Fit depends on the channel: a focused theme (定位) brings better-fitting organic prospects but
fewer of them; people the operator pulls in without asking (胡乱拉人, seed 000) fit poorly.
"""

from __future__ import annotations

from sim.enums import Channel
from sim.scenario.schema import Scenario


def organic_fit_mean(scenario: Scenario) -> float:
    """Mean fit of people who find the group themselves: rises with the theme's focus."""
    return 0.3 + 0.5 * scenario.positioning.focus


def organic_prospect_rate(scenario: Scenario, day: int, active_kols: int, share_bonus: float) -> float:
    """Expected organic prospects today (before the entry threshold).

    The operator's launch push fades (half-life `organic_half_life_days`), after which growth has
    to come from members inviting friends. A focused theme narrows the audience; active KOLs draw
    people (大家也是看着KOL的价值而来); yesterday's share-to-join posts reach a few more.
    """
    pop, pos = scenario.population, scenario.positioning
    narrowing = 1.0 - pos.audience_narrowing * pos.focus
    fading = 0.5 ** (day / pop.organic_half_life_days) if pop.organic_half_life_days > 0 else 1.0
    return (
        pop.organic_prospects_per_day * fading * narrowing * (1.0 + scenario.kol.draw * active_kols)
        + share_bonus
    )


def mass_add_today(scenario: Scenario, day: int) -> int:
    """People the operator pulls in today under the mass-add recruiting style."""
    r = scenario.recruiting
    if r.style != "mass_add" or not (r.mass_add_from_day <= day <= r.mass_add_to_day):
        return 0
    return r.mass_add_per_day


def spam_share(scenario: Scenario, channel: Channel) -> float:
    """Share of a channel's joiners who came to advertise (mass-added contacts and bait hunters more so)."""
    base = scenario.population.spammer_share
    return {
        Channel.ORGANIC: base,
        Channel.REFERRAL: 0.5 * base,
        Channel.OPERATOR: 3.0 * base,
        Channel.BAIT: 3.0 * base,
        Channel.SEED: 0.0,
    }[channel]
