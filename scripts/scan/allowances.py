"""The allow list of parliament findings (policy-findings-allowed.yaml) and its rules.

An entry names a finding code, what it matches (actions, document kinds or both) and its reason.
Entries never match by file, resource address or logical id, so a rename cannot hide a new
finding. The rules below are code, not convention: an entry that breaks one fails the scan.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from iam_actions import IamActions
from parliament_setup import parliament
from policy_documents import KIND_NAMES

# The codes an entry may name, and what an entry for each must say.
ALLOWABLE = {
    "CREDENTIALS_EXPOSURE": "actions that return credentials, by action (and kind)",
    "PERMISSIONS_MANAGEMENT_ACTIONS": "actions that change permissions, by action (and kind)",
    "RESOURCE_STAR": "actions without resource-level permissions, or kinds where * is the resource",
    "PRIVILEGE_ESCALATION": "iam:CreatePolicyVersion / iam:SetDefaultPolicyVersion only, see below",
    "RESOURCE_MISMATCH": "actions that take one of several resource types, see below",
}

# Findings that mean the policy may not do what it says (a condition key the action ignores, a
# value of the wrong type, an action or principal AWS does not know, an ARN that is not one):
# never allowed, always fixed in the policy. RESOURCE_MISMATCH (a resource the action does not
# take) is one too, but for the one case where parliament is wrong, checked per statement below.
MAY_NOT_DO_WHAT_IT_SAYS = frozenset(
    {
        "UNKNOWN_CONDITION_FOR_ACTION",
        "UNKNOWN_CONDITION",
        "MISMATCHED_TYPE",
        "MISMATCHED_TYPE_BUT_USABLE",
        "MISMATCHED_TYPE_OPERATION_TO_NULL",
        "UNKNOWN_ACTION",
        "UNKNOWN_PREFIX",
        "UNKNOWN_OPERATOR",
        "UNKNOWN_PRINCIPAL",
        "UNKNOWN_FEDERATION_SOURCE",
        "INVALID_ARN",
        "MALFORMED",
        "MALFORMED_JSON",
        "EXCEPTION",
    }
)

# Document kinds whose Resource "*" means the resource the policy is attached to.
STAR_IS_THE_RESOURCE = frozenset({"kms-key-policy"})

POLICY_VERSION_ACTIONS = frozenset({"iam:createpolicyversion", "iam:setdefaultpolicyversion"})

# Tagging that AWS authorises while a resource is created, before it (and so its ARN) exists, and
# documents as needing a grant "not restricted to particular" resources: KMS's CreateKey with tags
# (developer guide, "Controlling access to tags"). RESOURCE_STAR on these is allowed only in a
# statement that limits the tags of the request (aws:RequestTag/... or aws:TagKeys).
TAGGED_ON_CREATE = frozenset({"kms:tagresource"})

# A customer managed policy ARN limited to a named prefix: policy/<prefix>-*, no other wildcard.
_PREFIXED_POLICY = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:policy/(?:[\w+=,.@-]+/)*[\w+=,.@-]*[\w+=,.@]-\*$"
)
_ANY_POLICY = "arn:*:iam::*:policy/*"
_BOUNDARY_POLICY = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:policy/(?:[^/]*/)*[^/]*boundary[^/]*$", re.I
)

_ENTRY_KEYS = {"finding", "actions", "kinds", "reason"}


class AllowListError(Exception):
    """An allow list the linter refuses: every problem, one per line."""


@dataclass
class Allowance:
    number: int
    finding: str
    # Lower case, as parliament reports some actions; `shown` as the entry spells them.
    actions: frozenset[str]
    shown: tuple[str, ...]
    kinds: frozenset[str]
    reason: str
    matched: int = 0
    refused_for: list[str] = field(default_factory=list)

    def describe(self) -> str:
        what = [self.finding]
        if self.actions:
            what.append("actions " + ",".join(self.shown))
        if self.kinds:
            what.append("kinds " + ",".join(sorted(self.kinds)))
        return f"entry {self.number} ({'; '.join(what)})"


@dataclass(frozen=True)
class Finding:
    """One finding about one document; findings that list actions are split by action."""

    file: str
    address: str
    kind: str
    code: str
    actions: tuple[str, ...]
    detail: str
    # Index of the statement the finding is about, when parliament says.
    statement: int | None = None


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def load_allow_list(path: Path, iam: IamActions, known_codes: set[str]) -> list[Allowance]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(entries, list):
        raise AllowListError(f"{path}: expected a list of entries")
    problems: list[str] = []
    allowances: list[Allowance] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path} entry {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not a mapping")
            continue
        extra = set(entry) - _ENTRY_KEYS
        if extra:
            problems.append(
                f"{where}: unknown keys {sorted(extra)}: an entry matches by finding, actions and "
                "document kinds only, never by file, resource or logical id"
            )
        code = entry.get("finding")
        actions = [str(action) for action in _as_list(entry.get("actions") or [])]
        kinds = [str(kind) for kind in _as_list(entry.get("kinds") or [])]
        reason = str(entry.get("reason") or "").strip()
        problems.extend(
            f"{where}: {problem}"
            for problem in _entry_problems(code, actions, kinds, reason, iam, known_codes)
        )
        allowances.append(
            Allowance(
                number=number,
                finding=str(code),
                actions=frozenset(action.lower() for action in actions),
                shown=tuple(actions),
                kinds=frozenset(kinds),
                reason=reason,
            )
        )
    if problems:
        raise AllowListError("\n".join(problems))
    return allowances


def _entry_problems(
    code: Any,
    actions: list[str],
    kinds: list[str],
    reason: str,
    iam: IamActions,
    known_codes: set[str],
) -> list[str]:
    if not isinstance(code, str) or not code:
        return ["no finding code"]
    problems: list[str] = []
    if code in MAY_NOT_DO_WHAT_IT_SAYS:
        problems.append(
            f"{code} is never allowed: it means the policy may not do what it says; fix the policy"
        )
    elif code not in known_codes:
        problems.append(f"{code} is not a finding parliament reports")
    elif code not in ALLOWABLE:
        problems.append(f"{code} is not allowable (allowable: {', '.join(sorted(ALLOWABLE))})")
    if len(reason.split()) < 5:
        problems.append("the reason must say in words why the finding is a false positive")
    if not actions and not kinds:
        problems.append("name the actions and/or document kinds the entry matches")
    for kind in kinds:
        if kind not in KIND_NAMES:
            problems.append(
                f"unknown document kind {kind!r} (kinds: {', '.join(sorted(KIND_NAMES))})"
            )
    for action in actions:
        if "*" in action or "?" in action:
            problems.append(f"{action}: name actions one by one, without wildcards")
        elif not iam.exists(action):
            problems.append(f"{action}: not an action in parliament's IAM definitions")
    if problems:
        return problems
    if code == "RESOURCE_STAR":
        if kinds and set(kinds) <= STAR_IS_THE_RESOURCE:
            return []
        if not actions:
            problems.append(
                "RESOURCE_STAR by kind only where * is the resource itself "
                f"({', '.join(sorted(STAR_IS_THE_RESOURCE))}); otherwise name the actions"
            )
        for action in actions:
            resource_types = iam.resource_types(action)
            if resource_types and action.lower() not in TAGGED_ON_CREATE:
                problems.append(
                    f"RESOURCE_STAR on {action} is not allowable: it supports resource types "
                    f"{', '.join(resource_types)} (parliament's iam_definition.json); scope it"
                )
    if code == "RESOURCE_MISMATCH":
        if not actions:
            problems.append("RESOURCE_MISMATCH entries name their actions")
        for action in actions:
            if len(iam.required_resource_types(action)) < 2:
                problems.append(
                    f"RESOURCE_MISMATCH on {action} is not allowable: it takes one resource type, "
                    "so the statement's resource is not one it acts on; fix the resource"
                )
    if code == "PRIVILEGE_ESCALATION":
        others = {action.lower() for action in actions} - POLICY_VERSION_ACTIONS
        if not actions or others:
            problems.append(
                "PRIVILEGE_ESCALATION may be allowed only for iam:CreatePolicyVersion and/or "
                "iam:SetDefaultPolicyVersion"
                + (f", not {', '.join(sorted(others))}" if others else "")
            )
    return problems


def _grants(statement: dict[str, Any], action: str) -> bool:
    if "NotAction" in statement:
        return not any(
            fnmatch.fnmatchcase(action, str(pattern).lower())
            for pattern in _as_list(statement["NotAction"])
        )
    return any(
        fnmatch.fnmatchcase(action, str(pattern).lower())
        for pattern in _as_list(statement.get("Action", []))
    )


def _statement_name(statement: dict[str, Any], index: int) -> str:
    return f"statement {statement['Sid']}" if "Sid" in statement else f"statement #{index + 1}"


def _may_be_a_policy(resource: str) -> bool:
    try:
        return bool(parliament.is_arn_match("policy", _ANY_POLICY, resource))
    except Exception:  # parliament raises on what is not an ARN; INVALID_ARN reports it
        return True


def escalation_allowance_problems(
    document: dict[str, Any], actions: set[str], iam: IamActions
) -> list[str]:
    """Why a PRIVILEGE_ESCALATION finding on policy versions may not be allowed in this document:
    every Allow of the actions must be limited to policy/<prefix>-* ARNs, and the document must
    deny the actions, without a condition, on the permissions-boundary policy. Empty: allowed."""
    statements = [s for s in _as_list(document.get("Statement", [])) if isinstance(s, dict)]
    problems: list[str] = []
    for action in sorted(actions):
        shown = iam.canonical(action)
        for index, statement in enumerate(statements):
            if statement.get("Effect") != "Allow" or not _grants(statement, action):
                continue
            name = _statement_name(statement, index)
            if "NotResource" in statement:
                problems.append(f"{name} grants {shown} with NotResource")
                continue
            for resource in _as_list(statement.get("Resource", [])):
                # A resource that cannot be a policy (a role in the same statement) grants nothing.
                if _may_be_a_policy(str(resource)) and not _PREFIXED_POLICY.match(str(resource)):
                    problems.append(
                        f"{name} grants {shown} on {resource}, "
                        "not on policy/<prefix>-* of a named prefix"
                    )
        denied = any(
            statement.get("Effect") == "Deny"
            and "Condition" not in statement
            and "Action" in statement
            and _grants(statement, action)
            and any(
                _BOUNDARY_POLICY.match(str(resource))
                for resource in _as_list(statement.get("Resource", []))
            )
            for statement in statements
        )
        if not denied:
            problems.append(
                f"no unconditional Deny of {shown} on the permissions-boundary policy "
                "(a policy ARN whose name contains 'boundary') in the same document"
            )
    return problems


def tag_on_create_problems(statement: dict[str, Any] | None, action: str) -> list[str]:
    """Why RESOURCE_STAR on a tag-on-create action may not be allowed: the statement must limit
    the tags of the request. Empty: allowed."""
    if statement is None:
        return ["parliament did not say which statement"]
    keys = [
        str(key)
        for condition in _as_list(statement.get("Condition", {}))
        if isinstance(condition, dict)
        for values in condition.values()
        if isinstance(values, dict)
        for key in values
    ]
    if any(key.startswith("aws:RequestTag/") or key == "aws:TagKeys" for key in keys):
        return []
    return [f"{action} on * is not limited by aws:RequestTag/... or aws:TagKeys"]


def mismatch_allowance_problems(
    statement: dict[str, Any] | None, action: str, iam: IamActions
) -> list[str]:
    """Why a RESOURCE_MISMATCH finding may not be allowed: parliament wants a resource of every
    required type of the action, AWS one of them, so it is allowed only when every resource of
    the statement is of one of the action's required types. Empty: allowed."""
    if statement is None:
        return ["parliament did not say which statement"]
    problems = []
    formats = iam.required_resource_types(action)
    for resource in _as_list(statement.get("Resource", [])):
        if not any(
            parliament.is_arn_strictly_valid(kind, arn, str(resource)) for kind, arn in formats
        ):
            wanted = " or ".join(arn for _, arn in formats)
            problems.append(f"{resource} is none of the resource types of {action} ({wanted})")
    return problems


