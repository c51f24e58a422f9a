"""`CommunityModel`: a chat community (one group, or a matrix of groups), one tick per day.

Member state lives in `MemberTable` arrays and every daily mechanism is vectorised over members;
`Member` agents are the Mesa interface to those rows. The model does no I/O.

Hot-path note: array code compares roles, states and channels with the plain-int codes from
`sim.enums` (comparing an array with an IntEnum member is several times slower).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.agents import Member
from sim.enums import (
    ACTIVE,
    ADMIN,
    BAIT,
    COMMENTER,
    CREATOR,
    KOC,
    KOL,
    LURKER,
    MUTED,
    OPERATOR,
    REFERRAL,
    Channel,
    Role,
    State,
)
from sim.mechanisms import (
    arrivals,
    cadence,
    churn,
    entry,
    events,
    incentives,
    koc,
    kol,
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
from sim.mechanisms.groups import per_member
from sim.mechanisms.sampling import beta_with_mean, small_counts
from sim.metrics import DAILY_COLUMNS, popcount16
from sim.scenario import Scenario, apply_overrides
from sim.scenario.schema import (
    Dissolve,
    InviteKOL,
    MassAdd,
    MergeGroups,
    PromoteKOCs,
    RemoveLurkersNow,
    RunEvent,
    SendRedPackets,
    SetParameters,
    SplitGroups,
    StartSelling,
    StopSelling,
)
from sim.state import NEVER, GroupTable, MemberTable, TieLog

_COL = {name: i for i, name in enumerate(DAILY_COLUMNS)}
_JOIN_COLUMN = {
    int(Channel.ORGANIC): _COL["joins_organic"],
    int(Channel.REFERRAL): _COL["joins_referral"],
    int(Channel.OPERATOR): _COL["joins_operator"],
    int(Channel.BAIT): _COL["joins_bait"],
    int(Channel.SEED): _COL["joins_seed"],
}
_ROLE_COLUMNS = [
    (LURKER, _COL["lurkers"]),
    (COMMENTER, _COL["commenters"]),
    (CREATOR, _COL["creators"]),
    (KOL, _COL["kols"]),
    (ADMIN, _COL["admins"]),
    (KOC, _COL["kocs"]),
]


@dataclass
class _Today:
    """Scratch state of the day being simulated (per-member arrays sized to the member table)."""

    money: np.ndarray  # yuan received (per member row; sized to the table's capacity)
    mentions: np.ndarray  # @-mentions received
    identity: np.ndarray  # recognition (leaderboard) received
    red_packets: np.ndarray  # extra packets per group from interventions
    red_packet_yuan: np.ndarray  # money in those extra packets, per group
    events: np.ndarray  # extra events per group from interventions
    joins: dict[int, int] = field(default_factory=dict)
    leaves: int = 0
    kicks: int = 0
    mutes: int = 0
    unmutes: int = 0
    notes: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, n_members: int, n_groups: int) -> _Today:
        zeros = lambda k: np.zeros(k)  # noqa: E731
        ints = lambda k: np.zeros(k, dtype=np.int64)  # noqa: E731
        return cls(
            zeros(n_members),
            zeros(n_members),
            zeros(n_members),
            ints(n_groups),
            zeros(n_groups),
            ints(n_groups),
        )

    def grow(self, capacity: int, n_groups: int) -> None:
        """Make room after the member table grew or groups opened today."""
        if self.money.shape[0] < capacity:
            for name in ("money", "mentions", "identity"):
                arr = getattr(self, name)
                setattr(self, name, np.concatenate([arr, np.zeros(capacity - arr.shape[0])]))
        for name in ("red_packets", "red_packet_yuan", "events"):
            arr = getattr(self, name)
            if arr.shape[0] < n_groups:
                setattr(self, name, np.concatenate([arr, np.zeros(n_groups - arr.shape[0], dtype=np.int64)]))


class CommunityModel(mesa.Model):
    """A community founded on day 0 and simulated one day per `step()`.

    The daily order (see `step`) follows cause to effect: the operator acts first (timeline,
    arrivals it lets in, its SOP), then members post, moderators remove violations, members read
    what is left, reply, update satisfaction and roles, invite friends, and finally mute or leave.
    """

    def __init__(self, scenario: Scenario, seed: int | np.random.SeedSequence | None = None) -> None:
        super().__init__(rng=np.random.default_rng(seed))
        self.scenario = scenario  # as loaded
        self.current = scenario  # after any timeline 'set' changes
        self.seed = seed
        self.day = 0
        self.members = MemberTable.empty(
            max(64, 2 * (scenario.population.initial_members + scenario.kol.count) + 64)
        )
        self.ties = TieLog()
        self.groups = GroupTable()
        self.ledger = Ledger()
        self.member_agents: list[Member] = []
        self.intervention_log: list[dict] = []
        self.ended_by: str | None = None
        self.running = True
        self._today: _Today | None = None  # scratch state of the day being simulated
        self._queued: _Today | None = None  # campaigns and joins made between steps, for the next day
        self._in_step = False
        self._records: list[np.ndarray] = []
        self._notes: list[str] = []  # what happened today, shown in the daily table and report
        self._notes_by_day: list[str] = []
        self._pending_inviters = np.empty(0, dtype=np.int64)
        self._share_bonus = 0.0
        self._red_packets_sent = 0
        self._prev_replies = np.zeros(0)
        self._kol_last_post = np.zeros(0, dtype=np.int64)
        self._trait_pool = traits.TraitPool(self.rng)
        self._scheduled: list = []  # interventions scheduled during the run (the app's buttons)
        self._row_index = np.arange(0)
        self._kocs_exist = False  # set at the first promotion; spares KOC lookups until then
        self._operator_added = False  # set when someone is added without consent
        self._new_ties: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # added in one batch
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
        self._open_group()
        self._join(np.ones(1 + sc.rules.admins), Channel.SEED, role=Role.ADMIN, satisfaction0=1.0)
        if sc.kol.count:
            self._join_kols(sc.kol.count, sc.kol.activity)
        founders = sc.population.initial_members
        if founders:
            # the owner asks each founder personally (seed 002 第一点); a paid or vetted group
            # holds its founders to the same threshold as everyone after them
            fit = beta_with_mean(
                self.rng, arrivals.organic_fit_mean(sc), sc.population.fit_concentration, founders
            )
            passed = self._threshold(fit)
            rows = self._join(
                fit[passed.admitted],
                Channel.SEED,
                commitment=passed.commitment,
                satisfaction0=sc.behaviour.satisfaction.consented_start,
                participation=sc.population.founder_participation,
            )
            self._tie(np.zeros(rows.shape[0], dtype=np.int64), rows, 0.5)
        for item in self._timeline_for(0):
            self.intervene(item)
        self._flush_ties()  # founders' ties exist from day 0

    # -------------------------------------------------------------- membership

    def _open_group(self, focus_slot: int = 0, focus_modulus: int = 0, fit_bonus: float = 0.0) -> int:
        g = self.groups.open(self.day, focus_slot, focus_modulus, fit_bonus)
        self._prev_replies = np.concatenate([self._prev_replies, [0.0]])
        self._kol_last_post = np.concatenate([self._kol_last_post, [NEVER]])
        return g

    def _join(
        self,
        fit: np.ndarray,
        channel: Channel | int,
        *,
        role: Role | None = None,
        inviter: np.ndarray | int = -1,
        commitment: np.ndarray | float = 0.0,
        satisfaction0: np.ndarray | float = 0.0,
        speak: float = 1.0,
        spam_share: np.ndarray | float = 0.0,
        participation: float = 1.0,
    ) -> np.ndarray:
        """Add members who came by one channel; route them to groups; create their Mesa agents.

        Returns their rows. People added without consent (channel OPERATOR) arrive without the
        newcomer's activation.
        """
        count = fit.shape[0]
        if count == 0:
            return np.empty(0, dtype=np.int64)
        sc = self.current
        cols = traits.draw_traits(self._trait_pool, fit, sc.population, spam_share, participation)
        if role is not None:
            cols["role"] = np.full(count, role, dtype=np.int8)
            if role in (Role.ADMIN, Role.KOL):
                cols["activity"] = np.ones(count)
                cols["spammer"] = np.zeros(count, dtype=bool)
        cols["group"] = self._route(cols["interest"])
        if self.groups.count > 1 or self.groups.fit_bonus[0]:
            # a focused sub-group fits better those whose sub-topic it serves
            served = np.array(
                [self.groups.serves(g, i) for g, i in zip(cols["group"], cols["interest"])], dtype=bool
            )
            cols["fit"] = np.minimum(fit + served * np.asarray(self.groups.fit_bonus)[cols["group"]], 1.0)
        newcomer = 0.0 if channel == OPERATOR else sc.behaviour.activation.newcomer
        self._operator_added |= channel == OPERATOR
        # columns left out keep the table's fill value (state ACTIVE, inviter -1, speak 1, counters 0 ...)
        extra = {"inviter": inviter} if np.ndim(inviter) else {}
        if np.ndim(commitment) or commitment:
            extra["commitment"] = commitment
        if speak != 1.0:
            extra["speak"] = speak
        rows = self.members.append(
            count,
            **cols,
            **extra,
            role_at_join=cols["role"],
            channel=channel,
            join_day=self.day,
            satisfaction=satisfaction0,
            activation=newcomer,
        )
        self.member_agents.extend([Member(self, row) for row in rows.tolist()])
        if self.day > 0:  # founding members (day 0) are not a day's joins
            joins = self._campaign_day().joins
            joins[int(channel)] = joins.get(int(channel), 0) + count
        return rows

    def _join_kols(self, count: int, activity: float) -> np.ndarray:
        sc = self.current
        return self._join(
            traits.kol_fit(self.rng, count),
            Channel.SEED,
            role=Role.KOL,
            satisfaction0=sc.behaviour.satisfaction.consented_start,
            speak=activity,
        )

    def _present_sizes(self) -> np.ndarray:
        m = self.members
        present = m.state[: m.n] <= MUTED
        return np.bincount(m.group[: m.n], present, minlength=self.groups.count).astype(np.int64)

    def _route(self, interest: np.ndarray) -> np.ndarray:
        """Group of each newcomer, opening overflow groups when every group is full."""
        cap = self.current.matrix.max_group_size
        if self.groups.count == 1 and self.groups.dissolved_day[0] < 0:
            present = np.count_nonzero(self.members.state[: self.members.n] <= MUTED)
            if present + interest.shape[0] <= cap:
                return np.zeros(interest.shape[0], dtype=np.int64)
        counts = self._present_sizes()
        open_groups = self.groups.open_groups()
        sizes = {g: int(counts[g]) for g in open_groups}
        focus = {g: (self.groups.focus_slot[g], self.groups.focus_modulus[g]) for g in open_groups}
        out = matrix.route(interest, sizes, focus, cap)
        while (out < 0).any():
            g = self._open_group()
            self._note(f"overflow group {g} opened")
            sizes[g], focus[g] = 0, (0, 0)
            missing = out < 0
            out[missing] = matrix.route(interest[missing], sizes, focus, cap)
        return out

    def _tie(self, a: np.ndarray, b: np.ndarray, weight: float | np.ndarray) -> None:
        """Queue ties between members a[k] and b[k]; `_flush_ties` adds the day's ties in one batch."""
        if a.shape[0]:
            self._new_ties.append((a, b, np.full(a.shape[0], weight) if np.ndim(weight) == 0 else weight))

    def _flush_ties(self) -> None:
        """Add the queued ties to the log and to members' tie strength (self-ties dropped)."""
        if not self._new_ties:
            return
        parts, self._new_ties = self._new_ties, []
        a = np.concatenate([p[0] for p in parts])
        b = np.concatenate([p[1] for p in parts])
        w = np.concatenate([p[2] for p in parts])
        keep = a != b
        a, b, w = a[keep], b[keep], w[keep]
        if a.shape[0] == 0:
            return
        self.ties.add(a, b, w, self.day)
        m, n = self.members, self.members.n
        ends = np.concatenate([a, b])  # bincount is ~4x faster than np.add.at at these sizes
        m.tie_strength[:n] += np.bincount(ends, np.concatenate([w, w]), minlength=n)
        m.tie_count[:n] += np.bincount(ends, minlength=n).astype(np.int32)

    def _exit(self, rows: np.ndarray, state: State) -> None:
        """Members leave or are kicked: they stop counting, and their ties stop holding anyone."""
        if rows.shape[0] == 0:
            return
        self._flush_ties()  # so no queued tie outlives its member
        m = self.members
        m.state[rows] = state
        m.exit_day[rows] = self.day
        if m.tie_count[rows].any():
            self.ties.drop_members(rows, m.tie_strength, m.tie_count)
        for row in rows:
            self.member_agents[row].remove()
        today = self._campaign_day()
        if state == State.KICKED:
            today.kicks += rows.shape[0]
        else:
            today.leaves += rows.shape[0]

    def _note(self, text: str) -> None:
        self._notes.append(text)

    # ----------------------------------------------------------------- the day

    def step(self) -> None:
        """Simulate one day."""
        self.day += 1
        self._in_step = True
        try:
            self._step(self.day)
        finally:
            self._in_step = False

    def _step(self, day: int) -> None:
        queued, self._queued = self._queued, None
        self._today = queued if queued is not None else _Today.start(self.members.capacity, self.groups.count)
        self._new_week(day)
        for item in self._timeline_for(day):
            self.intervene(item)
        if self.ended_by is None and self._planned_dissolution(day):
            self.dissolve(reason="planned")
        if self.ended_by == "dissolved":
            nothing = np.zeros(self.groups.count)
            self._record(day, nothing, nothing, nothing, nothing, 0, 0, 0, 0, 0)
            self.running = False
            return
        self._arrivals(day)
        self._housekeeping(day)
        plan = cadence.plan_day(self.current, day, self.groups.open_groups(), self.groups.count)
        self.ledger.hours(plan.hours_used, self.current.operator.hourly_cost_yuan)
        self._members_day(day, plan)

    def _new_week(self, day: int) -> None:
        """On the first day of a week, shift each member's weekly value-post record."""
        if day > 1 and day % 7 == 1:
            m = self.members
            m.value_weeks[: m.n] = (m.value_weeks[: m.n].astype(np.uint32) << 1).astype(np.uint16)

    # --------------------------------------------------------------- arrivals

    def _arrivals(self, day: int) -> None:
        """Today's newcomers: accepted invitations and organic prospects (both through the entry
        threshold), then anyone the operator pulls in."""
        sc = self.current
        pop = sc.population
        rng = self.rng
        inviters, self._pending_inviters = self._pending_inviters, np.empty(0, dtype=np.int64)
        if inviters.shape[0]:
            inviters = inviters[
                self.members.state[inviters] <= MUTED
            ]  # invitations die with the inviter's exit
        if inviters.shape[0]:
            channel = BAIT if sc.referral.bait.enabled else REFERRAL
            fit = referral.invitee_fit(
                rng,
                self.members.fit[inviters],
                arrivals.organic_fit_mean(sc),
                pop.fit_concentration,
                sc.referral,
            )
            passed = self._threshold(fit)
            rows = self._join(
                fit[passed.admitted],
                channel,
                inviter=inviters[passed.admitted],
                commitment=passed.commitment,
                satisfaction0=sc.behaviour.satisfaction.consented_start,
                spam_share=arrivals.spam_share(sc, Channel(channel)) * passed.spam_pass,
            )
            if rows.shape[0]:
                self._tie(inviters[passed.admitted], rows, referral.invitee_tie(sc.referral))
                self.ledger.spend("referral_rewards", sc.referral.reward_yuan * rows.shape[0])
                if channel == BAIT:
                    self.ledger.spend("bait_gifts", sc.referral.bait.cost_yuan_per_joiner * rows.shape[0])
        active_kols = self._active_kols(day) if sc.kol.draw else 0
        prospects = rng.poisson(arrivals.organic_prospect_rate(sc, day, active_kols, self._share_bonus))
        self._share_bonus = 0.0
        if prospects:
            fit = beta_with_mean(rng, arrivals.organic_fit_mean(sc), pop.fit_concentration, prospects)
            passed = self._threshold(fit)
            self._join(
                fit[passed.admitted],
                Channel.ORGANIC,
                commitment=passed.commitment,
                satisfaction0=sc.behaviour.satisfaction.consented_start,
                spam_share=arrivals.spam_share(sc, Channel.ORGANIC) * passed.spam_pass,
            )
        self.mass_add(arrivals.mass_add_today(sc, day))

    def _threshold(self, fit: np.ndarray) -> entry.Admission:
        """Apply the entry threshold to prospects, booking vetting time, fees and shares."""
        sc = self.current
        decision = entry.admit(self.rng, fit, sc.entry)
        if decision.vetted:
            self.ledger.hours(decision.vetted * sc.entry.vetting_hours, sc.operator.hourly_cost_yuan)
        if decision.fees_yuan:
            self.ledger.earn("entry_fees", decision.fees_yuan)
        self._share_bonus += decision.shares * sc.entry.share_reach
        return decision

    def mass_add(self, count: int) -> np.ndarray:
        """The operator pulls `count` contacts in without asking them (no threshold, no consent)."""
        if count <= 0:
            return np.empty(0, dtype=np.int64)
        sc = self.current
        fit = beta_with_mean(
            self.rng, sc.recruiting.mass_add_fit_mean, sc.population.fit_concentration, count
        )
        return self._join(
            fit,
            Channel.OPERATOR,
            satisfaction0=sc.behaviour.satisfaction.unconsented_start,
            spam_share=arrivals.spam_share(sc, Channel.OPERATOR),
        )

    # ----------------------------------------------------------- housekeeping

    def _housekeeping(self, day: int) -> None:
        """Matrix upkeep (splits, lurker clean-ups), KOC reviews, and the day's standing fees."""
        sc = self.current
        m, n = self.members, self.members.n
        if sc.matrix.split.enabled:
            sizes = self._present_sizes()
            for g in self.groups.open_groups():
                if sizes[g] >= sc.matrix.split.at_size and not self.groups.focused(g):
                    self.split(g, sc.matrix.split.subgroups)
        rl = sc.matrix.remove_lurkers
        if rl.enabled and day % rl.every_days == 0:
            self.remove_lurkers(rl.inactive_days)
        k = sc.koc
        if k.enabled and day >= k.start_day and (day - k.start_day) % k.review_every_days == 0:
            self.promote_kocs(per_group=k.count)
        if k.monthly_reward_yuan or sc.kol.monthly_fee_yuan:
            present_roles = m.role[:n][m.state[:n] <= MUTED]
            self.ledger.spend(
                "koc_rewards", np.count_nonzero(present_roles == KOC) * k.monthly_reward_yuan / 30.0
            )
            self.ledger.spend(
                "kol_fees", np.count_nonzero(present_roles == KOL) * sc.kol.monthly_fee_yuan / 30.0
            )

    # ------------------------------------------------------- members' day

    def _members_day(self, day: int, plan: cadence.OperatorDay) -> None:
        sc = self.current
        beh = sc.behaviour
        rng = self.rng
        m = self.members
        n = m.n
        G = self.groups.count
        today = self._campaign_day()  # sized to today's members and groups
        role, group, fit = m.role[:n], m.group[:n], m.fit[:n]
        ordinary = role != ADMIN

        # --- the operator's SOP reaches members before they post (mentions may unmute)
        self._operator_touches(day, plan, ordinary)
        state = m.state[:n]
        present = state <= MUTED
        behaving = (state == ACTIVE) & ordinary
        present_g = np.bincount(group, present, minlength=G)
        need = satisfaction.need_remaining(day - m.join_day[:n], sc.lifecycle.need_half_life())
        activation, buzz = m.activation[:n], m.buzz[:n]
        # one block of uniforms for the day: value, chatter, ads, replies, roles, invitations, churn
        u = rng.random((7, n))

        # --- members post: value, chatter, ads
        crowd = per_member(posting.crowding(present_g, beh), group)
        inc_value, inc_reply, inc_chatter = incentives.multipliers(sc.incentives)
        rates = np.empty((3, n))
        speak = m.speak[:n]  # a KOL who never speaks posts, chats and replies nothing (KOL得没事说说话)
        # commitment (a costly threshold passed) and recognition both make people take part
        engagement = 1.0 + beh.posting.commitment_engagement * m.commitment[:n]
        motivation = posting.recognition_motivation(m.reward[:n], m.satisfaction[:n], beh) * engagement
        rates[0] = posting.value_rate(
            self._value_rate[role],
            fit,
            m.activity[:n],
            speak,
            motivation,
            activation,
            crowd,
            need,
            beh,
            inc_value,
        )
        restraint = sc.rules.norm_effect if (sc.rules.enabled and sc.rules.ban_off_topic) else 0.0
        rates[1] = (
            posting.chatter_rate(
                self._chatter_rate[role],
                fit,
                m.sociability[:n],
                m.activity[:n],
                buzz,
                activation,
                crowd,
                beh,
                restraint,
                inc_chatter,
            )
            * speak
        )
        norm = (
            sc.rules.norm_effect if (sc.rules.enabled and sc.rules.ban_ads) else 0.0
        )  # rules deter what they ban
        rates[2] = posting.ad_rate(m.spammer[:n], m.warnings[:n], beh, norm, sc.rules.deterrence)
        rates *= behaving  # only active members post
        counts = small_counts(u[:3].ravel(), rates.ravel()).reshape(3, n)
        value, chatter, ads = counts[0], counts[1], counts[2]

        # --- moderation (moderators are counted only on days with something to moderate)
        def moderators() -> np.ndarray:
            return np.bincount(group, present & ((role == ADMIN) | (role == KOC)), minlength=G)

        open_g = np.asarray(self.groups.dissolved_day) < 0
        enf = moderation.enforce(
            rng, ads, chatter, group, m.warnings[:n], moderators, plan.hours_left, open_g, sc.rules
        )
        if enf.operator_hours:
            self.ledger.hours(enf.operator_hours, sc.operator.hourly_cost_yuan)
        if enf.caught.any():
            m.warnings[:n][enf.caught] += 1

        # --- what there is to read in each group
        is_kol = role == KOL
        if is_kol.any():  # KOL posts carry more information
            quality = np.where(is_kol, sc.kol.quality, beh.posting.member_quality) * value
            kol_posts_g = np.bincount(group, value * is_kol, minlength=G)
        else:
            quality = beh.posting.member_quality * value
            kol_posts_g = np.zeros(G)
        value_g = np.bincount(group, value, minlength=G)
        quality_g = (
            np.bincount(group, quality, minlength=G) + plan.morning_report * sc.cadence.morning_report.quality
        )
        unseen = 1.0 - sc.rules.seen_before_removal
        chatter_g = np.bincount(group, chatter, minlength=G) - unseen * enf.removed_chatter
        promotions_g = plan.promotion_posts
        ads_g = np.bincount(group, ads, minlength=G) - unseen * enf.removed_ads + promotions_g
        operator_posts_g = plan.operator_posts() + today.red_packets
        volume_g = value_g + chatter_g + ads_g + (operator_posts_g - promotions_g) + self._prev_replies

        # --- reading with overload
        exposure = reading.expose(
            behaving,
            m.attention[:n],
            group,
            volume_g,
            quality_g,
            value_g,
            chatter_g,
            ads_g,
            quality,
            value,
            chatter,
            ads,
        )
        if kol_posts_g.any():
            activation += per_member(kol.spark(kol_posts_g, sc.kol), group) * exposure.read_share
            self._kol_last_post[kol_posts_g > 0] = day

        # --- replies: they form ties and reward posters. Members, the operator (guided discussion)
        # and KOCs all answer today's value posts; one targeting pass serves all three.
        given = replies.reply_counts(
            u[3],
            self._reply_rate[role],
            fit,
            exposure.value_posts_read,
            activation,
            need,
            group,
            value_g,
            beh.replies.max_per_post,
            beh.activation.value_gain,
            inc_reply * engagement * speak,
        )
        repliers = np.repeat(self._rows(n), given)
        koc_repliers = self._koc_repliers()
        operator_groups = np.repeat(np.arange(G), plan.guided_replies)
        n_member, n_koc = repliers.shape[0], koc_repliers.shape[0]
        if n_koc:
            repliers = np.concatenate([repliers, koc_repliers])
        all_targets = replies.pick_targets(
            rng, np.concatenate([group[repliers], operator_groups]), group, quality, G
        )
        targets, operator_t = all_targets[: n_member + n_koc], all_targets[n_member + n_koc :]
        operator_t = operator_t[operator_t >= 0]
        ok = targets >= 0
        ok &= targets != repliers
        repliers, targets = repliers[ok], targets[ok]
        received = np.bincount(targets, minlength=n)
        if operator_t.shape[0]:
            received += np.bincount(operator_t, minlength=n)
        given_ok = np.bincount(repliers, minlength=n)
        self._tie(repliers, targets, beh.replies.tie_weight)
        ca, cb = replies.chatter_pairs(rng, chatter, group, beh.replies.chatter_pairs_per_message)
        self._tie(ca, cb, beh.replies.chatter_tie_weight)
        self._flush_ties()
        posted = value > 0
        posters = np.flatnonzero(posted)
        rm = beh.roles.reward_memory
        m.reward[posters] = (1 - rm) * m.reward[posters] + rm * received[posters] / value[posters]
        replies_g = np.bincount(group, given_ok, minlength=G)
        if operator_t.shape[0]:
            replies_g += np.bincount(group[operator_t], minlength=G)
        self._prev_replies = replies_g.astype(np.float64)

        # --- lifetime counters
        m.value_posts[:n] += value
        m.chatter_posts[:n] += chatter
        m.ads_posted[:n] += ads
        m.replies_given[:n] += given_ok
        m.replies_received[:n] += received
        m.last_value_day[:n][posted] = day
        m.last_post_day[:n][posted | (chatter > 0) | (given_ok > 0)] = day
        m.value_weeks[:n] |= posted
        m.recent_activity[:n] = (13.0 * m.recent_activity[:n] + 3.0 * value + given_ok) / 14.0
        if sc.incentives.enabled:
            self._score(day, value, given_ok, chatter, present & ordinary)

        # --- satisfaction
        tie = m.tie_strength[:n]
        identity = today.identity[:n]
        if self._kocs_exist:
            identity = identity + (role == KOC) * sc.koc.identity
        bond = satisfaction.bond(tie, m.trust[:n], beh.satisfaction)
        utility = satisfaction.daily_utility(
            exposure,
            fit,
            tie,
            bond,
            received,
            today.mentions[:n],
            identity,
            today.money[:n],
            need,
            beh.satisfaction,
        )
        feels = present & ordinary
        m.satisfaction[:n] = np.where(
            feels, satisfaction.remember(m.satisfaction[:n], utility, beh.satisfaction), m.satisfaction[:n]
        )
        m.trust[:n] = satisfaction.build_trust(m.trust[:n], m.satisfaction[:n], beh.satisfaction)

        # --- roles move both ways
        role[:] = roles.transition(
            u[4],
            role,
            behaving,
            fit,
            activation + beh.roles.tie_pull * tie,
            received > 0,
            m.reward[:n],
            m.satisfaction[:n],
            beh.roles,
        )

        # --- referral: invitations sent today arrive tomorrow
        invites_sent = 0
        if sc.referral.enabled:
            invites = small_counts(
                u[5],
                referral.invitation_rate(
                    behaving, bond, m.satisfaction[:n], m.invite_appetite[:n], sc.referral
                )
                * speak,
            )
            inviters = np.flatnonzero(invites)
            if inviters.shape[0]:
                sent = invites[inviters]
                invites_sent = int(sent.sum())
                m.invitations_sent[inviters] += sent
                m.invite_appetite[inviters] *= referral.fatigue_factor(sc.referral) ** sent
                self._pending_inviters = np.repeat(
                    inviters, rng.binomial(sent, referral.acceptance(sc.referral))
                )

        # --- promotions convert bonded, fitting readers into buyers
        if promotions_g.any():
            share_promo = per_member(promotions_g / np.maximum(ads_g, 1e-9), group)
            buyers = (
                float((exposure.ads_read * share_promo * bond * fit).sum()) * sc.cadence.promotion.conversion
            )
            self.ledger.earn("sales", buyers * sc.cadence.promotion.order_value_yuan)

        # --- muting and leaving
        self._churn(u[6], exposure, bond, kol.spoke_recently(self._kol_last_post, day), enf)

        # --- transient states fade
        a = beh.activation
        np.multiply(activation, a.decay, out=activation)
        np.minimum(activation, a.cap, out=activation)
        np.multiply(buzz, a.buzz_decay, out=buzz)

        removed = int(enf.removed_ads.sum() + enf.removed_chatter.sum())
        # what a chat export shows: every message posted today (removed ones included) and who spoke;
        # the operator speaks through one account per group (guided replies are among the replies)
        member_messages = int(value.sum() + chatter.sum() + ads.sum())
        messages = member_messages + int(operator_posts_g.sum()) + int(replies_g.sum())
        operator_spoke = (operator_posts_g + plan.guided_replies) > 0
        speakers = int(np.count_nonzero(posted | (chatter > 0) | (ads > 0) | (given_ok > 0)))
        speakers += int(np.count_nonzero(operator_spoke))
        self._check_death(day, value_g)  # first, so the day a group is found dead records it as dead
        self._record(
            day, value_g, operator_posts_g, chatter_g, ads_g, removed, int(replies_g.sum()), invites_sent,
            messages, speakers,
        )

    def _operator_touches(self, day: int, plan: cadence.OperatorDay, ordinary: np.ndarray) -> None:
        """Topic prompts, @-mentions (operator and KOCs), red packets and events act on members."""
        sc = self.current
        c = sc.cadence
        m, n, rng, today = self.members, self.members.n, self.rng, self._today
        G = self.groups.count
        group, state = m.group[:n], m.state[:n]
        activation, buzz = m.activation[:n], m.buzz[:n]
        behaving = (state == ACTIVE) & ordinary
        if plan.topic_prompt.any():
            np.add(
                activation,
                c.topic_prompts.boost * per_member(plan.topic_prompt, group),
                out=activation,
                where=behaving,
            )
        # @-mentions reach quiet, fitting members; a mention breaks through mute
        mentions_g = plan.mentions
        if sc.koc.mentions_per_day and self._kocs_exist:
            kocs = (m.role[:n] == KOC) & (state == ACTIVE)
            mentions_g = (
                mentions_g + np.bincount(group, kocs, minlength=G).astype(np.int64) * sc.koc.mentions_per_day
            )
        if mentions_g.any():
            # quiet, fitting members are the ones worth drawing in (a member may be @-ed twice in a day)
            weight = (
                m.fit[:n] * (1.0 - np.minimum(1.0, m.recent_activity[:n])) * ((state <= MUTED) & ordinary)
            )
            rows = np.arange(n)
            for g in np.flatnonzero(mentions_g):
                candidates = rows if G == 1 else rows[group == g]
                chosen = replies.draw(rng, candidates, weight[candidates], int(mentions_g[g]))
                np.add.at(today.mentions, chosen, 1)  # a member @-ed twice gets both mentions
                np.add.at(m.mentions_received, chosen, 1)
                np.add.at(activation, chosen, c.mentions.boost)
                # each mention is a chance to break through the mute
                muted, times = np.unique(chosen[state[chosen] == MUTED], return_counts=True)
                back = muted[
                    rng.random(muted.shape[0]) < 1.0 - (1.0 - c.mentions.unmute_probability) ** times
                ]
                state[back] = ACTIVE
                today.unmutes += back.shape[0]
            behaving = (state == ACTIVE) & ordinary
        packets = plan.red_packets + today.red_packets
        if packets.any():
            rp = c.red_packets
            strength = rp.habituation**self._red_packets_sent
            self._red_packets_sent += int(packets.sum())
            grabbing = behaving * per_member(packets, group)
            buzz += rp.buzz * strength * grabbing
            activation += rp.activation * strength * grabbing
            grabbers = np.bincount(group, grabbing > 0, minlength=G)
            pool = (
                plan.red_packets * rp.amount_yuan + today.red_packet_yuan
            )  # campaigns carry their own amounts
            today.money[:n] += (grabbing > 0) * per_member(pool / np.maximum(grabbers, 1), group)
            self.ledger.spend("red_packets", float(pool.sum()))
        if plan.lottery.any():
            # a draw: members drawn in by the prize enter by posting; one winner per draw
            lot = c.lottery
            entering = behaving * per_member(plan.lottery, group) * (rng.random(n) < lot.entry_share)
            buzz += lot.entry_buzz * entering
            for g in np.flatnonzero(plan.lottery):
                entrants = np.flatnonzero(entering * (group == g))
                if entrants.shape[0]:
                    today.money[entrants[rng.integers(entrants.shape[0])]] += lot.prize_yuan
            self.ledger.spend("prizes", float(plan.lottery.sum() * lot.prize_yuan))
        held = plan.event + today.events
        if held.any():
            ev = sc.events
            for g in np.flatnonzero(held):
                for _ in range(int(held[g])):
                    people = events.attendees(
                        rng,
                        np.flatnonzero((group == g) & behaving),
                        m.satisfaction[:n],
                        m.fit[:n],
                        ev.capacity,
                    )
                    a, b = events.event_ties(rng, people, ev.ties_per_attendee)
                    self._tie(a, b, ev.tie_weight)
                    m.satisfaction[people] += ev.joy
                    activation[people] += ev.activation
                    self.ledger.spend("events", ev.cost_yuan)
                    today.notes.append(f"event in group {g}: {people.shape[0]} attended")

    def _active_kols(self, day: int) -> int:
        """Present KOLs who posted value content within the last week."""
        m, n = self.members, self.members.n
        return int(
            np.count_nonzero((m.role[:n] == KOL) & (m.state[:n] <= MUTED) & (day - m.last_value_day[:n] < 7))
        )

    def _rows(self, n: int) -> np.ndarray:
        """0..n-1 (cached: the daily step needs it several times)."""
        if self._row_index.shape[0] < n:
            self._row_index = np.arange(max(n, 2 * self._row_index.shape[0]))
        return self._row_index[:n]

    def _koc_repliers(self) -> np.ndarray:
        """Rows of active KOCs, each repeated once per reply they give today (guided discussion)."""
        per_koc = self.current.koc.replies_per_day
        if not (per_koc and self._kocs_exist):
            return np.empty(0, dtype=np.int64)
        m, n = self.members, self.members.n
        return np.repeat(np.flatnonzero((m.role[:n] == KOC) & (m.state[:n] == ACTIVE)), per_koc)

    def _score(
        self,
        day: int,
        value: np.ndarray,
        replies_given: np.ndarray,
        chatter: np.ndarray,
        eligible: np.ndarray,
    ) -> None:
        """Points and levels for today's activity; on the last day of each week, the leaderboard."""
        inc = self.current.incentives
        m, n, today = self.members, self.members.n, self._today
        earned = incentives.points(value, replies_given, chatter, inc)
        m.points[:n] += earned
        m.week_points[:n] += earned
        today.identity[:n] += inc.level_identity * incentives.level(m.points[:n], inc)
        if day % 7 == 0:
            top = incentives.leaderboard(m.week_points[:n], eligible, inc.leaderboard_size)
            today.identity[top] += inc.recognition
            m.activation[top] += inc.recognition
            m.week_points[:n] = 0.0
            self.ledger.spend("prizes", inc.prize_yuan_per_week)

    def _churn(
        self,
        u: np.ndarray,
        exposure: reading.Exposure,
        bond: np.ndarray,
        kol_spoke_g: np.ndarray,
        enf: moderation.Enforcement,
    ) -> None:
        """Repeat violators are kicked; then members leave or mute."""
        sc = self.current
        c = sc.behaviour.churn
        m, n, today = self.members, self.members.n, self._today
        ordinary = m.role[:n] != ADMIN
        if enf.kicked.any():
            self._exit(np.flatnonzero(enf.kicked & ordinary & (m.state[:n] <= MUTED)), State.KICKED)
        state = m.state[:n]
        active = (state == ACTIVE) & ordinary
        muted = (state == MUTED) & ordinary
        fit = m.fit[:n]
        p_leave = churn.leave_probability(
            m.satisfaction[:n],
            m.restlessness[:n],
            m.tie_strength[:n],
            m.commitment[:n],
            kol_spoke_g[m.group[:n]],
            sc.kol.retention,
            c,
        )
        if self._operator_added:
            p_leave += (m.channel[:n] == OPERATOR) * churn.unconsented_leave_probability(fit, c)
        p_leave = np.where(muted, p_leave * c.muted_leave_factor + c.noticed_muted_rate, p_leave)
        leaving = (active | muted) & (u < p_leave)
        ratio = churn.irritation(
            exposure.chatter_read, exposure.ads_read, fit, bond, exposure.overload, m.tolerance[:n], c
        )
        muting = active & ~leaving & (u > 1.0 - churn.mute_probability(ratio, c))
        self._exit(np.flatnonzero(leaving), State.LEFT)
        to_mute = np.flatnonzero(muting)
        if to_mute.shape[0]:
            state[to_mute] = MUTED
            first = to_mute[m.first_mute_day[to_mute] < 0]
            m.first_mute_day[first] = self.day
            today.mutes += to_mute.shape[0]

    # ------------------------------------------------------------- recording

    def _record(
        self,
        day: int,
        value_g,
        operator_posts_g,
        chatter_g,
        ads_g,
        removed: int,
        replies_n: int,
        invites: int,
        messages: int,
        speakers: int,
    ) -> None:
        """Append today's row of the per-day table."""
        h = self.current.horizon
        m, n, today = self.members, self.members.n, self._today
        role, state = m.role[:n], m.state[:n]
        ordinary = (state <= MUTED) & (role != ADMIN)
        n_ordinary = int(np.count_nonzero(ordinary))
        row = np.zeros(len(DAILY_COLUMNS))
        state_counts = np.bincount(state, minlength=4)
        role_counts = np.bincount(role, state <= MUTED, minlength=6)
        for r, column in _ROLE_COLUMNS:
            row[column] = role_counts[r]
        for channel, count in today.joins.items():
            row[_JOIN_COLUMN[channel]] = count
        weeks = popcount16((m.value_weeks[:n] >> 1) & ((1 << h.sustained_weeks) - 1))
        alive = self.groups.alive_groups()
        for column, value in (
            ("day", day),
            ("members", state_counts[ACTIVE] + state_counts[MUTED]),
            ("active", state_counts[ACTIVE]),
            ("muted", state_counts[MUTED]),
            ("joins", sum(today.joins.values())),
            ("leaves", today.leaves),
            ("kicks", today.kicks),
            ("mutes", today.mutes),
            ("unmutes", today.unmutes),
            ("value_posts", value_g.sum()),
            ("operator_posts", operator_posts_g.sum()),
            ("chatter", round(float(chatter_g.sum()))),
            ("ads", round(float(ads_g.sum()))),
            ("removed", removed),
            ("replies", replies_n),
            ("invitations", invites),
            ("messages", messages),
            ("speakers", speakers),
            (
                "value_contributors",
                np.count_nonzero(ordinary & (m.last_value_day[:n] > day - h.contributor_window_days)),
            ),
            ("sustained_contributors", np.count_nonzero(ordinary & (weeks >= h.sustained_min_weeks))),
            (
                "mean_satisfaction",
                float(m.satisfaction[:n] @ ordinary) / n_ordinary if n_ordinary else np.nan,
            ),
            ("mean_fit", float(m.fit[:n] @ ordinary) / n_ordinary if n_ordinary else np.nan),
            ("cost_yuan", self.ledger.total_cost),
            ("revenue_yuan", self.ledger.total_revenue),
            ("groups", len(self.groups.open_groups())),
            ("groups_alive", len(alive)),
            ("alive", 1.0 if alive and self.ended_by is None else 0.0),
        ):
            row[_COL[column]] = value
        self._records.append(row)
        self._notes_by_day.append("; ".join(self._notes + today.notes))
        self._notes = []

    def _check_death(self, day: int, value_g: np.ndarray) -> None:
        """A group is dead once no member posted value for `dead_after_days`; the community once all are."""
        sc = self.current
        groups = self.groups
        for g in groups.alive_groups():
            if value_g[g] > 0:
                groups.last_value_day[g] = day
            elif day - groups.last_value_day[g] >= sc.horizon.dead_after_days:
                groups.dead_day[g] = day
                groups.lifespan[g] = groups.last_value_day[g]
                self._note(f"group {g} died (last value post on day {groups.last_value_day[g]})")
                if sc.matrix.merge_dead and groups.alive_groups():
                    self.merge(g)
                elif sc.matrix.dissolve_dead and groups.alive_groups():
                    self._dissolve_group(g)
        if not groups.alive_groups():
            if self.ended_by is None:
                self.ended_by = "dead"
            if sc.horizon.stop_at_death:
                self.running = False

    # ---------------------------------------------------------- interventions

    def _timeline_for(self, day: int) -> list:
        return [item for item in (*self.scenario.timeline, *self._scheduled) if item.day == day]

    def schedule(self, item) -> None:
        """Add an intervention for a coming day (`item.day` > today), as if it were on the timeline.

        A `set` is validated now against the current parameters, so a bad value fails here rather
        than in the middle of a simulated day. Raises ValueError for a day already simulated.
        """
        if item.day <= self.day:
            raise ValueError(f"day {item.day} has already been simulated (today is day {self.day})")
        if isinstance(item, SetParameters):
            apply_overrides(self.current, item.changes)
        self._scheduled.append(item)

    def pending_interventions(self) -> list:
        """Interventions (timeline and scheduled) for days not yet simulated, in day order."""
        return sorted(
            (i for i in (*self.scenario.timeline, *self._scheduled) if i.day > self.day), key=lambda i: i.day
        )

    def intervene(self, item) -> None:
        """Carry out one intervention today (timeline entries, and the browser app's buttons)."""
        note = getattr(item, "note", "")
        self.intervention_log.append(
            {
                "day": self.day,
                "action": item.action,
                "note": note,
                "detail": item.model_dump(exclude={"day", "action", "note"}, mode="json"),
            }
        )
        self._note(item.action + (f" ({note})" if note else ""))
        sc = self.current
        open_groups = self.groups.open_groups()
        if isinstance(item, InviteKOL):
            self._join_kols(item.count, item.activity)
        elif isinstance(item, MassAdd):
            self.mass_add(item.count)
        elif isinstance(item, SendRedPackets):
            campaign = self._campaign_day()
            campaign.red_packets[open_groups] += item.count
            campaign.red_packet_yuan[open_groups] += item.count * item.amount_yuan
            self.ledger.hours(
                item.count * len(open_groups) * sc.cadence.red_packets.hours, sc.operator.hourly_cost_yuan
            )
        elif isinstance(item, RunEvent):
            self._campaign_day().events[open_groups] += 1  # an event in every open group
            self.ledger.hours(sc.events.hours * len(open_groups), sc.operator.hourly_cost_yuan)
        elif isinstance(item, StartSelling):
            self._set(
                {
                    "cadence.promotion.enabled": True,
                    "cadence.promotion.start_day": self.day,
                    "cadence.promotion.every_days": item.every_days,
                    "cadence.promotion.posts": item.posts,
                }
            )
        elif isinstance(item, StopSelling):
            self._set({"cadence.promotion.enabled": False})
        elif isinstance(item, PromoteKOCs):
            self.promote_kocs(total=item.count)
        elif isinstance(item, SplitGroups):
            self.split(int(np.argmax(self._present_sizes())), item.subgroups)
        elif isinstance(item, MergeGroups):
            for g in [g for g in open_groups if self.groups.dead_day[g] >= 0]:
                self.merge(g)
        elif isinstance(item, RemoveLurkersNow):
            self.remove_lurkers(item.inactive_days)
        elif isinstance(item, Dissolve):
            self.dissolve(reason="timeline")
        elif isinstance(item, SetParameters):
            self._set(item.changes)

    def _campaign_day(self) -> _Today:
        """Scratch state of the day an action counts for: today during a step, else the next day."""
        if self._in_step:
            day = self._today
        else:
            if self._queued is None:
                self._queued = _Today.start(self.members.capacity, self.groups.count)
            day = self._queued
        day.grow(self.members.capacity, self.groups.count)
        return day

    def _set(self, changes: dict) -> None:
        self.current = apply_overrides(self.current, changes)
        self._derive_tables()

    # ------------------------------------------------ operator actions (also for the app)

    def promote_kocs(self, per_group: int | None = None, total: int | None = None) -> np.ndarray:
        """Promote the most active ordinary members to KOC (up to `per_group` per group, or `total` more)."""
        m, n = self.members, self.members.n
        role, state, group = m.role[:n], m.state[:n], m.group[:n]
        eligible = (state == ACTIVE) & (role <= CREATOR)
        groups = self.groups.open_groups()
        chosen = []
        for i, g in enumerate(groups):
            if per_group is not None:
                vacancies = per_group - int(np.count_nonzero((role == KOC) & (state <= MUTED) & (group == g)))
            else:
                vacancies = total // len(groups) + (1 if i < total % len(groups) else 0)
            chosen.append(
                koc.pick_kocs(np.flatnonzero(eligible & (group == g)), m.recent_activity[:n], vacancies)
            )
        rows = np.concatenate(chosen) if chosen else np.empty(0, dtype=np.int64)
        role[rows] = KOC
        self._kocs_exist |= rows.shape[0] > 0
        if rows.shape[0]:
            self._note(f"{rows.shape[0]} KOC(s) promoted")
        return rows

    def remove_lurkers(self, inactive_days: int) -> np.ndarray:
        """Remove members silent for `inactive_days` (never admins, KOLs or KOCs)."""
        m, n = self.members, self.members.n
        rows = matrix.lurkers_to_remove(
            m.state[:n] <= MUTED,
            m.role[:n] <= CREATOR,
            m.last_post_day[:n],
            m.join_day[:n],
            self.day,
            inactive_days,
        )
        self._exit(rows, State.KICKED)
        if rows.shape[0]:
            self._note(f"{rows.shape[0]} long-term lurkers removed")
        return rows

    def split(self, g: int, subgroups: int) -> list[int]:
        """Split group `g` into focused sub-groups by members' sub-topic (聚是一团火，散是满天星)."""
        bonus = self.current.matrix.split.focus_bonus
        m, n = self.members, self.members.n
        in_g = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= MUTED))
        new_ids = [g] + [self._open_group(k, subgroups, bonus) for k in range(1, subgroups)]
        self.groups.focus_slot[g], self.groups.focus_modulus[g], self.groups.fit_bonus[g] = (
            0,
            subgroups,
            bonus,
        )
        slot = matrix.split_assignment(m.interest[in_g], subgroups)
        # the owner stays in the first group; KOLs are shared out so every sub-group has a voice
        kols = m.role[in_g] == KOL
        slot[kols] = np.arange(int(kols.sum())) % subgroups
        admins = m.role[in_g] == ADMIN
        slot[admins] = 0
        m.group[in_g] = np.asarray(new_ids)[slot]
        # the focus bonus goes to those whose sub-topic their new group serves (a reassigned KOL may not)
        served = in_g[~admins & (m.interest[in_g] % subgroups == slot)]
        m.fit[served] = np.minimum(1.0, m.fit[served] + bonus)
        for new in new_ids[1:]:  # the sub-groups inherit the group's record
            self.groups.last_value_day[new] = self.groups.last_value_day[g]
            self._kol_last_post[new] = self._kol_last_post[g]
        self._note(f"group {g} split into {subgroups} focused sub-groups")
        return new_ids

    def merge(self, g: int) -> int | None:
        """Move the present members of group `g` into the smallest live group; close `g`."""
        alive = [x for x in self.groups.alive_groups() if x != g]
        if not alive:
            return None
        sizes = self._present_sizes()
        target = min(alive, key=lambda x: (sizes[x], x))
        m, n = self.members, self.members.n
        m.group[:n][(m.state[:n] <= MUTED) & (m.group[:n] == g)] = target
        self.groups.dissolved_day[g] = self.day
        self._note(f"group {g} merged into group {target}")
        return target

    def _dissolve_group(self, g: int) -> None:
        m, n = self.members, self.members.n
        rows = np.flatnonzero((m.group[:n] == g) & (m.state[:n] <= MUTED) & (m.role[:n] != ADMIN))
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
        planned = self.current.lifecycle.dissolution_day()
        return planned > 0 and day >= planned

    # ---------------------------------------------------------------- results

    def daily_array(self) -> np.ndarray:
        """Recorded days as a (days x columns) array, columns as in `DAILY_COLUMNS`."""
        return np.vstack(self._records) if self._records else np.empty((0, len(DAILY_COLUMNS)))

    def day_notes(self) -> list[str]:
        """What happened on each recorded day (interventions, splits, deaths), as text."""
        return list(self._notes_by_day)

    def lifespan(self) -> tuple[int, bool]:
        """(lifespan in days, censored). Lifespan is the last day value was produced before the
        community died or was dissolved; if it is still alive it is the last simulated day, censored."""
        g = self.groups
        if self.ended_by in ("dead", "dissolved"):
            return max(g.lifespan), False
        return self.day, True
