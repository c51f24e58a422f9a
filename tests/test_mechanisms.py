"""Each daily mechanism moves outcomes the way the brief says: first the pure functions, then the
mechanisms inside the model compared across a few fixed seeds."""

from __future__ import annotations

import numpy as np
import pytest
from tables_support import member_table

from sim import Scenario, apply_overrides, build_model, load_scenario, run_scenario
from sim.enums import ACTIVE, ADMIN, COMMENTER, CREATOR, KOC, LURKER, MUTED
from sim.mechanisms import (
    arrivals,
    churn,
    draws,
    entry,
    events,
    groups,
    incentives,
    matrix,
    moderation,
    posting,
    reading,
    referral,
    replies,
    roles,
    satisfaction,
)
from sim.mechanisms.draws import Stream
from sim.runner import simulate

BEH = Scenario().behaviour
SEEDS = range(8)
KEYS = draws.StreamKeys(20261203)


def _mean(scenario: Scenario, fn, seeds=SEEDS, days: int | None = None) -> float:
    return float(np.mean([fn(run_scenario(scenario, s, days=days)) for s in seeds]))


# ------------------------------------------------------------------------------ draws


def test_small_counts_have_the_poisson_mean_for_small_rates():
    u = np.random.default_rng(0).random(100_000)
    assert np.mean([draws.small_count(x, 0.3) for x in u]) == pytest.approx(0.3, rel=0.02)


def test_a_draw_depends_only_on_its_stream_day_index_and_slot():
    key = KEYS[Stream.POST_VALUE]
    assert draws.uniform(key, 3, 17, 0) == draws.uniform(key, 3, 17, 0)
    others = {draws.uniform(key, 4, 17, 0), draws.uniform(key, 3, 18, 0), draws.uniform(key, 3, 17, 1),
              draws.uniform(KEYS[Stream.CHURN], 3, 17, 0)}  # fmt: skip
    assert draws.uniform(key, 3, 17, 0) not in others and len(others) == 4


def test_event_attendance_never_picks_a_zero_weight_member_and_never_twice():
    fit = np.array([0, 1, 0, 2, 0, 1, 0, 0, 3, 0.0]) / 3
    for event in range(200):
        chosen = events.attendees(KEYS[Stream.EVENTS], 1, event, np.arange(10), np.zeros(10), fit, 3)
        assert set(chosen.tolist()) <= {1, 3, 5, 8} and len(set(chosen.tolist())) == len(chosen) == 3


# ------------------------------------------------------------------------ arrivals & entry


def test_a_focused_theme_brings_better_fitting_but_fewer_organic_prospects():
    loose, focused = (apply_overrides(Scenario(), {"positioning.focus": f}) for f in (0.1, 0.9))
    assert arrivals.organic_fit_mean(focused) > arrivals.organic_fit_mean(loose)
    assert arrivals.organic_prospect_rate(focused, 1, 0, 0.0) < arrivals.organic_prospect_rate(
        loose, 1, 0, 0.0
    )


def test_the_launch_push_fades_and_active_kols_draw_people():
    s = Scenario()
    assert arrivals.organic_prospect_rate(s, 60, 0, 0.0) == pytest.approx(
        arrivals.organic_prospect_rate(s, 0, 0, 0.0) / 4
    )
    assert arrivals.organic_prospect_rate(s, 1, 2, 0.0) > arrivals.organic_prospect_rate(s, 1, 0, 0.0)


@pytest.mark.parametrize("threshold", ["vetting", "share_to_join", "paid"])
def test_entry_thresholds_admit_fewer_and_better_fitting_committed_people(threshold):
    fit = np.random.default_rng(2).beta(3, 3, 20_000)
    decision = entry.admit(
        KEYS[Stream.ENTRY], 1, 2, fit, apply_overrides(Scenario(), {"entry.threshold": threshold}).entry
    )
    assert 0.05 < decision.admitted.mean() < 0.95
    assert fit[decision.admitted].mean() > fit.mean() + 0.05
    assert decision.commitment.shape[0] == decision.admitted.sum() and (decision.commitment > 0).all()


