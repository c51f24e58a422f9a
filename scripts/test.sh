#!/usr/bin/env bash
# The test command: system packages and .venv set up, shell scripts and Python linted, then every
# test. Works on a fresh clone, as root or as a user with sudo (see scripts/system_packages.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system_packages.sh
bash scripts/setup.sh
# style rules that run: shell scripts, then Python lint and formatting, before the (longer) tests
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -S warning scripts/*.sh .ci/run
elif [ -n "${CI:-}" ]; then
  echo "error: shellcheck is not installed (apt-get install shellcheck)" >&2
  exit 1
else
  echo "note: shellcheck is not installed, so the shell scripts were not linted" >&2
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
exec .venv/bin/python -m pytest -n auto "$@"
