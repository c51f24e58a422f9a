#!/usr/bin/env bash
# Create .venv (if needed) and install groupsim with the pinned versions in constraints.txt.
# Safe to run repeatedly: it reinstalls only when pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.groupsim-installed"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[all]"
  echo "$want" > "$stamp"
fi
# compile the model's kernels once (numba caches them on disk; later processes load them in a second)
.venv/bin/python -c "from sim.compiled import main; main()"