def test_paid_entry_collects_fees_and_share_to_join_spreads_the_word():
    fit = np.random.default_rng(3).beta(3, 3, 1000)
    paid = entry.admit(
        KEYS[Stream.ENTRY], 1, 2, fit, apply_overrides(Scenario(), {"entry.threshold": "paid"}).entry
    )
    share = entry.admit(KEYS[Stream.ENTRY], 1, 2, fit,
                        apply_overrides(Scenario(), {"entry.threshold": "share_to_join"}).entry)  # fmt: skip
    assert paid.fees_yuan == pytest.approx(30.0 * paid.admitted.sum())
    assert share.shares == share.admitted.sum() > 0


# ---------------------------------------------------------------- posting, reading, replies


def test_each_members_posting_falls_as_the_group_grows():
    p = BEH.posting
    c = [posting.crowding(size, p.crowd_size, p.crowd_exponent) for size in (10.0, 150.0, 500.0, 2000.0)]
    assert (np.diff(c) < 0).all() and c[0] > 0.9


def test_value_posting_rises_with_fit_activation_and_recognition():
    p = BEH.posting
    base = dict(role_rate=0.3, fit=0.5, fit_exponent=p.fit_exponent, activity=1.0, speak=1.0, motivation=1.0,
                activation=0.0, value_gain=BEH.activation.value_gain, crowd=1.0, need=1.0, incentive=1.0)  # fmt: skip
    v0 = posting.value_rate(**base)
    assert posting.value_rate(**{**base, "fit": 0.9}) > v0
    assert posting.value_rate(**{**base, "activation": 1.0}) > v0
    scale = BEH.roles.reward_scale
    assert posting.recognition_motivation(2.0, 0.2, scale) > posting.recognition_motivation(0.0, 0.2, scale)
    assert posting.value_rate(**{**base, "speak": 0.0}) == 0  # a silent KOL posts nothing


def test_off_topic_chatter_comes_from_sociable_members_who_do_not_care_for_the_theme():
    a, p = BEH.activation, BEH.posting
    rate = lambda fit, soc: posting.chatter_rate(
        0.4, fit, soc, 1.0, 0.0, 0.0, a.chatter_gain, p.thanks_per_buzz, 1.0, 0.0, 1.0
    )
    assert rate(0.1, 0.9) > 5 * rate(0.9, 0.9)
    assert rate(0.1, 0.9) > 5 * rate(0.1, 0.2)


def _feed(volume: float, value: float = 10.0, chatter: float = 5.0, ads: float = 0.0) -> np.ndarray:
    """One group's totals as `reading.feed` returns them: value, quality, chatter, ads, KOL posts, volume."""
    return np.array([[value], [value], [chatter], [ads], [0.0], [volume]])


def test_reading_is_capped_by_attention_so_big_busy_groups_overload_members():
    z = np.zeros(2)
    members = member_table(2, attention=100.0)
    quiet = reading.Exposure(
        reading.expose(2, members.F, members.Z, _feed(50.0), z, z, z, z, 0.0, np.zeros(1, np.int64), 1)
    )
    members.state[1] = MUTED
    busy = reading.Exposure(
        reading.expose(2, members.F, members.Z, _feed(400.0), z, z, z, z, 0.0, np.zeros(1, np.int64), 1)
    )
    assert quiet.read_share.tolist() == [1.0, 1.0] and (quiet.overload == 0).all()
    assert busy.read_share[0] == pytest.approx(0.25) and busy.overload[0] == pytest.approx(3.0)
    assert busy.read_share[1] == 0 and busy.value_read[1] == 0  # a muted member reads nothing


