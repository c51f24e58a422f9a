"""`CommunityModel`: a chat community (one group, or a matrix of groups), one tick per day.

Member state lives in `MemberTable` arrays and every mechanism works on whole columns; `Member`
agents are the Mesa interface to those rows. A day is the list of phases in
`sim.model.phases.DAY`; the model holds the community's state between days, founds it on day 0,
and keeps the results. It does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from sim.agents import Member
from sim.columns import NEVER
from sim.enums import LEFT, Channel, Role
from sim.mechanisms import (
    arrivals,
    cadence,
    checkins,
    churn,
    draws,
    habituation,
    kol,
    moderation,
    norms,
    posting,
    referral,
    replies,
    roles,
    satisfaction,
)
from sim.mechanisms.costs import Ledger
from sim.mechanisms.draws import Stream
from sim.mechanisms.energy import OwnerEnergy
from sim.mechanisms.playbook import Playbook
from sim.model import actions, membership
from sim.model.day import Day, Flows, NextDay
from sim.model.phases import DAY
from sim.model.record import DailyRecord
from sim.scenario import Scenario, apply_overrides
from sim.scenario.schema import SetParameters
from sim.state import GroupTable, MemberTable, TieLog


@dataclass(frozen=True)
class KernelArguments:
    """The scenario's constants each of the day's kernels takes, gathered once per scenario (and
    again after a timeline 'set') rather than read from the scenario every day."""

    post: tuple
    moderate: tuple
    reply: tuple
    feel: tuple
    roles: tuple
    invite: tuple
    churn: tuple
    plan: np.ndarray  # the SOP's task table (cadence.task_table)
    norms: tuple
    habituation: tuple  # (prompt wear, lottery wear, mention wear, overnight keep)
    checkins: tuple

    @classmethod
    def of(cls, sc: Scenario) -> KernelArguments:
        return cls(posting.arguments(sc), moderation.arguments(sc), replies.arguments(sc),
                   satisfaction.arguments(sc), roles.arguments(sc), referral.arguments(sc),
                   churn.arguments(sc), cadence.task_table(sc), norms.arguments(sc), habituation.arguments(sc),
                   checkins.arguments(sc.checkins))  # fmt: skip


class CommunityModel(mesa.Model):
    """A community founded on day 0 and simulated one day per `step()`.

    The state between days: members (`members`, with a Mesa `Member` agent for each present one),
    their ties (`ties`), the groups (`groups`), the operator's books (`ledger`), the scenario as
    loaded (`scenario`) and as changed by the timeline (`current`), and the results recorded so far
    (`daily`, `intervention_log`). `step()` runs the day's phases in order (see `sim.model.phases`).
    """

    def __init__(self, scenario: Scenario, seed: int | np.random.SeedSequence | None = None) -> None:
        super().__init__(rng=np.random.default_rng(seed))
        self.scenario = scenario  # as loaded
        self.current = scenario  # after any timeline 'set' changes
        self.seed = seed
        self.day = 0
        capacity = max(64, 2 * (scenario.population.initial_members + scenario.kol.count) + 64)
        self.members = MemberTable.empty(capacity)
        self.ties = TieLog()
        self.groups = GroupTable()
        self.ledger = Ledger()
        self._agents_made = 0  # rows that have a Mesa agent (made when someone looks: `agents`)
        self._member_agents: list[Member] = []
        self._agent_registered = np.zeros(0, dtype=bool)
        self.intervention_log: list[dict] = []
        self.daily = DailyRecord()
        self.ended_by: str | None = None
        self.running = True
        self.today: Day | None = None  # the day being simulated, while `step` runs
        self.next_day = NextDay()  # flows booked between steps count for the next day
        self.scheduled: list = []  # interventions scheduled during the run (the app's buttons)
        self.keys = draws.StreamKeys(seed)  # one key per random decision (sim/mechanisms/draws.py)
        # carried from one day to the next
        self.pending_inviters = np.empty(0, dtype=np.int64)  # accepted invitations: they arrive tomorrow
        self.share_bonus = 0.0  # extra prospects tomorrow from today's share-to-join posts
        self.red_packets_sent = 0  # packets so far (each excites less than the last)
        self.prev_replies = np.zeros(0)  # yesterday's replies per group (today's reading load)
        self.liveliness = np.zeros(0)  # per group: remembered share of members who speak (norms.sense)
        self.kol_last_post = np.zeros(0, dtype=np.int64)  # per group
        self.kocs_exist = False  # set at the first promotion; spares KOC lookups until then
        self.kols_joined = 0  # KOLs who ever joined (spares KOL lookups in a group that never had one)
        # per group, carried from one day to the next (grown by `open_group`)
        self.prev_member_replies = np.zeros(0)  # yesterday's replies by members (not the operator's)
        self.familiarity = np.zeros((habituation.TRICKS, 0))  # with topic prompts and lotteries
        self.culture = np.zeros(0)  # each group's culture (tracked when culture.enabled)
        self.checkin_peers = np.zeros(0)  # share who checked in on the last check-in day
        self.energy = OwnerEnergy()  # the owner's energy (tracked when energy.enabled)
        self.playbook = Playbook(scenario.playbook)  # the state-triggered rules' streaks
        self._notes: list[str] = []  # what happened since the last recorded day
        self.set_parameters({})
        self._found()

    def _found(self) -> None:
        """Day 0: the owner, volunteer admins, seeded KOLs and the founding members join group 0."""
        sc = self.current
        self.open_group()
        membership.join(self, np.ones(1 + sc.rules.admins), Channel.SEED, role=Role.ADMIN, satisfaction0=1.0)
        if sc.kol.count:
            membership.join_kols(self, sc.kol.count, sc.kol.activity)
        founders = sc.population.initial_members
        if founders:
            # the owner asks each founder personally (seed 002 第一点); a paid or vetted group
            # holds its founders to the same threshold as everyone after them
            fit = draws.beta_array(self.keys[Stream.FOUNDERS], 0, self.members.n, founders,
                                   arrivals.organic_fit_mean(sc), sc.population.fit_concentration)  # fmt: skip
            passed = membership.admit(self, fit, batch=0)
            rows = membership.join(
                self, passed.passed(fit), Channel.SEED, commitment=passed.commitment,
                satisfaction0=sc.behaviour.satisfaction.consented_start,
                participation=sc.population.founder_participation,
            )  # fmt: skip
            pop = sc.population
            if pop.founder_owner_tie:  # the owner asked them: a friendship that predates the group
                membership.tie(
                    self, np.zeros(rows.shape[0], dtype=np.int64), rows, pop.founder_owner_tie, lasting=True
                )
            if pop.founder_peer_ties and rows.shape[0] > 1:  # founders who already know each other
                a = np.repeat(rows, pop.founder_peer_ties)
                b = rows[draws.integers_array(self.keys[Stream.FOUNDER_TIES], 0, a.shape[0], rows.shape[0])]
                membership.tie(self, a, b, pop.founder_owner_tie or 0.5, lasting=True)
        for item in self.interventions_on(0):
            actions.intervene(self, item)

    # ----------------------------------------------------------------- the day

    def step(self) -> None:
        """Simulate one day: its phases in order (`sim.model.phases.DAY`), until the day is over."""
        self.day += 1
        self.today = Day(self.day, self.next_day.take(self.members.capacity, self.groups.count))
        try:
            for phase in DAY:
                phase(self, self.today)
                if self.today.over:
                    break
        finally:
            self.today = None

    def flows(self) -> Flows:
        """The flows an action counts in: today's during a step, else the next day's (sized to the
        member table and the groups as they are now)."""
        if self.today is not None:
            flows = self.today.flows
        else:
            flows = self.next_day.book(self.members.capacity, self.groups.count)
        flows.grow(self.members.capacity, self.groups.count)
        return flows

    def open_group(self, focus_slot: int = 0, focus_modulus: int = 0, fit_bonus: float = 0.0) -> int:
        """Open a group today (general unless focused on one sub-topic); returns its index."""
        g = self.groups.open(self.day, focus_slot, focus_modulus, fit_bonus)
        self.prev_replies = np.concatenate([self.prev_replies, [0.0]])
        # a new group starts out feeling alive: its first members joined it together
        self.liveliness = np.concatenate(
            [self.liveliness, [self.current.behaviour.norms.liveliness_reference]]
        )
        self.prev_member_replies = np.concatenate([self.prev_member_replies, [0.0]])
        self.kol_last_post = np.concatenate([self.kol_last_post, [NEVER]])
        self.familiarity = np.concatenate([self.familiarity, np.zeros((habituation.TRICKS, 1))], axis=1)
        self.culture = np.concatenate([self.culture, [self.current.culture.initial]])
        self.checkin_peers = np.concatenate([self.checkin_peers, [0.0]])
        return g

    def active_kols(self) -> int:
        """Present KOLs who posted value content within the last week."""
        return kol.active(self.members.n, self.members.Z, self.day) if self.kols_joined else 0

    def set_parameters(self, changes: dict[str, Any]) -> None:
        """Change parameters by dotted path from today on (a timeline 'set'); gather again the
        constants the day's kernels take."""
        self.current = apply_overrides(self.current, changes)
        self.arguments = KernelArguments.of(self.current)

    def note(self, text: str) -> None:
        """Say what happened (shown in the daily table's `interventions` column and the report)."""
        self._notes.append(text)

    def take_notes(self) -> list[str]:
        """The notes since the last recorded day (and forget them)."""
        notes, self._notes = self._notes, []
        return notes

    # ---------------------------------------------------------- interventions

    def interventions_on(self, day: int) -> list:
        """Timeline and scheduled interventions for `day`, in the order they were given."""
        return [item for item in (*self.scenario.timeline, *self.scheduled) if item.day == day]

    def schedule(self, item) -> None:
        """Add an intervention for a coming day (`item.day` > today), as if it were on the timeline.

        A `set` is validated now against the current parameters, so a bad value fails here rather
        than in the middle of a simulated day. Raises ValueError for a day already simulated.
        """
        if item.day <= self.day:
            raise ValueError(f"day {item.day} has already been simulated (today is day {self.day})")
        if isinstance(item, SetParameters):
            apply_overrides(self.current, item.changes)
        self.scheduled.append(item)

    def pending_interventions(self) -> list:
        """Interventions (timeline and scheduled) for days not yet simulated, in day order."""
        pending = (i for i in (*self.scenario.timeline, *self.scheduled) if i.day > self.day)
        return sorted(pending, key=lambda i: i.day)

    def intervene(self, item) -> None:
        """Carry out one intervention now (it counts for today during a step, else the next day)."""
        actions.intervene(self, item)

    # ------------------------------------------------------------ Mesa agents

    @property
    def agents(self) -> mesa.agent.AgentSet:
        """The present members as Mesa `Member` agents (made on first look, then kept in step)."""
        self._sync_agents()
        return super().agents

    @property
    def member_agents(self) -> list[Member]:
        """A `Member` for every row ever (departed members' agents are not in `agents`)."""
        self._sync_agents()
        return self._member_agents

    def _sync_agents(self) -> None:
        """Make agents for rows that joined since the last look; remove those whose member left.

        Agents are views, so nothing else needs updating; the daily step never touches them, which
        keeps batches of runs that never look at agents free of their cost."""
        m, n = self.members, self.members.n
        if self._agents_made < n:
            self._agent_registered = np.concatenate(
                [self._agent_registered, np.ones(n - self._agents_made, bool)]
            )
            self._member_agents.extend(Member(self, row) for row in range(self._agents_made, n))
            self._agents_made = n
        gone = np.flatnonzero(self._agent_registered & (m.state[:n] >= LEFT))
        for row in gone.tolist():
            self._member_agents[row].remove()
        self._agent_registered[gone] = False

    # ---------------------------------------------------------------- results

    def daily_array(self) -> np.ndarray:
        """Recorded days as a (days x columns) array, columns as in `sim.metrics.DAILY_COLUMNS`."""
        return self.daily.array()

    def day_notes(self) -> list[str]:
        """What happened on each recorded day (interventions, splits, deaths, events), as text."""
        return list(self.daily.notes)

    def lifespan(self) -> tuple[int, bool]:
        """(lifespan in days, censored). Lifespan is the last day value was produced before the
        community died or was dissolved; if it is still alive it is the last simulated day, censored."""
        if self.ended_by in ("dead", "dissolved"):
            return max(self.groups.lifespan), False
        return self.day, True
