"""Every IAM policy document of a Terraform JSON file, by one table of where documents live.

A resource argument whose text looks like a policy document (a JSON object with "Statement")
but is not in the table is an error, never skipped: a new kind of document must be added to the
table, with its kind, before the scan passes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from terraform_values import TerraformValues, UnknownExpression


@dataclass(frozen=True)
class DocumentKind:
    """What a document is, for the allow list and the report.

    `implicit_resource`: for documents whose statements have no Resource by design (a role's
    trust policy, an ECR repository policy), the resource type whose ARN, taken from
    `resource_argument` of the same block (or the block itself when None), the statements are
    about. The linter adds it as the statements' Resource, because parliament stops at a
    statement without one: with it, parliament also checks their actions and conditions.
    """

    name: str
    implicit_resource: str | None = None
    resource_argument: str | None = None


IDENTITY = DocumentKind("identity")
TRUST = DocumentKind("trust", implicit_resource="aws_iam_role")

# (resource type, argument) -> kind of document. A nested block's argument is `block.argument`.
POLICY_ARGUMENTS: dict[tuple[str, str], DocumentKind] = {
    ("aws_iam_policy", "policy"): IDENTITY,
    ("aws_iam_role_policy", "policy"): IDENTITY,
    ("aws_iam_user_policy", "policy"): IDENTITY,
    ("aws_iam_group_policy", "policy"): IDENTITY,
    ("aws_iam_role", "inline_policy.policy"): IDENTITY,
    ("aws_iam_role", "assume_role_policy"): TRUST,
    ("aws_sqs_queue_policy", "policy"): DocumentKind("sqs-queue-policy"),
    ("aws_sqs_queue", "policy"): DocumentKind("sqs-queue-policy"),
    ("aws_sns_topic_policy", "policy"): DocumentKind("sns-topic-policy"),
    ("aws_sns_topic", "policy"): DocumentKind("sns-topic-policy"),
    ("aws_kms_key", "policy"): DocumentKind("kms-key-policy"),
    ("aws_kms_key_policy", "policy"): DocumentKind("kms-key-policy"),
    ("aws_s3_bucket_policy", "policy"): DocumentKind("s3-bucket-policy"),
    ("aws_ecr_repository_policy", "policy"): DocumentKind(
        "ecr-repository-policy",
        implicit_resource="aws_ecr_repository",
        resource_argument="repository",
    ),
    ("aws_cloudwatch_log_resource_policy", "policy_document"): DocumentKind("logs-resource-policy"),
    ("aws_cloudwatch_event_bus_policy", "policy"): DocumentKind("event-bus-policy"),
    ("aws_secretsmanager_secret_policy", "policy"): DocumentKind("secretsmanager-secret-policy"),
}

KIND_NAMES = frozenset(kind.name for kind in POLICY_ARGUMENTS.values())

_LOOKS_LIKE_A_POLICY = re.compile(r'"Statement"\s*:')


class DocumentError(Exception):
    """A document the linter cannot read, or one in a place the table does not name."""


@dataclass(frozen=True)
class PolicyDocument:
    file: str
    address: str
    argument: str
    kind: DocumentKind
    document: dict[str, Any]
    # The name the block gives its resource (a policy's or role's name), for people.
    label: str

    def where(self) -> str:
        return f"{self.file} {self.address}.{self.argument}"


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in an argument's value, with its path; list indexes are left out."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "//":
                yield from _strings(item, f"{path}.{key}" if path else key)


def policy_documents(path: Path, configuration: dict[str, Any]) -> Iterator[PolicyDocument]:
    """The file's policy documents, rendered with plausible values and parsed."""
    values = TerraformValues(configuration)
    for name, value in configuration.get("locals", {}).items():
        for _, text in _strings(value, name):
            if _LOOKS_LIKE_A_POLICY.search(text):
                raise DocumentError(
                    f"{path} local.{name}: a policy document in locals is not linted; "
                    "write it on the resource (POLICY_ARGUMENTS names where documents are read)"
                )
    for section in ("resource", "data"):
        for resource_type, blocks in configuration.get(section, {}).items():
            for name, block in blocks.items():
                prefix = "data." if section == "data" else ""
                address = f"{prefix}{resource_type}.{name}"
                for argument, text in _strings(block, ""):
                    kind = POLICY_ARGUMENTS.get((resource_type, argument)) if not prefix else None
                    if kind is None:
                        if _LOOKS_LIKE_A_POLICY.search(text):
                            raise DocumentError(
                                f"{path} {address}.{argument} looks like a policy document "
                                f'(JSON with "Statement") but ({resource_type}, {argument}) is not '
                                "in POLICY_ARGUMENTS of scripts/scan/policy_documents.py: add it"
                            )
                        continue
                    yield PolicyDocument(
                        file=str(path),
                        address=address,
                        argument=argument,
                        kind=kind,
                        document=_parse(
                            values, text, f"{path} {address}.{argument}", kind, block, name
                        ),
                        label=_label(values, block),
                    )


def _label(values: TerraformValues, block: dict[str, Any]) -> str:
    try:
        return values.render(block["name"]) if isinstance(block.get("name"), str) else ""
    except UnknownExpression:
        return ""


def _parse(
    values: TerraformValues,
    text: str,
    where: str,
    kind: DocumentKind,
    block: dict[str, Any],
    name: str,
) -> dict[str, Any]:
    try:
        rendered = values.render(text)
    except UnknownExpression as error:
        raise DocumentError(f"{where}: cannot fill in {error}") from None
    try:
        document = json.loads(rendered)
    except json.JSONDecodeError as error:
        raise DocumentError(
            f"{where}: not JSON after substitution ({error}): {rendered[:120]}"
        ) from None
    if not isinstance(document, dict):
        raise DocumentError(f"{where}: not a JSON object")
    if kind.implicit_resource is None:
        return document
    # The trusted role is the block itself; a repository policy names its repository.
    arguments = (
        block if kind.resource_argument is None else {"name": block.get(kind.resource_argument)}
    )
    try:
        resource = values.arn(kind.implicit_resource, arguments, name)
    except UnknownExpression as error:
        raise DocumentError(f"{where}: cannot make the ARN of what it is about: {error}") from None
    statements = document.get("Statement")
    for statement in statements if isinstance(statements, list) else [statements]:
        if (
            isinstance(statement, dict)
            and "Resource" not in statement
            and "NotResource" not in statement
        ):
            statement["Resource"] = resource
    return document
