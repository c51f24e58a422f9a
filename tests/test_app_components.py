"""Figures and the alive indicator, built from stepped models."""

from __future__ import annotations

import numpy as np
import pytest

from sim import figures as F
from sim.app import components as C
from sim.app.classroom import Classroom
from sim.app.controls import BUTTONS_BY_KEY
from sim.app.layout import NetworkLayout
from sim.enums import Role, State
from sim.i18n import t
from sim.scenario import Scenario, apply_overrides


def _scenario(**changes) -> Scenario:
    base = {
        "horizon.stop_at_death": False,
        "population.initial_members": 60,
        "horizon.days": 90,
        "kol.count": 1,
        "rules.admins": 1,
    }
    return apply_overrides(Scenario(name="figures"), {**base, **changes})


def _dying() -> Scenario:
    """Nobody who could post value: the community is declared dead after `dead_after_days`."""
    return _scenario(
        **{
            "population.initial_members": 0,
            "population.organic_prospects_per_day": 0.0,
            "kol.count": 0,
            "horizon.dead_after_days": 3,
        }
    )


@pytest.fixture(scope="module")
def room() -> Classroom:
    room = Classroom([_scenario()], seed=3)
    for _ in range(10):
        room.step()
    room.schedule(BUTTONS_BY_KEY["red_packets"].make(0), room.targets("a"))
    for _ in range(5):
        room.step()
    return room


def _names(fig) -> list[str]:
    return [trace.name for trace in fig.data]


def test_every_figure_builds_in_both_languages(room):
    for _, build in C.FIGURES:
        for lang in ("en", "zh"):
            fig = build(room.runs, lang)
            assert fig.data and fig.layout.title.text


def _chart(chart, runs, lang="en"):
    return C.chart_figure(chart, runs, lang)


def test_time_series_have_one_point_per_simulated_day(room):
    members = _chart(F.MEMBERS, room.runs)
    assert _names(members) == ["members", "value contributors (7 days)", "sustained contributors"]
    assert list(members.data[0].x) == list(range(1, 16))
    daily = room.runs[0].model.daily_array()
    np.testing.assert_array_equal(members.data[0].y, daily[:, C._COL["members"]])
    activity = _chart(F.ACTIVITY, room.runs)
    assert _names(activity) == ["value posts", "chatter", "ads", "operator posts"]
    assert all(len(trace.y) == 15 for trace in activity.data)
    assert _names(_chart(F.FLOWS, room.runs)) == [
        "joined",
        "left or kicked",
        "muted the group",
    ]


def test_role_mix_stacks_every_role(room):
    fig = _chart(F.ROLES, room.runs)
    assert set(_names(fig)) == {"lurker", "commenter", "creator", "KOL", "KOC", "owner/admin"}
    assert all(trace.stackgroup == "roles" for trace in fig.data)
    total = sum(np.asarray(trace.y) for trace in fig.data)
    np.testing.assert_array_equal(total, room.runs[0].model.daily_array()[:, C._COL["members"]])


def test_intervention_is_marked_on_every_time_series_at_its_day(room):
    for chart in (F.MEMBERS, F.ACTIVITY, F.ROLES, F.FLOWS):
        fig = _chart(chart, room.runs, "zh")
        assert [shape.x0 for shape in fig.layout.shapes] == [11]
        assert [note.text for note in fig.layout.annotations] == [t("zh", "marker.red_packets")]


def test_satisfaction_histogram_counts_present_ordinary_members(room):
    model = room.runs[0].model
    active, muted = C.satisfaction_counts(model)
    m, n = model.members, model.members.n
    ordinary = m.role[:n] != Role.ADMIN
    assert active.sum() == np.count_nonzero(ordinary & (m.state[:n] == State.ACTIVE))
    assert muted.sum() == np.count_nonzero(ordinary & (m.state[:n] == State.MUTED))
    fig = C.satisfaction_figure(room.runs, "en")
    assert _names(fig) == ["active", "muted"] and fig.layout.barmode == "stack"