def test_nobody_reads_or_is_annoyed_by_their_own_messages():
    members, own = member_table(1, attention=100.0), np.array([3.0])
    e = reading.Exposure(reading.expose(1, members.F, members.Z, _feed(10.0, value=3.0, chatter=4.0, ads=2.0),
                                        own, own, own + 1, own - 1, 0.0, np.zeros(1, np.int64), 1))  # fmt: skip
    assert e.value_read[0] == 0 and e.chatter_read[0] == 0 and e.ads_read[0] == 0


def test_replies_saturate_so_a_post_draws_a_bounded_conversation():
    for raw in (1.0, 10.0, 1000.0):
        assert raw * replies.saturation(raw, 4.0, 6.0) <= 4 * 6
    assert 1.0 * replies.saturation(1.0, 4.0, 6.0) == pytest.approx(
        1.0, rel=0.05
    )  # no saturation when few reply


def test_reply_targets_are_value_posters_in_the_repliers_group():
    group, weight = np.array([0, 0, 1, 1, 1]), np.array([0.0, 2.0, 1.0, 0.0, 0.0])
    rows, cumulative, start = groups.by_group(5, 2, group, weight)
    picks = [
        [groups.pick(rows, cumulative, start[g], start[g + 1], u) for u in np.linspace(0, 0.999, 50)]
        for g in (0, 1)
    ]
    assert set(picks[0]) == {1} and set(picks[1]) == {2}


# ------------------------------------------------------------------ satisfaction & churn


def _utility(value_read=0.0, chatter_read=0.0, ads_read=0.0, overload=0.0, fit=0.7, ties=0.0, bond=0.0,
             received=0.0, mentions=0.0) -> float:  # fmt: skip
    weights = satisfaction.arguments(Scenario())[7:]
    return satisfaction.daily_utility(value_read, chatter_read, ads_read, overload, fit, ties, bond, received, mentions,
                                      0.0, 0.0, 1.0, *weights)  # fmt: skip


def test_fitting_information_replies_and_ties_raise_satisfaction():
    nothing = _utility()
    assert _utility(value_read=5) > nothing
    assert _utility(received=2) > nothing
    assert _utility(ties=3) > nothing


def test_ads_overload_and_off_topic_chatter_lower_satisfaction_and_bonding_makes_ads_cheap():
    nothing = _utility()
    assert _utility(ads_read=2) < nothing
    assert _utility(ads_read=2, bond=0.9) > _utility(ads_read=2, bond=0.0)
    assert _utility(overload=2) < nothing
    # off-topic chatter costs the member who came for value more than the one who came to chat
    assert _utility(chatter_read=30, fit=0.9) < _utility(chatter_read=30, fit=0.1)


def test_trust_builds_slowly_and_bond_grows_with_ties_and_trust():
    members, zero = member_table(1, satisfaction=0.5, fit=0.7), np.zeros(1)
    for _ in range(10):
        satisfaction.feel(1, members.F, members.Z, zero, zero, zero, zero, 0.0, zero, np.ones(1), np.zeros((6, 1)),
                          zero.copy(),
                          *satisfaction.arguments(Scenario()))  # fmt: skip
        members.satisfaction[0] = 0.5
    assert 0 < members.trust[0] < 0.5
    s = BEH.satisfaction
    b = lambda ties, tr: satisfaction.bond(ties, tr, s.bond_ties, s.bond_trust)
    assert b(0, 0) == 0 and b(3, 0) > b(1, 0) and b(0, 0.3) > b(0, 0.1)


def test_noise_above_tolerance_gets_a_group_muted_and_ads_from_strangers_weigh_most():
    c = BEH.churn
    ratio = lambda ads, chatter, bond: churn.irritation(chatter, ads, 0.8, bond, 0.0, 8.0, c.ad_irritation)
    assert churn.mute_probability(ratio(0, 2, 0), c.mute_rate) == 0
    assert churn.mute_probability(ratio(2, 0, 0), c.mute_rate) > 0
    assert churn.mute_probability(ratio(2, 0, 0.9), c.mute_rate) == 0


