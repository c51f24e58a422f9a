"""The report of an optimisation: the best strategy per budget, confirmed, and how the search went.

Sections: the plain sentences (English and Chinese); the answer per budget level - the best
confirmed strategy next to the baseline, with 95% intervals and the paired difference; every
confirmed strategy; the Pareto front of cost against the value objective (every trial, hover for
its levers; the confirmed strategies and the baseline with their intervals; the budget levels);
the optimisation history; Optuna's parameter importances; and how it was all computed.
Self-contained HTML (plotly.js inline), readable offline.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.batch.store import replace_atomically
from sim.figures import colour
from sim.optimize.confirm import CONFIDENCE, FRESH_OFFSET
from sim.optimize.metrics import label
from sim.optimize.run import OptimizationResult
from sim.optimize.spec import OptimizeSpec
from sim.optimize.study import study_name
from sim.optimize.summary import SAMPLER_NAMES, fmt
from sim.report.page import Page

REPORT_FILE = "report.html"


def write_optimize_report(result: OptimizationResult) -> Path:
    """Write report.html in the optimisation's folder (atomically); returns its path."""
    page = build_page(result)
    target = Path(result.folder) / REPORT_FILE
    replace_atomically(target, page.write)
    return target


def _spec(result: OptimizationResult) -> OptimizeSpec:
    spec = result.experiment.optimize
    assert spec is not None
    return spec


def build_page(result: OptimizationResult) -> Page:
    """The report as a `Page` (see the module docstring for its sections)."""
    page = Page(f"groupsim optimize: {result.experiment.name}")
    _introduction(page, result)
    _answers_section(page, result)
    _front_section(page, result)
    page.heading("Every confirmed strategy 复核的所有策略")
    page.table(*confirmed_table(result))
    page.heading("Optimisation history 优化过程")
    page.figure(history_figure(result))
    _importance_section(page, result)
    page.heading("Levers 参数")
    page.table(
        ["lever 参数", "kind", "searched over", "unit", "baseline value 基准值", "meaning"],
        [
            [p.path, p.kind, p.describe(), p.unit, _show(base_value(result, p.path)), p.doc]
            for p in result.experiment.parameters
        ],
    )
    page.heading("How these numbers were computed 计算方法")
    for text in method_notes(result):
        page.paragraph(text, css="note")
    return page


def _introduction(page: Page, result: OptimizationResult) -> None:
    """What was run (trials, replicates, sampler, seeds, confirmation, code), the description and
    the sentences in English and Chinese."""
    experiment, spec, summary = result.experiment, _spec(result), result.summary
    page.paragraph(
        f"{summary['trials']['told']} trials × {experiment.replicates} replicates · {SAMPLER_NAMES[spec.sampler]} "
        f"(seed {spec.sampler_seed}, batches of {spec.batch}) · base scenario {experiment.base.name} · root seed "
        f"{experiment.root_seed} · confirmation: top {spec.confirm_top} per budget level × "
        f"{spec.confirm_replicates} fresh replicates · experiment hash {summary['experiment_hash']} · code "
        f"fingerprint {summary['code_fingerprint']}",
        css="meta",
    )
    if experiment.description:
        page.paragraph(experiment.description, css="note")
    for language in ("en", "zh"):
        page.lead(summary["sentences"][language])


def _answers_section(page: Page, result: OptimizationResult) -> None:
    """The best confirmed strategy per budget level next to the baseline, and how to read it."""
    page.heading("The best strategy per budget 各预算下的最佳策略")
    page.table(*answers_table(result))
    page.paragraph(
        f"Confirmed means over {_spec(result).confirm_replicates} runs on fresh seeds, with {CONFIDENCE:.0%} "
        "bootstrap intervals; the difference is paired with the baseline replicate by replicate (same seeds) and "
        "tested with the Wilcoxon signed-rank test. 复核值为新种子上的平均值及 95% 区间；差值与基准逐次配对。 "
        "Each best strategy is written out as a scenario file: groupsim run best/<file>.yaml.",
        css="note",
    )


