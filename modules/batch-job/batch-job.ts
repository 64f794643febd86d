import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { JOB_TAG_KEY, runCommandOf } from "../../contract/job-run-spec";
import {
  BatchTaskDefinition,
  CpuArchitecture,
} from "../batch-task-definition/batch-task-definition";
import {
  AwsLogsLogging,
  BatchContainer,
  ContainerOptions,
  ContainerSecret,
  isFireLensLogging,
  secretArn,
} from "../batch-task-definition/container-definition";
import { EcsEventTarget } from "../ecs-event-target/ecs-event-target";
import {
  JobFailureNotification,
  JobFailureNotificationOptions,
} from "../failure-notification/job-failure-notification";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { addJobSchedule, JobSchedule } from "../job-schedule/job-schedule";
import { ScheduleChoice, scheduleChoiceOf } from "../job-schedule/schedule-options";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { JobRun, JobRunAccess, LaunchOptions, RunnableJob, RunPlacement } from "../job-run/job-run";
import { requireOneTask, validateJobRun } from "../job-run/job-run-validation";
import { runnerSpecOf } from "../job-run/render-job-run";
import { taskStartStatements } from "../job-run/task-start-statements";
import { JobWorkflow } from "../job-workflow/job-workflow";
import { ScheduleRule } from "../schedule-rule/schedule-rule";
import { providerRegion } from "../stack-context";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import { FARGATE_TASK_SIZES } from "../validation/fargate-task-size";
import { validateIamRoleName, validateRuleName } from "../validation/names";
import { clusterTasksArn, ecrRepositoryArnOfImage, familyRevisionsArn } from "../ecs-arns/ecs-arns";
import { executionRolePolicy } from "./job-policies";
import {
  addRunnerParameter,
  DEFAULT_RUNNER_PARAMETER_PREFIX,
  parameterPathArn,
} from "./runner-parameter";

/** The job's own container: the one whose exit code is the job's result. */
export interface JobContainer extends ContainerOptions {
  /** @default the job name */
  readonly name?: string;
}

/** A helper container beside the job's container (a log router, a proxy, ...). */
export interface SidecarContainer extends ContainerOptions {
  readonly name: string;
  /** A sidecar is not essential by default, so it cannot end the job early.
   * @default false */
  readonly essential?: boolean;
}

/** The Fluent Bit output that a FireLens log router sends the job's output to. */
export interface LogDestination {
  /** The Fluent Bit output plugin: e.g. `cloudwatch_logs`, `kinesis_firehose`, `datadog`,
   * `http`. Lower-case letters, digits and `_`. */
  readonly name: string;
  /** The output's options, e.g. `{ region: "ap-northeast-1", delivery_stream: "jobs" }`. Plain
   * text in the task definition: an option whose name says secret (`apikey`, `password`, ...)
   * is refused here; put it in `secretOptions`.
   * @default none */
  readonly options?: Readonly<Record<string, string>>;
  /** Options whose values are secrets, read from SSM or Secrets Manager by ECS at start; the
   * execution role may read exactly these.
   * @default none */
  readonly secretOptions?: Readonly<Record<string, ContainerSecret>>;
}

/**
 * Route the job's output through FireLens: a Fluent Bit container `log_router` beside the job's,
 * which sends the job container's output to `destination` instead of CloudWatch Logs.
 */
export interface LogRouterOptions {
  readonly destination: LogDestination;
  /** The Fluent Bit image of the log router.
   * @default "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable" */
  readonly image?: string;
}

/** Name of the log router container of a job with a `logRouter`. */
export const LOG_ROUTER_CONTAINER_NAME = "log_router";
/** AWS for Fluent Bit from ECR Public: the execution role needs no ECR permission to pull it. */
export const DEFAULT_LOG_ROUTER_IMAGE =
  "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable";

/** A task definition managed outside the job (escape hatch). */
export interface ExistingTaskDefinition {
  /** ARN of the task definition, with revision (or a family ARN to run the latest revision). */
  readonly taskDefinitionArn: string;
  /** Its execution role, which the schedule's role may pass. */
  readonly executionRoleArn: string;
  /** Its task role, which the schedule's role may pass.
   * @default the task definition has no task role */
  readonly taskRoleArn?: string;
}

