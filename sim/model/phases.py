"""The phases of a simulated day, in the order they happen (`DAY`, read by `CommunityModel.step`).

Cause precedes effect within a day. The operator acts first (the timeline, the newcomers it lets
in, its housekeeping and its SOP), because what the operator does today is what draws members in
today; then members post, moderators remove violations, members read what is left and reply
(replies need today's reading, and reward posters before their satisfaction and roles change);
satisfaction, roles and invitations follow from the day's whole experience; churn comes last so
that everything that happened today decides who mutes or leaves. The one-day lags — invitations
arrive tomorrow, today's replies add to tomorrow's reading load — stand for the time people take
to act. docs/model.md §2 describes the same list, phase by phase.

Each phase is a function `(model, today) -> None` that reads the model's state and what earlier
phases wrote into `today` (a `Day`), and writes its own results there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.enums import ACTIVE, ADMIN, BAIT, KOC, KOL, MUTED, OPERATOR, REFERRAL, Channel, State
from sim.mechanisms import (
    arrivals,
    cadence,
    churn,
    events,
    incentives,
    koc,
    kol,
    lottery,
    mentions,
    moderation,
    posting,
    reading,
    red_packets,
    referral,
    replies,
    roles,
    sales,
    satisfaction,
)
from sim.mechanisms.groups import per_member
from sim.mechanisms.sampling import beta_with_mean, small_counts
from sim.model import actions, membership
from sim.model.day import Day, Feed, Posts
from sim.model.record import check_death, record_day

if TYPE_CHECKING:
    from sim.model.community import CommunityModel


def new_week(model: CommunityModel, today: Day) -> None:
    """On the first day of a week, shift each member's weekly value-post record by one week."""
    if today.number > 1 and today.number % 7 == 1:
        m = model.members
        m.value_weeks[: m.n] = (m.value_weeks[: m.n].astype(np.uint32) << 1).astype(np.uint16)


def run_timeline(model: CommunityModel, today: Day) -> None:
    """Today's timeline interventions (the scenario's and those scheduled during the run)."""
    for item in model.interventions_on(today.number):
        actions.intervene(model, item)


def end_if_dissolved(model: CommunityModel, today: Day) -> None:
    """A planned dissolution (flash groups, `lifecycle.planned_days`) happens today; a community
    dissolved today (as planned or by the timeline) records an empty day and stops."""
    planned = model.current.lifecycle.dissolution_day()
    if model.ended_by is None and planned > 0 and today.number >= planned:
        actions.dissolve(model, reason="planned")
    if model.ended_by == "dissolved":
        record_day(model, today)
        model.running = False
        today.over = True


def arrive(model: CommunityModel, today: Day) -> None:
    """Newcomers: yesterday's accepted invitations, then organic prospects (both through the entry
    threshold), then anyone the operator pulls in. Newcomers take part in today."""
    _arrive_invited(model)
    sc, rng = model.current, model.rng
    active_kols = model.active_kols() if sc.kol.draw else 0
    prospects = rng.poisson(arrivals.organic_prospect_rate(sc, today.number, active_kols, model.share_bonus))
    model.share_bonus = 0.0
    if prospects:
        fit = beta_with_mean(rng, arrivals.organic_fit_mean(sc), sc.population.fit_concentration, prospects)
        passed = membership.admit(model, fit)
        membership.join(
            model, fit[passed.admitted], Channel.ORGANIC, commitment=passed.commitment,
            satisfaction0=sc.behaviour.satisfaction.consented_start,
            spam_share=arrivals.spam_share(sc, Channel.ORGANIC) * passed.spam_pass,
        )  # fmt: skip
    actions.mass_add(model, arrivals.mass_add_today(sc, today.number))


