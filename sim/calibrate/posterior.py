"""What a calibration's history says: posterior particles, generations, summaries and the calibrated scenario.

* `posterior_table`: the last generation's particles - weight, distance, the seed of the accepted
  run, the unit coordinates (u0, u1, ...) and each parameter's value by its dotted path - and
  `draws`: how often each particle appears in an equally weighted sample of the posterior of the
  same size (systematic resampling with a fixed seed). Every later summary, band and forecast uses
  these draws, so weighted and unweighted statistics never disagree.
* `generations_table`: per generation, the tolerance, simulations, acceptance rate, effective
  sample size and wall time.
* `parameter_summaries`: median and 90% interval per parameter, and how far the data narrowed it:
  the width of the 90% posterior interval in unit coordinates over the prior's (0.9). Below 0.5
  the data *pinned the parameter down*, below 0.8 they *narrowed* it, otherwise they *said little*
  about it (its posterior is nearly its prior).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim.calibrate.model import CalibrationModel
from sim.scenario import Scenario, apply_overrides
from sim.sweep.experiment import Parameter

#: Interval of the posterior summaries (and of the predictive bands): 5th to 95th percentile.
LEVEL = 0.90
PINNED, NARROWED = 0.5, 0.8
#: Spawn-key word of the resampling generator (kept apart from every other use of the seed).
DRAWS_TAG = 0xD4A5
VERDICTS = {
    "pinned": ("pinned down", "数据确定了"),
    "narrowed": ("narrowed", "数据缩小了范围"),
    "open": ("said little about", "数据几乎没有约束"),
}


def systematic_draws(weights: np.ndarray, count: int, seed: int) -> np.ndarray:
    """How many times each particle is drawn in `count` systematic-resampling draws."""
    w = np.asarray(weights, dtype=np.float64)
    w = w / w.sum()
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(DRAWS_TAG,)))
    positions = (rng.random() + np.arange(count)) / count
    edges = np.cumsum(w)
    edges[-1] = 1.0
    picks = np.searchsorted(edges, positions, side="right")
    return np.bincount(np.minimum(picks, w.size - 1), minlength=w.size)


def posterior_table(history: Any, model: CalibrationModel, seed: int) -> pd.DataFrame:
    """The last generation of `history` (a pyabc History) as a table (see the module docstring)."""
    population = history.get_population(t=history.max_t)
    rows: list[dict[str, Any]] = []
    for index, particle in enumerate(population.particles):
        coordinates = {name: float(particle.parameter[name]) for name in model.names}
        row: dict[str, Any] = {
            "particle": index,
            "weight": float(particle.weight),
            "distance": float(particle.distance),
            "seed": int(particle.sum_stat["seed"]),
        }
        row.update({f"u{i}": coordinates[name] for i, name in enumerate(model.names)})
        row.update(model.overrides(coordinates))
        rows.append(row)
    table = pd.DataFrame(rows)
    table.insert(2, "draws", systematic_draws(table["weight"].to_numpy(), len(table), seed))
    for parameter in model.parameters:
        table[parameter.path] = table[parameter.path].astype(
            np.int64 if parameter.kind == "int" else np.float64
        )
    return table


def effective_sample_size(weights: np.ndarray) -> float:
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else 0.0


def generations_table(history: Any) -> pd.DataFrame:
    """Per generation t >= 0: tolerance, simulations, accepted, acceptance rate, ESS, wall seconds."""
    populations = history.get_all_populations()
    populations = populations[populations["t"] >= 0].sort_values("t")
    rows = []
    for record in populations.to_dict("records"):
        t = int(record["t"])
        _, weights = history.get_distribution(m=0, t=t)
        accepted = int(record["particles"])
        rows.append(
            {
                "generation": t,
                "epsilon": float(record["epsilon"]),
                "simulations": int(record["samples"]),
                "accepted": accepted,
                "acceptance_rate": accepted / max(1, int(record["samples"])),
                "ess": effective_sample_size(np.asarray(weights)),
                "seconds": float(record["wall_time"])
                if record.get("wall_time") is not None
                else float("nan"),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["generation", "epsilon", "simulations", "accepted", "acceptance_rate", "ess", "seconds"],
    )


def drawn(posterior: pd.DataFrame, column: str) -> np.ndarray:
    """The values of `column` over the posterior draws (each particle repeated `draws` times)."""
    return np.repeat(posterior[column].to_numpy(), posterior["draws"].to_numpy())


def parameter_summaries(posterior: pd.DataFrame, parameters: Sequence[Parameter]) -> list[dict[str, Any]]:
    """Per parameter: prior, median, 90% interval, narrowing ratio and verdict (see the module docstring)."""
    tail = (1 - LEVEL) / 2
    out = []
    for i, p in enumerate(parameters):
        values = drawn(posterior, p.path).astype(np.float64)
        unit = drawn(posterior, f"u{i}").astype(np.float64)
        low_u, high_u = np.quantile(unit, [tail, 1 - tail])
        ratio = float((high_u - low_u) / LEVEL)
        verdict = "pinned" if ratio < PINNED else "narrowed" if ratio < NARROWED else "open"
        median_u = float(np.median(unit))
        out.append(
            {
                "path": p.path,
                "kind": p.kind,
                "unit": p.unit,
                "doc": p.doc,
                "prior": {"low": p.low, "high": p.high, "scale": p.scale},
                "median": _plain(np.median(values), p.kind),
                "low": _plain(np.quantile(values, tail), p.kind),
                "high": _plain(np.quantile(values, 1 - tail), p.kind),
                "width_ratio": ratio,
                "verdict": verdict,
                "at_edge": median_u < 0.05 or median_u > 0.95,
            }
        )
    return out


def _plain(value: float, kind: str) -> float | int:
    return int(round(float(value))) if kind == "int" else float(value)


def pinned_sentences(summaries: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Which parameters the data pinned down and which not, in English and Chinese."""
    groups = {key: [s["path"] for s in summaries if s["verdict"] == key] for key in VERDICTS}
    en, zh = [], []
    for key, names in groups.items():
        if names:
            word_en, word_zh = VERDICTS[key]
            en.append(f"{word_en} {_join(names, 'and')}")
            zh.append(f"{word_zh} {'、'.join(names)}")
    sentence_en = "The observed history " + "; it ".join(en) + "."
    sentence_zh = "观测到的历史：" + "；".join(zh) + "。"
    if groups["open"]:
        sentence_en += (
            f" For {_join(groups['open'], 'and')} the posterior is nearly the prior: the forecast averages over "
            "their whole range, and another kind of data (or a narrower prior from experience) would be needed."
        )
        sentence_zh += "这些参数的后验几乎等于先验：预测会在其整个范围内取平均，需要其他数据（或凭经验收窄先验）才能确定。"
    edge = [s["path"] for s in summaries if s["at_edge"]]
    if edge:
        sentence_en += f" {_join(edge, 'and')} piled up at the edge of the prior range: consider widening it."
        sentence_zh += f"{'、'.join(edge)} 的后验堆积在先验范围的边缘：可以考虑放宽范围。"
    return {"en": sentence_en, "zh": sentence_zh}