/** A log group managed outside the job (escape hatch). */
export interface ExistingLogGroup {
  readonly logGroupName: string;
  readonly logGroupArn: string;
}

/** Where the job's containers log with awslogs, wherever the group comes from. */
interface JobLogStreams {
  /** Streams are `<streamPrefix>/<container>/<task id>`.
   * @default "batch" */
  readonly streamPrefix?: string;
  /** Region of the log group, for the awslogs driver.
   * @default the provider's region */
  readonly region?: string;
}

/** A log group made for the job (the default). */
export interface JobLogGroupOptions extends JobLogStreams {
  /** @default `/ecs-scheduled-tasks/<jobName>` */
  readonly groupName?: string;
  /** Days to keep the logs. @default 365 */
  readonly retentionDays?: number;
  /** ARN of a KMS key for the logs. @default CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
  readonly existingLogGroup?: never;
}

/** A log group made elsewhere. */
export interface ExistingJobLogs extends JobLogStreams {
  readonly existingLogGroup: ExistingLogGroup;
  readonly groupName?: never;
  readonly retentionDays?: never;
  readonly kmsKeyArn?: never;
}

/** The job's task definition, made from its containers. */
export interface JobTaskOptions {
  /** The job's container. */
  readonly container: JobContainer;
  /** Containers beside the job's own. @default none */
  readonly sidecars?: readonly SidecarContainer[];
  /**
   * Send the job's output through a FireLens log router (a Fluent Bit sidecar `log_router`) to
   * the given destination, instead of to the job's log group. The router itself logs to the
   * job's log group (stream `<streamPrefix>/log_router/<task id>`), and so do `sidecars`.
   * The router is not essential: the job's exit decides the run, and a router that fails loses
   * the output but does not stop a half-done job. Give the destination's permissions (e.g.
   * `firehose:PutRecordBatch`) to the task role: Fluent Bit sends with it.
   *
   * The job's output then leaves the log group: `ecs-batch run` streams nothing to the console,
   * and the log link of failure notices shows only the router's stream.
   * @default none: the job's container logs to its log group with awslogs
   */
  readonly logRouter?: LogRouterOptions;
  /** CPU units. @default 256 */
  readonly cpu?: number;
  /** Memory in MiB. @default 512 */
  readonly memoryMiB?: number;
  /** @default "X86_64" */
  readonly cpuArchitecture?: CpuArchitecture;
  /** Ephemeral storage in GiB (21-200). @default 20 */
  readonly ephemeralStorageGiB?: number;
  /** Role the job's code runs as. @default no task role */
  readonly taskRoleArn?: string;
  /** ECR repositories the execution role may pull from, besides those read from the image
   * URIs: give the repository of an image that is a reference resolved at apply time, which no
   * URI names at synth time.
   * @default the repositories read from the image URIs; any repository, with a warning, when an
   * image is a reference */
  readonly ecrRepositoryArns?: readonly string[];
  /** Where the job's containers log. @default a log group made here, see JobLogGroupOptions */
  readonly logs?: JobLogGroupOptions | ExistingJobLogs;
}

/**
 * Who starts the job on its schedule: the schedule's own role (made here, least privilege, or an
 * existing one), or, with `preventOverlap`, a one-job workflow (state machine `<jobName>`) that
 * first looks for a running execution and skips the run, with a notice, if there is one. That
 * run also gets the workflow's handling: retries of start failures, a one-day timeout, notice of a
 * failure.
 */
export type JobStart =
  | {
      /** @default false: every firing starts a task */
      readonly preventOverlap?: false;
      /** Escape hatch: the role the rule or schedule assumes.
       * @default a role allowed to start only this job */
      readonly roleArn?: string;
    }
  | { readonly preventOverlap: true; readonly roleArn?: never };

/**
 * When the job runs: a `rate(...)` or `cron(...)` expression alone (an EventBridge rule, in UTC),
 * or `{ rule }` / `{ scheduler }` with their options, and who starts it.
 */
export type BatchJobSchedule = string | (ScheduleChoice & JobStart);

interface BatchJobCommonProps {
  /** Name of the job: names its rule, task definition family, log group and roles. 1-64 letters,
   * digits, `-`, `_` (and short enough for `<jobName>-execution` with the scope's IAM prefix). */
  readonly jobName: string;
  /** What the job does, for people. @default no description */
  readonly description?: string;
  /** Where its tasks run: cluster, subnets, security groups, public IP, platform version. */
  readonly placement: RunPlacement;
  /** How many tasks a run starts and how they are tagged.
   * @default one task, with the task definition's tags and ECS managed tags */
  readonly launch?: LaunchOptions;
  /** Whether running the job again after a failure is harmless (it is idempotent, or cleans up
   * after itself). Workflows retry a job that exited non-zero only when it is; the task carries
   * it as the tag `SafeToRerun`, and failure messages say it.
   * @default false */
  readonly safeToRerun?: boolean;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A job whose task definition is made here, from its containers: the common case. */
export interface BatchJobFromContainersProps extends BatchJobCommonProps {
  /** The task definition: the job's container, sidecars, size, roles and logs. */
  readonly task: JobTaskOptions;
  readonly existingTaskDefinition?: never;
  /** @default no schedule: the job runs when a workflow or the runner starts it */
  readonly schedule?: BatchJobSchedule;
  /** Tell people when a run fails: a non-zero exit of the job's container, a task that never
   * started, or a schedule that could not start it.
   * @default no notification */
  readonly failureNotification?: JobFailureNotificationOptions;
  /**
   * Prefix of the SSM parameter `<prefix>/<jobName>` that tells the runner (`ecs-batch run`)
   * how to start the job. Terraform rewrites it on every deploy. Environments use
   * `/ecs-batch/<environment>`; `false` writes none.
   * @default "/ecs-batch"
   */
  readonly runnerParameterPrefix?: string | false;
  /** The log group of the run ledger of the job's environment (see RunLedger), written into the
   * runner's parameter for `ecs-batch history` and `ecs-batch logs`.
   * @default the runner's parameter names no ledger */
  readonly ledgerLogGroupName?: string;
  /** ARN of that log group: the runner policy of the job (runnerPolicy) may query it.
   * @default the runner policy grants no ledger queries for the job */
  readonly ledgerLogGroupArn?: string;
}

/**
 * A job that runs a task definition made elsewhere (escape hatch). Its job container is unknown
 * here, so nothing that follows a run can: no failure notices, workflows, runner parameter or
 * overlap prevention.
 */
export interface BatchJobFromExistingTaskProps extends BatchJobCommonProps {
  readonly existingTaskDefinition: ExistingTaskDefinition;
  readonly task?: never;
  /** @default no schedule */
  readonly schedule?: string | (ScheduleChoice & Extract<JobStart, { preventOverlap?: false }>);
  readonly failureNotification?: never;
  readonly runnerParameterPrefix?: never;
  readonly ledgerLogGroupName?: never;
  readonly ledgerLogGroupArn?: never;
}

/** A batch job: exactly one of `task` (containers made into a task definition here) and
 * `existingTaskDefinition`. */
export type BatchJobProps = BatchJobFromContainersProps | BatchJobFromExistingTaskProps;

/**
 * A batch job on ECS Fargate: its log group, execution role and task definition; how each run
 * starts (its {@link JobRun}, which every starter renders); optionally its schedule (an
 * EventBridge rule and target, or an EventBridge Scheduler schedule) with a least-privilege role
 * and a dead-letter queue, the runner's SSM parameter, and notification of its failures.
 *
 * A job need not have a schedule: a workflow or the runner may start it. That is why it is a
 * `BatchJob`, not a scheduled one.
 */
export class BatchJob extends Construct implements RunnableJob {
  readonly jobName: string;
  /** How each run starts: task definition, placement, launch, job container and logs. */
  readonly run: JobRun;
  /** What starting its tasks takes in IAM. */
  readonly access: JobRunAccess;
  /** Name of the container whose exit code is the job's result, when known. */
  readonly jobContainerName?: string;
  readonly safeToRerun: boolean;
  readonly clusterArn: string;
  /** The schedule, when the job has one. */
  readonly schedule?: JobSchedule;
  /** The EventBridge rule, when the job is scheduled by a rule. */
  readonly rule?: ScheduleRule;
  /** The rule's target, when the job is scheduled by a rule. */
  readonly target?: EcsEventTarget;
  readonly logGroup?: JobLogGroup;
  readonly executionRole?: IamRole;
  readonly taskDefinition?: BatchTaskDefinition;
  /** The role made here that the schedule assumes. */
  readonly eventsRole?: IamRole;
  readonly taskDefinitionArn: string;
  /** `arn:...:task-definition/FAMILY:*`: every revision of the job's family, for RunTask grants. */
  readonly taskDefinitionRevisionsArn: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn?: string;
  /** The role the schedule assumes, when the job has a schedule. */
  readonly eventsRoleArn?: string;
  readonly logGroupName?: string;
  readonly logGroupArn?: string;
  /** `arn:...:task/CLUSTER/*`: the tasks of the job's cluster, for grants on its runs. */
  readonly clusterTasksArn: string;
  /** ARN of the runner's SSM parameter, when one is written. */
  readonly runnerParameterArn?: string;
  /** ARN of the run ledger of the job's environment, when given: the runner may query it. */
  readonly ledgerLogGroupArn?: string;
  /** ARN of the parameter path of the runner's parameter, when one is written. */
  readonly runnerParameterPathArn?: string;
  readonly logStreamPrefix: string;
  /** With a FireLens log router: the output plugin it sends the job's output to (the job's
   * output is then not in its log group). */
  readonly logRouterDestination?: string;
  /** Region of the job's log group; none for a job of an existing task definition. */
  readonly region?: string;
  readonly failureNotification?: JobFailureNotification;
  /** With preventOverlap: the one-job workflow the schedule starts. */
  readonly workflow?: JobWorkflow;
  /** The SSM parameter the runner reads, when one is written. */
  readonly runnerParameter?: SsmParameter;
  /** How a job scheduler runs the job, when its parameter is written, e.g.
   * `ecs-batch run nightly-report --env prod`. */
  readonly runCommand?: string;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    this.jobName = props.jobName;
    this.validateProps(props);
    this.safeToRerun = props.safeToRerun ?? false;
    const tags = props.tags;
    this.clusterArn = props.placement.clusterArn;
    const task = props.task;
    const logs = task?.logs ?? {};
    this.logStreamPrefix = logs.streamPrefix ?? "batch";
    this.logRouterDestination = task?.logRouter?.destination.name;
    // Only a job whose task definition is made here logs, and needs the region for it.
    this.region = task ? (logs.region ?? providerRegion(this)) : undefined;

