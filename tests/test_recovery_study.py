"""The full parameter-recovery study (about half an hour on 2 cores): run it with `pytest -m recovery`.

The default run skips it; tests/test_calibrate.py recovers parameters from a few small groups.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.recovery
ROOT = Path(__file__).resolve().parent.parent


def test_ninety_percent_intervals_hold_the_truth_in_about_ninety_percent_of_synthetic_groups(
    request, tmp_path
):
    if "recovery" not in (request.config.getoption("markexpr") or ""):
        pytest.skip(
            "the full recovery study takes about half an hour on 2 cores; run it with: pytest -m recovery"
        )
    out = tmp_path / "recovery"
    command = [sys.executable, str(ROOT / "scripts" / "recovery.py"), "--groups", "20", "--out", str(out)]
    subprocess.run(command, cwd=ROOT, check=True)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["groups"] >= 20
    assert 0.8 <= summary["overall_coverage"] <= 1.0
    for row in summary["coverage"]:
        assert row["coverage"] >= 0.7, row
