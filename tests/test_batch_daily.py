"""Daily tables of many runs: what the days after a group's death look like, and bands by day."""

import numpy as np
import pandas as pd

from sim.batch.daily import bands, pad_to_horizon, rolling_mean


def daily():
    """Run 0 lived all 5 days; run 1 stopped (died) after day 2."""
    rows = []
    for rep, days in ((0, 5), (1, 2)):
        for d in range(1, days + 1):
            rows.append(
                {
                    "scenario": "a",
                    "replicate": rep,
                    "day": d,
                    "members": 10 + d,
                    "value_posts": 3,
                    "value_contributors": 2,
                    "mean_satisfaction": 0.5,
                    "alive": True,
                    "interventions": "",
                }
            )
    frame = pd.DataFrame(rows)
    frame["interventions"] = frame["interventions"].astype("string")
    return frame


def test_days_after_death_have_no_value_and_carry_members_forward():
    padded = pad_to_horizon(daily(), {"a": 5})
    dead = padded[(padded["replicate"] == 1) & (padded["day"] > 2)]
    assert len(padded) == 10 and len(dead) == 3
    assert (dead["value_posts"] == 0).all() and (dead["value_contributors"] == 0).all()
    assert (~dead["alive"]).all() and (~dead["simulated"]).all()
    assert (dead["members"] == 12).all() and (dead["mean_satisfaction"] == 0.5).all()
    assert padded["members"].dtype == np.int64 and padded["value_posts"].dtype == np.int64
    assert padded[padded["simulated"]].drop(columns="simulated").reset_index(drop=True).equals(daily())


def test_bands_are_quantiles_across_runs_by_day():
    padded = pad_to_horizon(daily(), 5)
    b = bands(padded, "value_posts", quantiles=(0.0, 0.5, 1.0)).set_index("day")
    assert b.loc[1, "low"] == 3 and b.loc[5, "low"] == 0 and b.loc[5, "high"] == 3 and b.loc[5, "runs"] == 2


def test_rolling_mean_stays_within_each_run():
    padded = pad_to_horizon(daily(), 5)
    mean = rolling_mean(padded, "value_posts", 2)
    run1 = mean[padded["replicate"] == 1].to_list()
    assert run1 == [3.0, 3.0, 1.5, 0.0, 0.0]
