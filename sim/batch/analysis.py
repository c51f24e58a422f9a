"""The statistics of a comparison, computed from its tables (never from a live model).

`compare_summary(runs, daily, manifest)` returns the content of summary.json: per scenario,
the Kaplan-Meier lifespan (median with interval, restricted mean, share alive on given days)
and the spread of the headline measures across replicates; per scenario against the first
(the reference), a log-rank test, the difference in restricted mean lifespan and the
differences in medians with bootstrap intervals; and plain sentences in English and Chinese.

Only successful runs enter the statistics; failed runs are counted and listed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim import stats
from sim.batch.worker import STATUS_OK

CONFIDENCE = 0.95
N_RESAMPLES = 4999
#: Days on which the share of groups still alive is reported (plus the horizon). 21 days is
#: the lifecycle yardstick of the brief (an active group usually lives beyond 21 days).
SURVIVAL_DAYS = (21, 90)
#: Per-run measures shown in the summary table (those present in the runs table), in order.
#: Contributor counts at report days are added in front of these.
MEASURES: tuple[tuple[str, str, str], ...] = (
    ("value_posts_total", "value posts, whole run", "价值内容总数"),
    ("value_posts_per_member", "value posts per member", "人均价值内容"),
    ("peak_members", "peak members (vanity)", "人数峰值（虚荣指标）"),
    ("final_members", "members at the end (vanity)", "最终人数（虚荣指标）"),
    ("muted_share_final", "share muted at the end", "最终屏蔽比例"),
    ("referral_share", "share of joiners who were referred", "转介绍入群占比"),
    ("operator_cost_yuan", "operator cost (yuan)", "运营成本（元）"),
    ("value_posts_per_1000_yuan", "value posts per 1,000 yuan", "每千元价值内容"),
)
_AT_DAY = re.compile(r"^(value_contributors|sustained_contributors)_at_(\d+)$")


def compare_summary(
    runs: pd.DataFrame,
    daily: pd.DataFrame | None,
    manifest: Mapping[str, Any],
    *,
    confidence: float = CONFIDENCE,
    n_resamples: int = N_RESAMPLES,
) -> dict[str, Any]:
    """The statistics and sentences of a compare (the content of summary.json). See the module doc."""
    identity = manifest["identity"]
    labels = [s["label"] for s in identity["scenarios"]]
    horizons = {label: int(manifest["scenarios"][label]["horizon"]["days"]) for label in labels}
    root_seed = int(identity["root_seed"])
    measures = measure_columns(runs.columns, max(horizons.values()))
    per_scenario, comparisons = compare_statistics(
        runs, labels, horizons, measures, root_seed, confidence=confidence, n_resamples=n_resamples
    )
    summary = {
        "kind": identity["kind"],
        "root_seed": root_seed,
        "replicates": manifest.get("details", {}).get("replicates"),
        "version": identity.get("version"),
        "code_fingerprint": identity.get("code_fingerprint"),
        "scenarios": [
            {
                **s,
                "horizon_days": horizons[s["label"]],
                "description": manifest["scenarios"][s["label"]].get("description", {}),
            }
            for s in identity["scenarios"]
        ],
        "reference": labels[0],
        "confidence": confidence,
        "measures": [{"column": c, "en": en, "zh": zh} for c, en, zh in measures],
        "per_scenario": per_scenario,
        "comparisons": comparisons,
        "failures": failure_list(runs),
        "method": METHOD,
    }
    summary["sentences"] = sentences(summary)
    return summary


def compare_statistics(
    runs: pd.DataFrame,
    labels: Sequence[str],
    horizons: Mapping[str, int],
    measures: Sequence[tuple[str, str, str]],
    root_seed: int,
    *,
    confidence: float,
    n_resamples: int,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """From every run of a compare: the statistics of each scenario's successful runs with its run
    counts (by label), and each later scenario compared with the first (the reference)."""
    settings = {"confidence": confidence, "n_resamples": n_resamples}
    ok = runs[runs["status"] == STATUS_OK] if len(runs) else runs
    by_label = {label: ok[ok["scenario"] == label] for label in labels}
    per_scenario = {}
    for label in labels:
        per_scenario[label] = scenario_statistics(
            by_label[label], horizons[label], measures, root_seed, label, **settings
        )
        total = int((runs["scenario"] == label).sum()) if len(runs) else 0
        ok_runs = len(by_label[label])
        per_scenario[label]["runs"] = {"total": total, "ok": ok_runs, "failed": total - ok_runs}
    reference = labels[0]
    comparisons = [
        compare_pair(
            by_label[reference], by_label[other], reference, other, horizons, measures, root_seed, **settings
        )
        for other in labels[1:]
    ]
    return per_scenario, comparisons


METHOD = {
    "lifespan": "Lifespan is the last day a member posted value content before the group went "
    "horizon.dead_after_days days without any; a group still alive at the horizon is censored there.",
    "survival": "Kaplan-Meier estimate (scipy.stats.ecdf with CensoredData) with pointwise log-log confidence "
    "bands; the median's interval is where the bands cross 0.5.",
    "restricted_mean": "Restricted mean lifespan: area under the Kaplan-Meier curve up to the common horizon "
    "(a group still alive then counts the horizon); its difference has a BCa bootstrap interval.",
    "logrank": "Two-sided log-rank test (scipy.stats.logrank) of each scenario against the reference; "
    "p-values are not adjusted for multiple comparisons.",
    "differences": "Differences are scenario minus reference; medians get percentile bootstrap intervals "
    "(scipy.stats.bootstrap, independent samples).",
    "seeds": "Replicate i of every scenario uses the same seed (common random numbers), derived from the root "
    "seed with numpy.random.SeedSequence; the tests treat the samples as independent, which is "
    "conservative when they are positively correlated.",
    "after_death": "A run stops when its group is found dead. For curves over time the days after that count "
    "zero value posts and contributors, alive False, and members carried forward.",
}


def measure_columns(columns: Sequence[str], max_horizon: int) -> list[tuple[str, str, str]]:
    """The (column, English label, Chinese label) of each measure present in a runs table."""
    present = set(columns)
    at_days: dict[str, list[int]] = {}
    for column in columns:
        match = _AT_DAY.match(column)
        if match and int(match.group(2)) <= max_horizon:
            at_days.setdefault(match.group(1), []).append(int(match.group(2)))
    out: list[tuple[str, str, str]] = []
    for day in sorted(at_days.get("value_contributors", [])):
        out.append(
            (f"value_contributors_at_{day}", f"value contributors on day {day}", f"第 {day} 天价值贡献者")
        )
    for day in sorted(at_days.get("sustained_contributors", []))[-1:]:
        out.append(
            (
                f"sustained_contributors_at_{day}",
                f"sustained contributors on day {day}",
                f"第 {day} 天持续贡献者",
            )
        )
    out += [m for m in MEASURES if m[0] in present]
    return out


def _day_of(column: str) -> int | None:
    match = _AT_DAY.match(column)
    return int(match.group(2)) if match else None


def _columns_within(measures: Sequence[tuple[str, str, str]], last_day: int) -> list[str]:
    """The columns of `measures`, less those counted on a day after `last_day`."""
    return [column for column, _, _ in measures if (day := _day_of(column)) is None or day <= last_day]


def _rng(root_seed: int, *names: str) -> np.random.Generator:
    """A bootstrap generator per statistic, so adding one statistic does not move another."""
    return np.random.default_rng([root_seed, *(zlib.crc32(n.encode()) for n in names)])


def survival_days(horizon: int) -> list[int]:
    """Days on which the share still alive is reported: SURVIVAL_DAYS within the horizon, and the horizon."""
    return sorted({d for d in SURVIVAL_DAYS if d < horizon} | {horizon})


def scenario_statistics(
    runs: pd.DataFrame,
    horizon: int,
    measures: Sequence[tuple[str, str, str]],
    root_seed: int,
    label: str,
    *,
    confidence: float,
    n_resamples: int,
) -> dict[str, Any]:
    """Lifespan (Kaplan-Meier) and measure spreads of one scenario's successful runs."""
    if runs.empty:
        return {"horizon_days": horizon, "lifespan": None, "measures": {}}
    times = runs["lifespan_days"].to_numpy(dtype=np.float64)
    censored = runs["censored"].to_numpy(dtype=bool)
    median = stats.median_survival(times, censored, confidence)
    rmst = stats.restricted_mean_interval(
        times,
        censored,
        horizon,
        confidence=confidence,
        n_resamples=n_resamples,
        rng=_rng(root_seed, label, "rmst"),
    )
    lifespan = {
        "median": median.as_dict(),
        "median_reached": median.estimate is not None,
        "restricted_mean": rmst.as_dict(),
        "tau": horizon,
        "alive_at": {
            str(d): stats.survival_at(times, censored, d, confidence).as_dict()
            for d in survival_days(horizon)
        },
        "censored_share": float(censored.mean()),
        "died": int((~censored).sum()),
    }
    spreads = {
        column: stats.spread(pd.to_numeric(runs[column], errors="coerce").to_numpy(dtype=np.float64))
        for column in _columns_within(measures, horizon)
    }
    return {"horizon_days": horizon, "lifespan": lifespan, "measures": spreads}