def _arrive_invited(model: CommunityModel) -> None:
    """Accepted invitations arrive, tied to their inviter (invitations die with the inviter's exit)."""
    sc = model.current
    inviters, model.pending_inviters = model.pending_inviters, np.empty(0, dtype=np.int64)
    if inviters.shape[0]:
        inviters = inviters[model.members.state[inviters] <= MUTED]
    if not inviters.shape[0]:
        return
    channel = BAIT if sc.referral.bait.enabled else REFERRAL
    fit = referral.invitee_fit(
        model.rng, model.members.fit[inviters], arrivals.organic_fit_mean(sc),
        sc.population.fit_concentration, sc.referral,
    )  # fmt: skip
    passed = membership.admit(model, fit)
    rows = membership.join(
        model, fit[passed.admitted], channel, inviter=inviters[passed.admitted], commitment=passed.commitment,
        satisfaction0=sc.behaviour.satisfaction.consented_start,
        spam_share=arrivals.spam_share(sc, Channel(channel)) * passed.spam_pass,
    )  # fmt: skip
    if rows.shape[0]:
        membership.tie(model, inviters[passed.admitted], rows, referral.invitee_tie(sc.referral))
        model.ledger.spend("referral_rewards", sc.referral.reward_yuan * rows.shape[0])
        if channel == BAIT:
            model.ledger.spend("bait_gifts", sc.referral.bait.cost_yuan_per_joiner * rows.shape[0])


def keep_house(model: CommunityModel, today: Day) -> None:
    """Matrix upkeep (splits of large unfocused groups, lurker clean-ups), KOC reviews, and the
    day's share of KOC rewards and KOL fees."""
    sc, day = model.current, today.number
    if sc.matrix.split.enabled:
        sizes = membership.present_sizes(model)
        for g in model.groups.open_groups():
            if sizes[g] >= sc.matrix.split.at_size and not model.groups.focused(g):
                actions.split(model, g, sc.matrix.split.subgroups)
    rl = sc.matrix.remove_lurkers
    if rl.enabled and day % rl.every_days == 0:
        actions.remove_lurkers(model, rl.inactive_days)
    k = sc.koc
    if k.enabled and day >= k.start_day and (day - k.start_day) % k.review_every_days == 0:
        actions.promote_kocs(model, per_group=k.count)
    if k.monthly_reward_yuan or sc.kol.monthly_fee_yuan:
        m = model.members
        present_roles = m.role[: m.n][m.state[: m.n] <= MUTED]
        model.ledger.spend(
            "koc_rewards", np.count_nonzero(present_roles == KOC) * k.monthly_reward_yuan / 30.0
        )
        model.ledger.spend(
            "kol_fees", np.count_nonzero(present_roles == KOL) * sc.kol.monthly_fee_yuan / 30.0
        )


def plan_operator(model: CommunityModel, today: Day) -> None:
    """The SOP tasks the operator's hours allow today, in every open group; book the hours."""
    sc = model.current
    today.plan = cadence.plan_day(sc, today.number, model.groups.open_groups(), model.groups.count)
    model.ledger.hours(today.plan.hours_used, sc.operator.hourly_cost_yuan)


def roll_call(model: CommunityModel, today: Day) -> None:
    """Who is in the community for the rest of the day: from here on every per-member array of the
    day has `today.n` rows (nobody joins after the operator's morning)."""
    today.flows = model.flows()  # sized to today's members and groups
    today.n, today.n_groups = model.members.n, model.groups.count
    today.ordinary = model.members.role[: today.n] != ADMIN


def touch(model: CommunityModel, today: Day) -> None:
    """The operator's touches reach members before they post: topic prompts, @-mentions (by the
    operator and KOCs; a mention can unmute), red packets, lotteries and events."""
    m, n, plan = model.members, today.n, today.plan
    group = m.group[:n]
    if plan.topic_prompt.any():
        behaving = (m.state[:n] == ACTIVE) & today.ordinary
        boost = model.current.cadence.topic_prompts.boost * per_member(plan.topic_prompt, group)
        np.add(m.activation[:n], boost, out=m.activation[:n], where=behaving)
    _mention(model, today)
    behaving = (m.state[:n] == ACTIVE) & today.ordinary
    _red_packets(model, today, behaving)
    _lottery(model, today, behaving)
    held = plan.event + today.flows.events
    if held.any():
        ev = model.current.events
        for gathering in events.hold(model.rng, held, group, behaving, m.satisfaction[:n], m.activation[:n],
                                     m.fit[:n], ev):  # fmt: skip
            membership.tie(model, gathering.a, gathering.b, ev.tie_weight)
            model.ledger.spend("events", ev.cost_yuan)
            today.flows.notes.append(
                f"event in group {gathering.group}: {gathering.people.shape[0]} attended"
            )


