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

from sim.enums import ACTIVE, ADMIN, BAIT, KOC, KOL, MUTED, REFERRAL, Channel, State
from sim.mechanisms import (
    activation,
    arrivals,
    cadence,
    churn,
    counters,
    draws,
    events,
    incentives,
    lottery,
    mentions,
    moderation,
    norms,
    posting,
    reading,
    red_packets,
    referral,
    replies,
    roles,
    sales,
    satisfaction,
    ties,
)
from sim.mechanisms.cadence import EVENT, LOTTERY, RED_PACKETS, TOPIC_PROMPT
from sim.mechanisms.draws import Stream
from sim.model import actions, membership
from sim.model.day import Day, Feed, Posts
from sim.model.record import check_death, record_day

if TYPE_CHECKING:
    from sim.model.community import CommunityModel


def new_week(model: CommunityModel, today: Day) -> None:
    """On the first day of a week, shift each member's weekly value-post record by one week
    (16 weeks are kept)."""
    if today.number > 1 and today.number % 7 == 1:
        m = model.members
        m.value_weeks[: m.n] = (m.value_weeks[: m.n] << 1) & 0xFFFF


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
    _arrive_invited(model, today)
    sc, keys, day = model.current, model.keys, today.number
    active_kols = model.active_kols() if sc.kol.draw else 0
    rate = arrivals.organic_prospect_rate(sc, day, active_kols, model.share_bonus)
    prospects = draws.poisson(keys[Stream.ORGANIC_COUNT], day, 0, rate)
    model.share_bonus = 0.0
    if prospects:
        fit = draws.beta_array(keys[Stream.PROSPECTS], day, model.members.n, prospects,
                               arrivals.organic_fit_mean(sc), sc.population.fit_concentration)  # fmt: skip
        passed = membership.admit(model, fit, batch=2)
        membership.join(
            model, passed.passed(fit), Channel.ORGANIC, commitment=passed.commitment,
            satisfaction0=sc.behaviour.satisfaction.consented_start,
            spam_share=arrivals.spam_share(sc, Channel.ORGANIC) * passed.spam_pass,
        )  # fmt: skip
    actions.mass_add(model, arrivals.mass_add_today(sc, day))


def _arrive_invited(model: CommunityModel, today: Day) -> None:
    """Accepted invitations arrive, tied to their inviter (invitations die with the inviter's exit)."""
    sc = model.current
    inviters, model.pending_inviters = model.pending_inviters, np.empty(0, dtype=np.int64)
    if inviters.shape[0]:
        inviters = inviters[model.members.state[inviters] <= MUTED]
    if not inviters.shape[0]:
        return
    r = sc.referral
    channel = BAIT if r.bait.enabled else REFERRAL
    fit = referral.invitee_fit(model.keys[Stream.INVITEES], today.number, model.members.fit[inviters],
                               arrivals.organic_fit_mean(sc), sc.population.fit_concentration, r.homophily,
                               r.bait.enabled, r.bait.fit_mean)  # fmt: skip
    passed = membership.admit(model, fit, batch=1)
    rows = membership.join(
        model, passed.passed(fit), channel, inviter=passed.passed(inviters), commitment=passed.commitment,
        satisfaction0=sc.behaviour.satisfaction.consented_start,
        spam_share=arrivals.spam_share(sc, Channel(channel)) * passed.spam_pass,
    )  # fmt: skip
    if rows.shape[0]:
        membership.tie(model, passed.passed(inviters), rows, referral.invitee_tie(r))
        model.ledger.spend("referral_rewards", r.reward_yuan * rows.shape[0])
        if channel == BAIT:
            model.ledger.spend("bait_gifts", r.bait.cost_yuan_per_joiner * rows.shape[0])


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
    koc_fee, kol_fee = k.monthly_reward_yuan if model.kocs_exist else 0.0, sc.kol.monthly_fee_yuan
    if koc_fee or kol_fee:
        m = model.members
        present_roles = m.role[: m.n][m.state[: m.n] <= MUTED]
        model.ledger.spend("koc_rewards", np.count_nonzero(present_roles == KOC) * koc_fee / 30.0)
        model.ledger.spend("kol_fees", np.count_nonzero(present_roles == KOL) * kol_fee / 30.0)


