"""The one figures module: the same chart from a report's table and from a live model, markers."""

from __future__ import annotations

import numpy as np

from sim import Scenario, apply_overrides
from sim import figures as F
from sim.i18n import BOTH, t
from sim.report.single import track
from sim.runner import build_model, collect, simulate


def _run(days: int = 20):
    scenario = apply_overrides(
        Scenario(name="figures"), {"horizon.days": days, "population.initial_members": 30}
    )
    model = build_model(scenario, 4)
    simulate(model, days)
    return model, collect(model, scenario, 4, days)


def test_a_chart_is_the_same_from_a_report_table_and_from_the_model():
    model, result = _run()
    live = F.Track(F.daily_columns(model.daily_array()), model.intervention_log, horizon=20)
    for chart in (F.MEMBERS, F.ACTIVITY, F.ROLES, F.FLOWS):
        from_model = F.time_series(chart, [live], "en")
        from_table = F.time_series(chart, [track(result)], "en")
        assert [tr.name for tr in from_model.data] == [tr.name for tr in from_table.data]
        for a, b in zip(from_model.data, from_table.data):
            np.testing.assert_array_equal(a.x, b.x)
            np.testing.assert_array_equal(a.y, b.y)


def test_interventions_on_one_day_share_one_labelled_marker():
    entries = [
        {"day": 30, "action": "run_event", "detail": {}},
        {"day": 30, "action": "red_packets", "detail": {}},
        {"day": 30, "action": "red_packets", "detail": {}},
        {"day": 45, "action": "set", "detail": {"changes": dict(F.BAN_ADS_CHANGES)}},
    ]
    assert F.day_labels(entries, "en") == {30: "event, red packet ×2", 45: "ads banned"}
    daily = {"day": np.arange(1, 61)}
    ending = F.Ending(day=58, state="dead", lifespan=44)
    shapes, notes = F.intervention_markers([F.Track(daily, entries, ending)], BOTH)
    assert [s["x0"] for s in shapes] == [30, 45, 58]
    assert notes[0]["text"] == "event 活动, red packet 红包 ×2"
    assert notes[-1]["text"].startswith("dead (last value post day 44) 死亡")


def test_joins_by_channel_leave_out_channels_nobody_came_by():
    _, result = _run()
    fig = F.time_series(F.CHANNELS, [track(result)], "en")
    daily = result.daily
    shown = {trace.name for trace in fig.data}
    for channel in ("organic", "referral", "operator", "bait", "seed"):
        assert (t("en", f"channel.{channel}") in shown) == bool(daily[f"joins_{channel}"].sum())
    assert fig.layout.barmode == "stack"
