#!/usr/bin/env bash
# Security scan of the synthesized stacks (synthesized afresh, so the scan sees the current code)
# and of the plain Terraform modules of terraform-modules/ when they exist:
# - parliament lints every IAM policy document (scripts/scan/lint_policies.py), with Terraform
#   expressions filled in with plausible values; its false positives, each with a reason, are in
#   scripts/scan/policy-findings-allowed.yaml. It first proves it can fail: its self-tests, then
#   a seeded escalation (scripts/scan/fixtures/escalation.tf.json) that it must reject;
# - asl-validator validates every state machine definition, filled in the same way;
# - checkov runs its AWS checks; skipped checks, each with its reason, are in .checkov.yaml.
# Exits non-zero on any finding of any of them, after running them all. What none of them sees
# (container definitions, secrets in environments, public IPs) is checked by
# test/policy/policy.test.ts.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-python.sh scan
# Synth's output is progress noise; it is shown only when synth fails.
if ! synth_output=$(npm run --silent synth 2>&1); then
  echo "$synth_output" >&2
  echo "scan: npm run synth failed" >&2
  exit 1
fi

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The policy lint must be able to fail before its pass means anything.
echo "scan: policy lint self-tests (scripts/scan/test_lint_policies.py)"
if ! tests_output=$(.venv-scan/bin/python -m unittest discover -s scripts/scan 2>&1); then
  echo "$tests_output" >&2
  echo "scan: the policy lint's self-tests failed: the lint is broken" >&2
  exit 1
fi
echo "scan: policy lint must reject the seeded escalation scripts/scan/fixtures/escalation.tf.json"
status=0
fixture_output=$(.venv-scan/bin/python scripts/scan/lint_policies.py --no-stale-check \
  scripts/scan/fixtures/escalation.tf.json 2>&1) || status=$?
if [[ $status -ne 1 ]] || ! grep -q " RESOURCE_STAR iam:CreateRole " <<< "$fixture_output"; then
  echo "$fixture_output" >&2
  echo "scan: the policy linter is broken: it did not reject iam:CreateRole on * (exit $status)" >&2
  exit 1
fi

# Every stack (one or more per environment) and every plain module: no names written here.
shopt -s nullglob
stacks=(cdktf.out/stacks/*/cdk.tf.json)
modules=(terraform-modules/*/main.tf.json)
shopt -u nullglob
if [[ ${#stacks[@]} -eq 0 ]]; then
  echo "scan: no cdktf.out/stacks/*/cdk.tf.json after synth" >&2
  exit 1
fi
terraform_files=("${stacks[@]}" ${modules[@]+"${modules[@]}"})
echo "scan: parliament over the IAM policies of ${#stacks[@]} stacks and ${#modules[@]} modules" \
  "(allowed findings, with reasons: scripts/scan/policy-findings-allowed.yaml)"
.venv-scan/bin/python scripts/scan/lint_policies.py --state-machines-out "$work/state-machines" \
  "${terraform_files[@]}" || failed=1

# asl-validator names the file it read: <Terraform file>/<resource address>.json, from $work.
mapfile -t definitions < <(cd "$work/state-machines" 2> /dev/null &&
  find . -type f -name '*.json' | sed 's|^\./||' | sort)
if [[ ${#definitions[@]} -eq 0 ]]; then
  echo "scan: asl-validator: no state machine definitions"
else
  echo "scan: asl-validator $(node -p 'require("asl-validator/package.json").version')" \
    "over ${#definitions[@]} state machine definitions (JSONata and JSONPath)"
  validator=$PWD/node_modules/.bin/asl-validator
  arguments=()
  for definition in "${definitions[@]}"; do
    arguments+=(--json-path "$definition")
  done
  # It prints a line for each valid definition too; only the invalid ones are news.
  status=0
  validator_output=$(cd "$work/state-machines" && "$validator" "${arguments[@]}" 2>&1) || status=$?
  grep -v '^✓ ' <<< "$validator_output" || true
  if [[ $status -ne 0 ]]; then
    echo "scan: asl-validator rejected state machine definitions (file/resource above)" >&2
    failed=1
  else
    echo "scan: asl-validator: all ${#definitions[@]} valid"
  fi
fi

directories=(cdktf.out/stacks)
if [[ -d terraform-modules ]]; then
  directories+=(terraform-modules)
fi

# Skips are never silent: checkov does not count checks it did not run, so name them here.
echo "scan: skipped, with reasons in .checkov.yaml:" \
  "$(grep -E '^ +- CKV' .checkov.yaml | tr -d ' -' | paste -sd ' ' -)"

# checkov 3.3.30 cannot parse Terraform JSON whose terraform block holds a plain value, such as
# the modules' required_version (bridgecrewio/checkov#7454): it reports a parsing error and checks
# nothing in the file. So it scans copies in which each such value is `{}`, on the same line so
# the line numbers it reports stay true; no check of checkov reads the terraform block.
copies=$work/checkov
mkdir "$copies"
.venv-scan/bin/python - "$copies" "${directories[@]}" << 'EOF'
import json, pathlib, re, sys

copies = pathlib.Path(sys.argv[1])
for directory in sys.argv[2:]:
    for source in sorted(pathlib.Path(directory).rglob("*.tf.json")):
        text = source.read_text(encoding="utf-8")
        block = json.loads(text).get("terraform")
        for key, value in block.items() if isinstance(block, dict) else []:
            if isinstance(value, (dict, list)):
                continue
            pattern = re.escape(json.dumps(key)) + r"\s*:\s*" + re.escape(json.dumps(value))
            text, found = re.subn(pattern, json.dumps(key) + ": {}", text, count=1)
            if found != 1 or json.loads(text)["terraform"][key] != {}:
                sys.exit(f"scan: cannot prepare {source} for checkov: terraform.{key}")
        copy = copies / source
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8")
EOF

echo "scan: checkov over ${directories[*]}"
# One run over the copies, so one report that names each file from the project root
# (/cdktf.out/stacks/dev/cdk.tf.json); checkov takes seconds to start. --quiet prints failed
# checks only, besides the summary line; --skip-download: no fetch of Prisma Cloud guidelines,
# which the scan does not need and which fails offline. CKV_PARSE_ERROR_FAIL: a file checkov
# cannot parse fails the scan instead of passing unseen.
CKV_PARSE_ERROR_FAIL=true .venv-scan/bin/checkov --directory "$copies" \
  --framework terraform_json --config-file .checkov.yaml --compact --quiet --skip-download || failed=1

if [[ $failed -ne 0 ]]; then
  echo "scan: FAILED (see the steps above)" >&2
fi
exit "$failed"