def compare_pair(
    reference: pd.DataFrame,
    other: pd.DataFrame,
    ref_label: str,
    other_label: str,
    horizons: Mapping[str, int],
    measures: Sequence[tuple[str, str, str]],
    root_seed: int,
    *,
    confidence: float,
    n_resamples: int,
) -> dict[str, Any]:
    """`other` against `reference`: log-rank test, restricted-mean difference, median differences."""
    tau = min(horizons[ref_label], horizons[other_label])
    out: dict[str, Any] = {
        "scenario": other_label,
        "reference": ref_label,
        "tau": tau,
        "logrank": {"statistic": None, "pvalue": None},
        "restricted_mean_difference": {"estimate": None, "low": None, "high": None},
        "differences": {},
    }
    if reference.empty or other.empty:
        return out
    rng = _rng(root_seed, other_label, ref_label, "rmst")
    out.update(
        lifespan_comparison(reference, other, ref_label, other_label, tau, confidence, n_resamples, rng)
    )
    for column in _columns_within(measures, tau):
        out["differences"][column] = stats.bootstrap_difference(
            pd.to_numeric(other[column], errors="coerce").to_numpy(np.float64),
            pd.to_numeric(reference[column], errors="coerce").to_numpy(np.float64),
            "median",
            confidence=confidence,
            n_resamples=n_resamples,
            rng=_rng(root_seed, other_label, ref_label, column),
        ).as_dict()
    return out


