"""Self-tests of the policy lint, run by `npm run scan` before it lints anything:
`.venv-scan/bin/python -m unittest discover -s scripts/scan`. Each rule is shown to fail."""

from __future__ import annotations

import contextlib
import io
import json
import unittest
from pathlib import Path
from typing import Any

import yaml

import lint_policies
from allowances import (
    AllowListError,
    escalation_allowance_problems,
    load_allow_list,
    mismatch_allowance_problems,
    tag_on_create_problems,
)
from iam_actions import IamActions
from parliament_setup import parliament
from policy_documents import DocumentError, policy_documents
from terraform_values import TerraformValues, UnknownExpression

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
IAM = IamActions(parliament.iam_definition)


def run_lint(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = lint_policies.main(list(arguments))
    return status, out.getvalue(), err.getvalue()


def entry(**fields: Any) -> str:
    """One allow-list entry as YAML text."""
    return yaml.safe_dump([fields])


def load_entries(tmp: Path, text: str) -> Any:
    path = tmp / "allow.yaml"
    path.write_text(text, encoding="utf-8")
    return load_allow_list(path, IAM, set(parliament.config))


class TemporaryDirectoryTest(unittest.TestCase):
    def setUp(self) -> None:
        import tempfile

        self._directory = tempfile.TemporaryDirectory()
        self.tmp = Path(self._directory.name)

    def tearDown(self) -> None:
        self._directory.cleanup()


class TerraformValuesTest(unittest.TestCase):
    CONFIGURATION: dict[str, Any] = {
        "variable": {
            "cluster_arn": {"type": "string"},
            "ecr_repository_arns": {"type": "list(string)", "default": ["*"]},
            "task_role_arn": {"type": "string", "default": None},
            "job_name": {"type": "string"},
            "mystery_arn": {"type": "string"},
            # As the run-ledger module declares its jobs.
            "jobs": {
                "type": "map(object({ container = optional(string), log_group_name = "
                'optional(string), log_stream_prefix = optional(string, "batch") }))'
            },
        },
        "locals": {
            "Tasks": '${replace(aws_ecs_cluster.Cluster.arn, ":cluster/", ":task/")}/*',
            "Nested": "${local.Tasks}",
            "Loop": "${local.Loop}",
            # The run-ledger module's job table, and the same over jobs that leave values unset.
            "JobTable": "${{ for family, job in var.jobs : family => { for key, value in "
            "{ container = coalesce(job.container, family), logGroupName = job.log_group_name } "
            ": key => value if value != null } }}",
            "Unset": '${{ for family, job in { a = { container = null, logs = "/a" }, '
            'b = { container = "main", logs = null } } : family => { for key, value in '
            "{ container = coalesce(job.container, family), logGroupName = job.logs } "
            ": key => value if value != null } }}",
        },
        "data": {
            "aws_caller_identity": {"Account": {}},
            "aws_region": {"Region": {}},
            "aws_partition": {"Partition": {}},
            "aws_ecs_cluster": {"Shared": {"cluster_name": "platform"}},
        },
        "resource": {
            "aws_ecs_cluster": {"Cluster": {"name": "batch-dev"}},
            "aws_sqs_queue": {"Queue_1234": {"name": "${var.job_name}-dlq"}},
            "aws_iam_role": {"Role": {"name": "job-execution"}},
            "aws_kms_key": {"Key": {}},
            "aws_ecs_task_definition": {"Task": {"family": "job"}},
            "aws_ssm_parameter": {"Parameter": {"name": "/ecs-batch/dev/job"}},
            "aws_cloudwatch_log_group": {"Logs": {"name": "/ecs/job"}},
            "aws_s3_bucket": {"Bucket": {"bucket": "artifacts"}},
            "aws_glue_job": {"Unknown": {"name": "x"}},
        },
    }

    def render(self, template: str) -> str:
        return TerraformValues(self.CONFIGURATION).render(template)

    def test_references_become_arns_of_their_service_and_type(self) -> None:
        account, region = "123456789012", "ap-northeast-1"
        regional = f"{region}:{account}"
        cases = {
            "${aws_sqs_queue.Queue_1234.arn}": f"arn:aws:sqs:{regional}:example-job-name-dlq",
            "${aws_iam_role.Role.arn}": f"arn:aws:iam::{account}:role/job-execution",
            "${aws_ecs_task_definition.Task.arn_without_revision}:*": (
                f"arn:aws:ecs:{regional}:task-definition/job:*"
            ),
            "${aws_ssm_parameter.Parameter.arn}": (
                f"arn:aws:ssm:{regional}:parameter/ecs-batch/dev/job"
            ),
            "${aws_cloudwatch_log_group.Logs.arn}:log-stream:*": (
                f"arn:aws:logs:{regional}:log-group:/ecs/job:log-stream:*"
            ),
            "${aws_s3_bucket.Bucket.arn}/*": "arn:aws:s3:::artifacts/*",
            "${data.aws_ecs_cluster.Shared.arn}": f"arn:aws:ecs:{regional}:cluster/platform",
            "arn:${data.aws_partition.Partition.partition}:iam::"
            "${data.aws_caller_identity.Account.account_id}:root": f"arn:aws:iam::{account}:root",
            "ecr.${data.aws_region.Region.region}.amazonaws.com": f"ecr.{region}.amazonaws.com",
            "$${aws:username}": "${aws:username}",
        }
        for template, expected in cases.items():
            with self.subTest(template=template):
                self.assertEqual(self.render(template), expected)
        self.assertRegex(
            self.render("${aws_kms_key.Key.arn}"),
            r"^arn:aws:kms:ap-northeast-1:123456789012:key/[0-9a-f-]{36}$",
        )

    def test_locals_resolve_recursively_through_functions(self) -> None:
        self.assertEqual(
            self.render("${local.Nested}"),
            "arn:aws:ecs:ap-northeast-1:123456789012:task/batch-dev/*",
        )

    def test_variables_by_type_and_lists_as_json(self) -> None:
        self.assertEqual(
            self.render(
                '"Resource":${jsonencode(compact([aws_iam_role.Role.arn, var.task_role_arn]))}'
            ),
            '"Resource":["arn:aws:iam::123456789012:role/job-execution",'
            '"arn:aws:iam::123456789012:role/example-task-role"]',
        )
        self.assertEqual(
            self.render("${jsonencode(var.ecr_repository_arns)}"),
            '["arn:aws:ecr:ap-northeast-1:123456789012:repository/example-ecr-repository"]',
        )
        self.assertEqual(
            self.render("${var.cluster_arn}"),
            "arn:aws:ecs:ap-northeast-1:123456789012:cluster/example-cluster",
        )

    def test_for_expressions_build_objects_and_filter_out_null_values(self) -> None:
        self.assertEqual(
            json.loads(self.render("${jsonencode(local.JobTable)}")),
            {
                "example-jobs": {
                    "container": "example-container",
                    "logGroupName": "example-log-group-name",
                }
            },
        )
        self.assertEqual(
            json.loads(self.render("${jsonencode(local.Unset)}")),
            {"a": {"container": "a", "logGroupName": "/a"}, "b": {"container": "main"}},
        )
        self.assertEqual(self.render('${var.job_name == "example-job-name"}'), "true")
        self.assertEqual(
            self.render("${jsonencode({ set = var.task_role_arn != null })}"), '{"set":true}'
        )

    def test_what_it_cannot_understand_fails_naming_the_expression(self) -> None:
        for template, named in {
            "${aws_glue_job.Unknown.arn}": "aws_glue_job",
            "${upper(var.job_name)}": "upper()",
            "${var.mystery_arn}": "var.mystery_arn",
            "${local.Loop}": "local.Loop",
            "${var.job_name == null ? 1 : 2}": "var.job_name == null",
            "${aws_sqs_queue.Queue_1234.url_of_something}": "url_of_something",
            "${aws_sqs_queue.Missing.arn}": "aws_sqs_queue.Missing",
            "%{ for x in var.list }x%{ endfor }": "%{",
            "${jsonencode(var.ecr_repository_arns)}${var.ecr_repository_arns}": "not a string",
            "${[for arn in var.ecr_repository_arns : arn]}": "found 'arn'",
            "${{ for k, v in var.job_name : k => v }}": "not a collection",
            '${jsonencode({ "quoted" = 1 })}': "object key",
            "${{ for k, v in var.jobs : k => v... }}": "splat",
        }.items():
            with self.subTest(template=template):
                with self.assertRaises(UnknownExpression) as raised:
                    self.render(template)
                self.assertIn(named, str(raised.exception))


class PolicyDocumentsTest(unittest.TestCase):
    def test_a_policy_document_outside_the_table_fails(self) -> None:
        configuration = {
            "resource": {
                "aws_glacier_vault": {
                    "Vault": {"access_policy": '{"Version":"2012-10-17","Statement":[]}'}
                }
            }
        }
        with self.assertRaises(DocumentError) as raised:
            list(policy_documents(Path("x.tf.json"), configuration))
        self.assertIn("aws_glacier_vault.Vault.access_policy", str(raised.exception))

    def test_trust_and_repository_policies_get_their_resource(self) -> None:
        statement = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        )
        configuration = {
            "resource": {
                "aws_iam_role": {"Role": {"name": "job", "assume_role_policy": statement}},
                "aws_ecr_repository": {"Image": {"name": "job"}},
                "aws_ecr_repository_policy": {
                    "Policy": {
                        "repository": "${aws_ecr_repository.Image.name}",
                        "policy": statement.replace("sts:AssumeRole", "ecr:BatchGetImage"),
                    }
                },
            }
        }
        resources = {
            document.kind.name: document.document["Statement"][0]["Resource"]
            for document in policy_documents(Path("x.tf.json"), configuration)
        }
        self.assertEqual(
            resources,
            {
                "trust": "arn:aws:iam::123456789012:role/job",
                "ecr-repository-policy": "arn:aws:ecr:ap-northeast-1:123456789012:repository/job",
            },
        )