def test_dissatisfied_members_leave_and_ties_commitment_and_a_speaking_kol_hold_them():
    c = BEH.churn
    p = lambda sat, ties=0.0, commit=0.0, kol=False: churn.leave_probability(
        sat,
        1.0,
        ties,
        commit,
        kol,
        0.4,
        c.leave_max,
        c.leave_midpoint,
        c.leave_scale,
        c.background_leave,
        c.tie_lock,
    )
    assert p(-0.6) > 10 * p(0.3)
    assert p(-0.6, ties=5) < p(-0.6) and p(-0.6, commit=0.5) < p(-0.6) and p(-0.6, kol=True) < p(-0.6)


# ------------------------------------------------------------------------------- roles


def _next_roles(role: int, pull=0.0, replied=False, reward=0.0, sat=0.3) -> np.ndarray:
    r = BEH.roles
    u = np.random.default_rng(6).random(20_000)
    return np.array([roles.next_role(x, role, 1.0, pull, replied, reward, sat, r.lurker_to_commenter,
                                     r.commenter_to_creator, r.creator_to_commenter, r.commenter_to_lurker,
                                     r.reward_scale) for x in u])  # fmt: skip


def test_answered_commenters_become_creators_and_ignored_creators_fall_back():
    assert (_next_roles(COMMENTER, reward=3) == CREATOR).sum() > 50
    assert (_next_roles(COMMENTER) == CREATOR).sum() == 0
    assert (_next_roles(CREATOR, sat=-0.5) == COMMENTER).sum() > 50
    assert (_next_roles(LURKER, pull=2) == COMMENTER).sum() > 20
    assert (_next_roles(LURKER) == COMMENTER).sum() == 0


def test_roles_change_both_ways_during_a_run():
    r = run_scenario(load_scenario("scenarios/baseline.yaml"), 3, days=120)
    mb = r.members
    up = ((mb.role_at_join == "lurker") & mb.role_end.isin(["commenter", "creator"])).sum()
    down = ((mb.role_at_join == "creator") & mb.role_end.isin(["commenter", "lurker"])).sum() + (
        (mb.role_at_join == "commenter") & (mb.role_end == "lurker")
    ).sum()
    assert up > 0 and down > 0


# ------------------------------------------------------------------------------ referral


def _invitation_rate(r, bond=0.8, sat=0.5) -> float:
    return referral.invitation_rate(bond, sat, 1.0, r.base_rate, r.bait.enabled, r.bait.boost, r.product_quality,
                                    r.reliability, referral.reward_boost(r))  # fmt: skip


def test_referral_needs_all_four_of_connection_quality_reliability_and_benefit():
    r = Scenario().referral
    assert _invitation_rate(r) > 0
    assert _invitation_rate(r, bond=0.0) == 0
    assert _invitation_rate(r, sat=-1.0) == 0  # no benefit: the group is not worth it and there is no reward
    assert _invitation_rate(apply_overrides(Scenario(), {"referral.product_quality": 0.0}).referral) == 0
    assert _invitation_rate(apply_overrides(Scenario(), {"referral.reliability": 0.0}).referral) == 0
    assert _invitation_rate(
        apply_overrides(Scenario(), {"referral.reward_yuan": 20.0}).referral
    ) > _invitation_rate(r)


def test_bait_sharing_needs_no_bond_brings_misfits_and_spends_social_capital_faster():
    bait = apply_overrides(Scenario(), {"referral.bait.enabled": True}).referral
    assert _invitation_rate(bait, bond=0.0, sat=0.0) > 0
    assert referral.fatigue_factor(bait) < referral.fatigue_factor(Scenario().referral)
    key, friends = KEYS[Stream.INVITEES], np.full(2000, 0.9)
    r = Scenario().referral
    assert (
        referral.invitee_fit(key, 1, friends, 0.6, 6.0, r.homophily, True, bait.bait.fit_mean).mean() < 0.35
    )
    assert (
        referral.invitee_fit(key, 1, friends, 0.6, 6.0, r.homophily, False, bait.bait.fit_mean).mean() > 0.8
    )


# --------------------------------------------------------------- moderation & operator


