"""Attributes of the resources of a Terraform JSON file, with Terraform's expressions filled in.

    python3 scripts/scan/render_attributes.py FILE.tf.json TYPE.ATTRIBUTE[.NESTED]...

prints `{"TYPE": {"NAME": {"ATTRIBUTE[.NESTED]": "rendered text"}}}` for every resource of each
TYPE that has the attribute, e.g. `aws_cloudwatch_event_rule.event_pattern` or
`aws_cloudwatch_event_target.input_transformer.input_template`. Expressions are filled in as for
the policy lint (terraform_values.py), with the file's own account and region: the tests run the
event patterns, input templates and state machines a stack deploys over events that name the same
cluster and account (test/event-ruler). Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from terraform_values import TerraformValues


def _nested(block: Any, path: list[str]) -> Any:
    for key in path:
        if isinstance(block, list):
            block = block[0] if len(block) == 1 else None
        if not isinstance(block, dict) or key not in block:
            return None
        block = block[key]
    return block


def render_attributes(configuration: dict[str, Any], paths: list[str]) -> dict[str, Any]:
    values = TerraformValues(configuration)
    resources = configuration.get("resource", {})
    result: dict[str, dict[str, dict[str, str]]] = {}
    for path in paths:
        resource_type, *attribute = path.split(".")
        for name, block in resources.get(resource_type, {}).items():
            value = _nested(block, attribute)
            if isinstance(value, str):
                rendered = result.setdefault(resource_type, {}).setdefault(name, {})
                rendered[".".join(attribute)] = values.render(value)
    return result


def main(arguments: list[str]) -> int:
    if len(arguments) < 2:
        print("usage: render_attributes.py FILE.tf.json TYPE.ATTRIBUTE...", file=sys.stderr)
        return 2
    configuration = json.loads(Path(arguments[0]).read_text(encoding="utf-8"))
    json.dump(render_attributes(configuration, arguments[1:]), sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