def _front_section(page: Page, result: OptimizationResult) -> None:
    """Cost against the value objective: every trial, the confirmed strategies, the budget levels."""
    experiment, spec = result.experiment, _spec(result)
    page.heading("Cost against value 成本与价值")
    page.figure(front_figure(result))
    page.paragraph(
        f"Every trial: its mean cost ({spec.cost_metric}) and {label(spec.primary.metric)} over its "
        f"{experiment.replicates} replicates (hover for its levers). Grey crosses broke a constraint; the line "
        "joins the feasible trials no other beats on both. Diamonds and the star are the confirmed strategies "
        "and the baseline, with their intervals on fresh seeds - often away from the search figure, which "
        "picked the trials that were partly lucky (the winner's curse). Dashed lines: the budget levels. 每个点是一次试验；菱形与星形为复核结果。",
        css="note",
    )


def _importance_section(page: Page, result: OptimizationResult) -> None:
    """Optuna's parameter importances, or why there are none."""
    page.heading("What mattered 参数重要性")
    if not result.importances:
        page.paragraph("Too few complete trials to compute parameter importances.", css="note")
        return
    page.figure(importance_figure(result))
    page.paragraph(
        "Optuna's parameter importances (its default evaluator, PED-ANOVA) over the complete trials: the "
        "share of each lever in what separates the better trials from the rest, for each objective. They "
        "describe where the search went, not causal effects; a sweep (groupsim sweep, analyze) measures those.",
        css="note",
    )


def base_value(result: OptimizationResult, path: str) -> Any:
    """The value of lever `path` in the baseline (the base scenario with `set:`)."""
    node: Any = result.experiment.base
    for part in path.split("."):
        node = getattr(node, part)
    return node


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(table: pd.DataFrame, strategy: str, metric: str, diff: bool = False) -> str:
    row = table[(table["strategy"] == strategy) & (table["metric"] == metric)]
    if row.empty:
        return "–"
    r = row.iloc[0]
    if diff:
        if not math.isfinite(r["diff"]):
            return "–"
        p = f", p = {r['p_value']:.2g}" if math.isfinite(r["p_value"]) else ""
        return f"{_signed(metric, r['diff'])} [{_signed(metric, r['diff_low'])}, {_signed(metric, r['diff_high'])}]{p}"
    return f"{fmt(metric, r['mean'])} [{fmt(metric, r['low'])}, {fmt(metric, r['high'])}]"


def _signed(metric: str, value: float) -> str:
    text = fmt(metric, value)
    return text if text.startswith("-") or text == "–" else f"+{text}"


def answers_table(result: OptimizationResult) -> tuple[list[str], list[list[str]]]:
    """One row per budget level (its best strategy) plus the baseline."""
    spec, table = _spec(result), result.confirmed
    primary = spec.primary.metric
    others = [o.metric for o in spec.objectives[1:] if o.metric != spec.cost_metric]
    header = [
        "budget 预算",
        "strategy 策略",
        "levers 参数",
        f"{label(primary)} {label(primary, 'zh')}",
        "vs baseline 与基准之差",
        *[label(m) for m in others],
        f"{label(spec.cost_metric)}",
        "operator hours/day 每日工时",
        "scenario file 场景文件",
    ]
    rows = []
    for answer in result.best:
        budget = "none 不限" if answer.level is None else f"{answer.level:,.0f} yuan"
        c = answer.candidate
        if c is None:
            rows.append([budget, answer.reason, "", "", "", *["" for _ in others], "", "", ""])
            continue
        path = result.best_files.get(answer.level)
        rows.append(
            [
                budget,
                c.name,
                "; ".join(f"{k} = {_show(v)}" for k, v in c.params.items()),
                _cell(table, c.name, primary),
                _cell(table, c.name, primary, diff=True),
                *[_cell(table, c.name, m) for m in others],
                _cell(table, c.name, spec.cost_metric),
                _cell(table, c.name, "operator_hours_per_day"),
                f"best/{path.name}" if path else "",
            ]
        )
    rows.append(
        [
            "baseline 基准",
            result.experiment.base.name,
            "as in the base scenario 与基准场景相同",
            _cell(table, "baseline", primary),
            "",
            *[_cell(table, "baseline", m) for m in others],
            _cell(table, "baseline", spec.cost_metric),
            _cell(table, "baseline", "operator_hours_per_day"),
            "",
        ]
    )
    return header, rows