def _enforce(n: int, group: np.ndarray, admins: int, owner_hours: np.ndarray, warnings: int = 0):
    members = member_table(
        n + admins, group=np.concatenate([group, np.zeros(admins, np.int64)]), warnings=warnings
    )
    members.role[n:] = ADMIN
    ads = np.concatenate([np.ones(n, np.int64), np.zeros(admins, np.int64)])
    G = owner_hours.shape[0]
    out = (np.zeros(n + admins, bool), np.zeros(n + admins, bool), np.zeros(G), np.zeros(G))
    hours = moderation.enforce(KEYS[Stream.MODERATION], 1, n + admins, members.Z, ads, np.zeros(n + admins, np.int64),
                               owner_hours, *out, *moderation.arguments(Scenario()))  # fmt: skip
    return moderation.Enforcement(*out, hours)


def test_more_admins_catch_more_violations():
    none = np.zeros(400, np.int64)
    few, many = _enforce(400, none, 1, np.zeros(1)), _enforce(400, none, 20, np.zeros(1))
    assert many.caught.sum() > 5 * few.caught.sum() > 0
    repeat = _enforce(400, none, 100, np.zeros(1), warnings=5)
    assert repeat.kicked.sum() == repeat.caught.sum() > 0


def test_the_owner_moderates_with_spare_hours_and_the_time_is_costed():
    group = np.repeat([0, 1], 100)
    idle, busy = _enforce(200, group, 0, np.zeros(2)), _enforce(200, group, 0, np.array([1.0, 1.0]))
    assert idle.caught.sum() == 0 and busy.caught.sum() > 0
    assert 0 < busy.operator_hours <= 2.0
    # a closed group takes no share of the owner's time
    one_open = _enforce(200, group, 0, np.array([2.0, 0.0]))
    assert one_open.removed_ads[1] == 0 and one_open.removed_ads[0] > busy.removed_ads[0]


def test_events_tie_attendees_together_up_to_capacity():
    members = member_table(100, fit=1.0)
    where, came, a, b = events.hold(
        KEYS[Stream.EVENTS], 1, 100, members.F, members.Z, np.array([1]), 30, 3, 0.3, 0.5, 0.0
    )
    assert came.tolist() == [30] and where.tolist() == [0]
    attendees = np.flatnonzero(members.satisfaction[:100] > 0)
    assert attendees.shape[0] == 30 and set(a.tolist()) <= set(attendees.tolist()) and (a != b).all()


def test_the_leaderboard_recognises_the_weeks_top_scorers():
    members, identity = member_table(3), np.zeros(3)
    args = incentives.arguments(Scenario().incentives)
    published = incentives.score(7, 3, members.F, members.Z, np.array([2, 0, 1]), np.array([0, 5, 0]),
                                 np.array([9, 0, 0]), identity, *args)  # fmt: skip
    assert published and members.points[:3].tolist() == [20.0, 10.0, 10.0]  # chatter earns nothing by default
    week = np.array([5.0, 0.0, 9.0, 1.0])
    assert incentives.leaderboard(4, week, np.ones(4, bool), 2).tolist() == [2, 0]


def test_groups_fill_to_the_cap_then_overflow_and_splits_follow_sub_topics():
    one = np.ones(1, bool)
    route = lambda interest, sizes, slots, moduli, open_g: matrix.route(
        np.array(interest, np.int64),
        np.array(sizes, np.int64),
        np.array(slots),
        np.array(moduli),
        open_g,
        500,
    )
    assert route([0, 1], [499], [0], [0], one).tolist() == [0, -1]
    # sub-topic 3 goes to the group serving 3 % 2 == 1, not to the other focused group
    assert route([3], [10, 200], [0, 1], [2, 2], np.ones(2, bool)).tolist() == [1]
    assert matrix.split_assignment(np.array([0, 1, 2, 3, 4]), 2).tolist() == [0, 1, 0, 1, 0]
    quiet = matrix.lurkers_to_remove(
        np.ones(3, bool), np.ones(3, bool), np.array([50, 95, -(10**6)]), np.array([0, 0, 90]), 100, 30
    )
    assert quiet.tolist() == [0]