    let taskDefinitionArn: string;
    let executionRoleArn: string;
    if (props.existingTaskDefinition) {
      taskDefinitionArn = props.existingTaskDefinition.taskDefinitionArn;
      executionRoleArn = props.existingTaskDefinition.executionRoleArn;
      this.taskRoleArn = props.existingTaskDefinition.taskRoleArn;
    } else {
      const made = this.addTaskDefinition(props.jobName, task!, tags);
      this.logGroup = made.logGroup;
      this.logGroupName = made.logGroupName;
      this.logGroupArn = made.logGroupArn;
      this.jobContainerName = made.jobContainerName;
      this.executionRole = made.executionRole;
      this.taskDefinition = made.taskDefinition;
      this.taskRoleArn = task!.taskRoleArn;
      taskDefinitionArn = made.taskDefinition.taskDefinitionArn;
      executionRoleArn = made.executionRole.roleArn;
    }
    this.taskDefinitionArn = taskDefinitionArn;
    this.executionRoleArn = executionRoleArn;
    // Every revision of the family, so a run keeps working while a new revision deploys.
    this.taskDefinitionRevisionsArn = this.taskDefinition
      ? `${this.taskDefinition.familyArn}:*`
      : familyRevisionsArn(this, taskDefinitionArn);
    this.clusterTasksArn = clusterTasksArn(this, this.clusterArn);