class AllowListTest(TemporaryDirectoryTest):
    def assertRefused(self, text: str, reason: str) -> None:
        with self.assertRaises(AllowListError) as raised:
            load_entries(self.tmp, text)
        self.assertIn(reason, str(raised.exception))

    def test_findings_that_mean_the_policy_may_not_work_are_refused(self) -> None:
        status, _, err = run_lint(
            "--allow-list",
            str(FIXTURES / "allow-unknown-condition.yaml"),
            str(FIXTURES / "escalation.tf.json"),
        )
        self.assertEqual(status, 2)
        self.assertIn("UNKNOWN_CONDITION_FOR_ACTION is never allowed", err)
        for code in (
            "MISMATCHED_TYPE",
            "MISMATCHED_TYPE_BUT_USABLE",
            "UNKNOWN_ACTION",
            "UNKNOWN_PRINCIPAL",
        ):
            with self.subTest(code=code):
                self.assertRefused(
                    entry(
                        finding=code,
                        kinds=["identity"],
                        reason="parliament is wrong about this one",
                    ),
                    "never allowed",
                )

    def test_resource_star_only_on_actions_without_resource_types(self) -> None:
        self.assertRefused(
            entry(
                finding="RESOURCE_STAR",
                actions=["kms:PutKeyPolicy"],
                reason="any key of the account will do",
            ),
            "supports resource types key",
        )
        self.assertRefused(
            entry(
                finding="RESOURCE_STAR",
                kinds=["identity"],
                reason="star is fine in identity policies",
            ),
            "RESOURCE_STAR by kind only where * is the resource itself",
        )
        entries = load_entries(
            self.tmp,
            entry(
                finding="RESOURCE_STAR",
                actions=["ecr:GetAuthorizationToken", "xray:PutTraceSegments"],
                reason="these actions take only Resource star",
            ),
        )
        self.assertEqual(len(entries), 1)

    def test_entries_never_match_by_resource_and_always_say_why(self) -> None:
        self.assertRefused(
            entry(
                finding="CREDENTIALS_EXPOSURE",
                actions=["sts:AssumeRole"],
                resource="aws_iam_role.Role",
                reason="this one role is trusted by a service",
            ),
            "never by file, resource or logical id",
        )
        self.assertRefused(
            "- finding: CREDENTIALS_EXPOSURE\n  actions: [sts:AssumeRole]\n", "reason must say"
        )
        self.assertRefused(
            entry(
                finding="CREDENTIALS_EXPOSURE",
                actions=["sts:AssumeRol"],
                reason="a typo, five words",
            ),
            "not an action",
        )

    def test_privilege_escalation_only_for_policy_versions(self) -> None:
        self.assertRefused(
            "- finding: PRIVILEGE_ESCALATION\n  actions: [iam:AttachRolePolicy, sts:AssumeRole]\n"
            "  reason: the deploy role attaches policies to roles\n",
            "only for iam:CreatePolicyVersion",
        )

    def test_resource_mismatch_only_for_actions_of_several_resource_types(self) -> None:
        self.assertRefused(
            "- finding: RESOURCE_MISMATCH\n  actions: [chatbot:TagResource]\n"
            "  reason: parliament's data is older than the API\n",
            "takes one resource type",
        )


