"""The issue-15 mechanisms one piece at a time: the compiled formulas and kernels on hand-made
members, and the wiring inside the model (the playbook fires exactly when its condition holds, a
tired owner cuts the SOP, an exhausted one quits). tests/test_seed_mechanisms.py measures their
effects over replicates."""

from __future__ import annotations

import numpy as np
import pytest
from claims_support import SCENARIOS, seeds
from tables_support import member_table

from sim import Scenario, apply_overrides, build_model, load_scenario, run_scenario
from sim.enums import ACTIVE, ADMIN, MUTED, OPERATOR, ORGANIC
from sim.figures import marker_text
from sim.mechanisms import (
    checkins,
    culture,
    draws,
    energy,
    events,
    habituation,
    introductions,
    mentions,
    nagging,
    value_sources,
)
from sim.mechanisms.draws import Stream
from sim.mechanisms.playbook import quantity
from sim.metrics import DAILY_COLUMNS
from sim.runner import simulate
from sim.scenario.schema import Culture, Energy, GroupType
from sim.state import MemberTable, TieLog

KEYS = draws.StreamKeys(20261215)


# ------------------------------------------------------------------------------- ties fade


def _log(weights: list[float], lasting: list[bool], members: int = 4) -> tuple[TieLog, MemberTable]:
    table = member_table(members)
    log = TieLog()
    for k, (w, keep) in enumerate(zip(weights, lasting)):
        log.add(np.array([0]), np.array([k + 1]), w, 0, table, keep)
    return log, table


def test_a_new_tie_fades_at_the_pace_of_its_half_life_an_old_one_slower_and_a_friendship_not_at_all():
    log, m = _log([1.0, 1.0], [False, True])
    log.fade(0, 20.0, 0.02, 150.0, m)  # the night after the tie formed
    assert log.weight[0] == pytest.approx(0.5 ** (1 / 20), rel=1e-6) and log.weight[1] == 1.0
    assert m.tie_strength[0] == pytest.approx(1.0 + 0.5 ** (1 / 20), rel=1e-6) and m.tie_count[0] == 2
    old, m_old = _log([1.0], [False])
    old.fade(100, 20.0, 0.02, 150.0, m_old)  # a tie 100 days old
    assert old.weight[0] == pytest.approx(0.5 ** (1 / 120), rel=1e-6)
    fading = _log([1.0], [False])
    for day in range(1, 201):
        fading[0].fade(day, 20.0, 0.0, 150.0, fading[1])
    # the rate ln 2 / (20 + age) over 200 nights leaves 0.5^(sum of 1 / (20 + age)), about (220/20)^-ln 2:
    # 19% of the tie, where a fixed 20-day half-life would leave 0.1%
    assert fading[0].weight[0] == pytest.approx(0.5 ** sum(1 / (20 + a) for a in range(1, 201)), rel=1e-5)


def test_a_tie_that_fades_below_the_floor_is_forgotten():
    log, m = _log([0.03], [False])
    forgotten = log.fade(0, 1.0, 0.02, 150.0, m)  # halves overnight: 0.015
    assert forgotten == 1 and not log.alive[0]
    assert m.tie_count[0] == m.tie_count[1] == 0
    assert m.tie_strength[:2] == pytest.approx(0.0, abs=1e-6)  # the log keeps weights in float32


def test_keeping_up_more_ties_than_dunbars_number_makes_each_fade_faster():
    light, m_light = _log([1.0], [False])
    heavy, m_heavy = _log([1.0], [False])
    m_heavy.tie_count[0] = 300  # the member at one end keeps up twice as many ties as Dunbar's 150
    light.fade(0, 10.0, 0.02, 150.0, m_light)
    heavy.fade(0, 10.0, 0.02, 150.0, m_heavy)
    assert light.weight[0] == pytest.approx(0.5**0.1) and heavy.weight[0] == pytest.approx(0.5**0.2)


def test_newcomers_who_chose_to_join_introduce_themselves_to_members_of_their_group():
    m = member_table(8)
    m.join_day[:8] = [0, 0, 0, 0, 5, 5, 5, 0]
    m.channel[:8] = [ORGANIC] * 5 + [OPERATOR, ORGANIC, ORGANIC]
    m.group[:8] = [0, 0, 0, 1, 0, 0, 1, 1]
    a, b = introductions.self_introductions(KEYS[Stream.SELF_INTROS], 5, 8, 2, m.Z, 3)
    assert set(a.tolist()) <= {4, 6}  # the mass-added member (5) and old members introduce nobody
    assert all(m.group[x] == m.group[y] and x != y for x, y in zip(a, b))
    assert np.count_nonzero(a == 4) == 3