    this.run = {
      taskDefinitionArn,
      placement: props.placement,
      launch: props.launch,
      container:
        this.jobContainerName === undefined
          ? undefined
          : {
              name: this.jobContainerName,
              // With a log router the group holds only the router's own output.
              logs:
                this.logGroupName === undefined
                  ? undefined
                  : {
                      logGroupName: this.logGroupName,
                      streamPrefix: this.logStreamPrefix,
                      region: this.region!,
                    },
            },
    };
    validateJobRun(this, this.run);
    // A task role given as a reference may be null when Terraform applies (an optional variable).
    const taskRoleMayBeNull = this.taskRoleArn !== undefined && isUnresolved(this.taskRoleArn);
    this.access = {
      jobName: props.jobName,
      clusterArn: this.clusterArn,
      clusterTasksArn: this.clusterTasksArn,
      taskDefinitionRevisionsArn: this.taskDefinitionRevisionsArn,
      passRoleArns: [
        executionRoleArn,
        ...(this.taskRoleArn && !taskRoleMayBeNull ? [this.taskRoleArn] : []),
      ],
      optionalRoleArns: taskRoleMayBeNull ? [this.taskRoleArn!] : undefined,
    };

    this.runnerParameter = this.addRunnerParameter(props, tags);
    this.ledgerLogGroupArn = props.existingTaskDefinition ? undefined : props.ledgerLogGroupArn;
    const prefix = props.runnerParameterPrefix ?? DEFAULT_RUNNER_PARAMETER_PREFIX;
    this.runCommand =
      this.runnerParameter && prefix !== false ? runCommandOf(props.jobName, prefix) : undefined;
    this.runnerParameterPathArn =
      this.runnerParameter && prefix !== false
        ? parameterPathArn(this, prefix, this.region)
        : undefined;
    this.runnerParameterArn = this.runnerParameter?.arn;
    const started = this.addSchedule(props, tags);
    this.workflow = started.workflow;
    this.schedule = started.schedule;
    this.rule = started.schedule?.rule;
    this.target = started.workflow
      ? undefined
      : (started.schedule?.ruleTarget as EcsEventTarget | undefined);
    this.eventsRole = started.workflow ? undefined : started.schedule?.role;
    this.eventsRoleArn = started.workflow ? undefined : started.schedule?.roleArn;