class MismatchAllowanceTest(unittest.TestCase):
    def test_one_of_several_resource_types_is_allowed_and_another_resource_is_not(self) -> None:
        machine = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:nightly"
        queue = "arn:aws:sqs:ap-northeast-1:123456789012:nightly"
        statement = {"Effect": "Allow", "Action": "states:ListExecutions", "Resource": [machine]}
        self.assertEqual(mismatch_allowance_problems(statement, "states:ListExecutions", IAM), [])
        problems = mismatch_allowance_problems(
            {**statement, "Resource": [machine, queue]}, "states:ListExecutions", IAM
        )
        self.assertEqual(len(problems), 1)
        self.assertIn(
            f"{queue} is none of the resource types of states:ListExecutions", problems[0]
        )


class TagOnCreateAllowanceTest(unittest.TestCase):
    STATEMENT = {"Effect": "Allow", "Action": "kms:TagResource", "Resource": "*"}

    def test_tagging_on_create_is_allowed_only_when_the_request_tags_are_limited(self) -> None:
        limited = {
            **self.STATEMENT,
            "Condition": {"StringEquals": {"aws:RequestTag/Environment": "dev"}},
        }
        self.assertEqual(tag_on_create_problems(limited, "kms:TagResource"), [])
        self.assertEqual(
            tag_on_create_problems(self.STATEMENT, "kms:TagResource"),
            ["kms:TagResource on * is not limited by aws:RequestTag/... or aws:TagKeys"],
        )