def test_the_operator_introduces_members_of_the_same_group_loners_first():
    m = member_table(40, interest=np.arange(40) % 2)
    m.tie_strength[:20] = 50.0  # half the group is well connected
    a, b = introductions.introduce(KEYS[Stream.INTRODUCTIONS], 3, 40, 1, m.F, m.Z, np.array([200]))
    assert a.shape[0] == 200 and (a != b).all()
    assert np.count_nonzero(a >= 20) > 0.9 * a.shape[0]  # loners are introduced first
    assert np.mean(m.interest[a] == m.interest[b]) > 0.9  # to someone who shares their sub-topic


def test_an_offline_event_adds_trust_to_its_attendees_and_an_online_one_does_not():
    for trust in (0.0, 0.05):
        m = member_table(10, fit=0.8)
        events.hold(KEYS[Stream.EVENTS], 1, 10, m.F, m.Z, np.array([1]), 10, 2, 0.0, 0.0, trust)
        assert m.trust[:10] == pytest.approx(trust)


# ------------------------------------------------------------------------------ habituation


def test_a_member_mentioned_again_and_again_is_drawn_in_less_each_time():
    m = member_table(2, fit=np.array([1.0, 0.0]))  # only member 0 can be picked
    gains = []
    for day in range(1, 5):
        before = m.activation[0]
        mentions.deliver(KEYS[Stream.MENTIONS], day, 2, m.F, m.Z, np.array([1]), np.zeros(2), 0.3, 1.0, 0.8)
        gains.append(m.activation[0] - before)
    assert gains == pytest.approx([1.0, 0.8, 0.64, 0.512])


def test_familiarity_with_a_trick_fades_with_rest():
    m = member_table(1)
    m.mention_fatigue[0] = 4.0
    familiarity = np.array([[2.0], [6.0]])
    keep = habituation.keep_per_day(7.0)
    for _ in range(7):
        habituation.rest(1, m.F, familiarity, keep)
    assert m.mention_fatigue[0] == pytest.approx(2.0) and familiarity[:, 0] == pytest.approx([1.0, 3.0])
    assert habituation.strength(0.85, np.array([0.0, 2.0])) == pytest.approx([1.0, 0.7225])
    assert habituation.keep_per_day(0.0) == 1.0  # 0 = familiarity never fades


# ------------------------------------------------------------------------------- check-ins


def test_the_chance_of_checking_in_rises_with_habit_fit_and_peers_and_is_capped():
    base = checkins.chance(0.4, 1.0, 1.0, 0.5, 1.0, 0.0)
    assert checkins.chance(0.4, 0.5, 1.0, 0.5, 1.0, 0.0) < base
    assert checkins.chance(0.4, 1.0, 1.0, 1.0, 1.0, 0.0) > base
    assert checkins.chance(0.4, 1.0, 1.0, 0.5, 1.0, 0.8) > base
    assert checkins.chance(0.9, 1.0, 1.0, 1.0, 5.0, 1.0) == 1.0


def test_checking_in_strengthens_the_habit_and_missing_weakens_it():
    m = member_table(4, fit=1.0, checkin_habit=0.5)
    m.state[3] = MUTED
    value, checked = np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64)
    need = np.ones(4)
    # rate 1 with a fitting member at habit 0.5 and half the peers checking in: p = 1 * 0.5 * 1.5 > 0.7
    share = checkins.check_in(KEYS[Stream.CHECKINS], 1, 4, 1, m.F, m.Z, value, checked, need, np.array([1.0]), 0.3,
                              1.0, 1.0, 0.2, 0.5)  # fmt: skip
    assert checked[:3].tolist() == [1, 1, 1] and value[:3].tolist() == [1, 1, 1] and checked[3] == 0
    assert m.checkin_habit[:3] == pytest.approx(0.75) and m.checkin_habit[3] == pytest.approx(0.4)
    assert share[0] == pytest.approx(1.0) and m.activation[:3] == pytest.approx(0.3)


# -------------------------------------------------------------------------------- culture


