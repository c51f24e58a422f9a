"""Scenario discovery on a finished sweep: in which region of the lever space do groups die?

PRIM (the Patient Rule Induction Method, Friedman and Fisher 1999, as in EMA Workbench's
`ema_workbench.analysis.prim`) looks for a box - limits on some levers - holding runs where a
*case of interest* happened (the group was dead by day D, say) much more often than elsewhere.
It peels thin slices off the lever space one at a time, each time the slice whose removal raises
the share of cases in the box most, then pastes back what helps; every step is a box on the
*peeling trajectory*, from the whole space (coverage 1, density = the base rate) to small, dense
boxes:

* coverage - the share of all cases that fall in the box;
* density  - the share of runs in the box that are cases;
* mass     - the share of all runs in the box;
* quasi-p-value of a restriction - a one-sided binomial test of whether the box's density could
  come from the box without that restriction (Bryant and Lempert 2010): small means the restriction
  matters.

The analysis reads only the sweep's tables (`sim.sweep.tables.load_sweep`): one row per run,
each replicate a row, levers as the design set them. Cases of interest are `dead_by_day_<D>`
(not alive on day D: `sim.stats.alive_on_day`, the sweep analysis' survival, negated), or any
recorded numeric column above (or, with `below`, under) a threshold.

The chosen box is, unless one is asked for by its index on the trajectory, the densest box whose
coverage is at least `min_coverage` (0.5: it holds at least half of the cases). Its sentences name
only the restrictions whose quasi-p-values are below 0.05, and their coverage and density are
recomputed for exactly that simpler box, so every figure in a sentence is true as stated.
"""

from __future__ import annotations

import difflib
import json
import logging
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.store import replace_atomically
from sim.batch.worker import STATUS_OK
from sim.stats import alive_on_day
from sim.sweep.experiment import Parameter
from sim.sweep.tables import SweepError, SweepTables

_DEAD = re.compile(r"^dead_by_day_(\d+)$")
DEFAULT_MIN_COVERAGE = 0.5
SIGNIFICANT = 0.05
#: PRIM counts y >= threshold as a case; with 0/1 cases any tiny positive threshold does, and
#: PRIM then keeps every box it peels (it replaces a box whose density is below its threshold).
_PRIM_THRESHOLD = 1e-9


@dataclass(frozen=True)
class Cases:
    """What counts as a case of interest: `dead_by_day_<D>`, or `outcome` above `threshold`
    (below it with `below`)."""

    outcome: str
    threshold: float | None = None
    below: bool = False

    @property
    def day(self) -> int | None:
        match = _DEAD.match(self.outcome)
        return int(match.group(1)) if match else None

    def label(self, language: str = "en") -> str:
        """E.g. 'groups die by day 90' / '群在第 90 天前死亡', or 'peak_members < 50'."""
        if self.day is not None:
            return f"groups die by day {self.day}" if language == "en" else f"群在第 {self.day} 天前死亡"
        if self.threshold is None:
            return self.outcome
        return f"{self.outcome} {'<' if self.below else '>'} {self.threshold:g}"


def default_cases(tables: SweepTables) -> Cases:
    """Dead by the sweep's survival day (its analysis.survival_day, 90 by default)."""
    day = int(tables.experiment.get("analysis", {}).get("survival_day", 90))
    return Cases(f"dead_by_day_{day}")