# -------------------------------------------------------------- inside the model (seeds)


def test_more_ads_mean_more_muting():
    base = load_scenario("scenarios/baseline.yaml")
    quiet = apply_overrides(base, {"cadence.promotion.enabled": False})
    loud = apply_overrides(
        base,
        {"cadence.promotion.start_day": 2, "cadence.promotion.every_days": 1, "cadence.promotion.posts": 3},
    )
    muted = lambda r: r.daily["mutes"].sum() / max(1, r.summary["members_ever"])  # noqa: E731
    assert _mean(loud, muted, days=60) > 3 * _mean(quiet, muted, days=60)


def test_replies_keep_creators_posting():
    base = load_scenario("scenarios/lightly_run.yaml")
    mute_replies = apply_overrides(
        base,
        {
            "behaviour.replies.rate": {
                "lurker": 0,
                "commenter": 0,
                "creator": 0,
                "kol": 0,
                "admin": 0,
                "koc": 0,
            }
        },
    )
    value = lambda r: r.daily["value_posts"].sum()  # noqa: E731
    assert _mean(base, value, days=60) > 1.3 * _mean(mute_replies, value, days=60)


def test_ties_hold_members_in_the_group():
    base = load_scenario("scenarios/baseline.yaml")
    loose = apply_overrides(base, {"behaviour.churn.tie_lock": 1000.0})
    leaves = lambda r: (r.daily["leaves"].sum()) / max(1, r.summary["members_ever"])  # noqa: E731
    assert _mean(loose, leaves, days=90) > _mean(base, leaves, days=90)


def test_a_group_with_no_value_posts_dies_after_the_configured_silence():
    silent = apply_overrides(
        Scenario(),
        {
            "behaviour.posting.value_rate": {
                "lurker": 0,
                "commenter": 0,
                "creator": 0,
                "kol": 0,
                "admin": 0,
                "koc": 0,
            },
            "horizon.dead_after_days": 9,
        },
    )
    r = run_scenario(silent, 1)
    assert r.summary["ended_by"] == "dead" and not r.summary["censored"]
    assert r.summary["lifespan_days"] == 0 and r.summary["days_simulated"] == 9
    assert not r.daily["alive"].iloc[-1] and r.daily["alive"].iloc[0]


def test_a_living_group_is_censored_at_the_horizon():
    r = run_scenario(load_scenario("scenarios/baseline.yaml"), 1, days=40)
    assert r.summary["censored"] and r.summary["lifespan_days"] == 40 and r.summary["ended_by"] == "horizon"


def test_posted_rules_with_enforcement_keep_ads_out_of_view():
    base = apply_overrides(load_scenario("scenarios/mass_add.yaml"), {"cadence.promotion.enabled": False})
    lax = apply_overrides(base, {"rules.enabled": False})
    ads = lambda r: r.daily["ads"].sum()  # noqa: E731
    removed = lambda r: r.daily["removed"].sum()  # noqa: E731
    assert _mean(lax, ads, days=30) > 1.5 * _mean(base, ads, days=30)
    assert _mean(base, removed, days=30) > 0 == _mean(lax, removed, days=30)


def test_events_strengthen_ties_among_members():
    base = load_scenario("scenarios/lightly_run.yaml")
    with_events = apply_overrides(
        base, {"events.enabled": True, "events.start_day": 5, "events.every_days": 10}
    )
    assert build_model(with_events, 0).current.events.enabled

    def mean_ties(s: Scenario, seed: int) -> float:
        m = build_model(s, seed)
        simulate(m, 40)
        present = m.members.state[: m.members.n] <= MUTED
        return float(m.members.tie_strength[: m.members.n][present].mean())

    assert np.mean([mean_ties(with_events, s) for s in SEEDS]) > 1.5 * np.mean(
        [mean_ties(base, s) for s in SEEDS]
    )