def test_culture_grows_with_reminders_events_rituals_and_tasks_and_erodes_with_misfits_and_noise():
    c = Culture(enabled=True, half_life_days=0.0)
    none = np.zeros(1)
    assert culture.build(c, none, none, none, none) == pytest.approx(0.0)
    grown = culture.build(c, np.ones(1), np.ones(1), np.ones(1), np.ones(1))
    assert grown[0] == pytest.approx(1 - 0.9 * 0.9 * 0.97 * 0.95)
    lost = culture.erosion(c, np.array([0.5]), np.array([10.0]), np.array([20.0]), np.array([100.0]))
    assert lost[0] == pytest.approx(0.03 * 0.5 + 0.3 * 0.1 + 0.03 * 0.2)
    stock = np.array([0.5])
    culture.update(c, stock, grown, np.zeros(1))
    assert stock[0] == pytest.approx(0.5 + grown[0] * 0.5)
    m = member_table(3, fit=np.array([0.2, 0.5, 0.9]))
    assert culture.misfit_share(3, 1, m.F, m.Z, 0.4)[0] == pytest.approx(1 / 3)


def test_culture_holds_members_and_opens_referral_only_when_it_is_tracked():
    level = np.array([0.25, 0.8])
    on, off = Culture(enabled=True), Culture()
    assert culture.hold(on, level) == pytest.approx([1 - 0.5 * 0.25, 1 - 0.5 * 0.8])
    assert culture.referral_gate(on, level) == pytest.approx([0.5, 1.0])
    assert (culture.hold(off, level) == 1).all() and (culture.referral_gate(off, level) == 1).all()


# ----------------------------------------------------------------------------- owner energy


def test_takers_and_work_drain_the_owner_and_contributions_revenue_and_rest_restore_them():
    e = Energy(enabled=True)
    assert energy.change(e, 0.8, 400, 2.0, 0, 0.0) < 0.8
    assert energy.change(e, 0.8, 0, 0.0, 20, 1000.0) > energy.change(e, 0.8, 0, 0.0, 0, 0.0) > 0.8
    state = energy.OwnerEnergy(level=0.2)
    assert state.hours_factor(e) == pytest.approx(0.5) and state.hours_factor(Energy()) == 1.0
    state.quit = True
    assert state.hours_factor(e) == 0.0


def _energy_model(**changes):
    sc = apply_overrides(load_scenario(SCENARIOS / "baseline.yaml"), {"energy.enabled": True, **changes})
    return build_model(sc, 7)


def test_a_tired_owner_cuts_the_sop():
    # an SOP that needs all of the operator's hour a day
    fresh, tired = (
        _energy_model(**{"operator.hours_per_day": 1.0}),
        _energy_model(**{"operator.hours_per_day": 1.0}),
    )
    tired.energy.level = 0.2  # half of tired_below: half the hours
    for model in (fresh, tired):
        hours = model.ledger.operator_hours
        model.step()
        model.hours_today = model.ledger.operator_hours - hours
    assert tired.hours_today < 0.75 * fresh.hours_today


def test_an_exhausted_owner_quits_and_may_dissolve_the_community():
    drained = {"energy.taker_drain": 0.05}
    model = _energy_model(**drained)
    simulate(model, 5)
    assert model.energy.quit and model.running
    daily = model.daily_array()
    quit_day = next(i for i, n in enumerate(model.day_notes()) if "quits" in n)
    assert (daily[quit_day + 1 :, DAILY_COLUMNS.index("operator_posts")] == 0).all()
    dissolving = _energy_model(**drained, **{"energy.dissolve_on_quit": True})
    simulate(dissolving, 5)
    assert dissolving.ended_by == "dissolved" and not dissolving.running


# -------------------------------------------------------------------------------- nagging


def test_only_operator_messages_beyond_what_members_say_irritate():
    excess = nagging.excess(np.array([10.0, 10.0, 2.0]), np.array([4.0, 20.0, 0.0]), 1.0)
    assert excess == pytest.approx([6.0, 0.0, 2.0])
    m = member_table(2, tolerance=np.array([4.0, 8.0]))
    exposure = np.zeros((6, 2))
    exposure[0] = [1.0, 0.5]  # share of the group's messages each read
    nagging.nag(2, m.F, m.Z, np.array([8.0]), exposure, 0.5)
    assert exposure[5] == pytest.approx([0.5 * 8 * 1.0 / 4, 0.5 * 8 * 0.5 / 8])


# ------------------------------------------------------------------------------ group types


def test_each_group_type_counts_its_own_sources_of_value():
    reports, orders = np.array([1.0, 0.0]), np.array([3.0, 0.4])
    counted = {
        t: value_sources.counted(GroupType(type=t), reports, orders).tolist() for t in value_sources.PROFILES
    }
    assert counted == {
        "interest": [0.0, 0.0],
        "learning": [1.0, 0.0],
        "deals": [1.0, 0.0],
        "brand": [1.0, 0.0],
    }
    assert value_sources.welcome(GroupType(type="deals")) == 0.8
    assert value_sources.welcome(GroupType(type="brand")) == 0.4
    assert value_sources.welcome(GroupType()) == 0.0