def _mention(model: CommunityModel, today: Day) -> None:
    """@-mentions reach quiet, fitting members; each is a chance to break through the mute."""
    sc, m, n, G = model.current, model.members, today.n, today.n_groups
    state, group = m.state[:n], m.group[:n]
    per_group = today.plan.mentions
    if sc.koc.mentions_per_day and model.kocs_exist:
        per_group = per_group + koc.mentions_per_group(m.role[:n], state, group, G, sc.koc.mentions_per_day)
    if not per_group.any():
        return
    weights = mentions.weight(m.fit[:n], m.recent_activity[:n], (state <= MUTED) & today.ordinary)
    c = sc.cadence.mentions
    chosen, back = mentions.deliver(
        model.rng, per_group, weights, group, G, state == MUTED, c.unmute_probability
    )
    np.add.at(today.flows.mentions, chosen, 1)  # a member @-ed twice gets both mentions
    np.add.at(m.mentions_received, chosen, 1)
    np.add.at(m.activation, chosen, c.boost)
    state[back] = ACTIVE
    today.flows.unmutes += back.shape[0]


def _red_packets(model: CommunityModel, today: Day, behaving: np.ndarray) -> None:
    """Red packets (the SOP's and campaigns'): everyone active grabs; buzz, a little activation, money."""
    plan, flows = today.plan, today.flows
    packets = plan.red_packets + flows.red_packets
    if not packets.any():
        return
    rp, m, n = model.current.cadence.red_packets, model.members, today.n
    group = m.group[:n]
    strength = red_packets.strength(rp.habituation, model.red_packets_sent)
    model.red_packets_sent += int(packets.sum())
    grabbing = behaving * per_member(packets, group)
    m.buzz[:n] += rp.buzz * strength * grabbing
    m.activation[:n] += rp.activation * strength * grabbing
    pool = plan.red_packets * rp.amount_yuan + flows.red_packet_yuan  # campaigns carry their own amounts
    flows.money[:n] += red_packets.shares_yuan(grabbing, group, pool, today.n_groups)
    model.ledger.spend("red_packets", float(pool.sum()))


def _lottery(model: CommunityModel, today: Day, behaving: np.ndarray) -> None:
    """A draw: members drawn in by the prize enter by posting; one winner per draw."""
    draws = today.plan.lottery
    if not draws.any():
        return
    lot, m, n = model.current.cadence.lottery, model.members, today.n
    group = m.group[:n]
    entering = lottery.entrants(model.rng, behaving * per_member(draws, group), lot.entry_share)
    m.buzz[:n] += lot.entry_buzz * entering
    today.flows.money[lottery.winners(model.rng, entering, group, draws)] += lot.prize_yuan
    model.ledger.spend("prizes", float(draws.sum() * lot.prize_yuan))


def post(model: CommunityModel, today: Day) -> None:
    """Active members post value content, off-topic chatter and ads."""
    sc, m, n, day = model.current, model.members, today.n, today.number
    beh = sc.behaviour
    role, group, fit, state = m.role[:n], m.group[:n], m.fit[:n], m.state[:n]
    today.present = state <= MUTED
    today.behaving = (state == ACTIVE) & today.ordinary
    today.need = satisfaction.need_remaining(day - m.join_day[:n], sc.lifecycle.need_half_life())
    today.uniforms = u = model.rng.random(
        (7, n)
    )  # one block a day: a member's decisions follow from the seed
    present_g = np.bincount(group, today.present, minlength=today.n_groups)
    crowd = per_member(posting.crowding(present_g, beh), group)
    inc_value, _, inc_chatter = incentives.multipliers(sc.incentives)
    speak = m.speak[:n]  # a KOL who never speaks posts, chats and replies nothing (KOL得没事说说话)
    # commitment (a costly threshold passed) and recognition both make people take part
    today.engagement = 1.0 + beh.posting.commitment_engagement * m.commitment[:n]
    motivation = posting.recognition_motivation(m.reward[:n], m.satisfaction[:n], beh) * today.engagement
    activation, rates = m.activation[:n], np.empty((3, n))
    rates[0] = posting.value_rate(model.value_rate[role], fit, m.activity[:n], speak, motivation, activation,
                                  crowd, today.need, beh, inc_value)  # fmt: skip
    rules = sc.rules
    restraint = rules.norm_effect if (rules.enabled and rules.ban_off_topic) else 0.0
    rates[1] = posting.chatter_rate(model.chatter_rate[role], fit, m.sociability[:n], m.activity[:n], m.buzz[:n],
                                    activation, crowd, beh, restraint, inc_chatter) * speak  # fmt: skip
    norm = rules.norm_effect if (rules.enabled and rules.ban_ads) else 0.0  # rules deter what they ban
    rates[2] = posting.ad_rate(m.spammer[:n], m.warnings[:n], beh, norm, rules.deterrence)
    rates *= today.behaving  # only active members post
    counts = small_counts(u[:3].ravel(), rates.ravel()).reshape(3, n)
    today.posts = Posts(counts[0], counts[1], counts[2])


