"""Lints every IAM policy document of Terraform JSON files with parliament.

Usage: lint_policies.py [--allow-list FILE] [--no-stale-check] [--state-machines-out DIR] FILE...

Reads each file's policy documents (policy_documents.POLICY_ARGUMENTS), fills in their Terraform
expressions with plausible values (terraform_values), and runs parliament with its community
auditors over each. Prints one line per finding outside the allow list, then a summary.
--state-machines-out also writes the file's state machine definitions, rendered the same way,
for asl-validator.

Exit status: 0 no finding outside the allow list; 1 findings outside it, or allow-list entries
that matched nothing (stale); 2 the lint could not run as asked: an allow list it refuses, an
expression it cannot fill in, a document where the table does not look.
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allowances import AllowListError, Finding, judge, load_allow_list, stale
from iam_actions import IamActions
from parliament_setup import parliament
from policy_documents import DocumentError, PolicyDocument, policy_documents
from state_machines import DefinitionError, write_definitions

ALLOW_LIST = Path(__file__).with_name("policy-findings-allowed.yaml")

# Findings whose detail or location lists actions, each judged alone: one finding per action.
_PER_ACTION = {
    "RESOURCE_STAR",
    "RESOURCE_MISMATCH",
    "CREDENTIALS_EXPOSURE",
    "PERMISSIONS_MANAGEMENT_ACTIONS",
}
_CONDITION_ACTION = re.compile(r"for action (\S+:\S+)$")


def _numbered(document: dict[str, Any]) -> tuple[str, list[int]]:
    """The document as parliament reads it (Statement always a list), and the line each of its
    statements starts on, to tell which statement a finding's line is in."""
    statements = document.get("Statement")
    if not isinstance(statements, list):
        document["Statement"] = statements = [statements]
    ordered = {key: document[key] for key in ("Version", "Id") if key in document}
    ordered["Statement"] = statements
    ordered.update({key: value for key, value in document.items() if key not in ordered})
    text = json.dumps(ordered, indent=2)
    starts = [number for number, line in enumerate(text.splitlines(), start=1) if line == "    {"]
    return text, starts


def _statement_name(statements: list[Any], index: int | None) -> str:
    if index is None:
        return ""
    statement = statements[index]
    return (
        f"statement {statement['Sid']}"
        if isinstance(statement, dict) and "Sid" in statement
        else f"statement #{index + 1}"
    )


def _parts(
    issue: str, detail: Any, location: dict[str, Any], iam: IamActions
) -> list[tuple[tuple[str, ...], str]]:
    """(actions, detail) of each finding a parliament finding makes: one per action where each
    action is judged alone."""
    if issue in _PER_ACTION:
        parts: list[tuple[tuple[str, ...], str]] = []
        for item in location.get("actions") or detail or []:
            if isinstance(item, dict):
                needs = f"{item['action']}: needs a resource like {item['required_format']}"
                parts.append(((item["action"],), needs))
            else:
                parts.append(((item,), iam.canonical(item)))
        return parts
    if issue == "PRIVILEGE_ESCALATION":
        actions = tuple(sorted(location.get("actions", [])))
        shown = ", ".join(iam.canonical(action) for action in actions)
        return [(actions, f"{location.get('type')}: {shown}")]
    match = _CONDITION_ACTION.search(str(detail or ""))
    return [((match.group(1),) if match else (), str(detail or issue))]


def _findings(document: PolicyDocument, iam: IamActions) -> list[Finding]:
    text, starts = _numbered(document.document)
    statements = document.document["Statement"]
    policy = parliament.analyze_policy_string(
        text,
        include_community_auditors=True,
        ignore_private_auditors=True,
        config=parliament.config,
    )
    findings: list[Finding] = []
    for raw in policy.findings:
        location = raw.location if isinstance(raw.location, dict) else {}
        line = location.get("line")
        index = bisect.bisect_right(starts, line) - 1 if isinstance(line, int) else -1
        statement = index if index >= 0 else None
        context = ", ".join(
            part for part in (_statement_name(statements, statement), document.label) if part
        )
        for actions, detail in _parts(raw.issue, raw.detail, location, iam):
            findings.append(
                Finding(
                    file=document.file,
                    address=document.address,
                    kind=document.kind.name,
                    code=raw.issue,
                    actions=tuple(iam.canonical(action) for action in actions),
                    detail=f"{detail} ({context})" if context else detail,
                    statement=statement,
                )
            )
    # Parliament repeats some findings once per expanded action; one of each is enough.
    return list(dict.fromkeys(findings))


@dataclass
class _Run:
    documents: int = 0
    files: int = 0
    state_machines: int = 0
    allowed: int = 0
    not_allowed: int = 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--allow-list", type=Path, default=ALLOW_LIST)
    parser.add_argument(
        "--no-stale-check",
        action="store_true",
        help="do not fail on allow-list entries that matched nothing (a run over some files)",
    )
    parser.add_argument("--state-machines-out", type=Path)
    arguments = parser.parse_args(argv)

    iam = IamActions(parliament.iam_definition)
    try:
        allowances = load_allow_list(arguments.allow_list, iam, set(parliament.config))
    except AllowListError as error:
        print(f"policy-lint: refused allow list:\n{error}", file=sys.stderr)
        return 2

    run = _Run()
    errors: list[str] = []
    documents: list[PolicyDocument] = []
    for path in arguments.files:
        run.files += 1
        configuration = json.loads(path.read_text(encoding="utf-8"))
        try:
            documents.extend(policy_documents(path, configuration))
            if arguments.state_machines_out:
                run.state_machines += write_definitions(
                    arguments.state_machines_out, path, configuration
                )
        except (DocumentError, DefinitionError) as error:
            errors.append(str(error))
    if errors:
        print("policy-lint: cannot lint:\n" + "\n".join(errors), file=sys.stderr)
        return 2

    for document in documents:
        run.documents += 1
        for finding in _findings(document, iam):
            allowance, refusals = judge(finding, document.document, allowances, iam)
            if allowance is not None:
                run.allowed += 1
                continue
            run.not_allowed += 1
            why = f"; {'; '.join(refusals)}" if refusals else ""
            where = f"{finding.file} {finding.address} {finding.kind}"
            print(f"{where} {finding.code} {finding.detail}{why}")

    stale_entries = [] if arguments.no_stale_check else stale(allowances)
    for allowance in stale_entries:
        print(
            f"{arguments.allow_list} {allowance.describe()} matched no finding: remove it, "
            "the list holds only what a run needs"
        )
    used = sum(1 for allowance in allowances if allowance.matched)
    print(
        f"policy-lint: {run.documents} policy documents in {run.files} files: "
        f"{run.allowed + run.not_allowed} findings, {run.allowed} allowed by {used} of "
        f"{len(allowances)} allow-list entries, {run.not_allowed} not allowed"
        + (f"; {len(stale_entries)} stale allow-list entries" if stale_entries else "")
        + (
            f"; {run.state_machines} state machine definitions written"
            if arguments.state_machines_out
            else ""
        )
    )
    return 1 if run.not_allowed or stale_entries else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