def lifespan_comparison(
    reference: pd.DataFrame,
    other: pd.DataFrame,
    ref_label: str,
    other_label: str,
    tau: int,
    confidence: float,
    n_resamples: int,
    rng: np.random.Generator,
) -> dict[str, Any]:
    """The lifespans of `other` against `reference` (successful runs, neither empty): the log-rank
    test, each one's restricted mean lifespan and share alive on day `tau`, and the difference in
    restricted means (other minus reference, days) with its bootstrap interval drawn from `rng`."""
    ta, ca = reference["lifespan_days"].to_numpy(np.float64), reference["censored"].to_numpy(bool)
    tb, cb = other["lifespan_days"].to_numpy(np.float64), other["censored"].to_numpy(bool)
    statistic, pvalue = stats.logrank(tb, cb, ta, ca)
    difference = stats.restricted_mean_difference(
        tb, cb, ta, ca, tau, confidence=confidence, n_resamples=n_resamples, rng=rng
    )
    return {
        "logrank": {"statistic": statistic, "pvalue": pvalue},
        "restricted_means": {
            ref_label: stats.restricted_mean(ta, ca, tau),
            other_label: stats.restricted_mean(tb, cb, tau),
        },
        "alive_at_tau": {
            ref_label: stats.survival_at(ta, ca, tau, confidence).estimate,
            other_label: stats.survival_at(tb, cb, tau, confidence).estimate,
        },
        "restricted_mean_difference": difference.as_dict(),
    }


