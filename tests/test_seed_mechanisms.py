"""What the seeds say that the model did not express before (issue 15), each mechanism's direction
as a comparison over fixed-seed replicates, with an effect size and its interval, printed like the
claim tests (see `claims_support.report`).

Each test compares a library scenario with the same scenario changed in one lever (by dotted path,
as `groupsim run --set` would), run with the same seeds, so the arms differ only in that lever.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pytest
from claims_support import SCENARIOS, greater_p, km_median, lives_longer_p, mean_difference, report, seeds
from scipy import stats

from sim import build_model, load_scenario, run_scenario
from sim.enums import ADMIN, MUTED
from sim.runner import RunResult, simulate
from sim.scenario import Scenario, apply_overrides

pytestmark = [pytest.mark.claims, pytest.mark.slow]


def scenario(name: str, changes: tuple = ()) -> Scenario:
    """scenarios/<name>.yaml with `changes` ((path, value) pairs) applied."""
    return apply_overrides(load_scenario(SCENARIOS / f"{name}.yaml"), dict(changes))


@cache
def run(name: str, changes: tuple, seed: int) -> RunResult:
    """One replicate (cached per process: several tests read the same arm)."""
    return run_scenario(scenario(name, changes), seed)


def arm(name: str, n: int, changes: tuple = ()) -> list[RunResult]:
    return [run(name, changes, s) for s in seeds(n)]


def per_run(results: list[RunResult], figure) -> np.ndarray:
    return np.array([figure(r) for r in results], dtype=float)


def ci(diff: tuple[float, float, float]) -> str:
    return f"[{diff[1]:.3g}, {diff[2]:.3g}]"


def paired_difference(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """Mean of a - b over replicates run with the same seeds, with a 95% bootstrap interval."""
    res = stats.bootstrap((a - b,), np.mean, n_resamples=999, method="percentile",
                          random_state=np.random.default_rng(1))  # fmt: skip
    return float(np.mean(a - b)), float(res.confidence_interval.low), float(res.confidence_interval.high)


# ------------------------------------------------------------------- 1. group types, duties


def test_a_check_in_course_keeps_more_contributors_over_its_term_than_the_same_course_without_check_ins():
    with_, without = arm("course_checkin", 40), arm("course_checkin", 40, (("checkins.enabled", False),))
    term = lambda r: r.daily.loc[r.daily["day"] < 30, "value_contributors"].mean()  # noqa: E731
    a, b = per_run(with_, term), per_run(without, term)
    diff = mean_difference(a, b)
    first, last = (
        per_run(with_, lambda r, lo=lo: r.daily.loc[r.daily["day"].between(lo, lo + 6), "checkins"].mean())
        for lo in (1, 22)
    )
    report(
        "15.1a check-in course vs the same course without check-ins",
        contributors_per_day_with_checkins=a.mean(),
        contributors_per_day_without=b.mean(),
        gain=diff[0],
        gain_ci95=ci(diff),
        p=greater_p(a, b),
        checkins_per_day_week1=first.mean(),
        checkins_per_day_week4=last.mean(),
    )
    assert greater_p(a, b) < 0.001 and diff[1] > 5.0
    # without enough peers the habit wears down over the term (the course group's dropout)
    assert float(stats.wilcoxon(first, last, alternative="greater").pvalue) < 0.001


def test_peer_accountability_keeps_members_checking_in():
    held, alone = arm("course_checkin", 40), arm("course_checkin", 40, (("checkins.accountability", 0.0),))
    checkins = lambda r: r.daily["checkins"].sum()  # noqa: E731
    a, b = per_run(held, checkins), per_run(alone, checkins)
    diff = mean_difference(a, b)
    report(
        "15.1b check-ins with vs without peer accountability",
        checkins_with_peers=a.mean(),
        checkins_alone=b.mean(),
        gain=diff[0],
        gain_ci95=ci(diff),
        p=greater_p(a, b),
    )
    assert greater_p(a, b) < 0.001 and diff[1] > 0


def test_a_deals_group_takes_promotions_as_deals_and_lives_on_them():
    deals, ads = arm("group_buy", 40), arm("group_buy", 40, (("group.type", "interest"),))
    muted = lambda r: r.summary["muted_share_final"]  # noqa: E731
    revenue = lambda r: r.summary["revenue_yuan"]  # noqa: E731
    life = [_Life.of(r) for r in deals], [_Life.of(r) for r in ads]
    d_muted, d_revenue = (
        mean_difference(per_run(ads, muted), per_run(deals, muted)),
        mean_difference(per_run(deals, revenue), per_run(ads, revenue)),
    )
    report(
        "15.1c group-buy group as a deals group vs as an interest group",
        muted_share_final_deals=per_run(deals, muted).mean(),
        muted_share_final_interest=per_run(ads, muted).mean(),
        less_muting=d_muted[0],
        less_muting_ci95=ci(d_muted),
        revenue_deals=per_run(deals, revenue).mean(),
        revenue_interest=per_run(ads, revenue).mean(),
        median_lifespan_deals=km_median(life[0]),
        median_lifespan_interest=km_median(life[1]),
        logrank_p=lives_longer_p(*life),
    )
    assert d_muted[1] > 0 and d_revenue[1] > 0
    assert lives_longer_p(*life) < 0.001


def test_a_learning_group_lives_on_its_owners_lessons():
    # a lightly run group whose owner posts a daily lesson: in a learning group the lesson is value
    lessons = (("cadence.morning_report.every_days", 1),)
    learning = arm("lightly_run", 60, (*lessons, ("group.type", "learning")))
    interest = arm("lightly_run", 60, lessons)
    life = [_Life.of(r) for r in learning], [_Life.of(r) for r in interest]
    report(
        "15.1d daily lessons in a learning group vs the same posts in an interest group",
        median_lifespan_learning=km_median(life[0]),
        median_lifespan_interest=km_median(life[1]),
        logrank_p=lives_longer_p(*life),
    )
    assert lives_longer_p(*life) < 0.001


@dataclass(frozen=True)
class _Life:
    """A run's lifespan and censoring, as the survival helpers of claims_support read them."""

    lifespan: int
    censored: bool

    @classmethod
    def of(cls, r: RunResult) -> _Life:
        return cls(int(r.summary["lifespan_days"]), bool(r.summary["censored"]))


