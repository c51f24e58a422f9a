"""`groupsim analyze`: indices that recover known effects, tipping points, and the report and tables."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sim.cli.common import app
from sim.sweep.analysis import analyze_sweep, crossings, write_analysis
from sim.sweep.experiment import load_experiment
from sim.sweep.run import prepare
from sim.sweep.tables import SweepError, SweepTables, load_sweep

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.yaml"
runner = CliRunner()
HORIZON = 200
UNIT_LEVERS = """\
parameters:
  positioning.focus: {range: [0, 1]}
  entry.strictness: {range: [0, 1]}
  entry.commitment: {range: [0, 1]}
"""


def synthetic(tmp_path: Path, levers: str, design: str, replicates: int, model) -> SweepTables:
    """The tables a sweep would leave if each run's lifespan (and the rest) came from `model`
    (levers, replicate) -> (lifespan, contributors, value posts) - the analysis alone, no simulation."""
    path = tmp_path / "e.yaml"
    path.write_text(
        f"base: {BASELINE}\nset: {{horizon.days: {HORIZON}, horizon.report_days: [90, {HORIZON}]}}\n"
        f"{levers}design: {design}\nreplicates: {replicates}\n",
        encoding="utf-8",
    )
    experiment = load_experiment(path)
    made, job = prepare(experiment)
    rows = []
    for task in job.tasks:
        values = made.overrides(task.meta["point"])
        lifespan, contributors, posts = model(values, task.meta["replicate"])
        censored = lifespan >= HORIZON
        rows.append(
            {
                **task.meta,
                "seed": task.seed,
                "status": "ok",
                "error": None,
                **values,
                "lifespan_days": int(min(lifespan, HORIZON)),
                "censored": censored,
                "horizon_days": HORIZON,
                "value_posts_total": posts,
                "value_contributors_at_90": contributors,
            }
        )
    manifest = {
        "identity": {"kind": "sweep", "version": "test", "code_fingerprint": "test"},
        "details": job.details,
        "scenarios": {"base": {"horizon": {"days": HORIZON}}},
        "tasks": len(job.tasks),
    }
    return SweepTables(tmp_path, manifest, made.table(), pd.DataFrame(rows), len(job.tasks))


def additive(values, replicate):
    """Lifespan 20 + 100 focus + 50 strictness (commitment does nothing): S1 = ST = 0.8, 0.2, 0."""
    lifespan = 20 + 100 * values["positioning.focus"] + 50 * values["entry.strictness"]
    return lifespan, 5.0, 360.0


def estimates(analysis, outcome, index):
    s = analysis.sensitivity
    rows = s[(s["outcome"] == outcome) & (s["index"] == index) & (s["parameter_b"] == "")]
    return dict(zip(rows["parameter"], rows["estimate"]))


def test_sobol_indices_recover_a_known_additive_model(tmp_path):
    analysis = analyze_sweep(
        synthetic(tmp_path, UNIT_LEVERS, "{kind: sobol, samples: 256}", 1, additive), resamples=200
    )
    s1, st = estimates(analysis, "lifespan", "S1"), estimates(analysis, "lifespan", "ST")
    assert s1["positioning.focus"] == pytest.approx(0.8, abs=0.06) and st[
        "positioning.focus"
    ] == pytest.approx(0.8, abs=0.06)
    assert s1["entry.strictness"] == pytest.approx(0.2, abs=0.06) and st["entry.commitment"] == pytest.approx(
        0, abs=0.02
    )
    rows = analysis.sensitivity[analysis.sensitivity["index"] == "ST"]
    assert (rows["low"] <= rows["estimate"]).all() and (rows["estimate"] <= rows["high"]).all()
    assert list(analysis.ranking("lifespan")["parameter"]) == [
        "positioning.focus",
        "entry.strictness",
        "entry.commitment",
    ]
    assert (analysis.sensitivity["index"] == "S2").any()
    assert any(
        "value posts per day" in n and "the same" in n for n in analysis.notes
    )  # constant outcomes are said so


def test_morris_mu_star_is_the_effect_over_each_levers_range(tmp_path):
    analysis = analyze_sweep(
        synthetic(tmp_path, UNIT_LEVERS, "{kind: morris, samples: 10, levels: 4}", 1, additive)
    )
    mu_star, sigma = estimates(analysis, "lifespan", "mu_star"), estimates(analysis, "lifespan", "sigma")
    # (lifespans are whole days, so the effects are within a day of 100 and 50)
    assert mu_star == pytest.approx(
        {"positioning.focus": 100, "entry.strictness": 50, "entry.commitment": 0}, abs=1
    )
    assert max(sigma.values()) < 1  # linear: no interactions


def test_random_and_latin_hypercube_designs_get_first_order_indices(tmp_path):
    analysis = analyze_sweep(
        synthetic(tmp_path, UNIT_LEVERS, "{kind: lhs, samples: 300}", 1, additive), resamples=100
    )
    s1 = estimates(analysis, "lifespan", "S1")
    assert analysis.method == "rbd_fast" and s1["positioning.focus"] == pytest.approx(0.8, abs=0.1)
    assert list(analysis.ranking("lifespan")["parameter"])[0] == "positioning.focus"


GRID = """\
parameters:
  kol.count: [0, 1, 2, 3]
  entry.threshold: [none, vetting, paid]
