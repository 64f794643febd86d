#!/usr/bin/env bash
# Creates the project-local Python environments, each from a file of pinned requirements:
#   dev   .venv/       requirements-dev.txt   moto's server, for the integration tests
#   scan  .venv-scan/  requirements-scan.txt  checkov and parliament, for `npm run scan`
# Two environments because checkov pins boto3, botocore and networkx older than moto needs.
# Usage: setup-python.sh [dev] [scan]   (no argument: both)
# Idempotent: a stamp holding the hash of the requirements file skips pip when nothing changed,
# so every test run can call it. Environments that need pip are installed in parallel.
set -euo pipefail
cd "$(dirname "$0")/.."

venv_of() {
  case "$1" in
    dev) echo .venv ;;
    scan) echo .venv-scan ;;
    *)
      echo "setup-python: unknown environment '$1': use dev or scan" >&2
      exit 2
      ;;
  esac
}

requirements_of() {
  case "$1" in
    dev) echo requirements-dev.txt ;;
    scan) echo requirements-scan.txt ;;
  esac
}

# sha256sum on Linux, shasum on macOS.
hash_of() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

up_to_date() {
  local venv=$1 requirements=$2
  [[ -x "$venv/bin/python" && -f "$venv/.requirements.sha256" &&
    "$(cat "$venv/.requirements.sha256")" == "$(hash_of "$requirements")" ]]
}

install() {
  local venv=$1 requirements=$2
  local stamp="$venv/.requirements.sha256" created=""
  if [[ ! -x "$venv/bin/python" ]]; then
    # --clear: a venv whose python is gone (the interpreter was upgraded or removed) is rebuilt.
    python3 -m venv --clear "$venv"
    created="created $venv and "
  fi
  # The stamp goes only after pip succeeded, so an interrupted install is retried next time.
  rm -f "$stamp"
  # --no-compile: byte-compiling every module of botocore and numpy up front costs a third of the
  # install; Python compiles (and caches) just the modules a run imports.
  "$venv/bin/python" -m pip install --disable-pip-version-check -q --no-compile -r "$requirements"
  hash_of "$requirements" > "$stamp"
  echo "setup-python: ${created}installed $requirements into $venv"
}

environments=("$@")
if [[ ${#environments[@]} -eq 0 ]]; then
  environments=(dev scan)
fi

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
pids=()
for env in "${environments[@]}"; do
  venv=$(venv_of "$env")
  requirements=$(requirements_of "$env")
  if up_to_date "$venv" "$requirements"; then
    echo "setup-python: $venv is up to date with $requirements"
  else
    install "$venv" "$requirements" > "$logs/$env" 2>&1 &
    pids+=("$!:$env")
  fi
done

failed=0
for entry in "${pids[@]+"${pids[@]}"}"; do
  env=${entry#*:}
  if wait "${entry%%:*}"; then
    cat "$logs/$env"
  else
    echo "setup-python: installing $(requirements_of "$env") failed:" >&2
    cat "$logs/$env" >&2
    failed=1
  fi
done
exit "$failed"