# ------------------------------------------------------------------------------ 2. culture

_NEGLECTED = (
    ("culture.manifesto.enabled", False),
    ("onboarding.welcome_ritual", False),
    ("onboarding.self_introductions", False),
)


def test_a_group_with_a_reinforced_culture_refers_more_and_loses_fewer_members():
    kept, neglected = arm("culture_reinforced", 30), arm("culture_reinforced", 30, _NEGLECTED)
    referred = lambda r: r.daily["joins_referral"].sum()  # noqa: E731
    left = lambda r: r.daily["leaves"].sum() / max(r.summary["members_ever"], 1)  # noqa: E731
    culture = lambda r: r.daily["culture"].mean()  # noqa: E731
    d_ref = mean_difference(per_run(kept, referred), per_run(neglected, referred))
    d_left = mean_difference(per_run(neglected, left), per_run(kept, left))
    report(
        "15.2a reinforced culture vs neglected culture",
        mean_culture_reinforced=per_run(kept, culture).mean(),
        mean_culture_neglected=per_run(neglected, culture).mean(),
        referral_joins_reinforced=per_run(kept, referred).mean(),
        referral_joins_neglected=per_run(neglected, referred).mean(),
        more_referrals=d_ref[0],
        more_referrals_ci95=ci(d_ref),
        left_share_reinforced=per_run(kept, left).mean(),
        left_share_neglected=per_run(neglected, left).mean(),
        fewer_leave=d_left[0],
        fewer_leave_ci95=ci(d_left),
        leave_p=greater_p(per_run(neglected, left), per_run(kept, left)),
    )
    assert greater_p(per_run(kept, referred), per_run(neglected, referred)) < 0.001 and d_ref[1] > 0
    assert greater_p(per_run(neglected, left), per_run(kept, left)) < 0.01 and d_left[1] > 0