class EscalationAllowanceTest(unittest.TestCase):
    ACTIONS = {"iam:createpolicyversion"}

    @staticmethod
    def document(resources: list[str], deny: dict[str, Any] | None) -> dict[str, Any]:
        statements: list[dict[str, Any]] = [
            {
                "Sid": "Change",
                "Effect": "Allow",
                "Action": "iam:CreatePolicyVersion",
                "Resource": resources,
            }
        ]
        if deny is not None:
            statements.append(deny)
        return {"Version": "2012-10-17", "Statement": statements}

    BOUNDARY_DENY = {
        "Effect": "Deny",
        "Action": ["iam:CreatePolicyVersion", "iam:DeletePolicy"],
        "Resource": "arn:aws:iam::123456789012:policy/dev-boundary",
    }

    def test_prefixed_policies_and_a_denied_boundary_are_allowed(self) -> None:
        document = self.document(
            ["arn:aws:iam::123456789012:policy/dev-*", "arn:aws:iam::123456789012:role/dev-*"],
            self.BOUNDARY_DENY,
        )
        self.assertEqual(escalation_allowance_problems(document, self.ACTIONS, IAM), [])

    def test_any_policy_is_refused(self) -> None:
        for resource in (
            "arn:aws:iam::123456789012:policy/*",
            "*",
            "arn:aws:iam::123456789012:*",
            "arn:aws:iam::123456789012:policy/*-x-*",
        ):
            with self.subTest(resource=resource):
                problems = escalation_allowance_problems(
                    self.document([resource], self.BOUNDARY_DENY), self.ACTIONS, IAM
                )
                self.assertIn(f"on {resource}, not on policy/<prefix>-*", " ".join(problems))

    def test_the_boundary_must_be_denied_without_condition(self) -> None:
        prefixed = ["arn:aws:iam::123456789012:policy/dev-*"]
        conditional = {
            **self.BOUNDARY_DENY,
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
        }
        other_policy = {
            **self.BOUNDARY_DENY,
            "Resource": "arn:aws:iam::123456789012:policy/dev-release-deploy",
        }
        for deny in (None, conditional, other_policy):
            with self.subTest(deny=deny):
                problems = escalation_allowance_problems(
                    self.document(prefixed, deny), self.ACTIONS, IAM
                )
                self.assertIn("no unconditional Deny", " ".join(problems))

    def test_the_lint_reports_the_refused_allowance(self) -> None:
        status, out, _ = run_lint(
            "--allow-list",
            str(FIXTURES / "allow-policy-versions.yaml"),
            str(FIXTURES / "policy-versions.tf.json"),
        )
        self.assertEqual(status, 1)
        findings = [line for line in out.splitlines() if " PRIVILEGE_ESCALATION " in line]
        self.assertEqual(len(findings), 2)
        self.assertIn("aws_iam_policy.AnyPolicy", findings[0])
        self.assertIn(
            "grants iam:CreatePolicyVersion on arn:aws:iam::123456789012:policy/*", findings[0]
        )
        self.assertIn("aws_iam_policy.PrefixedWithoutBoundary", findings[1])
        self.assertNotIn("PrefixedWithBoundary ", out)


