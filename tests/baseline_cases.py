"""The golden-baseline cases: scenarios that together switch on every mechanism of the model.

`tests/test_baseline.py` runs each case and compares its daily and member tables and its summary
with the files stored in `tests/baseline/`; `scripts/update_baseline.py` rewrites those files when
a change to the model is deliberate (always in a commit of its own that says why).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sim import load_scenario, run_scenario
from sim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
STORE = Path(__file__).resolve().parent / "baseline"
FLOAT_FORMAT = "%.17g"  # round-trips every double exactly

# Timeline actions the library scenarios below do not use, so the baseline pins them too.
_MATRIX_TIMELINE = [
    {"day": 5, "action": "promote_kocs", "count": 2},
    {"day": 20, "action": "remove_lurkers", "inactive_days": 10},
    {"day": 25, "action": "split", "subgroups": 2},
    {"day": 40, "action": "merge"},
    {"day": 55, "action": "dissolve", "note": "end of the pilot"},
]


@dataclass(frozen=True)
class Case:
    """One pinned run: a library scenario, changes on top of it, a seed and a horizon."""

    name: str
    scenario: str  # file in scenarios/
    seed: int
    days: int
    changes: dict = field(default_factory=dict)  # merged into the scenario's data (sections merge)

    def build(self) -> Scenario:
        base = load_scenario(ROOT / "scenarios" / self.scenario).model_dump(mode="python")
        data = _merge(
            base,
            {
                **self.changes,
                "horizon": {**base["horizon"], **self.changes.get("horizon", {}), "days": self.days},
            },
        )
        return Scenario.model_validate(data)


def _merge(base: dict, changes: dict) -> dict:
    out = dict(base)
    for key, value in changes.items():
        out[key] = (
            _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
        )
    return out


CASES: tuple[Case, ...] = (
    # a managed group: SOP cadence, rules and admins, a KOL, events, referral, selling after bonding
    Case("baseline", "baseline.yaml", seed=1, days=90),
    # matrix: automatic split, lurker clean-ups, merging dead groups
    Case("matrix_split", "matrix_split.yaml", seed=2, days=90),
    # KOC promotion by review, with a stretched operator
    Case(
        "koc_limited_attention",
        "koc_limited_attention.yaml",
        seed=3,
        days=90,
        changes={"horizon": {"stop_at_death": False}},
    ),
    # timeline: invite_kol, run_event, red_packets, start/stop_selling, mass_add, set
    Case("campaign_timeline", "campaign_timeline.yaml", seed=4, days=125),
    # bait referral
    Case("referral_bait", "referral_bait.yaml", seed=5, days=90),
    # everything else: paid threshold, mass-add recruiting, off-topic ban, red packets and lotteries
    # in the SOP, points and leaderboard, a paid KOL, KOC mentions, and the remaining timeline actions
    Case(
        "levers_rest",
        "points_leaderboard.yaml",
        seed=6,
        days=60,
        changes={
            "entry": {"threshold": "paid", "price_yuan": 20.0},
            "recruiting": {"style": "mass_add", "mass_add_per_day": 15, "mass_add_to_day": 6},
            "rules": {"ban_off_topic": True},
            "cadence": {
                "red_packets": {"enabled": True, "every_days": 5},
                "lottery": {"enabled": True, "every_days": 6},
            },
            "kol": {"count": 1, "monthly_fee_yuan": 300.0},
            "horizon": {"stop_at_death": False},
            "timeline": _MATRIX_TIMELINE,
        },
    ),
    # share-to-join threshold and vetting in a flash-sale group, dissolved as planned
    Case(
        "flash_share", "flash_sale.yaml", seed=7, days=20, changes={"entry": {"threshold": "share_to_join"}}
    ),
    Case("vetted", "organic_vetted.yaml", seed=8, days=60),
    # the seeds' mechanisms (issue 15) - a learning group: the owner's lessons, daily check-ins,
    # culture with manifesto, welcome ritual and self-introductions, the operator's introductions,
    # offline events, the owner's energy
    Case(
        "course_culture",
        "course_checkin.yaml",
        seed=9,
        days=30,
        changes={
            "culture": {"enabled": True, "manifesto": {"enabled": True, "every_days": 7}},
            "onboarding": {"welcome_ritual": True, "self_introductions": True},
            "cadence": {"introductions": {"enabled": True}},
            "events": {"enabled": True, "every_days": 10, "offline": True},
            "energy": {"enabled": True},
        },
    ),
    # a deals group, and a playbook adapting a hard-selling group (stop_selling, run_event, set)
    Case("group_buy", "group_buy.yaml", seed=10, days=60),
    Case(
        "playbook_adaptive",
        "playbook_adaptive.yaml",
        seed=11,
        days=60,
        changes={"energy": {"enabled": True}, "horizon": {"stop_at_death": False}},
    ),
)


def tables(case: Case) -> dict[str, str]:
    """The case's outputs as text, exactly as stored: daily and member tables (CSV) and summary (JSON)."""
    result = run_scenario(case.build(), case.seed)
    summary = {
        k: v for k, v in result.summary.items() if k != "version"
    }  # a release is not a change of behaviour
    return {
        "daily.csv": _csv(result.daily),
        "members.csv": _csv(result.members),
        "summary.json": json.dumps(summary, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
    }


def _csv(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, float_format=FLOAT_FORMAT, lineterminator="\n")
    return buffer.getvalue()


def stored_path(case: Case, kind: str) -> Path:
    return STORE / f"{case.name}.{kind}"