def test_mass_adding_makes_the_groups_culture_drift():
    track = (("culture.enabled", True),)
    mass, vetted = arm("mass_add", 30, track), arm("organic_vetted", 30, track)
    culture = lambda r: r.daily.loc[r.daily["day"].between(10, 60), "culture"].mean()  # noqa: E731
    d = mean_difference(per_run(vetted, culture), per_run(mass, culture))
    report(
        "15.2b culture after mass-adding vs organic growth with vetting",
        mean_culture_days_10_60_mass=per_run(mass, culture).mean(),
        mean_culture_days_10_60_vetted=per_run(vetted, culture).mean(),
        drift=d[0],
        drift_ci95=ci(d),
        p=greater_p(per_run(vetted, culture), per_run(mass, culture)),
    )
    assert greater_p(per_run(vetted, culture), per_run(mass, culture)) < 0.001 and d[1] > 0


# ---------------------------------------------------- 3. tricks wear off, over-control backfires

_LOTTERIES = (
    ("cadence.lottery.enabled", True),
    ("cadence.lottery.start_day", 3),
    ("cadence.lottery.every_days", 3),
    ("horizon.days", 60),
    ("horizon.stop_at_death", False),
)


def _lottery_spikes(r: RunResult, days: range) -> float:
    """Chatter on lottery days over the day before, per active member, averaged over `days`."""
    d = r.daily.set_index("day")
    return float(
        np.mean([(d.loc[k, "chatter"] - d.loc[k - 1, "chatter"]) / max(d.loc[k, "active"], 1) for k in days])
    )


def test_repeated_lotteries_lose_their_effect():
    worn, fresh = (
        arm("lightly_run", 40, _LOTTERIES),
        arm("lightly_run", 40, (*_LOTTERIES, ("behaviour.habituation.lotteries", 1.0))),
    )
    early, late = range(3, 18, 3), range(42, 58, 3)
    worn_early, worn_late = (
        per_run(worn, lambda r: _lottery_spikes(r, early)),
        per_run(worn, lambda r: _lottery_spikes(r, late)),
    )
    ratio = lambda runs: (
        per_run(runs, lambda r: _lottery_spikes(r, late)) - per_run(runs, lambda r: _lottery_spikes(r, early))
    )  # noqa: E731
    d = mean_difference(ratio(fresh), ratio(worn))
    p_decline = float(stats.wilcoxon(worn_early, worn_late, alternative="greater").pvalue)
    report(
        "15.3a repeated lotteries, with and without habituation",
        spike_per_member_lotteries_1_5=worn_early.mean(),
        spike_per_member_lotteries_14_19=worn_late.mean(),
        decline_p=p_decline,
        late_minus_early_habituated=ratio(worn).mean(),
        late_minus_early_never_habituating=ratio(fresh).mean(),
        habituation_effect=d[0],
        habituation_effect_ci95=ci(d),
    )
    assert p_decline < 0.001 and worn_late.mean() < 0.75 * worn_early.mean()
    assert d[1] > 0, "the lottery's spike should fade more when members grow used to it"


_HEAVY_SOP = (
    ("cadence.morning_report.every_days", 1),
    ("cadence.topic_prompts.enabled", True),
    ("cadence.guided_discussion.enabled", True),
    ("cadence.guided_discussion.replies_per_day", 10),
    ("cadence.mentions.enabled", True),
    ("cadence.mentions.per_day", 10),
    ("cadence.lottery.enabled", True),
    ("cadence.lottery.every_days", 2),
    ("operator.hours_per_day", 4.0),
    ("horizon.stop_at_death", False),
)


def test_operator_messages_beyond_what_members_say_drive_members_out():
    nagged, tolerated = (
        arm("lightly_run", 40, _HEAVY_SOP),
        arm("lightly_run", 40, (*_HEAVY_SOP, ("behaviour.nagging.weight", 0.0))),
    )
    left = lambda r: r.daily["leaves"].sum() / max(r.summary["members_ever"], 1)  # noqa: E731
    d = mean_difference(per_run(nagged, left), per_run(tolerated, left))
    report(
        "15.3b an over-controlling SOP in a quiet group, with and without resentment",
        left_share_resented=per_run(nagged, left).mean(),
        left_share_tolerated=per_run(tolerated, left).mean(),
        more_leave=d[0],
        more_leave_ci95=ci(d),
        p=greater_p(per_run(nagged, left), per_run(tolerated, left)),
    )
    assert greater_p(per_run(nagged, left), per_run(tolerated, left)) < 0.001 and d[1] > 0


