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
    checkins,
    churn,
    counters,
    culture,
    draws,
    energy,
    events,
    habituation,
    incentives,
    introductions,
    lottery,
    mentions,
    moderation,
    nagging,
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
    value_sources,
)
from sim.mechanisms.cadence import EVENT, LOTTERY, RED_PACKETS, TOPIC_PROMPT
from sim.mechanisms.draws import Stream
from sim.model import actions, membership
from sim.model.day import Day, Extras, Feed, Posts
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


def follow_playbook(model: CommunityModel, today: Day) -> None:
    """State-triggered rules: each rule reads the last recorded day, and a rule whose condition has
    held long enough fires its action this morning, like a timeline item (an owner who quit
    follows no playbook)."""
    book = model.playbook
    if not book.rules or model.energy.quit:
        return
    rows = model.daily.rows
    for k in book.due(today.number, rows[-1] if rows else None):
        rule = book.rules[k]
        note = f"playbook: {rule.describe()}" + (f"; {rule.note}" if rule.note else "")
        actions.intervene(model, rule.do.model_copy(update={"day": today.number, "note": note}), rule=k)


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
        membership.tie(model, passed.passed(inviters), rows, referral.invitee_tie(r), lasting=True)
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
    """The SOP tasks the operator's hours allow today (fewer when the owner is tired, none once
    they quit), in every open group, and the work beyond the SOP; book the hours."""
    sc = model.current
    factor = model.energy.hours_factor(sc.energy)
    table = model.arguments.plan
    if model.energy.quit:  # no more scheduled events either
        table = table.copy()
        table[EVENT, 0] = 0
    tasks, used, left = cadence.plan_day(today.number, sc.operator.hours_per_day * factor, table,
                                         model.groups.open_mask())  # fmt: skip
    today.plan = cadence.OperatorDay(tasks, used, left)
    model.ledger.hours(used, sc.operator.hourly_cost_yuan)
    _plan_extras(model, today, factor)