class LintTest(TemporaryDirectoryTest):
    def test_the_seeded_escalation_fails_despite_the_allow_list(self) -> None:
        status, out, _ = run_lint("--no-stale-check", str(FIXTURES / "escalation.tf.json"))
        self.assertEqual(status, 1)
        self.assertIn("aws_iam_policy.Escalation identity RESOURCE_STAR iam:CreateRole", out)

    def test_an_entry_that_matches_nothing_fails_the_run(self) -> None:
        allow_list = self.tmp / "allow.yaml"
        allow_list.write_text(
            "- finding: CREDENTIALS_EXPOSURE\n  actions: [sts:AssumeRole]\n  kinds: [trust]\n"
            "  reason: there is no trust policy in this file\n",
            encoding="utf-8",
        )
        policy = self.tmp / "clean.tf.json"
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": "arn:aws:sqs:ap-northeast-1:123456789012:q",
                }
            ],
        }
        policy.write_text(
            json.dumps({"resource": {"aws_iam_policy": {"P": {"policy": json.dumps(document)}}}}),
            encoding="utf-8",
        )
        status, out, _ = run_lint("--allow-list", str(allow_list), str(policy))
        self.assertEqual(status, 1)
        self.assertIn("matched no finding", out)
        self.assertEqual(
            run_lint("--allow-list", str(allow_list), "--no-stale-check", str(policy))[0], 0
        )

    def test_an_unknown_expression_fails_naming_file_and_resource(self) -> None:
        policy = self.tmp / "unknown.tf.json"
        document = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "sqs:SendMessage",
                    "Resource": "${aws_mq_broker.B.arn}",
                }
            ],
        }
        policy.write_text(
            json.dumps({"resource": {"aws_iam_policy": {"P": {"policy": json.dumps(document)}}}}),
            encoding="utf-8",
        )
        status, _, err = run_lint("--no-stale-check", str(policy))
        self.assertEqual(status, 2)
        self.assertIn(f"{policy} aws_iam_policy.P.policy: cannot fill in", err)
        self.assertIn("aws_mq_broker.B.arn", err)


if __name__ == "__main__":
    unittest.main()