def _join(names: Sequence[str], word: str) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" {word} {names[-1]}"


def calibrated_scenario(base: Scenario, summaries: Sequence[dict[str, Any]]) -> Scenario:
    """`base` with every fitted parameter at its posterior median, renamed and described as calibrated."""
    medians = {s["path"]: s["median"] for s in summaries}
    shown = ", ".join(f"{path} = {_show(v)}" for path, v in medians.items())
    return apply_overrides(
        base,
        {
            **medians,
            "name": f"{base.name}_calibrated",
            "description.en": f"{base.name}, calibrated to an observed group (posterior medians: {shown}).",
            "description.zh": f"{base.name}，按观测到的群校准（后验中位数：{shown}）。",
        },
    )


def _show(value: float | int) -> str:
    return str(value) if isinstance(value, int) else f"{value:.4g}"


def scenario_yaml(scenario: Scenario, header: str) -> str:
    """The scenario in full as YAML (loadable by `groupsim run`), after a comment header."""
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.safe_dump(scenario.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=100)
    return comment + body


def predictive_bands(daily: pd.DataFrame, draws: pd.Series, columns: Sequence[str]) -> pd.DataFrame:
    """Per day and column: the 5th, 25th, 50th, 75th and 95th percentiles over the posterior draws.

    `daily` holds one replay per particle (columns particle, day, and the observable columns);
    `draws` maps particle -> draw count.
    """
    repeat = daily["particle"].map(draws).to_numpy()
    rows = []
    for column in columns:
        expanded = pd.DataFrame(
            {
                "day": np.repeat(daily["day"].to_numpy(), repeat),
                "value": np.repeat(daily[column].to_numpy(), repeat),
            }
        )
        quantiles = expanded.groupby("day")["value"].quantile([0.05, 0.25, 0.5, 0.75, 0.95]).unstack()
        quantiles.columns = ["q05", "q25", "q50", "q75", "q95"]
        rows.append(quantiles.reset_index().assign(column=column))
    return pd.concat(rows, ignore_index=True)[["column", "day", "q05", "q25", "q50", "q75", "q95"]]