def moderate(model: CommunityModel, today: Day) -> None:
    """Violations are caught, warned and removed (moderators are counted only on days with
    something to moderate); the owner's hours spent on it are booked."""
    sc, m, n, G = model.current, model.members, today.n, today.n_groups
    group, role = m.group[:n], m.role[:n]

    def moderators() -> np.ndarray:
        return np.bincount(group, today.present & ((role == ADMIN) | (role == KOC)), minlength=G)

    open_g = np.asarray(model.groups.dissolved_day) < 0
    posts = today.posts
    enf = moderation.enforce(model.rng, posts.ads, posts.chatter, group, m.warnings[:n], moderators,
                             today.plan.hours_left, open_g, sc.rules)  # fmt: skip
    if enf.operator_hours:
        model.ledger.hours(enf.operator_hours, sc.operator.hourly_cost_yuan)
    if enf.caught.any():
        m.warnings[:n][enf.caught] += 1
    today.enforcement = enf


def read(model: CommunityModel, today: Day) -> None:
    """Each active member reads a share of the day's messages limited by attention; KOL posts
    spark the readers."""
    m, n = model.members, today.n
    group = m.group[:n]
    today.feed = feed = _feed(model, today)
    p = today.posts
    today.exposure = reading.expose(today.behaving, m.attention[:n], group, feed.volume, feed.quality_total,
                                    feed.value, feed.chatter, feed.ads, feed.quality, p.value, p.chatter,
                                    p.ads)  # fmt: skip
    if feed.kol_posts.any():
        m.activation[:n] += (
            per_member(kol.spark(feed.kol_posts, model.current.kol), group) * today.exposure.read_share
        )
        model.kol_last_post[feed.kol_posts > 0] = today.number


def _feed(model: CommunityModel, today: Day) -> Feed:
    """What there is to read in each group: members' posts as left by moderation, the operator's
    posts, and yesterday's replies."""
    sc, m, n, G = model.current, model.members, today.n, today.n_groups
    group, role, value = m.group[:n], m.role[:n], today.posts.value
    member_quality = sc.behaviour.posting.member_quality
    is_kol = role == KOL
    if is_kol.any():  # KOL posts carry more information
        quality = np.where(is_kol, sc.kol.quality, member_quality) * value
        kol_posts = np.bincount(group, value * is_kol, minlength=G)
    else:
        quality, kol_posts = member_quality * value, np.zeros(G)
    plan, enf = today.plan, today.enforcement
    value_g = np.bincount(group, value, minlength=G)
    quality_g = (
        np.bincount(group, quality, minlength=G) + plan.morning_report * sc.cadence.morning_report.quality
    )
    unseen = 1.0 - sc.rules.seen_before_removal
    chatter_g = np.bincount(group, today.posts.chatter, minlength=G) - unseen * enf.removed_chatter
    promotions = plan.promotion_posts
    ads_g = np.bincount(group, today.posts.ads, minlength=G) - unseen * enf.removed_ads + promotions
    operator_posts = plan.operator_posts() + today.flows.red_packets
    volume = value_g + chatter_g + ads_g + (operator_posts - promotions) + model.prev_replies
    return Feed(quality, value_g, quality_g, chatter_g, ads_g, promotions, operator_posts, kol_posts, volume)


