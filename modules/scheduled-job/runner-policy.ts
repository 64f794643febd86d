import { PolicyDocument } from "../iam-role/policy-document";
import { JOB_TAG_KEY } from "../../runner/job-run-spec";

/** What the runner needs to know of one job to start it, watch it and stop it. */
export interface RunnableJob {
  /** The job's name: the value of the tag the runner puts on the tasks it starts. */
  readonly jobName: string;
  readonly clusterArn: string;
  /** `arn:...:task-definition/FAMILY:*` */
  readonly taskDefinitionRevisionsArn: string;
  /** `arn:...:task/CLUSTER/*` */
  readonly clusterTasksArn: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn?: string;
  readonly logGroupArn?: string;
  readonly runnerParameterArn?: string;
}

/**
 * The least-privilege policy of whoever runs `ecs-batch run` for these jobs (a job scheduler's
 * server, a CI role): read the jobs' parameters, start, watch and stop their tasks, pass their
 * roles, read their logs.
 */
export function runnerPolicy(jobs: readonly RunnableJob[]): PolicyDocument {
  const unique = (values: readonly (string | undefined)[]) =>
    [...new Set(values.filter((v): v is string => v !== undefined))].sort();
  const clusters = unique(jobs.map((job) => job.clusterArn));
  const clusterTasks = unique(jobs.map((job) => job.clusterTasksArn));
  const parameters = unique(jobs.map((job) => job.runnerParameterArn));
  const logGroups = unique(jobs.map((job) => job.logGroupArn));
  return {
    statements: [
      ...(parameters.length > 0
        ? [{ sid: "ReadJobParameters", actions: ["ssm:GetParameter"], resources: parameters }]
        : []),
      {
        sid: "RunTheJobs",
        actions: ["ecs:RunTask"],
        resources: unique(jobs.map((job) => job.taskDefinitionRevisionsArn)),
        conditions: { ArnEquals: { "ecs:cluster": clusters } },
      },
      {
        sid: "WatchTheJobsTasks",
        actions: ["ecs:DescribeTasks"],
        resources: clusterTasks,
      },
      {
        // Only the tasks ecs-batch started: it tags each with its job. Other tasks of a shared
        // cluster are out of reach.
        sid: "StopTheTasksItStarted",
        actions: ["ecs:StopTask"],
        resources: clusterTasks,
        conditions: {
          StringEquals: { [`aws:ResourceTag/${JOB_TAG_KEY}`]: unique(jobs.map((j) => j.jobName)) },
        },
      },
      {
        sid: "TagTasksAtLaunch",
        actions: ["ecs:TagResource"],
        resources: clusterTasks,
        conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
      {
        // DescribeTaskDefinition has no resource-level permissions.
        sid: "FindTheJobContainer",
        actions: ["ecs:DescribeTaskDefinition"],
        resources: ["*"],
      },
      {
        sid: "PassTheJobsRolesToEcsTasks",
        actions: ["iam:PassRole"],
        resources: unique(jobs.flatMap((job) => [job.executionRoleArn, job.taskRoleArn])),
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
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
    ],
  };
}