"""


def test_grid_shares_main_effects_interactions_and_noise(tmp_path):
    bump = {"none": 0, "vetting": 10, "paid": 20}

    def model(values, replicate):
        noise = 4.0 if replicate % 2 else -4.0
        return 30 + 30 * values["kol.count"] + bump[values["entry.threshold"]] + noise, 3, 200.0

    analysis = analyze_sweep(synthetic(tmp_path, GRID, "grid", 4, model))
    main = estimates(analysis, "lifespan", "main")
    var_kol, var_threshold = 30**2 * np.var([0, 1, 2, 3]), np.var([0, 10, 20])
    assert main["kol.count"] == pytest.approx(var_kol / (var_kol + var_threshold))
    assert main["entry.threshold"] == pytest.approx(var_threshold / (var_kol + var_threshold))
    s = analysis.sensitivity
    interaction = s[(s["index"] == "interaction") & (s["outcome"] == "lifespan")]
    assert interaction["estimate"].abs().max() == pytest.approx(0, abs=1e-9)
    noise = analysis.noise.set_index("outcome")["noise_share"]
    total = var_kol + var_threshold + 16
    assert noise["lifespan"] == pytest.approx(16 / total, rel=1e-6)
    effects = analysis.effects[
        (analysis.effects["outcome"] == "lifespan") & (analysis.effects["parameter"] == "kol.count")
    ]
    assert list(effects["mean"]) == pytest.approx([40, 70, 100, 130]) and list(effects["runs"]) == [12] * 4
    cells = analysis.interactions[analysis.interactions["outcome"] == "lifespan"]
    assert len(cells) == 12 and cells["runs"].eq(4).all()


def test_tipping_points_are_found_overall_and_at_each_level_of_another_lever(tmp_path):
    need = {"none": 3, "vetting": 2, "paid": 1}  # KOLs a group needs to outlive day 90, by threshold

    def model(values, replicate):
        alive = values["kol.count"] >= need[values["entry.threshold"]]
        return (HORIZON if alive else 40), 3, 100.0

    analysis = analyze_sweep(synthetic(tmp_path, GRID, "grid", 10, model))
    tips = analysis.tipping.set_index("condition")
    for threshold, kols in need.items():
        row = tips.loc[f"entry.threshold = {threshold}"]
        assert (row["low_level"], row["high_level"]) == (kols - 1, kols) and row["clear"]
        assert row["direction"] == "rises to 50% or more" and row["crossing"] == pytest.approx(kols - 0.5)
    overall = tips.loc[""]
    assert (overall["low_level"], overall["high_level"]) == (1, 2)  # 1/3 alive at 1 KOL, 2/3 at 2
    assert any("between 1 and 2" in s for s in analysis.summary["sentences"])


def test_crossings_interpolate_and_report_each_direction():
    assert crossings([0, 10, 20, 30], [0.2, 0.4, 0.8, 0.9]) == [(12.5, 1, 2, True)]
    assert crossings([1, 2, 3], [0.9, 0.5, 0.1]) == [(2.0, 1, 2, False)]  # 0.5 counts as at least half
    found = crossings([1, 2, 3, 4], [0.2, 0.7, 0.3, 0.6])
    assert [c[1:] for c in found] == [(0, 1, True), (1, 2, False), (2, 3, True)]
    assert [c[0] for c in found] == pytest.approx([1.6, 2.5, 3 + 2 / 3])
    ((at, *rest),) = crossings([1, 2, 3], [0.7, math.nan, 0.2])  # a level without runs is skipped
    assert at == pytest.approx(1.8) and rest == [0, 2, False]
    assert crossings([1, 2], [0.8, 0.9]) == []


def test_censored_lifespans_count_the_horizon_and_survival_counts_censored_groups_alive(tmp_path):
    def model(values, replicate):
        return (500 if values["kol.count"] >= 2 else 60), 1, 0.0  # 500: outlives the horizon (censored)

    analysis = analyze_sweep(synthetic(tmp_path, GRID, "grid", 2, model))
    points = analysis.points.set_index(["kol.count", "entry.threshold"])
    assert points.loc[(3, "paid"), "lifespan"] == HORIZON and points.loc[(0, "none"), "lifespan"] == 60
    assert points.loc[(3, "paid"), "survival"] == 1 and points.loc[(1, "none"), "survival"] == 0


def test_an_unfinished_sweep_or_another_folder_is_refused_clearly(tmp_path):
    tables = synthetic(tmp_path, GRID, "grid", 2, lambda v, r: (100, 1, 1.0))
    partial = SweepTables(tables.folder, tables.manifest, tables.design, tables.runs.iloc[:5], tables.total)
    with pytest.raises(SweepError, match="not finished: 5 of 24 runs"):
        analyze_sweep(partial)
    with pytest.raises(SweepError, match="not a batch results folder"):
        load_sweep(tmp_path)
    result = runner.invoke(app, ["analyze", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "is not a folder" in " ".join(result.output.split())


# --------------------------------------------------------------------------- on real (small) sweeps


def real(tmp_path: Path, levers: str, design: str, name: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        f"name: {name}\nbase: {BASELINE}\nset: {{horizon.days: 8, horizon.report_days: [7, 8]}}\n"
        f"{levers}design: {design}\nreplicates: 2\nanalysis: {{survival_day: 7, contributors_day: 7}}\n",
        encoding="utf-8",
    )
    out = tmp_path / name
    result = runner.invoke(app, ["sweep", str(path), "--executor", "serial", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


REAL_LEVERS = """\
parameters:
  kol.count: [0, 1, 2]
  population.initial_members: [3, 30]
