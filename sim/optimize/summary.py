"""The optimiser's answer in a few plain sentences, in English and Chinese."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.optimize.confirm import confirmed_means, keeps_constraints
from sim.optimize.metrics import COST, label, survival_day

if TYPE_CHECKING:
    from sim.optimize.run import OptimizationResult

SAMPLER_NAMES = {"tpe": "TPE", "nsga2": "NSGA-II"}


def fmt(metric: str, value: float | None) -> str:
    """A metric's value for a sentence: shares as percentages, money and counts readably."""
    if value is None or not math.isfinite(value):
        return "–"
    if survival_day(metric) is not None:
        return f"{value:.0%}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 1 else f"{value:.2g}"


def _levers(params: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {_value(v)}" for k, v in params.items())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def sentences(result: OptimizationResult) -> dict[str, list[str]]:
    """The headline sentences: the search, then per budget level the confirmed answer against the
    baseline (and what the search had promised), then what mattered most."""
    en: list[str] = []
    zh: list[str] = []
    _search(result, en, zh)
    for answer in result.best:
        _answer(result, answer, en, zh)
    _importance(result, en, zh)
    return {"en": en, "zh": zh}


def _search(result: OptimizationResult, en: list[str], zh: list[str]) -> None:
    spec, table = result.experiment.optimize, result.trials
    assert spec is not None
    told = int(table["state"].isin(["complete", "failed"]).sum())
    feasible = int(table["feasible"].sum())
    r = result.experiment.replicates
    sampler = SAMPLER_NAMES[spec.sampler]
    en.append(
        f"{told} strategies were tried ({sampler}, {r} replicates each, common random numbers); "
        f"{feasible} kept to the constraints."
    )
    zh.append(f"共尝试 {told} 个策略（{sampler}，每个 {r} 次重复，共用随机数），其中 {feasible} 个满足约束。")


def _answer(result: OptimizationResult, answer: Any, en: list[str], zh: list[str]) -> None:
    """The sentences on one budget level (`answer`, a `Best`): its best strategy confirmed against
    the baseline, what the search had promised, and the candidates that did as well; or that no
    strategy kept the constraints once confirmed."""
    spec = result.experiment.optimize
    assert spec is not None
    level = answer.level
    what = "including operator hours" if spec.cost_metric == COST else "cash only"
    what_zh = "含运营工时" if spec.cost_metric == COST else "仅现金"
    under = "Without a budget" if level is None else f"Under a budget of {level:,.0f} yuan ({what})"
    under_zh = "不限预算时" if level is None else f"预算 {level:,.0f} 元（{what_zh}）以内"
    candidate = answer.candidate
    if candidate is None:
        en.append(f"{under}, no strategy tried kept to the constraints once confirmed on fresh seeds.")
        zh.append(f"{under_zh}，没有一个策略在新种子复核后仍满足约束。")
        return
    primary = spec.primary.metric
    mine = _confirmed_row(result.confirmed, candidate.name, primary)
    _confirmed_answer(result, candidate, under, under_zh, en, zh)
    searched = candidate.searched.get(primary)
    r = result.experiment.replicates
    en.append(
        f"In the search ({r} replicates) it had scored {fmt(primary, searched)}; on fresh seeds "
        f"{fmt(primary, mine['mean'])} - the figure to plan with."
    )
    zh.append(
        f"搜索阶段（{r} 次重复）它的成绩是 {fmt(primary, searched)}；新种子上复核为 {fmt(primary, mine['mean'])}，"
        "应以后者为准。"
    )
    close = _as_good(result, answer, mine)
    if close:
        en.append(f"Within the confirmation's precision (the 95% interval), {close} did as well.")
        zh.append(f"在复核精度（95% 区间）内，{close} 的效果与之相当。")


def _confirmed_row(table: pd.DataFrame, strategy: str, metric: str) -> pd.Series:
    """The confirmed statistics of `metric` for `strategy` (a candidate's name, or "baseline")."""
    return table[(table["strategy"] == strategy) & (table["metric"] == metric)].iloc[0]


def _confirmed_answer(
    result: OptimizationResult, candidate: Any, under: str, under_zh: str, en: list[str], zh: list[str]
) -> None:
    """'<under>, the best strategy is trial N: <levers>', with its confirmed value of the first
    objective against the baseline's (95% intervals), the paired difference and both costs."""
    spec = result.experiment.optimize
    assert spec is not None
    table, primary, base_name = result.confirmed, spec.primary.metric, result.experiment.base.name
    mine, base = _confirmed_row(table, candidate.name, primary), _confirmed_row(table, "baseline", primary)
    cost = fmt(spec.cost_metric, _confirmed_row(table, candidate.name, spec.cost_metric)["mean"])
    base_cost = fmt(spec.cost_metric, _confirmed_row(table, "baseline", spec.cost_metric)["mean"])
    m = spec.confirm_replicates
    v = lambda x: fmt(primary, x)  # noqa: E731
    clear = not (mine["diff_low"] <= 0 <= mine["diff_high"])
    tested = math.isfinite(mine["p_value"])
    p = f"Wilcoxon p = {mine['p_value']:.2g}" if tested else "no difference in any replicate"
    p_zh = f"Wilcoxon p = {mine['p_value']:.2g}" if tested else "每次重复均无差异"
    en.append(
        f"{under}, the best strategy is trial {candidate.trial}: {_levers(candidate.params)}. "
        f"Over {m} fresh replicates it gives {v(mine['mean'])} {label(primary)} (95% interval "
        f"{v(mine['low'])} to {v(mine['high'])}) against {v(base['mean'])} ({v(base['low'])} to "
        f"{v(base['high'])}) for the baseline ({base_name}): a difference of "
        f"{v(mine['diff'])} ({v(mine['diff_low'])} to {v(mine['diff_high'])}, {p})"
        f"{'' if clear else ', which the confirmation cannot tell from zero'}. It costs "
        f"{cost} yuan on average (baseline {base_cost})."
    )
    zh.append(
        f"{under_zh}，最佳策略是第 {candidate.trial} 号试验：{_levers(candidate.params)}。"
        f"在 {m} 个新种子上复核，{label(primary, 'zh')}为 {v(mine['mean'])}（95% 区间 {v(mine['low'])}–"
        f"{v(mine['high'])}），基准（{base_name}）为 {v(base['mean'])}（{v(base['low'])}–"
        f"{v(base['high'])}），差值 {v(mine['diff'])}（{v(mine['diff_low'])} 至 {v(mine['diff_high'])}，{p_zh}）"
        f"{'' if clear else '，复核无法区分它与零'}。平均成本 {cost} 元（基准 {base_cost} 元）。"
    )


def _as_good(result: OptimizationResult, answer: Any, best: Any) -> str:
    """The other candidates of the level whose confirmed value lies within the best one's interval
    and who keep the constraints, e.g. "trial 109 (15)"; empty if none."""
    spec = result.experiment.optimize
    assert spec is not None
    primary = spec.primary.metric
    names = []
    for c in result.candidates:
        if c is answer.candidate or answer.level not in c.levels:
            continue
        means = confirmed_means(result.confirmed, c.name)
        if not keeps_constraints(spec, means, answer.level) and best["low"] <= means[primary] <= best["high"]:
            names.append(f"{c.name} ({fmt(primary, means[primary])})")
    return ", ".join(names)


def _importance(result: OptimizationResult, en: list[str], zh: list[str]) -> None:
    spec = result.experiment.optimize
    assert spec is not None
    primary = spec.primary.metric
    values = result.importances.get(primary)
    if not values:
        return
    top = sorted(values.items(), key=lambda kv: -kv[1])[:3]
    listed = ", ".join(f"{name} ({share:.0%})" for name, share in top)
    en.append(f"What mattered most for {label(primary)} across the trials (Optuna's importances): {listed}.")
    zh.append(f"在所有试验中对{label(primary, 'zh')}影响最大的参数（Optuna 参数重要性）：{listed}。")