def test_points_for_value_raise_value_output_and_points_for_chatter_breed_chatter():
    base = load_scenario("scenarios/lightly_run.yaml")
    points = apply_overrides(base, {"incentives.enabled": True})
    chatty = apply_overrides(base, {"incentives.enabled": True, "incentives.points_chatter": 5.0})
    value = lambda r: r.daily["value_posts"].sum()  # noqa: E731
    chatter = lambda r: r.daily["chatter"].sum()  # noqa: E731
    assert _mean(points, value, days=60) > _mean(base, value, days=60)
    assert _mean(chatty, chatter, days=60) > 1.15 * _mean(points, chatter, days=60)


def test_kocs_are_promoted_from_the_most_active_members_and_paid_monthly():
    s = load_scenario("scenarios/koc_limited_attention.yaml")
    m = build_model(
        s, 1
    )  # a group still alive at the first reviews (a dead one has nobody active to promote)
    simulate(m, 30)
    n = m.members.n
    kocs = np.flatnonzero(m.members.role[:n] == KOC)
    assert 0 < kocs.shape[0] <= 3
    assert m.ledger.cost["koc_rewards"] > 0


def test_a_growing_community_splits_into_focused_sub_groups_and_clears_lurkers():
    m = build_model(
        apply_overrides(load_scenario("scenarios/matrix_split.yaml"), {"horizon.stop_at_death": False}), 4
    )
    simulate(m, 120)
    assert m.groups.count >= 3
    assert any("split" in note for note in m.day_notes())
    n = m.members.n
    present = m.members.state[:n] <= MUTED
    sizes = np.bincount(m.members.group[:n][present])
    assert sizes.max() < 250
    assert any("lurkers removed" in note for note in m.day_notes())


def test_a_full_group_opens_an_overflow_group():
    s = apply_overrides(Scenario(), {"population.initial_members": 40, "matrix.max_group_size": 30})
    m = build_model(s, 1)
    assert m.groups.count == 2
    n = m.members.n
    assert np.bincount(m.members.group[:n]).max() <= 30


def test_a_flash_group_is_dissolved_on_its_planned_day_and_its_members_need_fades():
    r = run_scenario(load_scenario("scenarios/flash_sale.yaml"), 1)
    assert (
        r.summary["ended_by"] == "dissolved"
        and r.summary["days_simulated"] == 10
        and not r.summary["censored"]
    )
    assert r.daily["members"].iloc[-1] <= 4  # only the operator side remains
    assert [posting.need_remaining(t, 3.0) for t in (0.0, 3.0, 6.0)] == [1.0, 0.5, 0.25]


def test_timeline_interventions_happen_on_their_day_and_are_logged():
    campaign = apply_overrides(
        load_scenario("scenarios/campaign_timeline.yaml"), {"horizon.stop_at_death": False}
    )
    r = run_scenario(campaign, 2, days=80)
    days = {(i["day"], i["action"]) for i in r.interventions}
    assert {
        (20, "invite_kol"),
        (30, "run_event"),
        (30, "red_packets"),
        (45, "start_selling"),
        (60, "mass_add"),
        (75, "set"),
    } <= days
    d = r.daily.set_index("day")
    assert d.loc[20, "kols"] == d.loc[19, "kols"] + 1
    assert d.loc[60, "joins_operator"] == 100
    assert d.loc[44, "revenue_yuan"] == 0 < d.loc[80, "revenue_yuan"]  # sales exist only once selling started
    assert "start_selling" in d.loc[45, "interventions"]


def test_a_set_intervention_changes_parameters_from_its_day_on():
    s = apply_overrides(load_scenario("scenarios/baseline.yaml"), {})
    s = s.model_validate(
        {
            **s.model_dump(),
            "timeline": [{"day": 5, "action": "set", "changes": {"rules.ban_off_topic": True}}],
        }
    )
    m = build_model(s, 1)
    simulate(m, 4)
    assert not m.current.rules.ban_off_topic
    simulate(m, 5)
    assert m.current.rules.ban_off_topic and not m.scenario.rules.ban_off_topic