"""


@pytest.mark.parametrize(
    "design, expected",
    [
        ("grid", ["Interactions", "kol.count × population.initial_members", "main-effect share"]),
        ("{kind: sobol, samples: 4}", ["total-order Sobol index", "second-order"]),
        ("{kind: morris, samples: 4}", ["Morris mu*", "mu* (importance) against sigma"]),
    ],
)
def test_analyze_writes_a_self_contained_report_and_tables(tmp_path, design, expected):
    out = real(tmp_path, REAL_LEVERS, design, "real")
    result = runner.invoke(app, ["analyze", str(out)])
    assert result.exit_code == 0, result.output
    assert "Report:" in result.output
    folder = out / "analysis"
    html = (folder / "report.html").read_text(encoding="utf-8")
    for text in expected + ["Tipping points", "Main effects", "restricted lifespan", "kol.count"]:
        assert text in html, text
    assert html.count("plotly.js v") <= 2 and '<script src="http' not in html  # plotly inline, once
    summary = json.loads(
        (folder / "summary.json").read_text(encoding="utf-8"),
        parse_constant=lambda c: pytest.fail(f"summary.json holds {c}"),
    )
    assert summary["runs"]["total"] == len(pd.read_parquet(out / "runs"))
    sensitivity = pd.read_csv(folder / "sensitivity.csv")
    assert set(sensitivity["outcome"]) <= {"lifespan", "survival", "contributors", "value_output"}
    for name in ("points.csv", "effects.csv", "interactions.csv", "tipping_points.csv", "noise.csv"):
        assert (folder / name).exists(), name
    effects = pd.read_csv(folder / "effects.csv")
    assert set(effects["parameter"]) == {"kol.count", "population.initial_members"}
    if design == "grid":
        assert len(pd.read_csv(folder / "interactions.csv")) == 3 * 2 * 4
    if "sobol" in design:
        assert {"S1", "ST"} <= set(sensitivity["index"])
    if "morris" in design:
        assert {"mu_star", "sigma"} <= set(sensitivity["index"])


def test_analyze_can_move_the_survival_day_and_write_elsewhere(tmp_path):
    out = real(tmp_path, REAL_LEVERS, "grid", "again")
    result = runner.invoke(
        app, ["analyze", str(out), "--survival-day", "5", "--out", str(tmp_path / "elsewhere")]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "elsewhere" / "summary.json").read_text(encoding="utf-8"))
    assert summary["survival_day"] == 5
    bad = runner.invoke(app, ["analyze", str(out), "--survival-day", "50"])
    assert bad.exit_code == 2 and "within the horizon (1 to 8)" in " ".join(bad.output.split())


def test_write_analysis_names_every_table(tmp_path):
    tables = synthetic(tmp_path, GRID, "grid", 2, lambda v, r: (50 + 10 * v["kol.count"], 1, 1.0))
    written = write_analysis(analyze_sweep(tables), tmp_path / "a")
    assert {p.name for p in written.values()} == {
        "points.csv",
        "sensitivity.csv",
        "effects.csv",
        "interactions.csv",
        "tipping_points.csv",
        "noise.csv",
        "summary.json",
    }