def _plan_extras(model: CommunityModel, today: Day, factor: float) -> None:
    """Manifesto reminders, check-in reminders and introductions due today in every open group
    (none once the owner quit); their hours are booked on top of the SOP's, like events'."""
    sc, day = model.current, today.number
    open_g = model.groups.open_mask().astype(np.int64) * (factor > 0)
    manifesto, intro = sc.culture.manifesto, sc.cadence.introductions
    today.extras = Extras(
        open_g * (sc.culture.enabled and manifesto.due(day)),
        open_g * sc.checkins.due(day),
        open_g * (int(round(intro.per_day * factor)) if intro.enabled else 0),
    )
    hours = (
        today.extras.reminders.sum() * manifesto.hours
        + today.extras.checkin_day.sum() * sc.checkins.hours
        + today.extras.introductions.sum() * intro.hours
    )
    if hours:
        model.ledger.hours(float(hours), sc.operator.hourly_cost_yuan)


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
    operator and KOCs; a mention can unmute), red packets, lotteries and events. Prompts,
    mentions and lotteries wear off with use (habituation)."""
    m, n, plan, c, flows = model.members, today.n, today.plan, model.current.cadence, today.flows
    done = plan.done
    prompt_wear, lottery_wear, _, _ = model.arguments.habituation
    if done[TOPIC_PROMPT]:
        fresh = habituation.strength(prompt_wear, model.familiarity[habituation.PROMPTS])
        activation.prompt(n, m.F, m.Z, plan.topic_prompt * fresh, c.topic_prompts.boost)
        model.familiarity[habituation.PROMPTS] += plan.topic_prompt
    _mention(model, today)
    if done[RED_PACKETS] or flows.campaigns:
        _red_packets(model, today)
    if done[LOTTERY]:
        lot = c.lottery
        fresh = habituation.strength(lottery_wear, model.familiarity[habituation.LOTTERIES])
        lottery.draw(model.keys[Stream.LOTTERY], today.number, n, m.F, m.Z, plan.lottery, lot.entry_share,
                     lot.entry_buzz, lot.prize_yuan, flows.money, fresh)  # fmt: skip
        model.familiarity[habituation.LOTTERIES] += plan.lottery
        model.ledger.spend("prizes", float(done[LOTTERY] * lot.prize_yuan))
    today.events_held = np.zeros(today.n_groups, dtype=np.int64)
    if done[EVENT] or flows.campaigns:
        _hold_events(model, today)


def _red_packets(model: CommunityModel, today: Day) -> None:
    """Scheduled and campaign red packets: everyone grabs; each packet excites less than the last."""
    m, plan, flows, rp = model.members, today.plan, today.flows, model.current.cadence.red_packets
    packets = plan.red_packets + flows.red_packets
    if not packets.any():
        return
    strength = red_packets.strength(rp.habituation, model.red_packets_sent)
    model.red_packets_sent += int(packets.sum())
    pool = plan.red_packets * rp.amount_yuan + flows.red_packet_yuan  # campaigns carry their own amounts
    red_packets.grab(
        today.n, m.F, m.Z, packets, pool, rp.buzz * strength, rp.activation * strength, flows.money
    )
    model.ledger.spend("red_packets", float(pool.sum()))


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
                                            today.flows.mentions, c.unmute_probability, c.boost,
                                            model.arguments.habituation[2])  # fmt: skip


def _hold_events(model: CommunityModel, today: Day) -> None:
    """Scheduled and campaign events, online and offline: attendees bond, enjoy it and carry
    activation back; meeting offline forms stronger ties and builds trust."""
    ev, plan, flows = model.current.events, today.plan, today.flows
    online = (plan.event if not ev.offline else 0) + flows.events
    offline = (plan.event if ev.offline else 0) + flows.offline_events
    today.events_held = online + offline
    if online.any():
        _hold(model, today, online, Stream.EVENTS, ev.tie_weight, 0.0, "event")
    if offline.any():
        _hold(model, today, offline, Stream.OFFLINE_EVENTS, ev.tie_weight * ev.offline_tie_factor,
              ev.offline_trust, "offline event")  # fmt: skip


def _hold(model: CommunityModel, today: Day, held: np.ndarray, stream: Stream, tie_weight: float, trust: float,
          kind: str) -> None:  # fmt: skip
    """Hold `held[g]` events of one kind in each group g; book their cost and note them."""
    ev, m = model.current.events, model.members
    where, came, a, b = events.hold(model.keys[stream], today.number, today.n, m.F, m.Z, held, ev.capacity,
                                    ev.ties_per_attendee, ev.joy, ev.activation, trust)  # fmt: skip
    membership.tie(model, a, b, tie_weight)
    for g, people in zip(where.tolist(), came.tolist()):
        model.ledger.spend("events", ev.cost_yuan)
        today.flows.notes.append(f"{kind} in group {g}: {people} attended")


def introduce(model: CommunityModel, today: Day) -> None:
    """Today's newcomers introduce themselves and are welcomed with a ritual; the operator
    introduces members to each other. Each introduction forms a weak tie."""
    sc, m, n, day = model.current, model.members, today.n, today.number
    ob = sc.onboarding
    if ob.self_introductions and ob.intro_ties:
        a, b = introductions.self_introductions(model.keys[Stream.SELF_INTROS], day, n, today.n_groups, m.Z,
                                                ob.intro_ties)  # fmt: skip
        membership.tie(model, a, b, ob.intro_tie_weight)
    if ob.welcome_ritual:
        today.welcomed = culture.welcome(n, today.n_groups, m.Z, m.F, day, ob.ritual_joy)
    per_group = today.extras.introductions
    if per_group.any():
        a, b = introductions.introduce(model.keys[Stream.INTRODUCTIONS], day, n, today.n_groups, m.F, m.Z,
                                       per_group)  # fmt: skip
        membership.tie(model, a, b, sc.cadence.introductions.tie_weight)


def post(model: CommunityModel, today: Day) -> None:
    """Active members post value content, off-topic chatter and ads."""
    m, n = model.members, today.n
    counts, floats = np.empty((3, n), dtype=np.int64), np.empty((2, n))
    today.posts, today.need, today.engagement = Posts(counts[0], counts[1], counts[2]), floats[0], floats[1]
    today.proof = norms.proof(model.liveliness, *model.arguments.norms)
    today.post_totals = posting.post(model.keys.post, today.number, n, m.F, m.Z, today.census[0], today.proof,
                                     counts[0], counts[1], counts[2], floats[0], floats[1],
                                     *model.arguments.post)  # fmt: skip


def check_in(model: CommunityModel, today: Day) -> None:
    """On a check-in day members check in (a small value post), held to it by their peers."""
    checkin_day = today.extras.checkin_day
    if not checkin_day.any():
        return
    m, n = model.members, today.n
    today.checked = np.zeros(n, dtype=np.int64)
    share = checkins.check_in(model.keys[Stream.CHECKINS], today.number, n, today.n_groups, m.F, m.Z,
                              today.posts.value, today.checked, today.need, model.checkin_peers,
                              *model.arguments.checkins)  # fmt: skip
    today.checkin_share = share * (checkin_day > 0)
    model.checkin_peers = np.where(checkin_day > 0, share, model.checkin_peers)
    value, chatter, ads = today.post_totals
    today.post_totals = (value + int(today.checked.sum()), chatter, ads)


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
    spark the readers; operator messages beyond what members say themselves irritate."""
    sc, m, n = model.current, model.members, today.n
    posts, plan, enf = today.posts, today.plan, today.enforcement
    quality = np.empty(n)
    operator_posts = plan.operator_posts + today.extras.messages
    if today.flows.campaigns:
        operator_posts = operator_posts + today.flows.red_packets
    # in a deals or brand group part of each promotion is the deal members came for: information
    today.deals = plan.promotion_posts * value_sources.welcome(sc.group)
    ads_from_operator = plan.promotion_posts - today.deals
    extra_quality = (
        plan.morning_report * sc.cadence.morning_report.quality + today.deals * sc.group.deal_quality
    )
    totals = reading.feed(
        n, today.n_groups, m.Z, posts.value, posts.chatter, posts.ads, sc.kol.quality,
        sc.behaviour.posting.member_quality, quality, extra_quality, 1.0 - sc.rules.seen_before_removal,
        enf.removed_chatter, enf.removed_ads, ads_from_operator, operator_posts - ads_from_operator, model.prev_replies,
    )  # fmt: skip
    if today.checked is not None:
        checkins.discount(n, m.Z, today.checked, quality, totals, sc.behaviour.posting.member_quality,
                          sc.checkins.quality)  # fmt: skip
    today.feed = Feed(quality, totals, ads_from_operator, operator_posts)
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
    _nag(model, today, operator_posts - today.deals)


