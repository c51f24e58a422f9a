#!/usr/bin/env bash
# Set up, then run the bundled baseline scenario and say where the report is.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/groupsim run scenarios/baseline.yaml "$@"
