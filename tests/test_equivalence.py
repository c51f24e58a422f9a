"""The compiled model behaves like the NumPy model it replaced.

The compiled day draws its random numbers differently (counter-based streams, sim/mechanisms/
draws.py), so no run is the same as before; what must not move is the model's behaviour. For each
of four scenarios, 200 fixed-seed runs of the current model are compared with the 250 runs of the
NumPy model stored in tests/equivalence/numpy_model.csv (scripts/equivalence_sample.py), outcome by
outcome, with a two-sample Kolmogorov–Smirnov test.

Power: with 200 and 250 runs, at the level used here (p < 0.001 for any one of the 36 comparisons,
a family-wise false-alarm rate under 4%), a difference between the two distribution functions of
D = 1.95 * sqrt((200 + 250) / (200 * 250)) = 0.185 or more is detected — e.g. a shift of a fifth of
a standard deviation in a normal outcome is detected with probability about 0.5, one of two fifths
almost surely. The runs are seeded, so the test is deterministic: it always passes or always fails.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import CLAIMS_DIR
from equivalence_support import SCENARIOS, STORE, outcome_columns, sample
from scipy import stats

REPLICATES = 200
LEVEL = 0.001


@pytest.fixture(scope="module")
def reference() -> pd.DataFrame:
    return pd.read_csv(STORE / "numpy_model.csv", comment="#")


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_compiled_model_matches_the_numpy_model_in_distribution(scenario, reference):
    old = reference[reference["scenario"] == scenario]
    new = sample(REPLICATES, scenarios=(scenario,))
    results = {}
    for column in outcome_columns():
        test = stats.ks_2samp(old[column], new[column])
        results[column] = (round(float(test.statistic), 3), float(test.pvalue), float(old[column].mean()),
                           float(new[column].mean()))  # fmt: skip
    CLAIMS_DIR.mkdir(parents=True, exist_ok=True)
    report = {"claim": f"equivalence {scenario}"} | {
        k: f"KS D={d}, p={p:.3g}; mean NumPy {a:.4g}, compiled {b:.4g}" for k, (d, p, a, b) in results.items()
    }
    (CLAIMS_DIR / f"equivalence_{scenario}.json").write_text(json.dumps(report), encoding="utf-8")
    moved = {k: v for k, v in results.items() if v[1] < LEVEL}
    assert not moved, (
        f"{scenario}: outcomes whose distribution moved (D, p, NumPy mean, compiled mean): {moved}"
    )
