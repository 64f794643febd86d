"""The state machine definitions of a Terraform JSON file, rendered with plausible values, for
asl-validator (which reads JSON files)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from terraform_values import TerraformValues, UnknownExpression

# (resource type, argument) of every state machine definition.
DEFINITION_ARGUMENTS = {("aws_sfn_state_machine", "definition")}


class DefinitionError(Exception):
    pass


def state_machine_definitions(
    path: Path, configuration: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """(resource address, parsed definition) of every state machine of the file."""
    values = TerraformValues(configuration)
    for resource_type, argument in sorted(DEFINITION_ARGUMENTS):
        for name, block in configuration.get("resource", {}).get(resource_type, {}).items():
            address = f"{resource_type}.{name}"
            if not isinstance(block.get(argument), str):
                raise DefinitionError(f"{path} {address}: {argument} is not a string")
            try:
                rendered = values.render(block[argument])
            except UnknownExpression as error:
                raise DefinitionError(
                    f"{path} {address}.{argument}: cannot fill in {error}"
                ) from None
            try:
                yield address, json.loads(rendered)
            except json.JSONDecodeError as error:
                raise DefinitionError(
                    f"{path} {address}: not JSON after substitution ({error})"
                ) from None


def write_definitions(directory: Path, path: Path, configuration: dict[str, Any]) -> int:
    """Writes each definition to <directory>/<path>/<address>.json, so the validator's report,
    which names the file it read, names the Terraform file and the resource. Returns the count."""
    count = 0
    for address, definition in state_machine_definitions(path, configuration):
        target = directory / path / f"{address}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(definition, indent=2), encoding="utf-8")
        count += 1
    return count