def test_network_shows_present_members_coloured_by_role_and_greys_the_muted(room):
    model = room.runs[0].model
    fig = C.network_figure(room.runs, "en")
    m, n = model.members, model.members.n
    state, role = m.state[:n], m.role[:n]
    nodes = {trace.name: len(trace.x) for trace in fig.data if trace.mode == "markers"}
    assert sum(nodes.values()) == np.count_nonzero(state <= State.MUTED)  # members who left are gone
    assert nodes["muted"] == np.count_nonzero(state == State.MUTED)
    assert nodes["KOL"] == np.count_nonzero((role == Role.KOL) & (state == State.ACTIVE))
    markers = {trace.name: trace.marker for trace in fig.data if trace.mode == "markers"}
    assert markers["KOL"].symbol == "star" and markers["owner/admin"].symbol == "square"
    assert markers["KOL"].line.width > 0 and markers["lurker"].line.width == 0
    assert markers["muted"].color == F.COLORS["muted_member"]


def test_node_size_grows_with_value_posts():
    sizes = C.node_size(np.array([0, 1, 4, 100, 10_000]))
    assert sizes[0] == 5 and np.all(np.diff(sizes) >= 0) and sizes[-1] == 26


def test_network_draws_at_most_the_strongest_ties(room, monkeypatch):
    monkeypatch.setattr(C, "MAX_TIES_DRAWN", 5)
    data = C.network_data(room.runs[0])
    assert len(data["edge_x"]) == 3 * min(5, len(room.runs[0].model.ties.edges()[0]))


def test_layout_keeps_members_where_they_were():
    room = Classroom([_scenario()], seed=8)
    run = room.runs[0]
    for _ in range(5):
        room.step()
    before = C.network_data(run)
    room.step()
    after = C.network_data(run)
    common, i, j = np.intersect1d(before["row"], after["row"], return_indices=True)
    moved = np.hypot(before["x"][i] - after["x"][j], before["y"][i] - after["y"][j])
    assert common.size > 0 and np.median(moved) < 0.1  # relaxes a little; no jump to a new layout


def test_newcomers_are_placed_next_to_their_inviter():
    room = Classroom(
        [_scenario(**{"population.initial_members": 30})], seed=5
    )  # invitations in the first month
    layout = NetworkLayout(seed=1, iterations=0)
    model = room.runs[0].model
    layout.update(model, *model.ties.edges())
    for _ in range(30):
        room.step()
    pos = layout.update(model, *model.ties.edges())
    invited = np.flatnonzero(model.members.inviter[: model.members.n] >= 0)
    invited = invited[invited >= 30]
    assert invited.size > 0
    near = np.hypot(*(pos[invited] - pos[model.members.inviter[invited]]).T)
    spread = np.hypot(*(pos[: model.members.n] - pos[: model.members.n].mean(axis=0)).T).mean()
    assert np.median(near) < spread


def test_status_while_alive(room):
    st = C.status(room.runs[0].model)
    assert st.alive and st.day == 15 and st.lifespan == 15 and st.died_on is None
    head, detail = C.status_lines(st, "en")
    assert head == "ALIVE · Day 15"
    assert "lifespan so far 15 days" in detail
    assert C.status_lines(st, "zh")[0] == "存活 · 第 15 天"


def test_status_after_death_and_its_red_marker():
    room = Classroom([_dying()], seed=1)
    for _ in range(8):
        room.step()
    st = C.status(room.runs[0].model)
    assert st.state == "dead" and not st.alive and st.died_on is not None
    assert C.status_lines(st, "en")[0] == "DEAD · Day 8"
    fig = _chart(F.MEMBERS, room.runs)
    assert any(shape.line.color == F.COLORS["dead"] and shape.x0 == st.died_on for shape in fig.layout.shapes)


def test_side_by_side_overlays_b_dashed_with_both_markers():
    room = Classroom([_scenario(), _dying()], seed=2)
    for _ in range(6):
        room.step()
    room.schedule(BUTTONS_BY_KEY["mass_add"].make(0), room.targets("a"))
    room.step()
    fig = _chart(F.MEMBERS, room.runs)
    assert _names(fig) == [
        "members (A)",
        "value contributors (7 days) (A)",
        "sustained contributors (A)",
        "members (B)",
        "value contributors (7 days) (B)",
        "sustained contributors (B)",
    ]
    assert [trace.line.dash for trace in fig.data] == ["solid"] * 3 + ["dash"] * 3
    texts = [note.text for note in fig.layout.annotations]
    assert "A: mass-add" in texts and any(text.startswith("B: dead (last value post day") for text in texts)
    network = C.network_figure(room.runs, "en")
    assert network.layout.xaxis.domain[1] <= 0.5 <= network.layout.xaxis2.domain[0]
    assert C.satisfaction_figure(room.runs, "en").layout.barmode == "overlay"


