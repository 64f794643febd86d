#!/usr/bin/env bash
# Security scan: checkov over the synthesized stacks (synthesized afresh, so the scan sees the
# current code) and over the plain Terraform modules of terraform-modules/ when they exist.
# Exits non-zero on any failed check. Skipped checks, each with its reason, are in .checkov.yaml;
# what checkov cannot see (container definitions, IAM documents with references) is checked by
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
copies=$(mktemp -d)
trap 'rm -rf "$copies"' EXIT
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
  --framework terraform_json --config-file .checkov.yaml --compact --quiet --skip-download