    // A one-job workflow reports the job's failures itself, once, after its retries.
    if (props.failureNotification && !this.workflow) {
      this.failureNotification = new JobFailureNotification(this, "FailureNotification", {
        jobName: props.jobName,
        environment: props.failureNotification.environment,
        clusterArn: this.clusterArn,
        family: props.jobName,
        containerName: this.jobContainerName!,
        logGroupName: this.logGroupName!,
        logStreamPrefix: this.logStreamPrefix,
        logRouterDestination: this.logRouterDestination,
        safeToRerun: this.safeToRerun,
        rerunCommand: this.runCommand,
        topic: props.failureNotification.topic,
        scheduleRuleName: this.rule?.ruleName,
        deadLetterQueueName: this.schedule?.deadLetterQueue?.queueName,
        tags,
      });
    }
    if (props.placement.assignPublicIp === true) {
      Annotations.of(this).addWarning(
        `${props.jobName}: assignPublicIp is true; batch jobs belong in private subnets with a NAT gateway or VPC endpoints`,
      );
    }
  }

  /** The log group, execution role and task definition of a job made from its containers. */
  private addTaskDefinition(
    jobName: string,
    task: JobTaskOptions,
    tags: Readonly<Record<string, string>> | undefined,
  ) {
    const logs = task.logs ?? {};
    const existing = logs.existingLogGroup;
    const logGroup = existing
      ? undefined
      : new JobLogGroup(this, "LogGroup", {
          jobName,
          logGroupName: logs.groupName,
          retentionDays: logs.retentionDays,
          kmsKeyArn: logs.kmsKeyArn,
          tags,
        });
    const group = existing ?? logGroup!;
    const logging: AwsLogsLogging = {
      logGroupName: group.logGroupName,
      region: this.region!,
      streamPrefix: logs.streamPrefix,
    };
    const jobContainerName = task.container.name ?? jobName;
    const containers = jobContainers(task, jobContainerName, logging);

    const executionRole = new IamRole(this, "ExecutionRole", {
      name: `${jobName}-execution`,
      identifier: "ecs-tasks.amazonaws.com",
      description: `ECS execution role of batch job ${jobName}: image pull, logs, secrets`,
      policy: executionRolePolicy({
        logGroupArn: group.logGroupArn,
        ecrRepositoryArns: this.ecrRepositoriesOf(containers, task.ecrRepositoryArns),
        ssmParameterArns: secretArnsOf(containers, "ssm"),
        secretsManagerSecretArns: secretArnsOf(containers, "secretsmanager"),
      }),
      tags,
    });
    const taskDefinition = new BatchTaskDefinition(this, "TaskDefinition", {
      family: jobName,
      cpu: task.cpu,
      memoryMiB: task.memoryMiB,
      cpuArchitecture: task.cpuArchitecture,
      ephemeralStorageGiB: task.ephemeralStorageGiB,
      executionRoleArn: executionRole.roleArn,
      taskRoleArn: task.taskRoleArn,
      containers,
      // Propagated to every task, so whoever looks at a failed task sees whether a re-run is safe.
      tags: { ...tags, SafeToRerun: String(this.safeToRerun) },
    });
    return {
      logGroup,
      logGroupName: group.logGroupName,
      logGroupArn: group.logGroupArn,
      jobContainerName,
      executionRole,
      taskDefinition,
    };
  }