def plan_operator(model: CommunityModel, today: Day) -> None:
    """The SOP tasks the operator's hours allow today, in every open group; book the hours."""
    sc = model.current
    tasks, used, left = cadence.plan_day(today.number, sc.operator.hours_per_day, model.arguments.plan,
                                         model.groups.open_mask())  # fmt: skip
    today.plan = cadence.OperatorDay(tasks, used, left)
    model.ledger.hours(used, sc.operator.hourly_cost_yuan)


def roll_call(model: CommunityModel, today: Day) -> None:
    """Who is in the community for the rest of the day: from here on every per-member array of the
    day has `today.n` rows (nobody joins after the operator's morning)."""
    today.flows = model.flows()  # sized to today's members and groups
    today.n, today.n_groups = model.members.n, model.groups.count
    today.census = norms.census(today.n, model.members.Z, today.n_groups)
    # the ties that hold each member: the owner and admins share out their personal attention
    operator_side = today.census[0] - today.census[1]
    span = np.minimum(
        1.0, operator_side * model.current.operator.personal_span / np.maximum(today.census[0], 1.0)
    )
    today.ties = np.empty(today.n)
    ties.effective(today.n, model.members.F, model.members.Z, span, today.ties)


def touch(model: CommunityModel, today: Day) -> None:
    """The operator's touches reach members before they post: topic prompts, @-mentions (by the
    operator and KOCs; a mention can unmute), red packets, lotteries and events."""
    m, n, plan, c, flows = model.members, today.n, today.plan, model.current.cadence, today.flows
    done = plan.done
    if done[TOPIC_PROMPT]:
        activation.prompt(n, m.F, m.Z, plan.topic_prompt, c.topic_prompts.boost)
    _mention(model, today)
    if done[RED_PACKETS] or flows.campaigns:
        packets = plan.red_packets + flows.red_packets
        if packets.any():
            rp = c.red_packets
            strength = red_packets.strength(rp.habituation, model.red_packets_sent)
            model.red_packets_sent += int(packets.sum())
            pool = (
                plan.red_packets * rp.amount_yuan + flows.red_packet_yuan
            )  # campaigns carry their own amounts
            red_packets.grab(
                n, m.F, m.Z, packets, pool, rp.buzz * strength, rp.activation * strength, flows.money
            )
            model.ledger.spend("red_packets", float(pool.sum()))
    if done[LOTTERY]:
        lot = c.lottery
        lottery.draw(model.keys[Stream.LOTTERY], today.number, n, m.F, m.Z, plan.lottery, lot.entry_share,
                     lot.entry_buzz, lot.prize_yuan, flows.money)  # fmt: skip
        model.ledger.spend("prizes", float(done[LOTTERY] * lot.prize_yuan))
    if done[EVENT] or flows.campaigns:
        _hold_events(model, today)


def _mention(model: CommunityModel, today: Day) -> None:
    """@-mentions by the operator, the volunteer admins and the active KOCs reach quiet, fitting members."""
    sc, m, n = model.current, model.members, today.n
    per_group = today.plan.mentions
    if sc.koc.mentions_per_day and model.kocs_exist:
        kocs = (m.role[:n] == KOC) & (m.state[:n] == ACTIVE)
        per_koc = sc.koc.mentions_per_day
        per_group = (
            per_group + np.bincount(m.group[:n], kocs, minlength=today.n_groups).astype(np.int64) * per_koc
        )
    if sc.rules.enabled and sc.rules.admin_mentions_per_day:  # volunteer admins lead members too
        admins = today.census[0] - today.census[1] - model.groups.owner_present()
        per_group = per_group + (admins * sc.rules.admin_mentions_per_day).astype(np.int64)
    if not per_group.any():
        return
    c = sc.cadence.mentions
    today.flows.unmutes += mentions.deliver(model.keys[Stream.MENTIONS], today.number, n, m.F, m.Z, per_group,
                                            today.flows.mentions, c.unmute_probability, c.boost)  # fmt: skip


def _hold_events(model: CommunityModel, today: Day) -> None:
    """Scheduled and campaign events: attendees bond, enjoy it and carry activation back."""
    held = today.plan.event + today.flows.events
    if not held.any():
        return
    ev, m = model.current.events, model.members
    where, came, a, b = events.hold(model.keys[Stream.EVENTS], today.number, today.n, m.F, m.Z, held, ev.capacity,
                                    ev.ties_per_attendee, ev.joy, ev.activation)  # fmt: skip
    membership.tie(model, a, b, ev.tie_weight)
    for g, people in zip(where.tolist(), came.tolist()):
        model.ledger.spend("events", ev.cost_yuan)
        today.flows.notes.append(f"event in group {g}: {people} attended")


