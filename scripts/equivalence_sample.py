"""Store a sample of run outcomes of the current model (tests/equivalence/<label>.csv) so a later
version with other random draws can be compared with it (tests/test_equivalence.py):

    .venv/bin/python scripts/equivalence_sample.py reference --replicates 250

The stored file names the model version it came from in its first line.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from equivalence_support import STORE, sample  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("label", help="file name of the sample in tests/equivalence/ (without .csv)")
    parser.add_argument("--replicates", type=int, default=250, help="runs per scenario")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    table = sample(args.replicates)
    STORE.mkdir(exist_ok=True)
    path = STORE / f"{args.label}.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# model at commit {commit}; {args.replicates} replicates per scenario\n")
        table.to_csv(out, index=False, lineterminator="\n")
    print(f"wrote {path} ({len(table)} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