def _nag(model: CommunityModel, today: Day, operator_posts: np.ndarray) -> None:
    """Operator messages (posts, guided replies, its own @-mentions) beyond `tolerated_ratio` per
    member message (value posts, chatter, yesterday's replies) count against readers' tolerance."""
    nag = model.current.behaviour.nagging
    if not nag.weight:
        return
    plan, feed = today.plan, today.feed
    said = operator_posts + plan.guided_replies + plan.mentions
    excess = nagging.excess(said.astype(np.float64), feed.value + feed.chatter + model.prev_member_replies,
                            nag.tolerated_ratio)  # fmt: skip
    if excess.any():
        m = model.members
        nagging.nag(today.n, m.F, m.Z, excess, today.exposure.rows, nag.weight)


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
    # the operator's guided replies land whenever the group had a post to answer, members' likewise
    model.prev_member_replies = np.maximum(settled.per_group - today.plan.guided_replies, 0.0)


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


def build_culture(model: CommunityModel, today: Day) -> None:
    """Each group's culture grows with manifesto reminders, events, welcome rituals and shared
    tasks, erodes with misfits, ads and off-topic chatter and fades unless renewed; members feel
    it as belonging."""
    c = model.current.culture
    if not c.enabled:
        return
    m, n, groups = model.members, today.n, today.n_groups
    nothing = np.zeros(groups)

    def given(x: np.ndarray | None) -> np.ndarray:
        return nothing if x is None else x

    gained = culture.build(c, today.extras.reminders, today.events_held, given(today.welcomed),
                           given(today.checkin_share))  # fmt: skip
    misfits = culture.misfit_share(n, groups, m.F, m.Z, c.misfit_fit)
    lost = culture.erosion(c, misfits, today.feed.ads, today.feed.chatter, today.feed.volume)
    culture.update(c, model.culture, gained, lost)
    culture.belong(n, m.F, m.Z, model.culture, c.belonging, today.flows.identity)


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
    gate = culture.referral_gate(model.current.culture, model.culture)
    accepted, sent = referral.invite(model.keys.invite, today.number, today.n, m.F, m.Z, today.bond, gate,
                                     *model.arguments.invite)  # fmt: skip
    if sent:
        model.pending_inviters = accepted
    today.invitations = sent


