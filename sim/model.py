"""`CommunityModel`: a chat community (one group, or a matrix of groups), one tick per day.

Member state lives in `MemberTable` arrays and every daily mechanism is vectorised over members;
`Member` agents are the Mesa interface to those rows. The model does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.agents import Member
from sim.enums import Channel, Role, State
from sim.mechanisms import (
    arrivals,
    cadence,
    churn,
    entry,
    events,
    incentives,
    kol,
    koc,
    matrix,
    moderation,
    posting,
    reading,
    referral,
    replies,
    roles,
    satisfaction,
    traits,
)
from sim.mechanisms.costs import Ledger
from sim.mechanisms.sampling import beta_with_mean, small_counts, weighted_sample
from sim.metrics import DAILY_COLUMNS, popcount16
from sim.scenario import Scenario, apply_overrides
from sim.scenario.schema import (
    Dissolve, InviteKOL, MassAdd, MergeGroups, PromoteKOCs, RemoveLurkersNow, RunEvent,
    SendRedPackets, SetParameters, SplitGroups, StartSelling, StopSelling,
)
from sim.state import NEVER, GroupTable, MemberTable, TieLog

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
_CHANNEL_JOIN_COLUMN = {
    Channel.ORGANIC: "joins_organic", Channel.REFERRAL: "joins_referral", Channel.OPERATOR: "joins_operator",
    Channel.BAIT: "joins_bait", Channel.SEED: "joins_seed",
}


@dataclass
class _Today:
    """Scratch counters for the day being simulated."""

    n: int
    joins: dict[int, int] = field(default_factory=dict)
    leaves: int = 0
    kicks: int = 0
    mutes: int = 0
    unmutes: int = 0
    money: np.ndarray | None = None  # yuan received per member
    mentions: np.ndarray | None = None
    identity: np.ndarray | None = None
    red_packets: np.ndarray | None = None  # extra packets per group from interventions
    events: np.ndarray | None = None  # extra events per group from interventions
    promotion_posts: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)

    def grow(self, n: int) -> None:
        """Extend per-member scratch arrays after arrivals."""
        for name in ("money", "mentions", "identity"):
            arr = getattr(self, name)
            if arr is not None and arr.shape[0] < n:
                setattr(self, name, np.concatenate([arr, np.zeros(n - arr.shape[0])]))
        self.n = n


class CommunityModel(mesa.Model):
    """A community founded on day 0 and simulated one day per `step()`.

    The daily order (see `step`) follows cause to effect: the operator acts first (timeline,
    arrivals it allows, its SOP), then members post, moderators remove violations, members read
    what is left, reply, update satisfaction and roles, invite friends, and finally mute or leave.
    """

    def __init__(self, scenario: Scenario, seed: int | np.random.SeedSequence | None = None) -> None:
        super().__init__(rng=np.random.default_rng(seed))
        self.scenario = scenario  # as loaded
        self.current = scenario  # after any timeline 'set' changes
        self.seed = seed
        self.day = 0
        self.members = MemberTable.empty(max(64, 2 * (scenario.population.initial_members + scenario.kol.count) + 64))
        self.ties = TieLog()
        self.groups = GroupTable()
        self.ledger = Ledger()
        self.member_agents: list[Member] = []
        self.intervention_log: list[dict] = []
        self.ended_by: str | None = None
        self.running = True
        self._records: list[np.ndarray] = []
        self._notes: list[str] = []  # what happened today, shown in the daily table and report
        self._notes_by_day: list[str] = []
        self._pending_inviters = np.empty(0, dtype=np.int64)
        self._share_bonus = 0.0
        self._red_packets_sent = 0
        self._prev_replies = np.zeros(1)
        self._kol_last_post = np.full(1, NEVER, dtype=np.int64)
        self._derive_tables()
        self._found()

    # ------------------------------------------------------------------ setup

    def _derive_tables(self) -> None:
        """Per-role lookup arrays from the current scenario (rebuilt after a 'set' intervention)."""
        b = self.current.behaviour
        self._value_rate = np.array(b.posting.value_rate.as_tuple())
        self._chatter_rate = np.array(b.posting.chatter_rate.as_tuple())
        self._reply_rate = np.array(b.replies.rate.as_tuple())

    def _found(self) -> None:
        """Day 0: the owner, volunteer admins, seeded KOLs and the founding members join group 0."""
        sc = self.current
        self._open_group(0)
        owner_and_admins = 1 + sc.rules.admins
        self._join(np.ones(owner_and_admins), Channel.SEED, role=Role.ADMIN, satisfaction0=1.0)
        if sc.kol.count:
            self._join_kols(sc.kol.count, sc.kol.activity)
        founders = sc.population.initial_members
        if founders:
            fit = beta_with_mean(self.rng, arrivals.organic_fit_mean(sc), sc.population.fit_concentration, founders)
            rows = self._join(fit, Channel.SEED, satisfaction0=sc.behaviour.satisfaction.consented_start)
            # the owner asked each founder personally (seed 002 第一点)
            self._tie(np.zeros(rows.shape[0], dtype=np.int64), rows, 0.5)
        for item in self._timeline_for(0):
            self.intervene(item)

    # -------------------------------------------------------------- membership

    def _open_group(self, focus_interest: int = -1, fit_bonus: float = 0.0) -> int:
        g = self.groups.open(self.day, focus_interest, fit_bonus)
        self._prev_replies = np.resize(self._prev_replies, self.groups.count)
        self._prev_replies[g] = 0
        kol_last = np.full(self.groups.count, NEVER, dtype=np.int64)
        kol_last[: self._kol_last_post.shape[0]] = self._kol_last_post
        self._kol_last_post = kol_last
        return g

    def _join(
        self,
        fit: np.ndarray,
        channel: Channel,
        *,
        role: Role | None = None,
        inviter: np.ndarray | None = None,
        commitment: np.ndarray | float = 0.0,
        satisfaction0: float = 0.0,
        speak: float = 1.0,
        spam_share: float = 0.0,
    ) -> np.ndarray:
        """Add members; route them to groups; create their Mesa agents. Returns their rows."""
        count = fit.shape[0]
        if count == 0:
            return np.empty(0, dtype=np.int64)
        sc = self.current
        cols = traits.draw_traits(self.rng, fit, sc.population, spam_share)
        if role is not None:
            cols["role"] = np.full(count, role, dtype=np.int8)
        if role in (Role.ADMIN, Role.KOL):
            cols["activity"] = np.ones(count)
            cols["spammer"] = np.zeros(count, dtype=bool)
        cols["group"] = self._route(cols["interest"])
        bonus = np.asarray(self.groups.fit_bonus)[cols["group"]]
        cols["fit"] = np.clip(fit + bonus, 0.0, 1.0)
        rows = self.members.append(
            count,
            **cols,
            role_at_join=cols["role"],
            state=State.ACTIVE,
            channel=channel,
            inviter=-1 if inviter is None else inviter,
            join_day=self.day,
            commitment=commitment,
            satisfaction=satisfaction0,
            speak=speak,
        )
        for row in rows:
            self.member_agents.append(Member(self, int(row)))
        if self._today is not None:
            self._today.joins[channel] = self._today.joins.get(channel, 0) + count
            self._today.grow(self.members.n)
        return rows

    _today: _Today | None = None

    def _join_kols(self, count: int, activity: float) -> np.ndarray:
        sc = self.current
        rows = self._join(traits.kol_fit(self.rng, count), Channel.SEED, role=Role.KOL,
                          satisfaction0=sc.behaviour.satisfaction.consented_start, speak=activity)
        return rows

    def _route(self, interest: np.ndarray) -> np.ndarray:
        """Group of each newcomer, opening overflow groups when every group is full."""
        if self.groups.count == 1 and self.groups.dissolved_day[0] < 0:
            size = int(np.count_nonzero(self.members.state[: self.members.n] <= State.MUTED))
            if size + interest.shape[0] <= self.current.matrix.max_group_size:
                return np.zeros(interest.shape[0], dtype=np.int64)
        m = self.members
        present = m.state[: m.n] <= State.MUTED
        counts = np.bincount(m.group[: m.n][present], minlength=self.groups.count)
        open_groups = self.groups.open_groups()
        sizes = {g: int(counts[g]) for g in open_groups}
        focus = {g: self.groups.focus_interest[g] for g in open_groups}
        out = matrix.route(interest, sizes, focus, self.current.matrix.max_group_size)
        while (out < 0).any():
            g = self._open_group()
            self._note(f"overflow group {g} opened")
            sizes[g], focus[g] = 0, -1
            missing = out < 0
            out[missing] = matrix.route(interest[missing], sizes, focus, self.current.matrix.max_group_size)
        return out

    def _tie(self, a: np.ndarray, b: np.ndarray, weight: float | np.ndarray) -> None:
        keep = a != b
        a, b = a[keep], b[keep]
        if a.shape[0] == 0:
            return
        self.ties.add(a, b, weight, self.day)
        w = np.broadcast_to(np.asarray(weight, dtype=np.float64), keep.shape)[keep]
        n = self.members.n
        self.members.tie_strength[:n] += np.bincount(a, w, minlength=n) + np.bincount(b, w, minlength=n)

    def _exit(self, rows: np.ndarray, state: State) -> None:
        """Members leave or are kicked: they stop counting, and their ties stop holding anyone."""
        if rows.shape[0] == 0:
            return
        m, n = self.members, self.members.n
        m.state[rows] = state
        m.exit_day[rows] = self.day
        gone = np.zeros(n, dtype=bool)
        gone[rows] = True
        m.tie_strength[:n] -= self.ties.drop_members(gone, n)
        np.maximum(m.tie_strength[:n], 0.0, out=m.tie_strength[:n])
        for row in rows:
            self.member_agents[row].remove()
        if self._today is not None:
            if state == State.KICKED:
                self._today.kicks += rows.shape[0]
            else:
                self._today.leaves += rows.shape[0]

    def _note(self, text: str) -> None:
        self._notes.append(text)

    # ----------------------------------------------------------------- the day

    def step(self) -> None:
        """Simulate one day."""
        self.day += 1
        day = self.day
        n_groups = self.groups.count
        self._today = _Today(n=self.members.n, money=np.zeros(self.members.n), mentions=np.zeros(self.members.n),
                             identity=np.zeros(self.members.n), red_packets=np.zeros(n_groups, dtype=np.int64),
                             events=np.zeros(n_groups, dtype=np.int64), promotion_posts=np.zeros(n_groups, dtype=np.int64))
        self._new_week(day)
        for item in self._timeline_for(day):
            self.intervene(item)
        if self.ended_by is None and self._planned_dissolution(day):
            self.dissolve(reason="planned")
        if self.ended_by is not None:
            nothing = np.zeros(self.groups.count)
            self._record(day, nothing, nothing, nothing, nothing, 0, 0, 0)
            self.running = False
            return
        self._arrivals(day)
        self._housekeeping(day)
        plan = cadence.plan_day(self.current, day, self.groups.open_groups(), self.groups.count)
        self.ledger.hours(plan.hours_used, self.current.operator.hourly_cost_yuan)
        self._members_day(day, plan)

    def _new_week(self, day: int) -> None:
        if day > 1 and day % 7 == 1:
            m = self.members
            m.value_weeks[: m.n] = (m.value_weeks[: m.n].astype(np.uint32) << 1).astype(np.uint16)

    # --------------------------------------------------------------- arrivals

    def _arrivals(self, day: int) -> None:
        sc = self.current
        pop = sc.population
        # people invited yesterday who accepted
        inviters, self._pending_inviters = self._pending_inviters, np.empty(0, dtype=np.int64)
        inviters = inviters[self.members.state[inviters] <= State.MUTED] if inviters.shape[0] else inviters
        if inviters.shape[0]:
            channel = Channel.BAIT if sc.referral.bait.enabled else Channel.REFERRAL
            fit = referral.invitee_fit(self.rng, self.members.fit[inviters], arrivals.organic_fit_mean(sc),
                                       pop.fit_concentration, sc.referral)
            rows = self._admit(fit, channel, inviters=inviters)
            if rows.shape[0]:
                self._tie(self.members.inviter[rows].astype(np.int64), rows, referral.invitee_tie(sc.referral))
                self.ledger.spend("referral_rewards", sc.referral.reward_yuan * rows.shape[0])
                if channel == Channel.BAIT:
                    self.ledger.spend("bait_gifts", sc.referral.bait.cost_yuan_per_joiner * rows.shape[0])
        # organic prospects
        active_kols = int(kol.spoke_recently(self._kol_last_post, day).sum())
        rate = arrivals.organic_prospect_rate(sc, active_kols, self._share_bonus)
        self._share_bonus = 0.0
        prospects = self.rng.poisson(rate)
        if prospects:
            fit = beta_with_mean(self.rng, arrivals.organic_fit_mean(sc), pop.fit_concentration, prospects)
            self._admit(fit, Channel.ORGANIC)
        # the operator pulling contacts in without asking
        self.mass_add(arrivals.mass_add_today(sc, day))

    def _admit(self, fit: np.ndarray, channel: Channel, inviters: np.ndarray | None = None) -> np.ndarray:
        """Pass prospects through the entry threshold and let the admitted ones join."""
        sc = self.current
        decision = entry.admit(self.rng, fit, sc.entry)
        if decision.vetted:
            self.ledger.hours(decision.vetted * sc.entry.vetting_hours, sc.operator.hourly_cost_yuan)
        self.ledger.earn("entry_fees", decision.fees_yuan)
        self._share_bonus += decision.shares * sc.entry.share_reach
        chosen = decision.admitted
        return self._join(
            fit[chosen], channel,
            inviter=None if inviters is None else inviters[chosen],
            commitment=decision.commitment,
            satisfaction0=sc.behaviour.satisfaction.consented_start,
            spam_share=arrivals.spam_share(sc, channel),
        )

    def mass_add(self, count: int) -> np.ndarray:
        """The operator pulls `count` contacts in without asking them (no threshold, no consent)."""
        if count <= 0:
            return np.empty(0, dtype=np.int64)
        sc = self.current
        fit = beta_with_mean(self.rng, sc.recruiting.mass_add_fit_mean, sc.population.fit_concentration, count)
        return self._join(fit, Channel.OPERATOR, satisfaction0=sc.behaviour.satisfaction.unconsented_start,
                          spam_share=arrivals.spam_share(sc, Channel.OPERATOR))

    # ----------------------------------------------------------- housekeeping

    def _housekeeping(self, day: int) -> None:
        sc = self.current
        if sc.matrix.split.enabled:
            present = self.members.state[: self.members.n] <= State.MUTED
            sizes = np.bincount(self.members.group[: self.members.n][present], minlength=self.groups.count)
            for g in self.groups.open_groups():
                if sizes[g] >= sc.matrix.split.at_size and self.groups.focus_interest[g] < 0:
                    self.split(g, sc.matrix.split.subgroups)
        rl = sc.matrix.remove_lurkers
        if rl.enabled and day % rl.every_days == 0:
            self.remove_lurkers(rl.inactive_days)
        k = sc.koc
        if k.enabled and day >= k.start_day and (day - k.start_day) % k.review_every_days == 0:
            self.promote_kocs(per_group=k.count)
        kocs = int(np.count_nonzero((self.members.role[: self.members.n] == Role.KOC) & (self.members.state[: self.members.n] <= State.MUTED)))
        self.ledger.spend("koc_rewards", kocs * k.monthly_reward_yuan / 30.0)
        kols = int(np.count_nonzero((self.members.role[: self.members.n] == Role.KOL) & (self.members.state[: self.members.n] <= State.MUTED)))
        self.ledger.spend("kol_fees", kols * sc.kol.monthly_fee_yuan / 30.0)

    # ------------------------------------------------------- members' day

    def _members_day(self, day: int, plan: cadence.OperatorDay) -> None:
        sc = self.current
        beh = sc.behaviour
        rng = self.rng
        m = self.members
        n = m.n
        today = self._today
        G = self.groups.count
        role = m.role[:n]
        state = m.state[:n]
        group = m.group[:n]
        fit = m.fit[:n]
        present = state <= State.MUTED
        operator_side = role == Role.ADMIN
        behaving = (state == State.ACTIVE) & ~operator_side
        present_g = np.bincount(group, present, minlength=G)
        need = satisfaction.need_remaining(day - m.join_day[:n], sc.lifecycle.need_half_life_days)

        # --- the operator's SOP touches members before they post
        self._operator_touches(day, plan, behaving, present)
        activation = m.activation[:n]
        buzz = m.buzz[:n]
        state = m.state[:n]  # mentions may have unmuted some
        behaving = (state == State.ACTIVE) & ~operator_side

        # --- members post
        crowd = posting.crowding(present_g, beh)[group]
        inc_value, inc_reply, inc_chatter = incentives.multipliers(sc.incentives)
        motivation = posting.recognition_motivation(m.reward[:n], m.satisfaction[:n], beh)
        v_rate = posting.value_rate(self._value_rate[role], fit, m.activity[:n], m.speak[:n], motivation,
                                    activation, crowd, need, beh, inc_value)
        value = small_counts(rng, v_rate * behaving)
        restraint = sc.rules.norm_effect if (sc.rules.enabled and sc.rules.ban_off_topic) else 0.0
        c_rate = posting.chatter_rate(self._chatter_rate[role], fit, m.sociability[:n], m.activity[:n], buzz,
                                      activation, crowd, beh, restraint, inc_chatter)
        chatter = small_counts(rng, c_rate * behaving)
        norm = sc.rules.norm_effect if sc.rules.enabled else 0.0
        a_rate = posting.ad_rate(m.spammer[:n], m.warnings[:n], beh, norm, sc.rules.deterrence)
        ads = small_counts(rng, a_rate * behaving)

        # --- moderation
        admins_g = np.bincount(group, present & ((role == Role.ADMIN) | (role == Role.KOC)), minlength=G)
        cap = moderation.capacity(admins_g, plan.hours_left, sc.rules)
        enf = moderation.enforce(rng, ads, chatter, group, m.warnings[:n], cap, sc.rules)
        if enf.caught.any():
            m.warnings[:n][enf.caught] += 1

        # --- group totals and reading
        is_kol = role == Role.KOL
        quality = np.where(is_kol, sc.kol.quality, beh.posting.member_quality) * value
        value_g = np.bincount(group, value, minlength=G)
        kol_posts_g = np.bincount(group, value * is_kol, minlength=G)
        quality_g = np.bincount(group, quality, minlength=G) + plan.morning_report * sc.cadence.morning_report.quality
        unseen = 1.0 - sc.rules.seen_before_removal
        chatter_g = np.bincount(group, chatter, minlength=G) - unseen * enf.removed_chatter
        promotions_g = plan.promotion_posts + today.promotion_posts
        ads_g = np.bincount(group, ads, minlength=G) - unseen * enf.removed_ads + promotions_g
        operator_posts_g = plan.operator_posts() + today.promotion_posts + today.red_packets
        volume_g = value_g + chatter_g + ads_g + plan.morning_report + plan.topic_prompt + plan.red_packets + today.red_packets + self._prev_replies[:G]
        exposure = reading.expose(behaving.astype(np.float64), m.attention[:n], group, volume_g, quality_g, value_g.astype(np.float64),
                                  chatter_g, ads_g, quality, value, chatter, ads)
        if sc.kol.count or kol_posts_g.any():
            activation += kol.spark(kol_posts_g, sc.kol)[group] * exposure.read_share
            self._kol_last_post[:G][kol_posts_g > 0] = day

        # --- replies: ties and recognition
        given = replies.reply_counts(rng, self._reply_rate[role], fit, exposure.value_posts_read, activation, need,
                                     group, value_g.astype(np.float64), beh.replies.max_per_post, beh.activation.value_gain, inc_reply)
        repliers = np.repeat(np.arange(n), given)
        targets = replies.pick_targets(rng, repliers, group, quality)
        ok = (targets >= 0) & (targets != repliers)
        repliers, targets = repliers[ok], targets[ok]
        helper_r, helper_t, operator_t = self._helper_replies(plan, group, quality, present)
        repliers = np.concatenate([repliers, helper_r])
        targets = np.concatenate([targets, helper_t])
        received = np.bincount(targets, minlength=n) + np.bincount(operator_t, minlength=n)
        given_ok = np.bincount(repliers, minlength=n)
        self._tie(repliers, targets, beh.replies.tie_weight)
        ca, cb = replies.chatter_pairs(rng, chatter, group, beh.replies.chatter_pairs_per_message)
        self._tie(ca, cb, beh.replies.chatter_tie_weight)
        posted = value > 0
        rm = beh.roles.reward_memory
        m.reward[:n][posted] = (1 - rm) * m.reward[:n][posted] + rm * received[posted] / value[posted]
        replies_g = np.bincount(group, given_ok, minlength=G) + np.bincount(group[operator_t], minlength=G)
        self._prev_replies = replies_g.astype(np.float64)

        # --- counters
        any_post = posted | (chatter > 0) | (given_ok > 0)
        m.value_posts[:n] += value
        m.chatter_posts[:n] += chatter
        m.ads_posted[:n] += ads
        m.replies_given[:n] += given_ok
        m.replies_received[:n] += received
        m.last_value_day[:n][posted] = day
        m.last_post_day[:n][any_post] = day
        m.value_weeks[:n][posted] |= 1
        m.recent_activity[:n] = (13.0 * m.recent_activity[:n] + 3.0 * value + given_ok) / 14.0
        if sc.incentives.enabled:
            earned = incentives.points(value, given_ok, chatter, sc.incentives)
            m.points[:n] += earned
            m.week_points[:n] += earned
            if day % 7 == 0:
                top = incentives.leaderboard(m.week_points[:n], present & ~operator_side, sc.incentives.leaderboard_size)
                today.identity[top] += sc.incentives.recognition
                activation[top] += sc.incentives.recognition
                m.week_points[:n] = 0.0
                self.ledger.spend("prizes", sc.incentives.prize_yuan_per_week)

        # --- satisfaction
        tie = m.tie_strength[:n]
        identity = today.identity + (role == Role.KOC) * sc.koc.identity
        utility = satisfaction.daily_utility(exposure, fit, tie, received, today.mentions, identity, today.money, need,
                                             beh.satisfaction)
        feels = present & ~operator_side
        m.satisfaction[:n][feels] = satisfaction.remember(m.satisfaction[:n][feels], utility[feels], beh.satisfaction)

        # --- roles
        new_role = roles.transition(rng, role, behaving, fit, activation, (received > 0).astype(np.float64),
                                    m.reward[:n], m.satisfaction[:n], beh.roles)
        role[:] = new_role

        # --- referral: invitations sent today arrive tomorrow
        bond = satisfaction.bond(tie, beh.satisfaction)
        inv_rate = referral.invitation_rate(behaving, bond, m.satisfaction[:n], m.invite_appetite[:n], sc.referral)
        invites = small_counts(rng, inv_rate) if sc.referral.enabled else np.zeros(n, dtype=np.int32)
        if invites.any():
            m.invitations_sent[:n] += invites
            m.invite_appetite[:n] *= referral.fatigue_factor(sc.referral) ** invites
            accepted = rng.binomial(invites, referral.acceptance(sc.referral))
            self._pending_inviters = np.repeat(np.arange(n), accepted)

        # --- promotions convert bonded readers into buyers
        if promotions_g.any():
            per_ad_read = exposure.ads_read * (promotions_g / np.maximum(ads_g, 1e-9))[group]
            buyers = (per_ad_read * sc.cadence.promotion.conversion * bond * fit).sum()
            self.ledger.earn("sales", buyers * sc.cadence.promotion.order_value_yuan)

        # --- muting and leaving
        self._churn(day, exposure, bond, kol.spoke_recently(self._kol_last_post[:G], day), enf)

        # --- decay of transient states
        activation *= beh.activation.decay
        np.minimum(activation, beh.activation.cap, out=activation)
        buzz *= beh.activation.buzz_decay

        removed = int(enf.removed_ads.sum() + enf.removed_chatter.sum())
        self._record(day, value_g, operator_posts_g, chatter_g, ads_g, removed, int(replies_g.sum()), int(invites.sum()))
        self._check_death(day, value_g)

    def _operator_touches(self, day: int, plan: cadence.OperatorDay, behaving: np.ndarray, present: np.ndarray) -> None:
        """Topic prompts, @-mentions (operator and KOCs), red packets and events act on members."""
        sc = self.current
        c = sc.cadence
        m, n, rng, today = self.members, self.members.n, self.rng, self._today
        group = m.group[:n]
        activation, buzz = m.activation[:n], m.buzz[:n]
        if plan.topic_prompt.any():
            activation += c.topic_prompts.boost * plan.topic_prompt[group] * behaving
        # @-mentions reach quiet, fitting members; they break through mute
        koc_rows = np.flatnonzero((m.role[:n] == Role.KOC) & (m.state[:n] == State.ACTIVE))
        mentions_g = plan.mentions + np.bincount(group[koc_rows], minlength=self.groups.count) * sc.koc.mentions_per_day
        if mentions_g.any():
            quiet = 1.0 - np.minimum(1.0, m.recent_activity[:n])
            weight = m.fit[:n] * quiet * present * (m.role[:n] != Role.ADMIN)
            for g in np.flatnonzero(mentions_g):
                candidates = np.flatnonzero(group == g)
                chosen = weighted_sample(rng, candidates, weight[candidates], int(mentions_g[g]))
                today.mentions[chosen] += 1
                m.mentions_received[chosen] += 1
                activation[chosen] += c.mentions.boost
                muted = chosen[m.state[chosen] == State.MUTED]
                back = muted[rng.random(muted.shape[0]) < c.mentions.unmute_probability]
                m.state[back] = State.ACTIVE
                today.unmutes += back.shape[0]
        packets = plan.red_packets + today.red_packets
        if packets.any():
            rp = c.red_packets
            strength = rp.habituation ** self._red_packets_sent
            self._red_packets_sent += int(packets.sum())
            grabbing = behaving * (packets[group] > 0)
            buzz += rp.buzz * strength * packets[group] * grabbing
            activation += rp.activation * strength * packets[group] * grabbing
            grabbers = np.bincount(group, grabbing, minlength=self.groups.count)
            today.money += grabbing * (packets * rp.amount_yuan / np.maximum(grabbers, 1))[group]
            self.ledger.spend("red_packets", float((packets * rp.amount_yuan).sum()))
        held = plan.event + today.events
        if held.any():
            ev = sc.events
            for g in np.flatnonzero(held):
                for _ in range(int(held[g])):
                    people = events.attendees(rng, np.flatnonzero((group == g) & behaving), m.satisfaction[:n], m.fit[:n], ev.capacity)
                    a, b = events.event_ties(rng, people, ev.ties_per_attendee)
                    self._tie(a, b, ev.tie_weight)
                    m.satisfaction[people] += ev.joy
                    activation[people] += ev.activation
                    self.ledger.spend("events", ev.cost_yuan)
                    today.notes.append(f"event in group {g}: {people.shape[0]} attended")

    def _helper_replies(self, plan: cadence.OperatorDay, group: np.ndarray, quality: np.ndarray, present: np.ndarray):
        """Replies by KOCs (peer replies: ties) and by the operator (recognition only)."""
        m, n, rng = self.members, self.members.n, self.rng
        empty = np.empty(0, dtype=np.int64)
        k_rep, k_tgt, op_tgt = [empty], [empty], [empty]
        kocs = np.flatnonzero((m.role[:n] == Role.KOC) & (m.state[:n] == State.ACTIVE))
        per_koc = self.current.koc.replies_per_day
        for g in np.flatnonzero((plan.guided_replies > 0) | (np.bincount(group[kocs], minlength=self.groups.count) > 0)):
            posters = np.flatnonzero((group == g) & (quality > 0))
            if posters.shape[0] == 0:
                continue
            w = quality[posters] / quality[posters].sum()
            if plan.guided_replies[g]:
                op_tgt.append(rng.choice(posters, size=int(plan.guided_replies[g]), p=w))
            mine = kocs[group[kocs] == g]
            if mine.shape[0] and per_koc:
                r = np.repeat(mine, per_koc)
                t = rng.choice(posters, size=r.shape[0], p=w)
                keep = r != t
                k_rep.append(r[keep])
                k_tgt.append(t[keep])
        return np.concatenate(k_rep), np.concatenate(k_tgt), np.concatenate(op_tgt)

    def _churn(self, day: int, exposure: reading.Exposure, bond: np.ndarray, kol_spoke_g: np.ndarray, enf: moderation.Enforcement) -> None:
        sc = self.current
        c = sc.behaviour.churn
        m, n, rng, today = self.members, self.members.n, self.rng, self._today
        role, state, group = m.role[:n], m.state[:n], m.group[:n]
        ordinary = role != Role.ADMIN
        active = (state == State.ACTIVE) & ordinary
        muted = (state == State.MUTED) & ordinary
        # kicks for repeat violators
        kicked = np.flatnonzero(enf.kicked & ordinary & (state <= State.MUTED))
        self._exit(kicked, State.KICKED)
        state = m.state[:n]
        active &= state == State.ACTIVE
        muted &= state == State.MUTED
        u = rng.random(n)
        ratio = churn.irritation(exposure.chatter_read, exposure.ads_read, m.fit[:n], bond, exposure.overload, m.tolerance[:n])
        p_leave = churn.leave_probability(m.satisfaction[:n], m.tie_strength[:n], m.commitment[:n],
                                          kol_spoke_g[group].astype(np.float64), sc.kol.retention, c)
        p_leave = p_leave + (m.channel[:n] == Channel.OPERATOR) * churn.unconsented_leave_probability(m.fit[:n], c)
        p_leave = np.where(muted, p_leave * c.muted_leave_factor + c.noticed_muted_rate, p_leave)
        leaving = (active | muted) & (u < p_leave)
        p_mute = churn.mute_probability(ratio, c)
        muting = active & ~leaving & (u > 1.0 - p_mute)
        self._exit(np.flatnonzero(leaving), State.LEFT)
        to_mute = np.flatnonzero(muting)
        m.state[to_mute] = State.MUTED
        first = to_mute[m.first_mute_day[to_mute] < 0]
        m.first_mute_day[first] = day
        today.mutes += to_mute.shape[0]

    # ------------------------------------------------------------- recording

    def _record(self, day: int, value_g, operator_posts_g, chatter_g, ads_g, removed: int, replies_n: int, invites: int) -> None:
        sc = self.current
        m, n, today = self.members, self.members.n, self._today
        role, state = m.role[:n], m.state[:n]
        present = state <= State.MUTED
        ordinary = present & (role != Role.ADMIN)
        h = sc.horizon
        row = np.zeros(len(DAILY_COLUMNS))
        row[_COL["day"]] = day
        row[_COL["members"]] = present.sum()
        row[_COL["active"]] = (state == State.ACTIVE).sum()
        row[_COL["muted"]] = (state == State.MUTED).sum()
        role_counts = np.bincount(role[present], minlength=len(Role))
        for r, name in ((Role.LURKER, "lurkers"), (Role.COMMENTER, "commenters"), (Role.CREATOR, "creators"),
                        (Role.KOL, "kols"), (Role.ADMIN, "admins"), (Role.KOC, "kocs")):
            row[_COL[name]] = role_counts[r]
        for ch, column in _CHANNEL_JOIN_COLUMN.items():
            row[_COL[column]] = today.joins.get(ch, 0)
        row[_COL["joins"]] = sum(today.joins.values())
        row[_COL["leaves"]] = today.leaves
        row[_COL["kicks"]] = today.kicks
        row[_COL["mutes"]] = today.mutes
        row[_COL["unmutes"]] = today.unmutes
        row[_COL["value_posts"]] = np.sum(value_g)
        row[_COL["operator_posts"]] = np.sum(operator_posts_g)
        row[_COL["chatter"]] = round(float(np.sum(chatter_g)))
        row[_COL["ads"]] = round(float(np.sum(ads_g)))
        row[_COL["removed"]] = removed
        row[_COL["replies"]] = replies_n
        row[_COL["invitations"]] = invites
        recent = m.last_value_day[:n] > day - h.contributor_window_days
        row[_COL["value_contributors"]] = (ordinary & recent).sum()
        weeks = popcount16((m.value_weeks[:n] >> 1) & ((1 << h.sustained_weeks) - 1))
        row[_COL["sustained_contributors"]] = (ordinary & (weeks >= h.sustained_min_weeks)).sum()
        row[_COL["mean_satisfaction"]] = m.satisfaction[:n][ordinary].mean() if ordinary.any() else np.nan
        row[_COL["mean_fit"]] = m.fit[:n][ordinary].mean() if ordinary.any() else np.nan
        row[_COL["cost_yuan"]] = self.ledger.total_cost
        row[_COL["revenue_yuan"]] = self.ledger.total_revenue
        row[_COL["groups"]] = len(self.groups.open_groups())
        row[_COL["groups_alive"]] = len(self.groups.alive_groups())
        row[_COL["alive"]] = 1.0 if self.groups.alive_groups() and self.ended_by is None else 0.0
        self._records.append(row)
        self._notes_by_day.append("; ".join(self._notes + today.notes))
        self._notes = []

    def _check_death(self, day: int, value_g: np.ndarray) -> None:
        sc = self.current
        groups = self.groups
        for g in groups.alive_groups():
            if value_g[g] > 0:
                groups.last_value_day[g] = day
            elif day - groups.last_value_day[g] >= sc.horizon.dead_after_days:
                groups.dead_day[g] = day
                groups.lifespan[g] = groups.last_value_day[g]
                self._note(f"group {g} died (last value post on day {groups.last_value_day[g]})")
                if sc.matrix.merge_dead and len(groups.alive_groups()) > 0:
                    self.merge(g)
                elif sc.matrix.dissolve_dead and len(groups.alive_groups()) > 0:
                    self._dissolve_group(g)
        if not groups.alive_groups():
            if self.ended_by is None:
                self.ended_by = "dead"
            if sc.horizon.stop_at_death:
                self.running = False

    # ---------------------------------------------------------- interventions

    def _timeline_for(self, day: int):
        return [item for item in self.scenario.timeline if item.day == day]

    def intervene(self, item) -> None:
        """Carry out one timeline intervention today (also used by the browser app's buttons)."""
        label = item.action + (f" ({item.note})" if getattr(item, "note", "") else "")
        self.intervention_log.append({"day": self.day, "action": item.action, "note": getattr(item, "note", ""),
                                      "detail": item.model_dump(exclude={"day", "action", "note"}, mode="json")})
        self._note(label)
        sc = self.current
        if isinstance(item, InviteKOL):
            self._join_kols(item.count, item.activity)
        elif isinstance(item, MassAdd):
            self.mass_add(item.count)
        elif isinstance(item, SendRedPackets):
            if self._today is not None:
                extra = self._today.red_packets
                extra[self.groups.open_groups()] += item.count
                saved = sc.cadence.red_packets.amount_yuan
                if item.amount_yuan != saved:
                    self._set({"cadence.red_packets.amount_yuan": item.amount_yuan})
        elif isinstance(item, RunEvent):
            if self._today is not None:
                self._today.events[self.groups.open_groups()] += 1
                self.ledger.hours(sc.events.hours, sc.operator.hourly_cost_yuan)
        elif isinstance(item, StartSelling):
            self._set({"cadence.promotion.enabled": True, "cadence.promotion.start_day": self.day,
                       "cadence.promotion.every_days": item.every_days, "cadence.promotion.posts": item.posts})
        elif isinstance(item, StopSelling):
            self._set({"cadence.promotion.enabled": False})
        elif isinstance(item, PromoteKOCs):
            self.promote_kocs(total=item.count)
        elif isinstance(item, SplitGroups):
            present = self.members.state[: self.members.n] <= State.MUTED
            sizes = np.bincount(self.members.group[: self.members.n][present], minlength=self.groups.count)
            self.split(int(np.argmax(sizes)), item.subgroups)
        elif isinstance(item, MergeGroups):
            for g in [g for g in self.groups.open_groups() if self.groups.dead_day[g] >= 0]:
                self.merge(g)
        elif isinstance(item, RemoveLurkersNow):
            self.remove_lurkers(item.inactive_days)
        elif isinstance(item, Dissolve):
            self.dissolve(reason="timeline")
        elif isinstance(item, SetParameters):
            self._set(item.changes)

    def _set(self, changes: dict) -> None:
        self.current = apply_overrides(self.current, changes)
        self._derive_tables()

    # ------------------------------------------------ operator actions (also for the app)

    def promote_kocs(self, per_group: int | None = None, total: int | None = None) -> np.ndarray:
        """Promote the most active ordinary members to KOC (to `per_group` KOCs per group, or `total` more)."""
        m, n = self.members, self.members.n
        role, state, group = m.role[:n], m.state[:n], m.group[:n]
        eligible = (state == State.ACTIVE) & np.isin(role, (Role.LURKER, Role.COMMENTER, Role.CREATOR))
        chosen = []
        groups = self.groups.open_groups()
        for g in groups:
            if per_group is not None:
                have = int(np.count_nonzero((role == Role.KOC) & (state <= State.MUTED) & (group == g)))
                vacancies = per_group - have
            else:
                vacancies = total // len(groups) + (1 if groups.index(g) < total % len(groups) else 0)
            chosen.append(koc.pick_kocs(np.flatnonzero(eligible & (group == g)), m.recent_activity[:n], vacancies))
        rows = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
        role[rows] = Role.KOC
        if rows.shape[0]:
            self._note(f"{rows.shape[0]} KOC(s) promoted")
        return rows

    def remove_lurkers(self, inactive_days: int) -> np.ndarray:
        """Remove members silent for `inactive_days` (never admins, KOLs or KOCs)."""
        m, n = self.members, self.members.n
        removable = np.isin(m.role[:n], (Role.LURKER, Role.COMMENTER, Role.CREATOR))
        rows = matrix.lurkers_to_remove(m.state[:n] <= State.MUTED, removable, m.last_post_day[:n], m.join_day[:n], self.day, inactive_days)
        self._exit(rows, State.KICKED)
        if rows.shape[0]:
            self._note(f"{rows.shape[0]} long-term lurkers removed")
        return rows

    def split(self, g: int, subgroups: int) -> list[int]:
        """Split group `g` into focused sub-groups by members' sub-topic (聚是一团火，散是满天星)."""
        sc = self.current
        m, n = self.members, self.members.n
        in_g = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= State.MUTED))
        bonus = sc.matrix.split.focus_bonus
        new_ids = [g] + [self._open_group(focus_interest=k, fit_bonus=bonus) for k in range(1, subgroups)]
        self.groups.focus_interest[g] = 0
        self.groups.fit_bonus[g] = bonus
        slot = matrix.split_assignment(m.interest[in_g], subgroups)
        # the owner stays; KOLs are shared out round-robin so every sub-group has a voice
        kols = m.role[in_g] == Role.KOL
        slot[kols] = np.arange(kols.sum()) % subgroups
        admins = m.role[in_g] == Role.ADMIN
        slot[admins] = 0
        m.group[in_g] = np.asarray(new_ids)[slot]
        m.fit[in_g[~admins]] = np.minimum(1.0, m.fit[in_g[~admins]] + bonus)
        for new in new_ids[1:]:
            self.groups.last_value_day[new] = self.groups.last_value_day[g]
        self._note(f"group {g} split into {subgroups} focused sub-groups")
        return new_ids

    def merge(self, g: int) -> int | None:
        """Move the present members of group `g` into the smallest live group; close `g`."""
        alive = [x for x in self.groups.alive_groups() if x != g]
        if not alive:
            return None
        m, n = self.members, self.members.n
        present = m.state[:n] <= State.MUTED
        sizes = np.bincount(m.group[:n][present], minlength=self.groups.count)
        target = min(alive, key=lambda x: (sizes[x], x))
        m.group[:n][present & (m.group[:n] == g)] = target
        self.groups.dissolved_day[g] = self.day
        self._note(f"group {g} merged into group {target}")
        return target

    def _dissolve_group(self, g: int) -> None:
        m, n = self.members, self.members.n
        rows = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= State.MUTED) & (m.role[:n] != Role.ADMIN))
        self._exit(rows, State.LEFT)
        self.groups.dissolved_day[g] = self.day
        self._note(f"group {g} dissolved")

    def dissolve(self, reason: str = "") -> None:
        """End the whole community today (the dissolution procedure of seed 003)."""
        for g in self.groups.open_groups():
            if self.groups.dead_day[g] < 0:
                self.groups.lifespan[g] = self.day
            self._dissolve_group(g)
        self.ended_by = "dissolved"
        self._note(f"community dissolved{': ' + reason if reason else ''}")

    def _planned_dissolution(self, day: int) -> bool:
        planned = self.current.lifecycle.planned_days
        return planned > 0 and day >= planned

    # ---------------------------------------------------------------- results

    def daily_array(self) -> np.ndarray:
        """Recorded days as a (days x columns) array, columns as in `DAILY_COLUMNS`."""
        return np.vstack(self._records) if self._records else np.empty((0, len(DAILY_COLUMNS)))

    def day_notes(self) -> list[str]:
        """What happened each recorded day (interventions, splits, deaths), as text."""
        return list(self._notes_by_day)

    def lifespan(self) -> tuple[int, bool]:
        """(lifespan in days, censored). Lifespan is the last day value was produced before the
        community died; if it never died it is the last simulated day, censored."""
        g = self.groups
        if self.ended_by == "dissolved":
            return max(g.lifespan) if g.lifespan else self.day, False
        if self.ended_by == "dead":
            return max(g.lifespan), False
        return self.day, True