def test_operator_cost_is_accounted_item_by_item():
    s = apply_overrides(load_scenario("scenarios/red_packets_only.yaml"), {"horizon.stop_at_death": False})
    r = run_scenario(s, 1, days=30)
    c = r.summary["cost_breakdown_yuan"]
    assert c["red_packets"] == pytest.approx(10 * 20.0)  # days 3, 6, ..., 30
    assert r.summary["operator_cost_yuan"] == pytest.approx(sum(c.values()), abs=0.05)
    assert r.daily["cost_yuan"].is_monotonic_increasing


def test_the_operator_is_never_counted_as_a_contributor_or_a_leaver():
    m = build_model(load_scenario("scenarios/baseline.yaml"), 5)
    simulate(m, 60)
    owner_rows = np.flatnonzero(m.members.role[: m.members.n] == ADMIN)
    assert (m.members.state[owner_rows] == ACTIVE).all()


def test_levels_follow_doublings_of_points():
    inc = Scenario().incentives
    levels = [incentives.level(p, inc.level_points) for p in (0.0, 49.0, 50.0, 100.0, 399.0, 400.0)]
    assert levels == [0, 0, 1, 2, 3, 4]


def test_a_lottery_draws_entries_from_members_and_pays_one_winner_per_draw():
    base = apply_overrides(
        load_scenario("scenarios/unmanaged.yaml"),
        {"operator.hours_per_day": 0.2, "horizon.stop_at_death": False},
    )
    draws = apply_overrides(
        base,
        {"cadence.lottery.enabled": True, "cadence.lottery.start_day": 2, "cadence.lottery.every_days": 4},
    )
    chatter = lambda r: r.daily["chatter"].sum()  # noqa: E731
    assert _mean(draws, chatter, days=20) > 2 * _mean(base, chatter, days=20)
    r = run_scenario(draws, 1, days=20)
    assert r.summary["cost_breakdown_yuan"]["prizes"] == pytest.approx(5 * 50.0)  # days 2, 6, 10, 14, 18


def test_founders_are_tied_to_the_owner_from_day_zero():
    m = build_model(load_scenario("scenarios/baseline.yaml"), 1)
    n = m.members.n
    founders = np.flatnonzero(m.members.role[:n] != ADMIN)
    assert m.ties.n > 0 and (m.members.tie_strength[founders] > 0).any()


def test_interventions_scheduled_during_a_run_happen_on_their_day():
    from sim.scenario.schema import MassAdd, SetParameters

    m = build_model(load_scenario("scenarios/baseline.yaml"), 1)
    simulate(m, 5)
    m.schedule(MassAdd(action="mass_add", day=7, count=50))
    with pytest.raises(ValueError):
        m.schedule(MassAdd(action="mass_add", day=5, count=50))  # already simulated
    with pytest.raises(ValueError):
        m.schedule(SetParameters(action="set", day=8, changes={"rules.ban_adz": True}))
    assert [i.day for i in m.pending_interventions()] == [7]
    simulate(m, 7)
    assert m.intervention_log[-1]["day"] == 7 and m.intervention_log[-1]["action"] == "mass_add"
    assert m.daily_array()[-1, 0] == 7  # column 0 is the day: the last recorded day is day 7
    assert m.pending_interventions() == []


def test_a_sales_kpi_comes_first_when_operator_hours_run_short():
    s = apply_overrides(
        load_scenario("scenarios/baseline.yaml"),
        {
            "operator.hours_per_day": 0.2,
            "cadence.promotion.start_day": 1,
            "cadence.promotion.every_days": 1,
            "cadence.promotion.posts": 2,
        },
    )
    r = run_scenario(s, 1, days=10)
    assert r.summary["cost_breakdown_yuan"]["operator_hours"] > 0
    assert (r.daily["operator_posts"] >= 2).all()  # both promotions posted every day, even with little time