def test_a_playbook_adapts_to_the_group_and_outlives_the_fixed_plan():
    adaptive, fixed = arm("playbook_adaptive", 40), arm("hard_sell_day3", 40)
    muted = lambda r: r.summary["muted_share_final"]  # noqa: E731
    life = [_Life.of(r) for r in adaptive], [_Life.of(r) for r in fixed]
    d = mean_difference(per_run(fixed, muted), per_run(adaptive, muted))
    report(
        "15.3c hard selling with a playbook vs the fixed plan",
        muted_share_final_playbook=per_run(adaptive, muted).mean(),
        muted_share_final_fixed=per_run(fixed, muted).mean(),
        less_muting=d[0],
        less_muting_ci95=ci(d),
        median_lifespan_playbook=km_median(life[0]),
        median_lifespan_fixed=km_median(life[1]),
        logrank_p=lives_longer_p(*life),
    )
    assert d[1] > 0 and lives_longer_p(*life) < 0.01


# ------------------------------------------------------------------ 4. ties fade, meeting builds trust


def _model_after(name: str, changes: tuple, seed: int, days: int):
    model = build_model(scenario(name, changes), seed)
    simulate(model, days)
    return model


def _present_mean(model, column: str) -> float:
    m = model.members
    n = m.n
    present = (m.state[:n] <= MUTED) & (m.role[:n] != ADMIN)
    return float(getattr(m, column)[:n][present].mean())


def _in_group_ties_per_member(model) -> float:
    """Live weight of the ties formed in the group (not the friendships that predate it) per present member."""
    log, m = model.ties, model.members
    live = log.alive[: log.n] & ~log.lasting[: log.n]
    present = np.count_nonzero(m.state[: m.n] <= MUTED)
    return float(2.0 * log.weight[: log.n][live].sum() / max(present, 1))


def test_ties_fade_without_contact():
    quiet = (("horizon.stop_at_death", False),)
    never = (*quiet, ("behaviour.ties.half_life_days", 0.0))
    a = np.array([_in_group_ties_per_member(_model_after("lightly_run", never, s, 90)) for s in seeds(30)])
    b = np.array([_in_group_ties_per_member(_model_after("lightly_run", quiet, s, 90)) for s in seeds(30)])
    d = paired_difference(a, b)
    p = float(stats.wilcoxon(a, b, alternative="greater").pvalue)  # same seeds: paired
    report(
        "15.4a in-group tie strength per member on day 90, ties that never fade vs ties that fade",
        tie_strength_never=a.mean(),
        tie_strength_fading=b.mean(),
        lost=d[0],
        lost_ci95=ci(d),
        paired_p=p,
    )
    assert p < 0.001 and d[1] > 0 and b.mean() < 0.8 * a.mean()


def test_offline_events_build_more_trust_and_stronger_ties_than_online_ones():
    often = (("events.every_days", 14), ("events.start_day", 7))
    offline = [_model_after("baseline", (*often, ("events.offline", True)), s, 60) for s in seeds(30)]
    online = [_model_after("baseline", often, s, 60) for s in seeds(30)]
    trust = [np.array([_present_mean(m, "trust") for m in arm_]) for arm_ in (offline, online)]
    ties = [np.array([_present_mean(m, "tie_strength") for m in arm_]) for arm_ in (offline, online)]
    d_trust, d_ties = mean_difference(*trust), mean_difference(*ties)
    report(
        "15.4b offline vs online events (every 14 days from day 7), members on day 60",
        mean_trust_offline=trust[0].mean(),
        mean_trust_online=trust[1].mean(),
        trust_gain=d_trust[0],
        trust_gain_ci95=ci(d_trust),
        mean_tie_strength_offline=ties[0].mean(),
        mean_tie_strength_online=ties[1].mean(),
        tie_gain=d_ties[0],
        tie_gain_ci95=ci(d_ties),
    )
    assert greater_p(*trust) < 0.001 and d_trust[1] > 0
    assert greater_p(*ties) < 0.001 and d_ties[1] > 0