def reply(model: CommunityModel, today: Day) -> None:
    """Members, KOCs and the operator (guided discussion) answer today's value posts: replies and
    chatter form ties, and posters' recognition is updated."""
    sc, m, n = model.current, model.members, today.n
    beh = sc.behaviour
    role, group = m.role[:n], m.group[:n]
    inc_reply = incentives.multipliers(sc.incentives)[1]
    given = replies.reply_counts(
        today.uniforms[3], model.reply_rate[role], m.fit[:n], today.exposure.value_posts_read, m.activation[:n],
        today.need, group, today.feed.value, beh.replies.max_per_post, beh.activation.value_gain,
        inc_reply * today.engagement * m.speak[:n],
    )  # fmt: skip
    per_koc = sc.koc.replies_per_day
    kocs = koc.repliers(role, m.state[:n], per_koc) if per_koc and model.kocs_exist else np.empty(0, np.int64)
    settled = replies.settle(model.rng, given, kocs, today.plan.guided_replies, group, today.feed.quality,
                             today.n_groups)  # fmt: skip
    membership.tie(model, settled.repliers, settled.targets, beh.replies.tie_weight)
    chat_a, chat_b = replies.chatter_pairs(
        model.rng, today.posts.chatter, group, beh.replies.chatter_pairs_per_message
    )
    membership.tie(model, chat_a, chat_b, beh.replies.chatter_tie_weight)
    membership.flush_ties(model)
    roles.remember_reward(m.reward, today.posts.value, settled.received, beh.roles.reward_memory)
    model.prev_replies = settled.per_group.astype(np.float64)
    today.replies = settled


def count(model: CommunityModel, today: Day) -> None:
    """Lifetime counters and recency; points, levels and the weekly leaderboard."""
    m, n, day = model.members, today.n, today.number
    p, given = today.posts, today.replies.given
    posted = p.posted_value
    m.value_posts[:n] += p.value
    m.chatter_posts[:n] += p.chatter
    m.ads_posted[:n] += p.ads
    m.replies_given[:n] += given
    m.replies_received[:n] += today.replies.received
    m.last_value_day[:n][posted] = day
    m.last_post_day[:n][posted | (p.chatter > 0) | (given > 0)] = day
    m.value_weeks[:n] |= posted
    m.recent_activity[:n] = (13.0 * m.recent_activity[:n] + 3.0 * p.value + given) / 14.0
    if model.current.incentives.enabled:
        _score(model, today)


def _score(model: CommunityModel, today: Day) -> None:
    """Points and levels for today's activity; on the last day of each week, the leaderboard."""
    inc, m, n = model.current.incentives, model.members, today.n
    earned = incentives.points(today.posts.value, today.replies.given, today.posts.chatter, inc)
    m.points[:n] += earned
    m.week_points[:n] += earned
    today.flows.identity[:n] += inc.level_identity * incentives.level(m.points[:n], inc)
    if today.number % 7 == 0:
        top = incentives.leaderboard(m.week_points[:n], today.present & today.ordinary, inc.leaderboard_size)
        today.flows.identity[top] += inc.recognition
        m.activation[top] += inc.recognition
        m.week_points[:n] = 0.0
        model.ledger.spend("prizes", inc.prize_yuan_per_week)


def feel(model: CommunityModel, today: Day) -> None:
    """Satisfaction from everything experienced today, and trust from satisfaction over weeks."""
    sc, m, n, flows = model.current, model.members, today.n, today.flows
    s = sc.behaviour.satisfaction
    tie, fit = m.tie_strength[:n], m.fit[:n]
    identity = flows.identity[:n]
    if model.kocs_exist:
        identity = identity + (m.role[:n] == KOC) * sc.koc.identity
    today.bond = bond = satisfaction.bond(tie, m.trust[:n], s)
    utility = satisfaction.daily_utility(today.exposure, fit, tie, bond, today.replies.received,
                                         flows.mentions[:n], identity, flows.money[:n], today.need, s)  # fmt: skip
    feels = today.present & today.ordinary
    m.satisfaction[:n] = np.where(
        feels, satisfaction.remember(m.satisfaction[:n], utility, s), m.satisfaction[:n]
    )
    m.trust[:n] = satisfaction.build_trust(m.trust[:n], m.satisfaction[:n], s)