def test_deals_sell_to_fitting_readers_without_a_bond():
    m = member_table(3, fit=np.array([1.0, 0.5, 0.2]))
    m.state[2], m.role[1] = MUTED, ADMIN
    orders = value_sources.deal_orders(3, 1, m.F, m.Z, np.array([1.0, 1.0, 1.0]), np.array([2.0]), 0.05)
    assert orders == pytest.approx([2.0 * 1.0 * 0.05])  # only the active, ordinary member buys


# ----------------------------------------------------------------------------------- playbook


def _expected_firings(rules, daily) -> list[tuple[int, int]]:
    """(day, rule) of every firing the rules call for, re-derived from the daily table alone."""
    out, state = [], {k: dict(streak=0, last=-(10**6), fired=0) for k in range(len(rules))}
    last_value = 0
    rows = daily.to_dict("records")
    for i, row in enumerate(rows):
        day = int(row["day"]) + 1  # the morning after this row
        if row["value_posts"] > 0:
            last_value = int(row["day"])
        figure = {
            "muted_share": row["muted"] / max(row["members"], 1),
            "days_since_value_post": int(row["day"]) - last_value,
        }
        for k, rule in enumerate(rules):
            value = figure.get(rule.when, row.get(rule.when))
            met = value < rule.below if rule.below is not None else value > rule.above
            s = state[k]
            s["streak"] = s["streak"] + 1 if met else 0
            if (s["streak"] >= rule.for_days and day >= rule.from_day and (not rule.times or s["fired"] < rule.times)
                    and day - s["last"] >= max(rule.cooldown_days, 1) and i + 1 < len(rows)):  # fmt: skip
                s.update(streak=0, last=day, fired=s["fired"] + 1)
                out.append((day, k))
    return out


def test_a_playbook_rule_fires_when_its_condition_holds_and_not_otherwise():
    sc = load_scenario(SCENARIOS / "playbook_adaptive.yaml")
    never = {"when": "members", "below": 0, "do": {"action": "run_event"}}
    sc = Scenario.model_validate(
        {**sc.model_dump(mode="python"), "playbook": [*sc.model_dump()["playbook"], never]}
    )
    fired_somewhere = set()
    for seed in seeds(30):
        result = run_scenario(sc, seed)
        fired = [(i["day"], i["rule"]) for i in result.interventions if "rule" in i]
        assert fired == _expected_firings(sc.playbook, result.daily), seed
        fired_somewhere |= {k for _, k in fired}
        for day, k in fired:
            assert f"playbook: {sc.playbook[k].describe()}" in result.daily.loc[result.daily["day"] == day,
                                                                                "interventions"].iloc[0]  # fmt: skip
    assert fired_somewhere == {0, 1, 2}  # each real rule fires in some run; the impossible one never


def test_a_playbook_firing_is_marked_as_the_rules_in_the_charts():
    entry = {"day": 8, "action": "run_event", "note": "playbook: value_contributors < 3 for 7 days", "detail": {},
             "rule": 1}  # fmt: skip
    assert marker_text(entry, "en") == "rule 2: event" and marker_text(entry, "zh") == "规则 2: 活动"
    assert marker_text({**entry, "rule": None}, "en") == "event"


def test_the_playbook_reads_shares_and_the_days_since_a_value_post_from_the_daily_row():
    row = np.zeros(len(DAILY_COLUMNS))
    row[DAILY_COLUMNS.index("members")], row[DAILY_COLUMNS.index("muted")] = 40, 10
    row[DAILY_COLUMNS.index("admins")], row[DAILY_COLUMNS.index("value_contributors")] = 2, 19
    assert quantity("muted_share", row, 0) == 0.25 and quantity("contributor_share", row, 0) == 0.5
    assert quantity("days_since_value_post", row, 6) == 6.0 and quantity("members", row, 0) == 40.0


def test_newcomers_added_without_asking_are_not_welcomed_with_a_ritual():
    m = member_table(3)
    m.join_day[:3], m.channel[:3] = 4, [ORGANIC, OPERATOR, ORGANIC]
    m.state[2] = ACTIVE
    welcomed = culture.welcome(3, 1, m.Z, m.F, 4, 0.2)
    assert welcomed[0] == 2 and m.satisfaction[:3] == pytest.approx([0.2, 0.0, 0.2])
