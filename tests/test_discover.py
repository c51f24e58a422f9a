"""`groupsim discover`: PRIM recovers a box planted in synthetic runs, reads it out in plain words,
and works end to end on a real sweep with clear errors for bad input."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.common import app
from sim.sweep.discovery import Cases, discover
from sim.sweep.experiment import Parameter
from sim.sweep.tables import SweepTables

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()
LEVERS = (
    Parameter("cadence.promotion.start_day", "int", "day", "", levels=(1, 3, 5, 7, 10, 14, 21, 30)),
    Parameter("kol.count", "int", "KOLs", "", low=0, high=3),
    Parameter("positioning.focus", "float", "0..1", "", low=0.0, high=1.0),
    Parameter("entry.threshold", "choice", "choice", "", levels=("none", "vetting", "share_to_join", "paid")),
)


def planted(n: int = 2000, seed: int = 0) -> SweepTables:
    """Runs where groups die by day 90 with probability 0.9 when selling starts by day 7 and there is
    no KOL, whatever the focus and threshold, and with probability 0.05 elsewhere."""
    rng = np.random.default_rng(seed)
    runs = pd.DataFrame(
        {
            "status": "ok",
            "cadence.promotion.start_day": rng.choice(LEVERS[0].levels, n),
            "kol.count": rng.integers(0, 4, n),
            "positioning.focus": rng.uniform(0, 1, n),
            "entry.threshold": rng.choice(LEVERS[3].levels, n),
            "horizon_days": 180,
        }
    )
    box = (runs["cadence.promotion.start_day"] <= 7) & (runs["kol.count"] == 0)
    dies = np.where(box, rng.random(n) < 0.9, rng.random(n) < 0.05)
    runs["lifespan_days"] = np.where(dies, rng.integers(10, 90, n), 180)
    runs["censored"] = ~dies
    runs["value_contributors_at_90"] = np.where(dies, 0, rng.integers(3, 20, n))
    manifest = {
        "identity": {"kind": "sweep"},
        "details": {
            "experiment": {
                "name": "planted",
                "parameters": [p.as_dict() for p in LEVERS],
                "analysis": {"survival_day": 90},
            }
        },
    }
    return SweepTables(Path("planted"), manifest, pd.DataFrame(), runs, n)


def test_prim_recovers_a_box_planted_in_synthetic_runs():
    found = discover(planted())
    limits = found.limits.set_index("lever")
    assert limits.loc["cadence.promotion.start_day", "upper"] == 7
    assert limits.loc["cadence.promotion.start_day", "significant"]
    assert limits.loc["kol.count", "upper"] == 0 and limits.loc["kol.count", "significant"]
    for lever in (
        "positioning.focus",
        "entry.threshold",
    ):  # noise levers: not significant if restricted at all
        assert not limits.loc[lever, "significant"]
    assert found.simple["density"] > 0.85 and found.simple["coverage"] > 0.7
    assert found.box["coverage"] >= 0.5  # the default choice keeps at least half of the cases
    en = " ".join(found.sentences["en"])
    assert "Groups die by day 90 in" in en
    assert "when cadence.promotion.start_day ≤ 7 and kol.count = 0" in en
    assert "当 cadence.promotion.start_day ≤ 7 且 kol.count = 0 时" in " ".join(found.sentences["zh"])


def test_the_trajectory_runs_from_the_whole_space_to_dense_boxes_and_any_box_can_be_picked():
    tables = planted()
    found = discover(tables)
    t = found.trajectory
    assert t.iloc[0]["coverage"] == 1 and t.iloc[0]["mass"] == 1
    assert t.iloc[0]["density"] == pytest.approx(found.hits / found.runs)
    assert t["density"].iloc[-1] > 0.85
    whole = discover(tables, box=0)
    assert not whole.limits["restricted"].any()
    again = discover(tables)
    pd.testing.assert_frame_equal(found.trajectory, again.trajectory)  # PRIM is deterministic


def test_a_numeric_outcome_with_a_threshold_defines_the_cases():
    found = discover(planted(), Cases("value_contributors_at_90", 1.0, below=True))
    assert found.hits == int((planted().runs["value_contributors_at_90"] < 1).sum())
    assert "value_contributors_at_90 < 1 in" in " ".join(found.sentences["en"])


# ------------------------------------------------------------------------------ on a real sweep

SWEEP = f"""\
name: tiny
base: {ROOT / "scenarios" / "hard_sell_day3.yaml"}
set: {{horizon.days: 40, horizon.report_days: [7, 30, 40]}}
parameters:
  kol.count: [0, 1]
  entry.threshold: [none, share_to_join]
  cadence.promotion.start_day: [1, 20]
design: grid
replicates: 3
analysis: {{survival_day: 30}}
"""


@pytest.fixture(scope="module")
def sweep_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("discover")
    path = folder / "tiny.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    done = runner.invoke(app, ["sweep", str(path), "--executor", "serial", "--out", str(folder / "out")])
    assert done.exit_code == 0, done.output
    return folder / "out"


def test_discover_writes_a_bilingual_report_and_tables_for_a_real_sweep(sweep_folder):
    result = runner.invoke(app, ["discover", str(sweep_folder)])
    assert result.exit_code == 0, result.output
    target = sweep_folder / "discovery-dead_by_day_30"
    assert "groups die by day 30 in" in " ".join(result.output.split())
    report = (target / "report.html").read_text(encoding="utf-8")
    assert (
        "Peeling trajectory 剥离轨迹" in report
        and "群在第 30 天前死亡" in report
        and "<script src=" not in report
    )
    trajectory = pd.read_csv(target / "trajectory.csv")
    assert trajectory["chosen"].sum() == 1 and trajectory["coverage"].iloc[0] == 1
    box = pd.read_csv(target / "box.csv")
    assert set(box["lever"]) == {"kol.count", "entry.threshold", "cadence.promotion.start_day"}
    custom = runner.invoke(
        app,
        [
            "discover",
            str(sweep_folder),
            "--outcome",
            "peak_members",
            "--threshold",
            "40",
            "--below",
            "--box",
            "1",
        ],
    )
    assert custom.exit_code == 0, custom.output
    assert (sweep_folder / "discovery-peak_members-below-40" / "box.csv").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--outcome", "peak_member", "--threshold", "3"],
            "no outcome 'peak_member' in this sweep's runs; did you mean peak_members",
        ),
        (["--outcome", "peak_members"], "peak_members is a number: give --threshold"),
        (["--outcome", "dead_by_day_400"], "day 400 is outside the 40-day horizon"),
        (["--outcome", "dead_by_day_30", "--threshold", "2"], "takes no --threshold"),
        (["--box", "999"], "--box 999: the peeling trajectory has boxes 0 to"),
        (["--below"], "--below needs --threshold"),
        (["--outcome", "peak_members", "--threshold", "100000"], "in no run of this sweep"),
    ],
)
def test_bad_discover_input_gets_a_clear_message_and_exit_code_2(sweep_folder, args, message):
    result = runner.invoke(app, ["discover", str(sweep_folder), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split()), result.output
    assert "Traceback" not in result.output


def test_discover_refuses_a_folder_that_is_not_a_sweep(tmp_path):
    result = runner.invoke(app, ["discover", str(tmp_path)])
    assert result.exit_code == 2 and "not a batch results folder" in " ".join(result.output.split())