def failure_list(runs: pd.DataFrame, limit: int = 50) -> list[dict[str, Any]]:
    """The failed runs (scenario, replicate, seed, error), at most `limit`."""
    if runs.empty or "status" not in runs:
        return []
    failed = runs[runs["status"] != STATUS_OK]
    cols = [c for c in ("scenario", "replicate", "seed", "error") if c in failed.columns]
    return [
        {k: (v.item() if isinstance(v, np.generic) else v) for k, v in row.items()}
        for row in failed[cols].head(limit).to_dict("records")
    ]


# ------------------------------------------------------------------------------ sentences


def _num(x: float | None) -> str:
    if x is None:
        return "–"
    if abs(x) >= 10 or float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:.1f}"


def _p(p: float | None) -> str:
    if p is None:
        return "p undefined"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{x:.0%}"


def _median_en(life: dict[str, Any], horizon: int) -> str:
    m = life["median"]
    if m["estimate"] is None:
        return f"not reached (more than half the groups outlived the {horizon}-day horizon)"
    high = "not reached" if m["high"] is None else _num(m["high"])
    return f"{_num(m['estimate'])} days (95% CI {_num(m['low'])}–{high})"


def _median_zh(life: dict[str, Any], horizon: int) -> str:
    m = life["median"]
    if m["estimate"] is None:
        return f"未达到（超过一半的群活过了 {horizon} 天的模拟期）"
    high = "未达到" if m["high"] is None else _num(m["high"])
    return f"{_num(m['estimate'])} 天（95% 置信区间 {_num(m['low'])}–{high}）"


def _contributor_column(measures: Sequence[dict[str, str]], tau: int) -> str | None:
    """The contributor count to quote: the latest report day at or before half the horizon."""
    days = sorted(
        d
        for m in measures
        if m["column"].startswith("value_contributors_at_")
        and (d := _day_of(m["column"])) is not None
        and d <= tau
    )
    if not days:
        return None
    early = [d for d in days if d <= tau / 2]
    return f"value_contributors_at_{(early or days)[-1]}"


