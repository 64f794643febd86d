import { PolicyDocument } from "../iam-role/policy-document";
import { RunnableJob } from "../job-run/job-run";
import { taskStartStatements } from "../job-run/task-start-statements";

/**
 * The least-privilege policy of whoever runs `ecs-batch` for these jobs (a job scheduler's
 * server, a CI role): read the jobs' parameters; start, watch and stop their tasks (only the tasks
 * it tagged with a job, never other tasks of a shared cluster) and pass their roles; find the
 * job's container; read their logs; query their environment's run ledger (`history`, `logs`).
 */
export function runnerPolicy(jobs: readonly RunnableJob[]): PolicyDocument {
  const unique = (values: readonly (string | undefined)[]) =>
    [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  const parameters = unique(jobs.map((job) => job.runnerParameterArn));
  const parameterPaths = unique(jobs.map((job) => job.runnerParameterPathArn));
  const logGroups = unique(jobs.map((job) => job.logGroupArn));
  const ledgers = unique(jobs.map((job) => job.ledgerLogGroupArn));
  return {
    statements: [
      ...(parameters.length > 0
        ? [{ sid: "ReadJobParameters", actions: ["ssm:GetParameter"], resources: parameters }]
        : []),
      // To name the jobs there are when asked for one that is not: the paths' parameters alone.
      ...(parameterPaths.length > 0
        ? [
            {
              sid: "ListJobParameters",
              actions: ["ssm:GetParametersByPath"],
              resources: parameterPaths,
            },
          ]
        : []),
      ...taskStartStatements(
        jobs.map((job) => job.access),
        { watch: true, stop: "tagged" },
      ),
      {
        // DescribeTaskDefinition has no resource-level permissions.
        sid: "FindTheJobContainer",
        actions: ["ecs:DescribeTaskDefinition"],
        resources: ["*"],
      },
      ...(logGroups.length > 0
        ? [
            {
              sid: "ReadJobLogs",
              actions: ["logs:GetLogEvents"],
              resources: logGroups.map((arn) => `${arn}:log-stream:*`),
            },
          ]
        : []),
      ...(ledgers.length > 0
        ? [
            {
              // Both take the log-group resource type (the Service Authorization Reference):
              // GetQueryResults is authorized against the group the query reads. The group's ARN
              // is given with and without the ":*" that CloudWatch Logs appends to it in places.
              sid: "QueryTheRunLedger",
              actions: ["logs:StartQuery", "logs:GetQueryResults"],
              resources: ledgers.flatMap((arn) => [arn, `${arn}:*`]),
            },
            {
              // StopQuery has no resource-level permissions (it takes only a query id).
              // ecs-batch stops the queries it gives up on (--timeout, a signal), so they do not
              // go on scanning, and costing, with nobody to read them.
              sid: "StopLedgerQueries",
              actions: ["logs:StopQuery"],
              resources: ["*"],
            },
          ]
        : []),
    ],
  };
}