def judge(
    finding: Finding, document: dict[str, Any], allowances: list[Allowance], iam: IamActions
) -> tuple[Allowance | None, list[str]]:
    """The entry that allows the finding, or None and why the entries that match it refused."""
    refusals: list[str] = []
    actions = {action.lower() for action in finding.actions}
    for allowance in allowances:
        if allowance.finding != finding.code:
            continue
        if allowance.actions and (not actions or not actions <= allowance.actions):
            continue
        if allowance.kinds and finding.kind not in allowance.kinds:
            continue
        problems: list[str] = []
        if finding.code == "PRIVILEGE_ESCALATION":
            problems = escalation_allowance_problems(document, actions, iam)
        statements = _as_list(document.get("Statement", []))
        statement = statements[finding.statement] if finding.statement is not None else None
        if finding.code == "RESOURCE_STAR" and allowance.actions & TAGGED_ON_CREATE:
            problems = [
                p
                for action in sorted(actions & TAGGED_ON_CREATE)
                for p in tag_on_create_problems(statement, action)
            ]
        if finding.code == "RESOURCE_MISMATCH":
            problems = [
                p
                for action in sorted(actions)
                for p in mismatch_allowance_problems(statement, action, iam)
            ]
        if problems:
            allowance.refused_for.append(f"{finding.file} {finding.address}")
            refusals.append(f"{allowance.describe()} refused: " + "; ".join(problems))
            continue
        allowance.matched += 1
        return allowance, []
    return None, refusals


def stale(allowances: list[Allowance]) -> list[Allowance]:
    """Entries that neither allowed nor were refused for any finding of the run."""
    return [a for a in allowances if a.matched == 0 and not a.refused_for]