def case_flags(runs: pd.DataFrame, cases: Cases, horizon: int) -> np.ndarray:
    """True for each run that is a case of interest; SweepError if `cases` cannot be applied."""
    if cases.day is not None:
        if cases.threshold is not None:
            raise SweepError(f"{cases.outcome} is true or false per run; it takes no --threshold")
        if not 1 <= cases.day <= horizon:
            raise SweepError(f"{cases.outcome}: day {cases.day} is outside the {horizon}-day horizon")
        alive = alive_on_day(runs["lifespan_days"].to_numpy(), runs["censored"].to_numpy(), cases.day)
        return alive == 0.0
    if cases.outcome not in runs.columns:
        numeric = [c for c in runs.columns if pd.api.types.is_numeric_dtype(runs[c])]
        close = difflib.get_close_matches(cases.outcome, [*numeric, "dead_by_day_90"], n=2, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise SweepError(
            f"no outcome {cases.outcome!r} in this sweep's runs{hint} Use dead_by_day_<day>, or a recorded "
            "numeric column with --threshold"
        )
    column = runs[cases.outcome]
    if pd.api.types.is_bool_dtype(column) and cases.threshold is None:
        return column.to_numpy(dtype=bool)
    if cases.threshold is None:
        raise SweepError(
            f"{cases.outcome} is a number: give --threshold (cases are runs above it, or below with --below)"
        )
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    return values < cases.threshold if cases.below else values > cases.threshold


def lever_frame(runs: pd.DataFrame, parameters: Sequence[Parameter]) -> pd.DataFrame:
    """The levers of each run as PRIM takes them: numbers as float64 (EMA Workbench 2.5.3 cannot
    paste into whole-number columns under pandas 3), choices and flags as categories."""
    out = pd.DataFrame(index=runs.index)
    for p in parameters:
        column = runs[p.path]
        if p.kind in ("int", "float"):
            out[p.path] = column.astype(np.float64)
        else:
            text = column.map(
                lambda v: ("true" if v else "false") if isinstance(v, (bool, np.bool_)) else str(v)
            )
            out[p.path] = pd.Categorical(text)
    return out.reset_index(drop=True)


# ------------------------------------------------------------------------------ the analysis


@dataclass
class Discovery:
    """What `groupsim discover` reports (tables as pandas, figures' data, sentences)."""

    name: str
    cases: Cases
    parameters: tuple[Parameter, ...]
    x: pd.DataFrame  # levers per run (PRIM's input)
    y: np.ndarray  # case of interest per run
    trajectory: pd.DataFrame  # box, coverage, density, mass, mean, res_dim, n, k
    chosen: int
    limits: pd.DataFrame  # per lever of the chosen box
    simple: dict[str, float]  # coverage, density, mass of the box of significant restrictions only
    complete: bool
    sentences: dict[str, list[str]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def runs(self) -> int:
        return int(len(self.y))

    @property
    def hits(self) -> int:
        return int(self.y.sum())

    @property
    def box(self) -> pd.Series:
        return self.trajectory.iloc[self.chosen]


def run_prim(
    x: pd.DataFrame, y: np.ndarray, *, peel_alpha: float, paste_alpha: float, mass_min: float
) -> Any:
    """EMA Workbench's PRIM on levers `x` and 0/1 cases `y`: the box found (trajectory and limits)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "ipyparallel not installed" and other import-time notices
        logging.getLogger("EMA").setLevel(logging.WARNING)
        from ema_workbench.analysis import prim

        finder = prim.Prim(
            x,
            np.asarray(y, dtype=bool),
            threshold=_PRIM_THRESHOLD,
            peel_alpha=peel_alpha,
            paste_alpha=paste_alpha,
            mass_min=mass_min,
        )
        return finder.find_box()


def discover(
    tables: SweepTables,
    cases: Cases | None = None,
    *,
    box: int | None = None,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
) -> Discovery:
    """PRIM on the successful runs of a sweep (see the module docstring). SweepError (worded for
    the user) for an unknown outcome, a box index off the trajectory, or nothing to separate."""
    cases = cases or default_cases(tables)
    runs, y = cases_of_interest(tables, cases)
    parameters = tables.parameters
    x = lever_frame(runs, parameters)
    found = run_prim(x, y, peel_alpha=peel_alpha, paste_alpha=paste_alpha, mass_min=mass_min)
    trajectory = found.peeling_trajectory.reset_index(drop=True).rename(columns={"id": "box"})
    trajectory = trajectory[["box", "coverage", "density", "mass", "mean", "res_dim", "n", "k"]]
    chosen = choose_box(trajectory, min_coverage) if box is None else box
    if not 0 <= chosen < len(trajectory):
        raise SweepError(f"--box {chosen}: the peeling trajectory has boxes 0 to {len(trajectory) - 1}")
    limits = box_limits(x, parameters, found.box_lims[chosen], found.qp[chosen])
    significant = limits[limits["significant"]]
    inside = in_box(x, significant)
    simple = box_stats(inside, y)
    settings = {
        "peel_alpha": peel_alpha,
        "paste_alpha": paste_alpha,
        "mass_min": mass_min,
        "min_coverage": min_coverage,
    }
    result = Discovery(
        str(tables.experiment.get("name", tables.folder.name)),
        cases,
        parameters,
        x,
        y,
        trajectory,
        chosen,
        limits,
        simple,
        tables.complete,
        settings=settings,
    )
    result.sentences = sentences(result)
    return result


def cases_of_interest(tables: SweepTables, cases: Cases) -> tuple[pd.DataFrame, np.ndarray]:
    """The successful runs of the sweep and their 0/1 `cases` flags; SweepError when there is no
    finished run, or when every run (or none) is a case, so there is nothing to separate."""
    runs = tables.runs[tables.runs["status"] == STATUS_OK] if len(tables.runs) else tables.runs
    if runs.empty:
        raise SweepError(f"{tables.folder} holds no finished runs yet; run the sweep first")
    y = case_flags(runs, cases, int(runs["horizon_days"].iloc[0]))
    if y.all() or not y.any():
        what = "every" if y.all() else "no"
        raise SweepError(
            f"{cases.label()} in {what} run of this sweep, so there is no region to find; "
            "pick another outcome or threshold"
        )
    return runs, y


def choose_box(trajectory: pd.DataFrame, min_coverage: float) -> int:
    """The densest box holding at least `min_coverage` of the cases (ties: the larger coverage);
    the first box (the whole space) if none does."""
    ok = trajectory[trajectory["coverage"] >= min_coverage]
    if ok.empty:
        return 0
    best = ok.sort_values(["density", "coverage"], ascending=[False, False], kind="stable")
    return int(best.index[0])


def box_stats(inside: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Coverage, density and mass of the runs flagged `inside`."""
    n, k = int(inside.sum()), int((inside & y).sum())
    return {
        "coverage": k / max(1, int(y.sum())),
        "density": k / n if n else math.nan,
        "mass": n / max(1, len(y)),
        "runs": n,
        "cases": k,
    }


def in_box(x: pd.DataFrame, limits: pd.DataFrame) -> np.ndarray:
    """True for the runs within every restriction in `limits`."""
    inside = np.ones(len(x), dtype=bool)
    for row in limits.itertuples():
        column = x[row.lever]
        if row.kind in ("int", "float"):
            inside &= (column.to_numpy() >= row.lower) & (column.to_numpy() <= row.upper)
        else:
            inside &= column.astype(str).isin(row.levels.split(", ")).to_numpy()
    return inside


def box_limits(
    x: pd.DataFrame, parameters: Sequence[Parameter], lims: pd.DataFrame, qp: dict
) -> pd.DataFrame:
    """One row per lever: its limits in the box (numbers snapped to the values the runs took),
    whether it is restricted, the quasi-p-values of each restricted side, and how it reads."""
    rows = []
    for p in parameters:
        q_low, q_high = (qp.get(p.path) or [-1.0, -1.0])[:2]
        column = x[p.path]
        if p.kind in ("int", "float"):
            values = np.sort(column.unique())
            low = float(values[values >= float(lims.at[0, p.path]) - 1e-12].min())
            high = float(values[values <= float(lims.at[1, p.path]) + 1e-12].max())
            low_cut, high_cut = low > values.min(), high < values.max()
            kept = ""
        else:
            levels = sorted(str(v) for v in column.cat.categories)
            chosen = sorted(str(v) for v in lims.at[0, p.path])
            low = high = math.nan
            low_cut = high_cut = len(chosen) < len(levels)
            kept = ", ".join(chosen)
        restricted = bool(low_cut or high_cut)
        sides = [q for q, cut in ((q_low, low_cut), (q_high, high_cut)) if cut and q >= 0]
        rows.append(
            {
                "lever": p.path,
                "kind": p.kind,
                "restricted": restricted,
                "lower": low,
                "upper": high,
                "levels": kept,
                "qp_lower": q_low if (low_cut and q_low >= 0) else math.nan,
                "qp_upper": q_high if (high_cut and q_high >= 0) else math.nan,
                "significant": bool(restricted and sides and max(sides) < SIGNIFICANT),
                "low_cut": bool(low_cut),
                "high_cut": bool(high_cut),
            }
        )
    table = pd.DataFrame(rows)
    table["qp"] = table[["qp_lower", "qp_upper"]].min(axis=1)  # the weaker-tested side's, NaN if unrestricted
    table["text"] = [condition(r, "en") for r in table.to_dict("records")]
    table["text_zh"] = [condition(r, "zh") for r in table.to_dict("records")]
    return table


def _num(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.3g}"


def condition(row: dict[str, Any], language: str) -> str:
    """How one lever's restriction reads: 'kol.count = 0', 'cadence.promotion.start_day ≤ 7',
    'entry.threshold is none or share_to_join' (Chinese: '为 none 或 share_to_join')."""
    lever = row["lever"]
    if not row["restricted"]:
        return ""
    if row["kind"] not in ("int", "float"):
        levels = row["levels"].split(", ")
        if len(levels) == 1:
            return f"{lever} = {levels[0]}"
        joined = " or ".join(levels) if language == "en" else " 或 ".join(levels)
        return f"{lever} is {joined}" if language == "en" else f"{lever} 为 {joined}"
    low, high = _num(row["lower"]), _num(row["upper"])
    if low == high:
        return f"{lever} = {low}"
    if row["low_cut"] and row["high_cut"]:
        return f"{lever} between {low} and {high}" if language == "en" else f"{lever} 在 {low} 到 {high} 之间"
    return f"{lever} ≥ {low}" if row["low_cut"] else f"{lever} ≤ {high}"


# ------------------------------------------------------------------------------ sentences


def sentences(d: Discovery) -> dict[str, list[str]]:
    """The finding in a few plain sentences, English and Chinese."""
    label, label_zh = d.cases.label("en"), d.cases.label("zh")
    rate = d.hits / d.runs
    en = [f"Over the {d.runs:,} runs of the sweep {d.name}, {label} in {rate:.0%}."]
    zh = [f"在扫描 {d.name} 的 {d.runs:,} 次运行中，{rate:.0%} 的情况下{label_zh}。"]
    strong = d.limits[d.limits["significant"]]
    weak = d.limits[d.limits["restricted"] & ~d.limits["significant"]]
    s = d.simple
    if strong.empty:
        en.append(
            "No restriction of PRIM's box is significant (every quasi-p-value is 0.05 or more): no lever region "
            f"stands out for {label}."
        )
        zh.append(
            f"PRIM 找到的盒子中没有显著的限制（拟 p 值均不低于 0.05）：没有哪个参数区域在“{label_zh}”上突出。"
        )
    else:
        when, when_zh = " and ".join(strong["text"]), " 且 ".join(strong["text_zh"])
        en.append(
            f"{_capital(label)} in {s['density']:.0%} of runs when {when} - these runs hold "
            f"{s['coverage']:.0%} of all such runs (coverage) and are {s['mass']:.0%} of all runs (mass)."
        )
        zh.append(
            f"当 {when_zh} 时，{s['density']:.0%} 的运行中{label_zh}；这些运行占全部此类运行的 {s['coverage']:.0%}"
            f"（覆盖率），占全部运行的 {s['mass']:.0%}。"
        )
    if len(weak):
        b = d.box
        levers = ", ".join(weak["lever"])
        en.append(
            f"PRIM's box {d.chosen} also narrows {levers}, but not significantly (quasi-p-values of 0.05 or more); "
            f"with those limits its density is {b['density']:.0%} and its coverage {b['coverage']:.0%}."
        )
        zh.append(
            f"PRIM 的第 {d.chosen} 个盒子还限制了 {levers}，但不显著（拟 p 值不低于 0.05）；加上这些限制，"
            f"密度为 {b['density']:.0%}，覆盖率为 {b['coverage']:.0%}。"
        )
    if not d.complete:
        en.append("The sweep is not finished: these figures cover the runs done so far.")
        zh.append("扫描尚未完成：以上数字只包括已完成的运行。")
    return {"en": en, "zh": zh}


# -------------------------------------------------------------------------------- writing

TRAJECTORY_FILE = "trajectory.csv"
BOX_FILE = "box.csv"
SUMMARY_FILE = "summary.json"


def folder_name(cases: Cases) -> str:
    """discovery-dead_by_day_90, discovery-peak_members-below-50, ..."""
    if cases.threshold is None:
        return f"discovery-{cases.outcome}"
    return f"discovery-{cases.outcome}-{'below' if cases.below else 'above'}-{cases.threshold:g}"


def write_discovery(d: Discovery, folder: Path) -> dict[str, Path]:
    """trajectory.csv, box.csv and summary.json in `folder` (each written atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "trajectory": folder / TRAJECTORY_FILE,
        "box": folder / BOX_FILE,
        "summary": folder / SUMMARY_FILE,
    }
    trajectory = d.trajectory.assign(chosen=d.trajectory.index == d.chosen)
    replace_atomically(paths["trajectory"], lambda tmp: trajectory.to_csv(tmp, index=False))
    columns = [
        "lever",
        "kind",
        "restricted",
        "significant",
        "lower",
        "upper",
        "levels",
        "qp_lower",
        "qp_upper",
        "text",
        "text_zh",
    ]
    replace_atomically(paths["box"], lambda tmp: d.limits[columns].to_csv(tmp, index=False))
    summary = {
        "sweep": d.name,
        "cases": {"outcome": d.cases.outcome, "threshold": d.cases.threshold, "below": d.cases.below},
        "runs": d.runs,
        "cases_of_interest": d.hits,
        "complete": d.complete,
        "settings": d.settings,
        "chosen_box": {
            k: int(v) if k in ("box", "res_dim", "n", "k") else _plain(v) for k, v in d.box.items()
        },
        "significant_box": d.simple,
        "sentences": d.sentences,
    }
    text = json.dumps(summary, indent=2, ensure_ascii=False, default=_plain)
    replace_atomically(paths["summary"], lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return paths


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _capital(label: str) -> str:
    """A sentence's first word: 'Groups die ...'; an outcome's column name stays as it is."""
    return label[0].upper() + label[1:] if label.startswith("groups") else label