def sentences(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """A few plain sentences per language: which scenario keeps the group alive longer, by how
    much, how sure we are; value contributors; failures."""
    en: list[str] = []
    zh: list[str] = []
    per = summary["per_scenario"]
    if not summary["comparisons"]:
        label = summary["reference"]
        s = per[label]
        life, horizon = s["lifespan"], s["horizon_days"]
        if life is None:
            en.append(f"No run of {label} finished successfully.")
            zh.append(f"{label} 没有成功完成的模拟。")
        else:
            n = s["runs"]["ok"]
            r = life["restricted_mean"]
            alive = life["alive_at"][str(horizon)]["estimate"]
            en.append(
                f"Across {n} replicates of {label}, {_pct(alive)} of groups were still alive on day {horizon}; "
                f"median lifespan {_median_en(life, horizon)}. On average a group kept producing value for "
                f"{_num(r['estimate'])} of the first {horizon} days (95% CI {_num(r['low'])}–{_num(r['high'])})."
            )
            zh.append(
                f"{label} 的 {n} 次重复模拟中，第 {horizon} 天仍存活的群占 {_pct(alive)}；寿命中位数"
                f"{_median_zh(life, horizon)}。在前 {horizon} 天里，群平均持续产出价值 {_num(r['estimate'])} 天"
                f"（95% 置信区间 {_num(r['low'])}–{_num(r['high'])}）。"
            )
    for comp in summary["comparisons"]:
        e, z = _comparison_sentences(comp, per, summary["measures"])
        en += e
        zh += z
    failed = sum(s["runs"]["failed"] for s in per.values())
    if failed:
        en.append(
            f"{failed} run{'s' if failed != 1 else ''} failed and {'are' if failed != 1 else 'is'} left out "
            "of these figures (see 'Failed runs')."
        )
        zh.append(f"有 {failed} 次模拟失败，未计入以上结果（见“失败的模拟”）。")
    return {"en": en, "zh": zh}


def _comparison_sentences(
    comp: Mapping[str, Any], per: Mapping[str, Any], measures: Sequence[dict[str, str]]
) -> tuple[list[str], list[str]]:
    """The English and Chinese sentences on one comparison (`comp`, from `compare_pair`): lifespan,
    the share alive on day tau with the median lifespans, then value contributors where recorded."""
    ref, other = comp["reference"], comp["scenario"]
    a, b = per[ref], per[other]
    if a["lifespan"] is None or b["lifespan"] is None:
        return (
            [f"{ref} and {other} cannot be compared: one of them has no successful run."],
            [f"{ref} 与 {other} 无法比较：其中一个没有成功完成的模拟。"],
        )
    pairs = [_lifespan_sentence(comp, a, b), _alive_sentence(comp, a, b)]
    contributors = _contributor_sentence(comp, a, b, measures)
    if contributors:
        pairs.append(contributors)
    return [en for en, _ in pairs], [zh for _, zh in pairs]


def _lifespan_sentence(
    comp: Mapping[str, Any], a: Mapping[str, Any], b: Mapping[str, Any]
) -> tuple[str, str]:
    """Which scenario keeps the group alive longer and by how much, when the restricted-mean
    difference's interval excludes zero and the log-rank p is below 0.05; else that the two
    cannot be told apart. `a` and `b` are the reference's and the other's statistics."""
    n_a, n_b = a["runs"]["ok"], b["runs"]["ok"]
    reps = f"{n_a} replicates each" if n_a == n_b else f"{n_a} and {n_b} replicates"
    reps_zh = f"每组 {n_a} 次重复" if n_a == n_b else f"分别 {n_a} 和 {n_b} 次重复"
    d, p = comp["restricted_mean_difference"], comp["logrank"]["pvalue"]
    clear = (
        d["low"] is not None
        and d["high"] is not None
        and (d["low"] > 0 or d["high"] < 0)
        and p is not None
        and p < 0.05
    )
    return (_longer_sentence if clear else _undecided_sentence)(comp, reps, reps_zh)


def _longer_sentence(comp: Mapping[str, Any], reps: str, reps_zh: str) -> tuple[str, str]:
    """'<longer> keeps the group alive longer than <shorter>: ... days more (95% CI ...)'."""
    ref, other, tau = comp["reference"], comp["scenario"], comp["tau"]
    d, p = comp["restricted_mean_difference"], comp["logrank"]["pvalue"]
    mean_a, mean_b = comp["restricted_means"][ref], comp["restricted_means"][other]
    longer, shorter = (other, ref) if d["estimate"] > 0 else (ref, other)
    m_long, m_short = (mean_b, mean_a) if longer == other else (mean_a, mean_b)
    lo, hi = sorted((abs(d["low"]), abs(d["high"])))
    return (
        f"{longer} keeps the group alive longer than {shorter}: over the first {tau} days a {longer} group "
        f"kept producing value for {_num(m_long)} days on average, against {_num(m_short)} for {shorter} — "
        f"{_num(abs(d['estimate']))} days more (95% CI {_num(lo)}–{_num(hi)} days; log-rank {_p(p)}; {reps}).",
        f"{longer} 比 {shorter} 让群活得更久：在前 {tau} 天里，{longer} 的群平均持续产出价值 {_num(m_long)} 天，"
        f"{shorter} 为 {_num(m_short)} 天，多 {_num(abs(d['estimate']))} 天（95% 置信区间 {_num(lo)}–{_num(hi)} 天；"
        f"log-rank 检验 {_p(p)}；{reps_zh}）。",
    )


def _undecided_sentence(comp: Mapping[str, Any], reps: str, reps_zh: str) -> tuple[str, str]:
    """'With <reps>, <ref> and <other> cannot be told apart on lifespan: ...' with the difference."""
    ref, other, tau = comp["reference"], comp["scenario"], comp["tau"]
    d, p = comp["restricted_mean_difference"], comp["logrank"]["pvalue"]
    mean_a, mean_b = comp["restricted_means"][ref], comp["restricted_means"][other]
    return (
        f"With {reps}, {ref} and {other} cannot be told apart on lifespan: {_num(mean_a)} against "
        f"{_num(mean_b)} days of value on average over the first {tau} days (difference {other} minus {ref}: "
        f"{_num(d['estimate'])} days, 95% CI {_num(d['low'])} to {_num(d['high'])}; log-rank {_p(p)}). "
        "More replicates would narrow this down.",
        f"{reps_zh}时，{ref} 与 {other} 的寿命无法区分：前 {tau} 天平均持续产出价值 {_num(mean_a)} 天对 "
        f"{_num(mean_b)} 天（{other} 减 {ref}：{_num(d['estimate'])} 天，95% 置信区间 {_num(d['low'])} 至 "
        f"{_num(d['high'])}；log-rank 检验 {_p(p)}）。增加重复次数可以缩小不确定性。",
    )


def _alive_sentence(comp: Mapping[str, Any], a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[str, str]:
    """The share of each scenario's groups alive on day tau, and their median lifespans."""
    ref, other, tau = comp["reference"], comp["scenario"], comp["tau"]
    alive_a, alive_b = comp["alive_at_tau"][ref], comp["alive_at_tau"][other]
    return (
        f"On day {tau}, {_pct(alive_a)} of {ref} groups and {_pct(alive_b)} of {other} groups were still alive. "
        f"Median lifespan: {ref} {_median_en(a['lifespan'], a['horizon_days'])}; "
        f"{other} {_median_en(b['lifespan'], b['horizon_days'])}.",
        f"第 {tau} 天仍存活的群：{ref} {_pct(alive_a)}，{other} {_pct(alive_b)}。寿命中位数："
        f"{ref} {_median_zh(a['lifespan'], a['horizon_days'])}；{other} {_median_zh(b['lifespan'], b['horizon_days'])}。",
    )


def _contributor_sentence(
    comp: Mapping[str, Any], a: Mapping[str, Any], b: Mapping[str, Any], measures: Sequence[dict[str, str]]
) -> tuple[str, str] | None:
    """The median value contributors of each scenario on the report day `_contributor_column`
    picks, with their 10-90% spread and the difference; None when not recorded for both."""
    ref, other = comp["reference"], comp["scenario"]
    column = _contributor_column(measures, comp["tau"])
    if not (column and column in a["measures"] and column in b["measures"] and column in comp["differences"]):
        return None
    day = _day_of(column)
    sa, sb, diff = a["measures"][column], b["measures"][column], comp["differences"][column]
    return (
        f"On day {day}, {ref} had a median of {_num(sa['median'])} value contributors (10–90% of runs: "
        f"{_num(sa['p10'])}–{_num(sa['p90'])}) and {other} {_num(sb['median'])} ({_num(sb['p10'])}–"
        f"{_num(sb['p90'])}); {other} minus {ref}: {_num(diff['estimate'])} "
        f"(95% CI {_num(diff['low'])} to {_num(diff['high'])}).",
        f"第 {day} 天，{ref} 的价值贡献者中位数为 {_num(sa['median'])}（10%–90% 的模拟：{_num(sa['p10'])}–"
        f"{_num(sa['p90'])}），{other} 为 {_num(sb['median'])}（{_num(sb['p10'])}–{_num(sb['p90'])}）；"
        f"{other} 减 {ref}：{_num(diff['estimate'])}（95% 置信区间 {_num(diff['low'])} 至 {_num(diff['high'])}）。",
    )
