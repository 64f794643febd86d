import { Fn, Token } from "cdktf";
import { JOB_TAG_KEY } from "../../contract/job-run-spec";
import { PolicyStatement } from "../iam-role/policy-document";
import { isUnresolved } from "../validation/construct-validation";
import { JobRunAccess } from "./job-run";

/** What a starter does beyond starting the tasks. */
export interface TaskStartOptions {
  /** Follow the tasks it starts (`ecs:DescribeTasks`).
   * @default false */
  readonly watch?: boolean;
  /**
   * Stop tasks: `any` task of the jobs' clusters (Step Functions stops the task of a run that timed
   * out; its task ARN is unknown until then), or only the tasks `tagged` `BatchJob=<job>`, which
   * the runner puts on each task it starts, so it never stops other tasks of a shared cluster.
   * @default no stopping
   */
  readonly stop?: "any" | "tagged";
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** One value, or the list when there are several, as IAM conditions take them. */
function oneOrList(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

/**
 * The roles a starter passes to ECS. A role known only at apply time may be null there (an optional
 * Terraform variable, such as a module's `task_role_arn`): Terraform's `compact` drops it, so the
 * grant never names a null role.
 */
function passRoleResources(jobs: readonly JobRunAccess[]): string[] {
  const optional = jobs.flatMap((job) => job.optionalRoleArns ?? []);
  // A literal can never be null: it is an ordinary role.
  const roles = unique([
    ...jobs.flatMap((job) => job.passRoleArns),
    ...optional.filter((arn) => !isUnresolved(arn)),
  ]);
  const mayBeNull = unique(optional.filter((arn) => isUnresolved(arn))).filter(
    (arn) => !roles.includes(arn),
  );
  if (mayBeNull.length === 0) {
    return roles;
  }
  return Token.asList(Fn.compact([...roles, ...mayBeNull]));
}

/**
 * May start these jobs' tasks, and nothing else: RunTask on every revision of their families, in
 * their clusters only; PassRole of their roles to ECS tasks only; TagResource on their clusters'
 * tasks only when RunTask creates them. With `watch` and `stop`, DescribeTasks and StopTask on
 * their clusters' tasks. The one builder of what the schedule roles, workflow roles and the
 * runner policy need to start jobs.
 */
export function taskStartStatements(
  jobs: readonly JobRunAccess[],
  options: TaskStartOptions = {},
): PolicyStatement[] {
  const clusters = unique(jobs.map((job) => job.clusterArn));
  const clusterTasks = unique(jobs.map((job) => job.clusterTasksArn));
  const statements: PolicyStatement[] = [
    {
      sid: "RunTheJobsTasks",
      actions: ["ecs:RunTask"],
      resources: unique(jobs.map((job) => job.taskDefinitionRevisionsArn)),
      conditions: { ArnEquals: { "ecs:cluster": oneOrList(clusters) } },
    },
    {
      sid: "PassTheJobsRolesToEcsTasks",
      actions: ["iam:PassRole"],
      resources: passRoleResources(jobs),
      conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      sid: "TagTasksAtLaunch",
      actions: ["ecs:TagResource"],
      resources: clusterTasks,
      conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    },
  ];
  if (options.watch) {
    statements.push({
      sid: "WatchTheJobsTasks",
      actions: ["ecs:DescribeTasks"],
      resources: clusterTasks,
    });
  }
  if (options.stop === "any") {
    statements.push({
      sid: "StopTheJobsTasks",
      actions: ["ecs:StopTask"],
      resources: clusterTasks,
    });
  }
  if (options.stop === "tagged") {
    statements.push({
      sid: "StopTheTasksItStarted",
      actions: ["ecs:StopTask"],
      resources: clusterTasks,
      conditions: {
        StringEquals: {
          [`aws:ResourceTag/${JOB_TAG_KEY}`]: unique(jobs.map((job) => job.jobName)),
        },
      },
    });
  }
  return statements;
}
