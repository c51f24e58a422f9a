"""The Mesa interface: `model.agents` is the present members, and a `Member` is a live view of its row."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pytest

from sim import CommunityModel, Member, Scenario, build_model, load_scenario
from sim.enums import Channel, Role, State

ROOT = Path(__file__).resolve().parent.parent
MASS_ADD = ROOT / "scenarios" / "mass_add.yaml"  # people pulled in without asking leave within days


@pytest.fixture(scope="module")
def stepped() -> CommunityModel:
    """A community 20 days in, with joiners, leavers and ties."""
    model = build_model(load_scenario(MASS_ADD), seed=4)
    for _ in range(20):
        model.step()
    m = model.members
    assert (m.state[: m.n] == State.LEFT).sum() >= 5, "the fixture needs members who left"
    return model


def present_rows(model: CommunityModel) -> set[int]:
    m = model.members
    return set(np.flatnonzero(m.state[: m.n] <= State.MUTED).tolist())


def test_model_is_a_mesa_model_and_agents_are_members(stepped):
    assert isinstance(stepped, mesa.Model)
    assert all(isinstance(agent, Member) and isinstance(agent, mesa.Agent) for agent in stepped.agents)
    assert len({agent.unique_id for agent in stepped.agents}) == len(stepped.agents)


def test_agents_are_exactly_the_present_members(stepped):
    rows = [agent.row for agent in stepped.agents]
    assert len(rows) == len(set(rows))
    assert set(rows) == present_rows(stepped)
    assert {agent.state for agent in stepped.agents} <= {State.ACTIVE, State.MUTED}
    assert State.MUTED in {agent.state for agent in stepped.agents}  # muted members are still members


def test_properties_read_the_current_array_values(stepped):
    m = stepped.members
    for agent in stepped.agents:
        row = agent.row
        assert agent.role is Role(m.role[row]) and agent.state is State(m.state[row])
        assert agent.channel is Channel(m.channel[row])
        assert agent.fit == m.fit[row] and isinstance(agent.fit, float)
        assert agent.satisfaction == m.satisfaction[row]
        assert agent.tie_strength == m.tie_strength[row]
        assert agent.join_day == m.join_day[row] and isinstance(agent.join_day, int)
        assert agent.tenure == stepped.day - m.join_day[row]
        assert agent.group == m.group[row] and agent.value_posts == m.value_posts[row]


def test_a_member_is_a_view_not_a_copy():
    model = build_model(Scenario(name="view"), seed=2)
    agent = next(a for a in model.agents if a.role is not Role.ADMIN)
    row = agent.row
    model.members.satisfaction[row] = 0.4321
    model.members.role[row] = Role.CREATOR
    assert agent.satisfaction == 0.4321 and agent.role is Role.CREATOR
    before = agent.tenure
    for _ in range(3):
        model.step()
    assert agent.satisfaction == model.members.satisfaction[row]  # moved on with the model
    assert agent.tenure == before + 3 or agent.state in (State.LEFT, State.KICKED)


def test_a_member_who_leaves_is_removed_from_agents_and_keeps_its_history(stepped):
    m = stepped.members
    gone = np.flatnonzero(m.state[: m.n] >= State.LEFT)
    present = {id(agent) for agent in stepped.agents}
    for row in gone:
        member = stepped.member_agents[row]
        assert member.row == row and id(member) not in present
        assert member.state in (State.LEFT, State.KICKED)
        assert member.tenure == m.exit_day[row] - m.join_day[row]  # stops at the exit day
        assert member.ties() == {}  # a leaver holds no one any more


def test_kicked_lurkers_leave_agents_too():
    scenario = Scenario(name="cleanup", timeline=[{"day": 2, "action": "remove_lurkers", "inactive_days": 1}])
    model = build_model(scenario, seed=1)
    for _ in range(3):
        model.step()
    m = model.members
    kicked = np.flatnonzero(m.state[: m.n] == State.KICKED)
    assert kicked.size > 0
    assert not {agent.row for agent in model.agents} & set(kicked.tolist())
    assert {agent.row for agent in model.agents} == present_rows(model)


def test_ties_sum_to_tie_strength_and_are_mutual(stepped):
    present = present_rows(stepped)
    with_ties = 0
    for agent in stepped.agents:
        ties = agent.ties()
        assert set(ties) <= present - {agent.row}  # only present partners, never oneself
        assert sum(ties.values()) == pytest.approx(agent.tie_strength, rel=1e-5, abs=1e-5)
        for partner, strength in ties.items():
            assert stepped.member_agents[partner].ties()[agent.row] == pytest.approx(strength)
        with_ties += bool(ties)
    assert with_ties >= 10, "the check needs members with ties"


def test_agents_after_dissolution_are_only_the_operator_side():
    scenario = Scenario(name="end", timeline=[{"day": 2, "action": "dissolve"}])
    model = build_model(scenario, seed=1)
    while model.running:
        model.step()
    assert model.day == 2 and model.ended_by == "dissolved"
    assert {agent.role for agent in model.agents} == {Role.ADMIN}
    assert {agent.row for agent in model.agents} == present_rows(model)