def test_x_axis_grows_in_months_up_to_the_horizon(room):
    assert F.x_max([C.track(run) for run in room.runs]) == 30
    short = Classroom([_scenario(**{"horizon.days": 20})], seed=1)
    assert F.x_max([C.track(run) for run in short.runs]) == 20


def test_marker_text_of_a_lever_change_names_the_lever():
    entry = {
        "action": "set",
        "detail": {"changes": {"cadence.promotion.enabled": True, "positioning.focus": 0.9}},
    }
    assert F.marker_text(entry, "en") == "set: Promotions (selling)=on, Focus of the theme=0.9"
    assert F.marker_text(entry, "zh") == "修改: 推商品=开, 定位聚焦度=0.9"


def test_a_widget_updated_in_place_shows_the_new_figure():
    """The app updates each chart's widget in place; the result is the figure it was given."""
    from sim.app.widgets import new_widget, same_traces, update_widget

    room = Classroom([_scenario()], seed=6)
    room.schedule(BUTTONS_BY_KEY["run_event"].make(0), room.targets("a"))
    room.step()
    widget = new_widget()
    update_widget(widget, _chart(F.MEMBERS, room.runs))  # first: traces replaced
    room.step()
    fig = _chart(F.MEMBERS, room.runs, "zh")
    assert same_traces(widget, fig)
    update_widget(widget, fig)  # then: updated in place
    assert [trace.name for trace in widget.data] == [trace.name for trace in fig.data]
    np.testing.assert_array_equal(widget.data[0].y, fig.data[0].y)
    assert widget.layout.title.text == fig.layout.title.text
    assert [shape.x0 for shape in widget.layout.shapes] == [shape.x0 for shape in fig.layout.shapes]
    other = C.satisfaction_figure(room.runs, "en")
    update_widget(widget, other)  # different traces: replaced
    assert [trace.type for trace in widget.data] == ["bar", "bar"]


def test_in_place_update_removes_properties_the_new_figure_lacks():
    import plotly.graph_objects as go

    from sim.app.widgets import new_widget, update_widget

    widget = new_widget()
    update_widget(
        widget, go.Figure(go.Scatter(x=[1, 2], y=[3, 4], customdata=[5, 6]), layout=dict(title="a"))
    )
    update_widget(
        widget,
        go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 4, 5]), layout=dict(xaxis=dict(range=[0, 9]))),
    )
    assert widget.data[0].customdata is None and list(widget.data[0].x) == [1, 2, 3]
    assert widget.layout.title.text is None and tuple(widget.layout.xaxis.range) == (0, 9)


def test_chart_widget_keeps_array_styles_when_the_browser_reports_defaults():
    from sim.app.widgets import ChartWidget

    props = {"marker": {"size": np.array([5.0, 7.0]), "color": "#123456"}, "uid": "u", "x": [1, 2]}
    defaults = {"marker": {"size": {"0": 5, "1": 7}, "color": "#123456"}, "uid": "u"}
    removed = ChartWidget._remove_overlapping_props(props, defaults)
    assert removed == [("marker", "color")]
    np.testing.assert_array_equal(props["marker"]["size"], [5.0, 7.0])
    assert props["uid"] == "u" and props["x"] == [1, 2]


def test_in_place_update_sets_only_what_changed(monkeypatch):
    """Yesterday's names, styles and titles are not set again: each set is validated and sent."""
    import plotly.graph_objects as go

    from sim.app.widgets import new_widget, update_widget

    def figure(days: int) -> go.Figure:
        trace = go.Scatter(x=np.arange(days), y=np.arange(days) * 2.0, name="members", line=dict(color="red"))
        return go.Figure(trace, layout=dict(title="Members", xaxis=dict(range=[0, 30])))

    widget, today = new_widget(), figure(6)
    update_widget(widget, figure(5))
    trace_sets, layout_sets = [], []
    scatter_set, layout_set = go.Scatter.__setitem__, go.Layout.__setitem__
    monkeypatch.setattr(
        go.Scatter, "__setitem__", lambda s, k, v: (trace_sets.append(k), scatter_set(s, k, v))
    )
    monkeypatch.setattr(
        go.Layout, "__setitem__", lambda s, k, v: (layout_sets.append(k), layout_set(s, k, v))
    )
    update_widget(widget, today)
    assert sorted(trace_sets) == ["x", "y"] and layout_sets == []
    np.testing.assert_array_equal(widget.data[0].y, np.arange(6) * 2.0)
