"""The nine claims of the brief, each a comparison over fixed-seed replicates with a test statistic.

Every test records what it measured (see `claims_support.report`); the terminal summary prints it.
Thresholds: p < 0.01 for the direction a seed claims, unless the test says otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest
from claims_support import (
    column,
    greater_p,
    km_median,
    lives_longer_p,
    mean_difference,
    report,
    rmst_difference,
    runs,
)
from scipy import stats

pytestmark = [pytest.mark.claims, pytest.mark.slow]


def test_hard_selling_from_day_3_shortens_life_cuts_contributors_and_gets_the_group_muted():
    hard, bonded = runs("hard_sell_day3", 40), runs("sell_after_bonding", 40)
    p_life = lives_longer_p(bonded, hard)
    contributors = column(bonded, "contributor_days_90"), column(hard, "contributor_days_90")
    muting = column(hard, "early_mute_share"), column(bonded, "early_mute_share")
    p_contrib, p_mute = greater_p(*contributors), greater_p(*muting)
    report(
        "1 hard sell vs sell after bonding",
        median_lifespan_hard=km_median(hard),
        median_lifespan_bonded=km_median(bonded),
        logrank_p=p_life,
        mean_contributors_d1_90_hard=contributors[1].mean(),
        mean_contributors_d1_90_bonded=contributors[0].mean(),
        contributors_p=p_contrib,
        muted_within_30d_hard=muting[0].mean(),
        muted_within_30d_bonded=muting[1].mean(),
        muting_p=p_mute,
    )
    assert p_life < 0.01, f"selling after bonding should live longer (log-rank p={p_life:.3g})"
    assert p_contrib < 0.01 and contributors[0].mean() > contributors[1].mean()
    assert p_mute < 0.001 and muting[0].mean() > 2 * muting[1].mean()


def test_mass_add_grows_faster_but_ends_with_fewer_contributors_and_drives_high_fit_members_out():
    mass, vetted = runs("mass_add", 30), runs("organic_vetted", 30)
    size10 = column(mass, "members_day10"), column(vetted, "members_day10")
    contrib = column(vetted, "contributors_day90"), column(mass, "contributors_day90")
    exits = column(mass, "high_fit_exit_share"), column(vetted, "high_fit_exit_share")
    p_size, p_contrib, p_exit = greater_p(*size10), greater_p(*contrib), greater_p(*exits)
    report(
        "2 mass-add vs organic with vetting",
        members_day10_mass=size10[0].mean(),
        members_day10_vetted=size10[1].mean(),
        size_p=p_size,
        contributors_day90_mass=contrib[1].mean(),
        contributors_day90_vetted=contrib[0].mean(),
        contributors_p=p_contrib,
        high_fit_left_by_day90_mass=exits[0].mean(),
        high_fit_left_by_day90_vetted=exits[1].mean(),
        high_fit_exit_p=p_exit,
    )
    assert p_size < 0.001 and size10[0].mean() > 3 * size10[1].mean()
    assert p_contrib < 0.01
    assert p_exit < 0.01


def test_an_entry_threshold_means_fewer_members_a_higher_contributor_share_and_a_longer_life():
    # lightly run groups live short, noisy lives: 150 replicates each give the comparison its power
    paid, open_ = runs("threshold_paid", 150), runs("no_threshold", 150)
    ever = column(open_, "members_ever"), column(paid, "members_ever")
    share = lambda rs: column(rs, "contributor_days_90") / np.maximum(column(rs, "member_days_90"), 1.0)  # noqa: E731
    p_fewer, p_share = greater_p(*ever), greater_p(share(paid), share(open_))
    p_life = lives_longer_p(paid, open_)
    diff, lo, hi = rmst_difference(paid, open_)
    report(
        "3 entry threshold vs none",
        members_ever_paid=ever[1].mean(),
        members_ever_open=ever[0].mean(),
        fewer_p=p_fewer,
        contributor_share_paid=share(paid).mean(),
        contributor_share_open=share(open_).mean(),
        share_p=p_share,
        median_lifespan_paid=km_median(paid),
        median_lifespan_open=km_median(open_),
        logrank_p=p_life,
        rmst_gain_days=diff,
        rmst_gain_ci95=f"[{lo:.1f}, {hi:.1f}]",
    )
    assert p_fewer < 0.001
    assert p_share < 0.001
    assert p_life < 0.05 and lo > 0, (
        f"the threshold group should live longer (p={p_life:.3g}, RMST gain CI [{lo:.1f}, {hi:.1f}])"
    )


def test_active_kols_keep_the_group_alive_and_a_kol_who_never_speaks_is_no_better_than_none():
    # the none and silent arms are small, short-lived groups: cheap to replicate enough to bound a gain
    active, none, silent = runs("kol_active", 40), runs("kol_none", 150), runs("kol_silent", 150)
    p_active_none, p_active_silent = lives_longer_p(active, none), lives_longer_p(active, silent)
    p_silent_none = lives_longer_p(silent, none)
    diff, lo, hi = rmst_difference(silent, none)
    report(
        "4 active KOL vs none vs silent KOL",
        median_lifespan_active=km_median(active),
        median_lifespan_none=km_median(none),
        median_lifespan_silent=km_median(silent),
        active_vs_none_p=p_active_none,
        active_vs_silent_p=p_active_silent,
        silent_better_than_none_p=p_silent_none,
        silent_minus_none_rmst_days=diff,
        silent_minus_none_ci95=f"[{lo:.1f}, {hi:.1f}]",
    )
    assert p_active_none < 0.001 and p_active_silent < 0.001
    # "no better": no evidence the silent KOL helps, and any gain it might have is small
    # (the same margin as claim 5: at most 15% of the horizon at the top of the 95% interval)
    assert p_silent_none > 0.05
    assert hi < 27.0, f"a silent KOL's gain over none should be small (RMST CI upper bound {hi:.1f} days)"


def test_red_packets_alone_give_a_chatter_spike_that_fades_within_days_and_little_else():
    packets, nothing = runs("red_packets_only", 60), runs("unmanaged", 60)
    peak, after = column(packets, "chatter_on_packet_days"), column(packets, "chatter_two_days_after")
    p_spike = float(stats.wilcoxon(peak, after, alternative="greater").pvalue)
    life_diff, life_lo, life_hi = rmst_difference(packets, nothing)
    contrib_diff, c_lo, c_hi = mean_difference(
        column(packets, "contributor_days_90"), column(nothing, "contributor_days_90")
    )
    p_longer = lives_longer_p(packets, nothing)
    report(
        "5 red packets alone vs nothing",
        chatter_on_packet_days=peak.mean(),
        chatter_two_days_later=after.mean(),
        spike_p=p_spike,
        rmst_gain_days=life_diff,
        rmst_gain_ci95=f"[{life_lo:.1f}, {life_hi:.1f}]",
        lives_longer_p=p_longer,
        contributor_gain=contrib_diff,
        contributor_gain_ci95=f"[{c_lo:.2f}, {c_hi:.2f}]",
    )
    assert p_spike < 0.001 and after.mean() < 0.5 * peak.mean(), (
        "the chatter spike should fade within two days"
    )
    # "little gain": no evidence of a longer life, and at most 15% of the horizon (27 of 180 days) at
    # the top of the 95% interval -- management as a whole buys ~150 days (claim 9)
    assert p_longer > 0.05 and life_hi < 27.0, "red packets alone should not buy a meaningfully longer life"
    assert c_hi < 0.5, "red packets alone should not add value contributors"


def test_bait_referral_grows_fast_with_misfits_whose_invitations_fade_and_who_contribute_less():
    bait, rel = runs("referral_bait", 30), runs("referral_relationship", 30)
    growth = column(bait, "members_day14"), column(rel, "members_day14")
    fit = column(rel, "referred_fit"), column(bait, "referred_fit")
    fade = lambda rs: column(rs, "invitations_late") / np.maximum(column(rs, "invitations_early"), 1e-9)  # noqa: E731
    per_member = lambda rs: column(rs, "contributors_day90") / np.maximum(column(rs, "member_days_90"), 1.0)  # noqa: E731
    p_growth, p_fit = greater_p(*growth), greater_p(*fit)
    p_fade, p_contrib = greater_p(fade(rel), fade(bait)), greater_p(per_member(rel), per_member(bait))
    report(
        "6 bait vs relationship referral",
        members_day14_bait=growth[0].mean(),
        members_day14_relationship=growth[1].mean(),
        growth_p=p_growth,
        invitee_fit_bait=fit[1].mean(),
        invitee_fit_relationship=fit[0].mean(),
        fit_p=p_fit,
        invitations_late_over_early_bait=float(np.median(fade(bait))),
        invitations_late_over_early_relationship=float(np.median(fade(rel))),
        fade_p=p_fade,
        contributors_per_member_bait=per_member(bait).mean(),
        contributors_per_member_relationship=per_member(rel).mean(),
        contributors_p=p_contrib,
    )
    assert p_growth < 0.001
    assert p_fit < 0.001 and fit[1].mean() < fit[0].mean() - 0.2
    assert p_fade < 0.001 and np.median(fade(bait)) < 1.0, "bait invitations per member should fade"
    assert p_contrib < 0.001


def test_promoting_kocs_keeps_a_group_with_a_stretched_operator_alive_longer():
    kocs, alone = runs("koc_limited_attention", 40), runs("no_koc_limited_attention", 40)
    p = lives_longer_p(kocs, alone)
    diff, lo, hi = rmst_difference(kocs, alone)
    report(
        "7 KOC promotion under limited operator attention",
        median_lifespan_kocs=km_median(kocs),
        median_lifespan_alone=km_median(alone),
        logrank_p=p,
        rmst_gain_days=diff,
        rmst_gain_ci95=f"[{lo:.1f}, {hi:.1f}]",
    )
    assert p < 0.001 and lo > 0


def test_a_small_committed_group_produces_more_value_per_member_and_outlives_a_large_passive_one():
    small, large = runs("small_committed", 40), runs("large_passive", 40)
    value = column(small, "value_per_member_day"), column(large, "value_per_member_day")
    p_value, p_life = greater_p(*value), lives_longer_p(small, large)
    report(
        "8 small committed (50) vs large passive (500)",
        value_per_member_day_small=value[0].mean(),
        value_per_member_day_large=value[1].mean(),
        value_p=p_value,
        median_lifespan_small=km_median(small),
        median_lifespan_large=km_median(large),
        logrank_p=p_life,
    )
    assert p_value < 0.001 and value[0].mean() > 3 * value[1].mean()
    assert p_life < 0.01


def test_a_well_run_group_outlives_21_days_while_an_unmanaged_one_dies_within_weeks():
    run_well, unmanaged = runs("baseline", 40), runs("unmanaged", 60)
    beyond_21 = int((column(run_well, "lifespan") > 21).sum())
    # dead by day 42: last value post, then `dead_after_days` (14) days of silence, all by day 42
    dead_by_42 = int(
        ((column(unmanaged, "lifespan") + 14 <= 42) & ~column(unmanaged, "censored").astype(bool)).sum()
    )
    p_well = stats.binomtest(beyond_21, len(run_well), 0.5, alternative="greater").pvalue
    p_dies = stats.binomtest(dead_by_42, len(unmanaged), 0.5, alternative="greater").pvalue
    report(
        "9 well-run vs unmanaged",
        well_run_alive_beyond_21_days=f"{beyond_21}/{len(run_well)}",
        binomial_p=p_well,
        unmanaged_dead_by_day_42=f"{dead_by_42}/{len(unmanaged)}",
        unmanaged_binomial_p=p_dies,
        median_lifespan_unmanaged=km_median(unmanaged),
    )
    assert p_well < 0.001
    assert p_dies < 0.05
