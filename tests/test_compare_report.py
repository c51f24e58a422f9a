"""The comparison's statistics, sentences and report, from tables alone (no model runs)."""

import re

import numpy as np
import pandas as pd

from sim.batch.analysis import compare_summary
from sim.report.compare import build_page

HORIZON = 90


def manifest(labels):
    return {
        "identity": {
            "kind": "compare",
            "root_seed": 3,
            "version": "test",
            "code_fingerprint": "f",
            "scenarios": [{"label": x, "name": x, "hash": f"h{x}"} for x in labels],
        },
        "details": {"replicates": 60},
        "scenarios": {x: {"horizon": {"days": HORIZON}, "description": {"en": f"about {x}"}} for x in labels},
    }


def runs_of(label, scale, n=60, seed=0, failed=0):
    rng = np.random.default_rng(seed)
    life = np.minimum(rng.exponential(scale, n).round(), HORIZON).astype(int)
    frame = pd.DataFrame(
        {
            "scenario": label,
            "replicate": np.arange(n),
            "seed": np.arange(n) * 7,
            "status": "ok",
            "error": None,
            "lifespan_days": life,
            "censored": life >= HORIZON,
            "value_contributors_at_7": rng.poisson(scale / 10, n),
            "value_contributors_at_30": rng.poisson(scale / 8, n),
            "value_contributors_at_90": rng.poisson(scale / 9, n),
            "value_contributors_at_180": 0,
            "value_posts_total": rng.poisson(scale * 5, n),
            "peak_members": rng.poisson(200, n),
            "operator_cost_yuan": 100.0,
            "value_posts_per_1000_yuan": None,
        }
    )
    if failed:
        frame.loc[: failed - 1, "status"] = "error"
        frame.loc[: failed - 1, "error"] = "RuntimeError: boom"
        frame.loc[: failed - 1, ["lifespan_days", "value_posts_total"]] = np.nan
    return frame


def daily_of(runs):
    rows = [
        {
            "scenario": r.scenario,
            "replicate": r.replicate,
            "day": d,
            "value_posts": 2,
            "value_contributors": 3,
            "members": 50,
            "alive": True,
        }
        for r in runs[runs["status"] == "ok"].itertuples()
        for d in range(1, int(min(r.lifespan_days + 14, HORIZON)) + 1)
    ]
    return pd.DataFrame(rows)


def test_a_clear_difference_is_stated_with_its_size_and_uncertainty():
    runs = pd.concat([runs_of("managed", 400), runs_of("neglected", 15, seed=1)], ignore_index=True)
    summary = compare_summary(runs, daily_of(runs), manifest(["managed", "neglected"]), n_resamples=999)
    comp = summary["comparisons"][0]
    assert comp["logrank"]["pvalue"] < 0.001
    assert comp["restricted_mean_difference"]["high"] < 0  # neglected minus managed
    en, zh = summary["sentences"]["en"], summary["sentences"]["zh"]
    assert en[0].startswith("managed keeps the group alive longer than neglected")
    assert re.search(r"\d+ days more \(95% CI \d+–\d+ days; log-rank p < 0\.001; 60 replicates each\)", en[0])
    assert zh[0].startswith("managed 比 neglected 让群活得更久")
    assert any("value contributors" in s for s in en)
    life = summary["per_scenario"]["managed"]["lifespan"]
    assert life["median"]["estimate"] is None and not life["median_reached"]  # most outlive the horizon
    assert set(life["alive_at"]) == {"21", "90"}


def test_indistinguishable_scenarios_are_said_to_be_so():
    runs = pd.concat([runs_of("a", 30, seed=2), runs_of("b", 30, seed=3)], ignore_index=True)
    summary = compare_summary(runs, daily_of(runs), manifest(["a", "b"]), n_resamples=999)
    assert summary["comparisons"][0]["logrank"]["pvalue"] > 0.05
    assert "cannot be told apart" in summary["sentences"]["en"][0]
    assert "无法区分" in summary["sentences"]["zh"][0]


def test_failed_runs_are_left_out_counted_and_listed():
    runs = pd.concat([runs_of("a", 50, failed=3), runs_of("b", 20, seed=4)], ignore_index=True)
    summary = compare_summary(runs, daily_of(runs), manifest(["a", "b"]), n_resamples=999)
    assert summary["per_scenario"]["a"]["runs"] == {"total": 60, "ok": 57, "failed": 3}
    assert len(summary["failures"]) == 3 and summary["failures"][0]["error"] == "RuntimeError: boom"
    assert "3 runs failed" in summary["sentences"]["en"][-1]


def test_one_scenario_is_a_plain_batch():
    runs = runs_of("solo", 40)
    summary = compare_summary(runs, daily_of(runs), manifest(["solo"]), n_resamples=999)
    assert summary["comparisons"] == []
    assert summary["sentences"]["en"][0].startswith("Across 60 replicates of solo")


def test_report_is_self_contained_and_shows_curves_bands_table_and_sentences():
    runs = pd.concat([runs_of("managed", 400), runs_of("neglected", 15, seed=1, failed=2)], ignore_index=True)
    daily = daily_of(runs)
    summary = compare_summary(runs, daily, manifest(["managed", "neglected"]), n_resamples=999)
    html = build_page(summary, runs, daily).render()
    assert html.count("<script") >= 4  # plotly.js once, then one per figure
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?https?:", html)
    assert "Plotly" in html and html.count("plotly.js v") <= 1
    for text in (
        "Kaplan",
        "log-rank",
        "Value contributors over time",
        "Value output over time",
        "Summary table",
        "Failed runs",
        summary["sentences"]["en"][0][:60],
        summary["sentences"]["zh"][0][:20],
    ):
        assert text in html, text
    assert "neglected − managed" in html