def change_roles(model: CommunityModel, today: Day) -> None:
    """Roles move both ways, from today's activation, ties, replies and satisfaction."""
    m, n, r = model.members, today.n, model.current.behaviour.roles
    pull = m.activation[:n] + r.tie_pull * m.tie_strength[:n]
    m.role[:n] = roles.transition(today.uniforms[4], m.role[:n], today.behaving, m.fit[:n], pull,
                                  today.replies.received > 0, m.reward[:n], m.satisfaction[:n], r)  # fmt: skip


def invite(model: CommunityModel, today: Day) -> None:
    """Members invite friends; the accepted invitations arrive tomorrow."""
    r, m, n = model.current.referral, model.members, today.n
    if not r.enabled:
        return
    rate = referral.invitation_rate(today.behaving, today.bond, m.satisfaction[:n], m.invite_appetite[:n], r)
    sent = referral.send(model.rng, today.uniforms[5], rate * m.speak[:n], r)
    if sent.inviters.shape[0]:
        m.invitations_sent[sent.inviters] += sent.sent
        m.invite_appetite[sent.inviters] *= referral.fatigue_factor(r) ** sent.sent
        model.pending_inviters = sent.accepted
    today.invitations = sent.total


def sell(model: CommunityModel, today: Day) -> None:
    """Promotions convert bonded, fitting readers into buyers."""
    feed = today.feed
    if feed.promotions.any():
        m, n = model.members, today.n
        yuan = sales.revenue_yuan(today.exposure.ads_read, feed.promotions, feed.ads, m.group[:n], today.bond,
                                  m.fit[:n], model.current.cadence.promotion)  # fmt: skip
        model.ledger.earn("sales", yuan)


def churn_out(model: CommunityModel, today: Day) -> None:
    """Repeat violators are kicked; then members leave or mute, from the day's whole experience."""
    sc, m, n = model.current, model.members, today.n
    c, fit, exposure = sc.behaviour.churn, m.fit[:n], today.exposure
    ordinary = m.role[:n] != ADMIN
    if today.enforcement.kicked.any():
        membership.leave(model, np.flatnonzero(today.enforcement.kicked & ordinary & (m.state[:n] <= MUTED)),
                         State.KICKED)  # fmt: skip
    state = m.state[:n]
    active, muted = (state == ACTIVE) & ordinary, (state == MUTED) & ordinary
    kol_spoke = kol.spoke_recently(model.kol_last_post, today.number)[m.group[:n]]
    p_leave = churn.leave_probability(m.satisfaction[:n], m.restlessness[:n], m.tie_strength[:n],
                                      m.commitment[:n], kol_spoke, sc.kol.retention, c)  # fmt: skip
    if model.operator_added:
        p_leave += (m.channel[:n] == OPERATOR) * churn.unconsented_leave_probability(fit, c)
    p_leave = np.where(muted, p_leave * c.muted_leave_factor + c.noticed_muted_rate, p_leave)
    u = today.uniforms[6]
    leaving = (active | muted) & (u < p_leave)
    ratio = churn.irritation(exposure.chatter_read, exposure.ads_read, fit, today.bond, exposure.overload,
                             m.tolerance[:n], c)  # fmt: skip
    muting = active & ~leaving & (u > 1.0 - churn.mute_probability(ratio, c))
    membership.leave(model, np.flatnonzero(leaving), State.LEFT)
    to_mute = np.flatnonzero(muting)
    if to_mute.shape[0]:
        state[to_mute] = MUTED
        first = to_mute[m.first_mute_day[to_mute] < 0]
        m.first_mute_day[first] = today.number
        today.flows.mutes += to_mute.shape[0]


def fade(model: CommunityModel, today: Day) -> None:
    """Activation and buzz fade overnight."""
    a, m, n = model.current.behaviour.activation, model.members, today.n
    activation, buzz = m.activation[:n], m.buzz[:n]
    np.multiply(activation, a.decay, out=activation)
    np.minimum(activation, a.cap, out=activation)
    np.multiply(buzz, a.buzz_decay, out=buzz)


#: The day, phase by phase (docs/model.md §2 lists the same names in the same order).
DAY = (
    new_week,
    run_timeline,
    end_if_dissolved,
    arrive,
    keep_house,
    plan_operator,
    roll_call,
    touch,
    post,
    moderate,
    read,
    reply,
    count,
    feel,
    change_roles,
    invite,
    sell,
    churn_out,
    fade,
    check_death,
    record_day,
)