def confirmed_table(result: OptimizationResult) -> tuple[list[str], list[list[str]]]:
    """One row per confirmed strategy and metric: search mean, confirmed mean, difference."""
    spec, table = _spec(result), result.confirmed
    searched = {c.name: c.searched for c in result.candidates}
    levels = {c.name: c.levels for c in result.candidates}
    header = [
        "strategy 策略",
        "candidate for budget",
        "metric 指标",
        f"search mean ({result.experiment.replicates} runs) 搜索值",
        "confirmed mean [95%] 复核值",
        "vs baseline [95%] 与基准之差",
    ]
    rows = []
    for name in ["baseline", *(c.name for c in result.candidates)]:
        for metric in spec.metrics():
            found = searched.get(name, {}).get(metric)
            budget = ", ".join("none" if lv is None else f"{lv:,.0f}" for lv in levels.get(name, ()))
            rows.append(
                [
                    name,
                    budget,
                    f"{label(metric)} {label(metric, 'zh')}",
                    "–" if found is None else fmt(metric, found),
                    _cell(table, name, metric),
                    _cell(table, name, metric, diff=True),
                ]
            )
    return header, rows


def _hover(trials: pd.DataFrame, result: OptimizationResult) -> list[str]:
    """Hover text per trial: its number, levers and metric means."""
    spec = _spec(result)
    out = []
    for record in trials.to_dict("records"):
        levers = "<br>".join(f"{p} = {_show(record[p])}" for p in result.experiment.paths)
        metrics = "<br>".join(f"{label(m)}: {fmt(m, record[m])}" for m in spec.metrics())
        out.append(f"trial {record['trial']}<br>{levers}<br>—<br>{metrics}")
    return out


def front_figure(result: OptimizationResult) -> go.Figure:
    """Cost (x) against the value objective (y): trials, the front, confirmed strategies, budgets."""
    spec, trials = _spec(result), result.trials
    cost, value = spec.cost_metric, spec.primary.metric
    done = trials[trials["state"] == "complete"]
    fig = go.Figure()
    for ok, name, symbol, tint in (
        (True, "feasible trials", "circle", colour(0, 0.55)),
        (False, "infeasible", "x", "#bbbbbb"),
    ):
        part = done[done["feasible"] == ok]
        if len(part):
            fig.add_trace(
                go.Scatter(
                    x=part[cost],
                    y=part[value],
                    mode="markers",
                    name=name,
                    text=_hover(part, result),
                    hoverinfo="text",
                    marker={"symbol": symbol, "color": tint, "size": 7},
                )
            )
    front = done[done["front"]].sort_values(cost)
    if len(front):
        fig.add_trace(
            go.Scatter(
                x=front[cost],
                y=front[value],
                mode="lines+markers",
                name="cost-value front",
                line={"color": colour(0), "shape": "hv"},
                marker={"color": colour(0), "size": 9},
                text=_hover(front, result),
                hoverinfo="text",
            )
        )
    _confirmed_points(fig, result, cost, value)
    for level in spec.budgets:
        fig.add_vline(x=level, line_dash="dash", line_color="#888", annotation_text=f"{level:,.0f} yuan")
    fig.update_layout(
        height=520,
        xaxis_title=f"{label(cost)} {label(cost, 'zh')}",
        yaxis_title=f"{label(value)} {label(value, 'zh')}",
        legend={"orientation": "h", "y": -0.18},
        margin={"t": 30},
    )
    return fig


def _confirmed_points(fig: go.Figure, result: OptimizationResult, cost: str, value: str) -> None:
    table = result.confirmed
    names = ["baseline", *(c.name for c in result.candidates)]
    params = {c.name: c.params for c in result.candidates}
    for i, name in enumerate(names):
        rows = table[table["strategy"] == name].set_index("metric")
        if rows.empty:
            continue
        x, y = rows.loc[cost], rows.loc[value]
        levers = (
            "<br>".join(f"{k} = {_show(v)}" for k, v in params.get(name, {}).items()) or "the base scenario"
        )
        fig.add_trace(
            go.Scatter(
                x=[x["mean"]],
                y=[y["mean"]],
                mode="markers",
                name=f"{name} (confirmed)",
                marker={
                    "symbol": "star" if name == "baseline" else "diamond",
                    "size": 14,
                    "color": "#222" if name == "baseline" else colour(i + 1),
                },
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [x["high"] - x["mean"]],
                    "arrayminus": [x["mean"] - x["low"]],
                },
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [y["high"] - y["mean"]],
                    "arrayminus": [y["mean"] - y["low"]],
                },
                text=[
                    f"{name}, confirmed on fresh seeds<br>{levers}<br>{label(value)}: {fmt(value, y['mean'])} "
                    f"[{fmt(value, y['low'])}, {fmt(value, y['high'])}]<br>{label(cost)}: {fmt(cost, x['mean'])}"
                ],
                hoverinfo="text",
            )
        )