def test_self_introductions_and_the_operators_introductions_form_weak_ties():
    def newcomers_ties(model) -> float:
        m, n = model.members, model.members.n
        joined = (m.join_day[:n] >= 1) & (m.state[:n] <= MUTED)
        return float(m.tie_count[:n][joined].mean())

    days = (("horizon.stop_at_death", False),)
    plain = [newcomers_ties(_model_after("baseline", days, s, 30)) for s in seeds(80)]
    intros = [newcomers_ties(_model_after("baseline", (*days, ("onboarding.self_introductions", True)), s, 30))
              for s in seeds(80)]  # fmt: skip
    introduced = [newcomers_ties(_model_after("baseline", (*days, ("cadence.introductions.enabled", True)), s, 30))
                  for s in seeds(80)]  # fmt: skip
    d_self = mean_difference(np.array(intros), np.array(plain))
    d_op = mean_difference(np.array(introduced), np.array(plain))
    report(
        "15.4c live ties of newcomers on day 30",
        ties_no_introductions=float(np.mean(plain)),
        ties_self_introductions=float(np.mean(intros)),
        self_gain_ci95=ci(d_self),
        ties_operator_introductions=float(np.mean(introduced)),
        operator_gain_ci95=ci(d_op),
    )
    assert d_self[1] > 0 and d_op[1] > 0


# ---------------------------------------------------------------------------- 5. the owner tires


#: Seed 000's "500人的社群,每個人都是索取者": claim 8's committed group grown to 500 members who
#: joined willingly but take without contributing (no vetting, founders no keener than anyone).
#: Not the mass-added large_passive group: most of its members mute at once (3.32-3.34), and a
#: member who muted the group asks nothing of the owner.
TAKERS = (
    ("population.initial_members", 500),
    ("entry.threshold", "none"),
    ("population.founder_participation", 0.5),
)


def test_an_owner_whose_group_is_all_takers_burns_out_sooner():
    tracked = (("energy.enabled", True), ("horizon.stop_at_death", False))
    takers, givers = arm("small_committed", 40, (*tracked, *TAKERS)), arm("small_committed", 40, tracked)
    lowest = lambda r: r.daily["owner_energy"].min()  # noqa: E731

    def tired(r: RunResult) -> _Life:
        below = r.daily.loc[r.daily["owner_energy"] < 0.4, "day"]
        return _Life(int(below.iloc[0]), False) if len(below) else _Life(int(r.daily["day"].iloc[-1]), True)

    d = mean_difference(per_run(givers, lowest), per_run(takers, lowest))
    # "lives longer" = stays untired longer: the contributors' owner against the takers'
    p_tired = lives_longer_p([tired(r) for r in givers], [tired(r) for r in takers])
    report(
        "15.5 owner energy: 500 members who take vs 50 committed members",
        lowest_energy_takers=per_run(takers, lowest).mean(),
        lowest_energy_committed=per_run(givers, lowest).mean(),
        difference=d[0],
        difference_ci95=ci(d),
        tired_by_day_180_takers=f"{sum(not tired(r).censored for r in takers)}/{len(takers)}",
        tired_by_day_180_committed=f"{sum(not tired(r).censored for r in givers)}/{len(givers)}",
        median_day_tired_takers=float(np.median([tired(r).lifespan for r in takers])),
        logrank_p=p_tired,
    )
    assert d[1] > 0.1 and p_tired < 0.001


# ------------------------------------------------------------------------ 6. seed 000's target


def test_the_seed_000_target_group_has_more_than_half_contributing():
    runs_ = arm("seed000_target", 40)

    def share(r: RunResult) -> float:
        d = r.daily
        return float((d["value_contributors"] / (d["members"] - d["admins"]).clip(lower=1)).mean())

    shares = per_run(runs_, share)
    res = stats.bootstrap((shares,), np.mean, n_resamples=999, method="percentile",
                          random_state=np.random.default_rng(1))  # fmt: skip
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    report(
        "15.6 seed 000's target: a group of 50, more than half contributing",
        mean_members=per_run(runs_, lambda r: r.daily["members"].mean()).mean(),
        contributor_share=shares.mean(),
        contributor_share_ci95=f"[{lo:.3f}, {hi:.3f}]",
        runs_above_half=f"{int((shares > 0.5).sum())}/{len(shares)}",
    )
    assert lo > 0.5
