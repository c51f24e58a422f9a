#!/usr/bin/env bash
# Install the Debian packages the test command needs, when they are missing: chromium and a CJK
# font (the browser test and its Chinese screenshot), shellcheck (lints these scripts) and, when
# .venv does not exist yet and Python cannot create it, python3-venv. As root with apt-get
# directly, otherwise through sudo; with neither, it says what to install and carries on (the
# browser test is then skipped, and shellcheck skipped, unless CI is set).
# tests/test_setup_scripts.py runs this with stubbed apt-get, sudo and id on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "wenquanyi\|wqy"; }; then
  missing+=(fonts-wqy-microhei)
fi
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
if [ ! -x .venv/bin/python ] && ! "${PYTHON:-python3}" -c "import ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "note: ${missing[*]} not installed, and this is neither root nor a user with sudo;" \
    "install them with: apt-get install ${missing[*]}" >&2
  exit 0
fi

echo "Installing ${missing[*]} (Debian packages) ..."
if ! { ${as_root[@]+"${as_root[@]}"} apt-get update -qq &&
  ${as_root[@]+"${as_root[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
  echo "warning: apt-get could not install ${missing[*]}; the tests that need them are skipped" >&2
fi