def sell(model: CommunityModel, today: Day) -> None:
    """Promotions convert bonded, fitting readers into buyers; deals (the welcome part of a
    promotion in a deals or brand group) sell to fitting readers without a bond."""
    feed, m, promotion = today.feed, model.members, model.current.cadence.promotion
    if feed.promotions.any():
        orders = sales.buyers(today.n, m.F, m.Z, today.exposure.ads_read, feed.promotions, feed.ads, today.bond,
                              promotion.conversion)  # fmt: skip
        model.ledger.earn("sales", orders * promotion.order_value_yuan)
    today.deal_orders = np.zeros(today.n_groups)
    if today.deals.any():
        today.deal_orders = value_sources.deal_orders(today.n, today.n_groups, m.F, m.Z, today.exposure.read_share,
                                                      today.deals, model.current.group.deal_conversion)  # fmt: skip
        model.ledger.earn("sales", float(today.deal_orders.sum()) * promotion.order_value_yuan)


def churn_out(model: CommunityModel, today: Day) -> None:
    """Repeat violators are kicked; then members leave or mute, from the day's whole experience."""
    m, n = model.members, today.n
    kicked = today.enforcement.kicked
    if kicked.any():
        ordinary = m.role[:n] != ADMIN
        membership.leave(model, np.flatnonzero(kicked & ordinary & (m.state[:n] <= MUTED)), State.KICKED)
    hold = culture.hold(model.current.culture, model.culture)
    leavers, mutes = churn.churn_out(model.keys[Stream.CHURN], today.number, n, m.F, m.Z, today.ties,
                                     model.kol_last_post, today.bond, today.exposure.rows, hold,
                                     *model.arguments.churn)  # fmt: skip
    today.flows.mutes += mutes
    membership.leave(model, leavers, State.LEFT)


def tire(model: CommunityModel, today: Day) -> None:
    """The owner's energy: drained by takers and the day's work, restored by members' value posts,
    revenue and rest; an owner at the bottom quits (and may dissolve the community)."""
    e, state = model.current.energy, model.energy
    if not e.enabled or state.quit:
        return
    ledger, h = model.ledger, model.current.horizon
    hours, revenue = ledger.operator_hours - state.hours_seen, ledger.total_revenue - state.revenue_seen
    state.hours_seen, state.revenue_seen = ledger.operator_hours, ledger.total_revenue
    takers = energy.takers(today.n, model.members.Z, today.number, h.contributor_window_days)
    state.level = energy.change(e, state.level, takers, hours, int(today.feed.value.sum()), revenue)
    if state.level <= e.quit_below:
        state.quit = True
        model.note("the owner is exhausted and quits")
        if e.dissolve_on_quit:
            actions.dissolve(model, reason="the owner quit")
            model.running = False


def fade(model: CommunityModel, today: Day) -> None:
    """Activation and buzz fade overnight."""
    a = model.current.behaviour.activation
    activation.fade(today.n, model.members.F, a.decay, a.cap, a.buzz_decay)


def forget(model: CommunityModel, today: Day) -> None:
    """Overnight, ties without renewed contact fade (faster for members who keep up more than
    Dunbar's number; below a floor they are forgotten), and familiarity with tricks fades."""
    t, m = model.current.behaviour.ties, model.members
    if t.half_life_days > 0:
        model.ties.fade(today.number, t.half_life_days, t.forget_below, t.dunbar, m)
    habituation.rest(today.n, m.F, model.familiarity, model.arguments.habituation[3])


#: The day, phase by phase (docs/model.md §2 lists the same names in the same order).
DAY = (
    new_week,
    run_timeline,
    follow_playbook,
    end_if_dissolved,
    arrive,
    keep_house,
    plan_operator,
    roll_call,
    touch,
    introduce,
    post,
    check_in,
    moderate,
    read,
    reply,
    sense,
    count,
    build_culture,
    feel,
    change_roles,
    invite,
    sell,
    churn_out,
    tire,
    fade,
    forget,
    check_death,
    record_day,
)
