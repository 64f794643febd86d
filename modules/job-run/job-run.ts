/**
 * How a job's task is started, once, for everything that starts it: an EventBridge rule target,
 * an EventBridge Scheduler schedule, a Step Functions workflow (`ecs:runTask.sync`) and the runner
 * (`ecs-batch run`, through the job's SSM parameter). A job builds one {@link JobRun}; each of
 * those consumers renders it (render-job-run.ts), so they cannot disagree.
 */

/** Where a job's tasks run: the cluster, the network and the Fargate platform. */
export interface RunPlacement {
  /** ARN of the ECS cluster. */
  readonly clusterArn: string;
  /** Subnets of the task's network interface: private subnets. */
  readonly subnetIds: readonly string[];
  /** Security groups of the task's network interface.
   * @default the VPC's default security group */
  readonly securityGroupIds?: readonly string[];
  /** Whether the task gets a public IP. Keep batch jobs in private subnets with a NAT or VPC
   * endpoints instead.
   * @default false */
  readonly assignPublicIp?: boolean;
  /** Fargate platform version: `LATEST` or a version such as `1.4.0` (the book's `1.3.0` too).
   * @default "LATEST" */
  readonly platformVersion?: string;
}

/** How many tasks each run starts, and what they are tagged with. */
export interface LaunchOptions {
  /** Tasks each run starts (1-10). Only a rule or a Scheduler schedule can start more than one:
   * a workflow and the runner follow one task, and refuse a job that starts several.
   * @default 1 */
  readonly taskCount?: number;
  /** Copy the task definition's tags to the task.
   * @default true */
  readonly propagateTags?: boolean;
  /** Add ECS managed tags (cluster and service names) to the task.
   * @default true */
  readonly enableEcsManagedTags?: boolean;
}

/** The log group of a job's tasks (awslogs). With a FireLens log router it holds only the
 * router's own output: the job's output goes to the router's destination. */
export interface JobRunLogs {
  readonly logGroupName: string;
  /** Streams are `<streamPrefix>/<container>/<task id>`. */
  readonly streamPrefix: string;
  /** Region of the log group. */
  readonly region: string;
}

/** The job's own container: its exit code is the job's result. */
export interface JobRunContainer {
  readonly name: string;
  /** @default unknown: the job's tasks log where its task definition says */
  readonly logs?: JobRunLogs;
}

/** How a task of a job is started: the one value every starter renders. */
export interface JobRun {
  /** ARN of the task definition: with revision, or a family ARN for its latest revision. */
  readonly taskDefinitionArn: string;
  readonly placement: RunPlacement;
  /** @default one task, with the task definition's tags and ECS managed tags */
  readonly launch?: LaunchOptions;
  /** What a starter that follows the run needs: the job's container and its logs.
   * @default unknown: the job runs an existing task definition */
  readonly container?: JobRunContainer;
}

/** What starting a job's tasks takes in IAM: the scope of the grants. */
export interface JobRunAccess {
  /** The job's name: its task definition family, and the `BatchJob` tag of the runner's tasks. */
  readonly jobName: string;
  readonly clusterArn: string;
  /** `arn:...:task/CLUSTER/*`: the tasks of the job's cluster. */
  readonly clusterTasksArn: string;
  /** `arn:...:task-definition/FAMILY:*`: every revision of the job's family. */
  readonly taskDefinitionRevisionsArn: string;
  /** The roles its tasks run with (execution role, task role), which a starter passes to ECS. */
  readonly passRoleArns: readonly string[];
  /** Roles its tasks may run with that are known only at apply time and may be null there (an
   * optional Terraform variable's task role).
   * @default none */
  readonly optionalRoleArns?: readonly string[];
}

/**
 * A job as a workflow and the runner policy take it: its name, how its task starts, and what
 * starting it takes. `BatchJob` is one.
 */
export interface RunnableJob {
  readonly jobName: string;
  readonly run: JobRun;
  readonly access: JobRunAccess;
  /** Whether running it again after it ran and failed is harmless. */
  readonly safeToRerun: boolean;
  /** ARN of the runner's SSM parameter, when the job has one. */
  readonly runnerParameterArn?: string;
  /** ARN of the parameter path the runner's parameter is in (its environment's jobs), when the
   * job has one. */
  readonly runnerParameterPathArn?: string;
  /** ARN of the job's log group, which the runner reads the job's output from, when known. */
  readonly logGroupArn?: string;
  /** ARN of the run ledger of the job's environment (a log group of run records), which
   * `ecs-batch history` and `ecs-batch logs` query, when the job has one. */
  readonly ledgerLogGroupArn?: string;
}