  /** The runner's SSM parameter, for a job whose container and logs the runner can follow. */
  private addRunnerParameter(
    props: BatchJobProps,
    tags: Readonly<Record<string, string>> | undefined,
  ): SsmParameter | undefined {
    const prefix = props.runnerParameterPrefix ?? DEFAULT_RUNNER_PARAMETER_PREFIX;
    if (prefix === false || this.run.container?.logs === undefined) {
      return undefined;
    }
    requireOneTask(
      this,
      "launch.taskCount",
      this.run,
      "the runner (ecs-batch run, through the job's SSM parameter)",
    );
    const spec = runnerSpecOf(this.run, {
      jobName: props.jobName,
      family: props.jobName,
      safeToRerun: this.safeToRerun,
      ledgerLogGroupName: props.ledgerLogGroupName,
    });
    return addRunnerParameter(this, prefix, spec, tags);
  }

  /** The job's schedule: a rule or a Scheduler schedule, or a one-job workflow on either. */
  private addSchedule(
    props: BatchJobProps,
    tags: Readonly<Record<string, string>> | undefined,
  ): { schedule?: JobSchedule; workflow?: JobWorkflow } {
    if (props.schedule === undefined) {
      return {};
    }
    const choice = scheduleChoiceOf(props.schedule);
    const start: JobStart = typeof props.schedule === "string" ? {} : props.schedule;
    const schedule = choice.rule ? { rule: choice.rule } : { scheduler: choice.scheduler! };
    if (start.preventOverlap) {
      const workflow = new JobWorkflow(this, "Workflow", {
        workflowName: props.jobName,
        description: props.description,
        jobs: [{ job: this }],
        schedule,
        preventOverlap: true,
        failureNotification: props.failureNotification,
        tags,
      });
      return { workflow, schedule: workflow.schedule };
    }
    return {
      schedule: addJobSchedule(this, {
        schedule,
        name: props.jobName,
        description: props.description,
        target: { ecsTask: this.run },
        startPermissions: taskStartStatements([this.access]),
        roleArn: start.roleArn,
        tags,
      }),
    };
  }

