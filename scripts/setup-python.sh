#!/usr/bin/env bash
# Creates the project-local Python environment (.venv/) with the pinned test tools of
# requirements-dev.txt (moto's server, for the integration tests). Idempotent: a stamp holding the
# hash of requirements-dev.txt skips pip when nothing changed, so every test run can call it.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
requirements=requirements-dev.txt
stamp="$venv/.requirements.sha256"
# sha256sum on Linux, shasum on macOS.
if command -v sha256sum > /dev/null; then
  wanted=$(sha256sum "$requirements" | cut -d' ' -f1)
else
  wanted=$(shasum -a 256 "$requirements" | cut -d' ' -f1)
fi

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "setup-python: $venv is up to date with $requirements"
  exit 0
fi

created=""
if [[ ! -x "$venv/bin/python" ]]; then
  # --clear: a .venv whose python is gone (the interpreter was upgraded or removed) is rebuilt.
  python3 -m venv --clear "$venv"
  created="created $venv and "
fi
# The stamp goes only after pip succeeded, so an interrupted install is retried next time.
rm -f "$stamp"
"$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements"
echo "$wanted" > "$stamp"
echo "setup-python: ${created}installed $requirements into $venv"
