"""What each IAM role of a Terraform JSON file may do: its name and ARN, its permissions boundary
and the filled-in documents of the managed policies attached to it; and every managed policy of
the file, attached or not (the runner's is attached outside). JSON on stdout:
`{"roles": [...], "policies": [...]}`.

    python3 scripts/scan/role_permissions.py cdktf.out/stacks/dev/cdk.tf.json

Terraform expressions are filled in as for the policy lint (terraform_values.py), with the stack's
own account and region, so an IAM simulator can evaluate each statement of each role against the
environment's permissions boundary (test/policy/boundary.test.ts). Standard library only: it
runs with any Python 3.11, before the scan's virtual environment exists.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from terraform_values import TerraformValues

_POLICY_REFERENCE = re.compile(r"^\$\{aws_iam_policy\.([^.]+)\.arn\}$")
_ROLE_REFERENCE = re.compile(r"^\$\{aws_iam_role\.([^.]+)\.name\}$")


def role_permissions(configuration: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Each role of the file with the policies attached to it; an attachment of a policy that is
    not in the file, or a role with inline policies, fails: its permissions would be unknown."""
    values = TerraformValues(configuration)
    resources = configuration.get("resource", {})
    roles = resources.get("aws_iam_role", {})
    policies = resources.get("aws_iam_policy", {})
    attached: dict[str, list[str]] = {name: [] for name in roles}
    for address, attachment in resources.get("aws_iam_role_policy_attachment", {}).items():
        role = _ROLE_REFERENCE.match(str(attachment.get("role", "")))
        policy = _POLICY_REFERENCE.match(str(attachment.get("policy_arn", "")))
        if role is None or policy is None or role.group(1) not in roles:
            raise ValueError(
                f"aws_iam_role_policy_attachment.{address} attaches what this file does not make"
            )
        attached[role.group(1)].append(policy.group(1))
    def policy(address: str) -> dict[str, Any]:
        return {
            "name": values.render(policies[address]["name"]),
            "document": json.loads(values.render(policies[address]["policy"])),
        }

    result = []
    for name, block in roles.items():
        if "inline_policy" in block or resources.get("aws_iam_role_policy"):
            raise ValueError(f"aws_iam_role.{name} has inline policies")
        boundary = block.get("permissions_boundary")
        result.append(
            {
                "address": f"aws_iam_role.{name}",
                "name": values.render(block["name"]),
                "arn": values.arn("aws_iam_role", block, name),
                "permissionsBoundary": None if boundary is None else values.render(boundary),
                "policies": [policy(address) for address in attached[name]],
            }
        )
    return {"roles": result, "policies": [policy(address) for address in policies]}


def main(arguments: list[str]) -> int:
    if len(arguments) != 1:
        print("usage: role_permissions.py FILE.tf.json", file=sys.stderr)
        return 2
    configuration = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    json.dump(role_permissions(configuration), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