def post(model: CommunityModel, today: Day) -> None:
    """Active members post value content, off-topic chatter and ads."""
    m, n = model.members, today.n
    counts, floats = np.empty((3, n), dtype=np.int64), np.empty((2, n))
    today.posts, today.need, today.engagement = Posts(counts[0], counts[1], counts[2]), floats[0], floats[1]
    today.proof = norms.proof(model.liveliness, *model.arguments.norms)
    today.post_totals = posting.post(model.keys.post, today.number, n, m.F, m.Z, today.census[0], today.proof,
                                     counts[0], counts[1], counts[2], floats[0], floats[1],
                                     *model.arguments.post)  # fmt: skip


def moderate(model: CommunityModel, today: Day) -> None:
    """Violations are caught, warned and removed; the owner's hours spent on it are booked."""
    sc, m, n, G = model.current, model.members, today.n, today.n_groups
    rules, (_, chatter, ads) = sc.rules, today.post_totals
    if not rules.enabled or not ((rules.ban_ads and ads) or (rules.ban_off_topic and chatter)):
        today.enforcement = moderation.Enforcement.none(n, G)
        return
    open_g = model.groups.open_mask()
    owner_hours = open_g * (today.plan.hours_left / max(1, int(open_g.sum())))
    enf = moderation.Enforcement(
        np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_), np.zeros(G), np.zeros(G)
    )
    hours = moderation.enforce(model.keys[Stream.MODERATION], today.number, n, m.Z, today.posts.ads,
                               today.posts.chatter, owner_hours, enf.caught, enf.kicked, enf.removed_ads,
                               enf.removed_chatter, *model.arguments.moderate)  # fmt: skip
    if hours:
        model.ledger.hours(hours, sc.operator.hourly_cost_yuan)
    today.enforcement = moderation.Enforcement(
        enf.caught, enf.kicked, enf.removed_ads, enf.removed_chatter, hours
    )


def read(model: CommunityModel, today: Day) -> None:
    """Each active member reads a share of the day's messages limited by attention; KOL posts
    spark the readers."""
    sc, m, n = model.current, model.members, today.n
    posts, plan, enf = today.posts, today.plan, today.enforcement
    quality = np.empty(n)
    operator_posts = (
        plan.operator_posts + today.flows.red_packets if today.flows.campaigns else plan.operator_posts
    )
    totals = reading.feed(
        n, today.n_groups, m.Z, posts.value, posts.chatter, posts.ads, sc.kol.quality,
        sc.behaviour.posting.member_quality, quality, plan.morning_report * sc.cadence.morning_report.quality,
        1.0 - sc.rules.seen_before_removal, enf.removed_chatter, enf.removed_ads, plan.promotion_posts,
        operator_posts - plan.promotion_posts, model.prev_replies,
    )  # fmt: skip
    today.feed = Feed(quality, totals, plan.promotion_posts, operator_posts)
    today.exposure = reading.Exposure(
        reading.expose(
            n,
            m.F,
            m.Z,
            totals,
            quality,
            posts.value,
            posts.chatter,
            posts.ads,
            sc.kol.spark,
            model.kol_last_post,
            today.number,
        )
    )


def reply(model: CommunityModel, today: Day) -> None:
    """Members, KOCs and the operator (guided discussion) answer today's value posts: replies and
    chatter form ties, and posters' recognition is updated."""
    sc, m, n = model.current, model.members, today.n
    beh, keys = sc.behaviour, model.keys
    koc_replies = sc.koc.replies_per_day if model.kocs_exist else 0
    today.replies = settled = replies.Settlement(*replies.reply(
        keys.reply, today.number, n, today.n_groups, m.F, m.Z, today.exposure.value_posts_read,
        today.need, today.engagement, today.proof, today.feed.value, today.feed.quality, koc_replies,
        today.plan.guided_replies, *model.arguments.reply,
    ))  # fmt: skip
    membership.tie(model, settled.repliers, settled.targets, beh.replies.tie_weight)
    chat_a, chat_b = replies.chatter_pairs(keys[Stream.CHATTER_PAIRS], today.number, n, m.Z, today.posts.chatter,
                                           beh.replies.chatter_pairs_per_message)  # fmt: skip
    membership.tie(model, chat_a, chat_b, beh.replies.chatter_tie_weight)
    roles.remember_reward(n, m.F, today.posts.value, settled.received, beh.roles.reward_memory)
    model.prev_replies = settled.per_group


