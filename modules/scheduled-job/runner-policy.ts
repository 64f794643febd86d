import { PolicyDocument } from "../iam-role/policy-document";

/** What the runner needs to know of one job to start it, watch it and stop it. */
export interface RunnableJob {
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
        sid: "WatchAndStopTheJobsTasks",
        actions: ["ecs:DescribeTasks", "ecs:StopTask"],
        resources: clusterTasks,
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