  private ecrRepositoriesOf(
    containers: readonly BatchContainer[],
    given: readonly string[] | undefined,
  ): string[] {
    const arns = containers.map((c) => ecrRepositoryArnOfImage(c.image));
    if (arns.includes("unknown") && given === undefined) {
      Annotations.of(this).addWarning(
        `${this.jobName}: an image is a reference resolved at apply time, so the execution role may pull from any ECR repository; set task.ecrRepositoryArns to scope it`,
      );
      return ["*"];
    }
    const read = arns.filter((arn): arn is string => arn !== undefined && arn !== "unknown");
    return [...new Set([...(given ?? []), ...read])].sort();
  }

  private validateProps(props: BatchJobProps): void {
    validateField(this, "jobName", props.jobName, (name) => {
      validateRuleName(name);
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new Error(
          `'${name}' names a task definition family too, so it may contain only letters, digits, '-' and '_'`,
        );
      }
      validateIamRoleName(IamScope.of(this).name(`${name}-execution`));
    });
    const reservedTag = [JOB_TAG_KEY, "SafeToRerun"].find((key) =>
      Object.hasOwn(props.tags ?? {}, key),
    );
    if (reservedTag !== undefined) {
      invalid(
        this,
        "tags",
        `'${reservedTag}' is set by the job itself (SafeToRerun from safeToRerun; ${JOB_TAG_KEY} by ecs-batch on the tasks it starts): remove it`,
      );
    }
    this.validatePlatformVersion(props);
  }

  /** Fargate features that platform version 1.3.0 and older lack. */
  private validatePlatformVersion(props: BatchJobProps): void {
    const version = props.placement.platformVersion;
    if (version === undefined || isUnresolved(version) || version === "LATEST") {
      return;
    }
    const [major, minor] = version.split(".").map(Number);
    if (major > 1 || (major === 1 && minor >= 4)) {
      return;
    }
    const task = props.task;
    const needs140 = [
      FARGATE_TASK_SIZES.find((s) => s.cpu === task?.cpu)?.needsPlatform140
        ? `task.cpu ${task?.cpu}`
        : undefined,
      task?.cpuArchitecture === "ARM64" ? "task.cpuArchitecture ARM64" : undefined,
      task?.ephemeralStorageGiB !== undefined ? "task.ephemeralStorageGiB" : undefined,
    ].filter((x) => x !== undefined);
    if (needs140.length > 0) {
      invalid(
        this,
        "placement.platformVersion",
        `'${version}' does not support ${needs140.join(", ")}: use '1.4.0' or 'LATEST'`,
      );
    }
  }
}

/** The task's containers: the job's own (essential), its sidecars, and a FireLens log router. */
function jobContainers(
  task: JobTaskOptions,
  jobContainerName: string,
  logging: AwsLogsLogging,
): BatchContainer[] {
  const router = task.logRouter;
  return [
    {
      ...task.container,
      name: jobContainerName,
      essential: true,
      logging: router
        ? {
            driver: "awsfirelens",
            outputName: router.destination.name,
            options: router.destination.options,
            secretOptions: router.destination.secretOptions,
          }
        : logging,
    },
    ...(task.sidecars ?? []).map((s) => ({ ...s, essential: s.essential ?? false, logging })),
    ...(router
      ? [
          {
            name: LOG_ROUTER_CONTAINER_NAME,
            image: router.image ?? DEFAULT_LOG_ROUTER_IMAGE,
            essential: false,
            firelens: { type: "fluentbit" as const },
            logging,
          },
        ]
      : []),
  ];
}

/** The secrets ECS reads for the task at start: containers' secrets and log secret options. */
function secretArnsOf(
  containers: readonly BatchContainer[],
  service: "ssm" | "secretsmanager",
): string[] {
  const arns = containers.flatMap((c) =>
    [
      ...Object.values(c.secrets ?? {}),
      ...Object.values(isFireLensLogging(c.logging) ? (c.logging.secretOptions ?? {}) : {}),
    ]
      .filter((s) => "ssmParameterArn" in s === (service === "ssm"))
      .map(secretArn),
  );
  return [...new Set(arns)].sort();
}