def sense(model: CommunityModel, today: Day) -> None:
    """Members sense how alive each group is: its remembered share of members who spoke today
    (social proof for tomorrow's posting)."""
    p, memory = today.posts, model.current.behaviour.norms.liveliness_memory
    norms.sense(today.n, model.members.Z, p.value, p.chatter, p.ads, today.replies.given, today.census[1],
                model.liveliness, memory)  # fmt: skip


def count(model: CommunityModel, today: Day) -> None:
    """Lifetime counters and recency; points, levels and the weekly leaderboard."""
    m, n, p, s = model.members, today.n, today.posts, today.replies
    counters.tally(today.number, n, m.F, m.Z, p.value, p.chatter, p.ads, s.given, s.received)
    inc = model.current.incentives
    if inc.enabled:
        args = incentives.arguments(inc)
        if incentives.score(
            today.number, n, m.F, m.Z, p.value, s.given, p.chatter, today.flows.identity, *args
        ):
            model.ledger.spend("prizes", inc.prize_yuan_per_week)


def feel(model: CommunityModel, today: Day) -> None:
    """Satisfaction from everything experienced today, and trust from satisfaction over weeks."""
    sc, m, n, flows = model.current, model.members, today.n, today.flows
    koc_identity = sc.koc.identity if model.kocs_exist else 0.0  # a KOC's title is recognition every day
    today.bond = np.empty(n)
    satisfaction.feel(n, m.F, m.Z, today.ties, today.replies.received, flows.mentions, flows.identity, koc_identity,
                      flows.money, today.need, today.exposure.rows, today.bond, *model.arguments.feel)  # fmt: skip


def change_roles(model: CommunityModel, today: Day) -> None:
    """Roles move both ways, from today's activation, ties, replies and satisfaction."""
    m = model.members
    roles.transition(model.keys[Stream.ROLES], today.number, today.n, m.F, m.Z, today.ties, today.replies.received,
                     *model.arguments.roles)  # fmt: skip


def invite(model: CommunityModel, today: Day) -> None:
    """Members invite friends; the accepted invitations arrive tomorrow."""
    if not model.current.referral.enabled:
        return
    m = model.members
    accepted, sent = referral.invite(model.keys.invite, today.number, today.n, m.F, m.Z, today.bond,
                                     *model.arguments.invite)  # fmt: skip
    if sent:
        model.pending_inviters = accepted
    today.invitations = sent


def sell(model: CommunityModel, today: Day) -> None:
    """Promotions convert bonded, fitting readers into buyers."""
    feed = today.feed
    if feed.promotions.any():
        m, promotion = model.members, model.current.cadence.promotion
        orders = sales.buyers(today.n, m.F, m.Z, today.exposure.ads_read, feed.promotions, feed.ads, today.bond,
                              promotion.conversion)  # fmt: skip
        model.ledger.earn("sales", orders * promotion.order_value_yuan)


def churn_out(model: CommunityModel, today: Day) -> None:
    """Repeat violators are kicked; then members leave or mute, from the day's whole experience."""
    m, n = model.members, today.n
    kicked = today.enforcement.kicked
    if kicked.any():
        ordinary = m.role[:n] != ADMIN
        membership.leave(model, np.flatnonzero(kicked & ordinary & (m.state[:n] <= MUTED)), State.KICKED)
    leavers, mutes = churn.churn_out(model.keys[Stream.CHURN], today.number, n, m.F, m.Z, today.ties,
                                     model.kol_last_post, today.bond, today.exposure.rows,
                                     *model.arguments.churn)  # fmt: skip
    today.flows.mutes += mutes
    membership.leave(model, leavers, State.LEFT)


def fade(model: CommunityModel, today: Day) -> None:
    """Activation and buzz fade overnight."""
    a = model.current.behaviour.activation
    activation.fade(today.n, model.members.F, a.decay, a.cap, a.buzz_decay)


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
    sense,
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
