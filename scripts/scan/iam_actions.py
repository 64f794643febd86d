"""IAM actions as parliament knows them: its own iam_definition.json, so the allow list's rules
judge an action by the same data the findings came from."""

from __future__ import annotations

import re
from typing import Any


class IamActions:
    def __init__(self, iam_definition: list[dict[str, Any]]) -> None:
        self._privileges: dict[str, tuple[str, list[str]]] = {}
        self._required: dict[str, list[tuple[str, str]]] = {}
        for service in iam_definition:
            arns = {resource["resource"]: resource["arn"] for resource in service["resources"]}
            for privilege in service["privileges"]:
                name = f"{service['prefix']}:{privilege['privilege']}"
                types = [entry["resource_type"] for entry in privilege["resource_types"]]
                self._privileges[name.lower()] = (name, [t.rstrip("*") for t in types if t])
                # As parliament matches them: ${...} parts of the documented ARN become *.
                self._required[name.lower()] = [
                    (t.rstrip("*"), re.sub(r"\$\{.*?\}", "*", arns[t.rstrip("*")]))
                    for t in types
                    if t.endswith("*") and t.rstrip("*") in arns
                ]

    def exists(self, action: str) -> bool:
        return action.lower() in self._privileges

    def canonical(self, action: str) -> str:
        """The action as AWS spells it (parliament reports some in lower case)."""
        return self._privileges.get(action.lower(), (action, []))[0]

    def resource_types(self, action: str) -> list[str]:
        """The resource types the action can be scoped to; empty: it takes only "*"."""
        return list(self._privileges[action.lower()][1])

    def required_resource_types(self, action: str) -> list[tuple[str, str]]:
        """(resource type, ARN format) of the types the IAM reference marks required (with *),
        with the format as parliament matches it. Parliament wants a resource of every one; AWS
        wants one of them when an action takes several (states:ListExecutions: a state machine
        or a map run)."""
        return list(self._required[action.lower()])
