"""Rewrite the golden baseline in tests/baseline/ from the current model.

Run only when a change of behaviour is deliberate, and commit the new files on their own with a
message that says why the numbers moved (after checking statistically that nothing else did):

    .venv/bin/python scripts/update_baseline.py            # every case
    .venv/bin/python scripts/update_baseline.py baseline   # some cases, by name
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from baseline_cases import CASES, STORE, stored_path, tables  # noqa: E402


def main(names: list[str]) -> int:
    unknown = set(names) - {c.name for c in CASES}
    if unknown:
        print(f"unknown case(s): {', '.join(sorted(unknown))}; cases are {', '.join(c.name for c in CASES)}")
        return 2
    STORE.mkdir(exist_ok=True)
    for case in CASES:
        if names and case.name not in names:
            continue
        changed = []
        for kind, text in tables(case).items():
            path = stored_path(case, kind)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
                changed.append(kind)
        print(f"{case.name}: {'rewrote ' + ', '.join(changed) if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