def history_figure(result: OptimizationResult) -> go.Figure:
    """Each objective's value per trial (feasible and infeasible), and the best feasible so far."""
    spec, trials = _spec(result), result.trials
    done = trials[trials["state"] == "complete"].sort_values("trial")
    fig = go.Figure()
    primary = spec.primary
    for ok, name, tint in ((True, "feasible", colour(0, 0.7)), (False, "infeasible", "#bbbbbb")):
        part = done[done["feasible"] == ok]
        if len(part):
            fig.add_trace(
                go.Scatter(
                    x=part["trial"],
                    y=part[primary.metric],
                    mode="markers",
                    name=name,
                    marker={"color": tint},
                    text=_hover(part, result),
                    hoverinfo="text",
                )
            )
    feasible = done[done["feasible"]]
    if len(feasible):
        values = primary.sign * feasible[primary.metric].to_numpy()
        best = primary.sign * np.maximum.accumulate(values)
        fig.add_trace(
            go.Scatter(
                x=feasible["trial"],
                y=best,
                mode="lines",
                name="best so far 目前最佳",
                line={"color": colour(1), "shape": "hv"},
            )
        )
    fig.update_layout(
        height=380,
        xaxis_title="trial 试验",
        margin={"t": 30},
        yaxis_title=f"{label(primary.metric)} {label(primary.metric, 'zh')}",
    )
    return fig


def importance_figure(result: OptimizationResult) -> go.Figure:
    """Horizontal bars: each lever's importance for each objective."""
    fig = go.Figure()
    paths = result.experiment.paths[::-1]
    for i, (metric, values) in enumerate(result.importances.items()):
        fig.add_trace(
            go.Bar(
                y=paths,
                x=[values.get(p, 0.0) for p in paths],
                orientation="h",
                name=f"{label(metric)} {label(metric, 'zh')}",
                marker={"color": colour(i)},
            )
        )
    fig.update_layout(
        height=120 + 40 * len(paths) * max(1, len(result.importances)),
        barmode="group",
        xaxis_title="importance (share) 重要性",
        margin={"t": 30},
    )
    return fig


def method_notes(result: OptimizationResult) -> list[str]:
    spec, experiment = _spec(result), result.experiment
    cost_text = (
        "operator_cost_yuan: everything the operator spends over the horizon, operator hours counted at "
        "operator.hourly_cost_yuan"
        if spec.budget_counts_hours
        else "cash_cost_yuan: what is paid out over the horizon (red packets, rewards, KOL and KOC fees, events, "
        "prizes, gifts), the operator's own hours not counted"
    )
    bounds = "; ".join(b.describe() for b in spec.bounds) or "none"
    return [
        f"A trial is one setting of the levers, run {experiment.replicates} times with common random numbers "
        "(replicate i of every trial uses the same seed); its value for each metric is the mean over its "
        f"replicates. Objectives: {', '.join(f'{o.direction} {o.metric}' for o in spec.objectives)}. Constraints "
        f"(on those means): {bounds}. Budgets are on {cost_text}. Operator hours per day: hours used (SOP, "
        "vetting, red packets, events) per simulated day; a run stops when its group dies.",
        f"The sampler ({SAMPLER_NAMES[spec.sampler]}) proposes {spec.batch} trials at a time; trial n's sampler "
        f"is seeded with ({spec.sampler_seed}, n), so the trials depend only on the experiment file - not on the "
        "executor, the number of workers or interruptions. Infeasible trials are Optuna's constrained trials "
        "(Trial.set_constraint), which both samplers steer away from.",
        f"Confirmation: the best {spec.confirm_top} feasible trials per budget level (by the first objective, mean "
        f"cost within the level) and the baseline are re-run {spec.confirm_replicates} times on seeds no trial "
        f"used (replicate indices from {FRESH_OFFSET:,}); the best strategy of a level is the one with the best "
        "confirmed value whose confirmed means keep every constraint at that level.",
        "Tables beside this report: trials.parquet (one row per trial), runs.parquet (one per run), "
        "confirmed.csv, summary.json, study.db (the Optuna study: optuna.load_study(storage='sqlite:///study.db', "
        f"study_name='{study_name(experiment)}')) and best/*.yaml.",
    ]
