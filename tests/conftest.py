"""Test-session plumbing: the claim tests' measured effects are printed after the run.

Claim tests run in pytest-xdist workers, whose output is hidden; they write their measurements
to test-artifacts/claims/*.json and the controller prints them here.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS))  # so test modules can import claims_support

CLAIMS_DIR = TESTS.parent / "test-artifacts" / "claims"


_STARTED = time.time()


def pytest_collection_modifyitems(config, items):
    """Tests marked `hostile` (the larger hostile-input corpus) run only when asked for with
    `-m hostile`: they take minutes and gigabytes, more than the default run should."""
    if "hostile" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="the larger hostile-input corpus: run it with -m hostile")
    for item in items:
        if "hostile" in item.keywords:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter):
    # only what this session measured (other sessions may share the folder)
    files = (
        sorted(p for p in CLAIMS_DIR.glob("*.json") if p.stat().st_mtime >= _STARTED - 1)
        if CLAIMS_DIR.exists()
        else []
    )
    if not files:
        return
    terminalreporter.section("measured effects of the seed claims")
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        terminalreporter.write_line(f"claim {data.pop('claim')}:")
        for key, value in data.items():
            terminalreporter.write_line(f"    {key} = {value}")
