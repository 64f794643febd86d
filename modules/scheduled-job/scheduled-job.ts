import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Annotations, Fn, Token } from "cdktf";
import { Construct } from "constructs";
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
import { EcsEventTarget, FargateRunOptions } from "../ecs-event-target/ecs-event-target";
import { FailureTopic } from "../failure-notification/failure-topic";
import { JobFailureNotification } from "../failure-notification/job-failure-notification";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { addJobSchedule, JobSchedule, JobScheduleOptions } from "../job-schedule/job-schedule";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { JobWorkflow } from "../job-workflow/job-workflow";
import { ScheduleRule } from "../schedule-rule/schedule-rule";
import { providerRegion } from "../stack-context";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import { FARGATE_TASK_SIZES } from "../validation/fargate-task-size";
import { validateIamRoleName, validateRuleName } from "../validation/names";
import { JOB_RUN_SPEC_VERSION, JOB_TAG_KEY } from "../../runner/job-run-spec";
import { clusterTasksArn, ecrRepositoryArnOfImage, familyRevisionsArn } from "./arns";
import { eventsRolePolicy, executionRolePolicy } from "./job-policies";
import { addRunnerParameter, DEFAULT_RUNNER_PARAMETER_PREFIX } from "./runner-parameter";

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

/** A task definition managed outside this construct (escape hatch). */
export interface ExistingTaskDefinition {
  /** ARN of the task definition, with revision (or a family ARN to run the latest revision). */
  readonly taskDefinitionArn: string;
  /** Its execution role, which the events role may pass. */
  readonly executionRoleArn: string;
  /** Its task role, which the events role may pass.
   * @default the task definition has no task role */
  readonly taskRoleArn?: string;
}

/** A log group managed outside this construct (escape hatch). */
export interface ExistingLogGroup {
  readonly logGroupName: string;
  readonly logGroupArn: string;
}

/** Who hears of a job's failures. */
export interface JobFailureNotificationOptions {
  /** The topic (and Slack channel) that failures are sent to. */
  readonly topic: FailureTopic;
  /** The environment named in messages, e.g. "prod". @default none */
  readonly environment?: string;
}

/**
 * A job: its task, how each run starts ({@link FargateRunOptions}), and optionally its schedule
 * ({@link JobScheduleOptions}) and who hears of its failures.
 */
export interface ScheduledJobProps
  extends FargateRunOptions, Omit<JobScheduleOptions, "scheduleExpression"> {
  /** Name of the job: names its rule, target, task definition family, log group and roles.
   * 1-64 letters, digits, `.`, `-`, `_` (and short enough for `<jobName>-execution`). */
  readonly jobName: string;
  /** What the job does, for people. @default no description */
  readonly description?: string;
  /**
   * When the job runs: `rate(value unit)` or six-field `cron(...)`, in UTC on a rule; with
   * `scheduler`, in its time zone, and one-time `at(yyyy-mm-ddThh:mm:ss)` too.
   * @default no schedule: the job runs when a workflow or the runner starts it
   */
  readonly scheduleExpression?: string;
  /** Whether running the job again after a failure is harmless (it is idempotent, or cleans up
   * after itself). Workflows retry a job that exited non-zero only when it is; the task carries
   * it as the tag `SafeToRerun`, and failure messages say it.
   * @default false */
  readonly safeToRerun?: boolean;
  /** Tell people when a run fails: a non-zero exit of the job's container, a task that never
   * started, or a schedule that could not start it.
   * @default no notification */
  readonly failureNotification?: JobFailureNotificationOptions;
  /**
   * Do not start a run while the previous one is still running. The schedule then starts a
   * one-job {@link JobWorkflow} (state machine `<jobName>`) that first looks for a running
   * execution and skips the run, with a notice, if there is one. The run also gets the
   * workflow's handling: retries of start failures, a one-day timeout, notice of a failure.
   * @default false: every firing starts a task */
  readonly preventOverlap?: boolean;
  /**
   * Prefix of the SSM parameter `<prefix>/<jobName>` that tells the runner (`ecs-batch run`)
   * how to start the job: cluster, family, container, network, logs. Terraform rewrites it on
   * every deploy. Environments use `/ecs-batch/<environment>`; `false` writes none. Only for jobs
   * made from a container.
   * @default "/ecs-batch" */
  readonly runnerParameterPrefix?: string | false;

  /** ARN of the ECS cluster the job runs in. */
  readonly clusterArn: string;

  /** The job's container. Required unless `taskDefinition` is given. */
  readonly container?: JobContainer;
  /** Containers beside the job's own. @default none */
  readonly sidecars?: readonly SidecarContainer[];
  /**
   * Send the job's output through a FireLens log router (a Fluent Bit sidecar `log_router`) to
   * the given destination, instead of to the job's log group. The router itself logs to the
   * job's log group (stream `<logStreamPrefix>/log_router/<task id>`), and so do `sidecars`.
   * The router is not essential: the job's exit decides the run, and a router that fails loses
   * the output but does not stop a half-done job. Give the destination's permissions (e.g.
   * `firehose:PutRecordBatch`) to the task role: Fluent Bit sends with it.
   *
   * The job's output then leaves the log group: `ecs-batch run` streams nothing to the console,
   * and the log link of failure notices shows only the router's stream. A job with a router has
   * a sidecar, so its failure notification reads each stopped task through a result filter.
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
   * URIs: give the repository of an image that is a reference resolved at apply time (e.g.
   * `EcrRepository.imageUri(...)`), which no URI names at synth time.
   * @default the repositories read from the image URIs; any repository, with a warning, when an
   * image is a reference */
  readonly ecrRepositoryArns?: readonly string[];

  /** @default `/ecs-scheduled-tasks/<jobName>` */
  readonly logGroupName?: string;
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** @default CloudWatch Logs' own encryption */
  readonly logKmsKeyArn?: string;
  /** @default "batch" */
  readonly logStreamPrefix?: string;
  /** Region of the log group, for the awslogs driver. @default the provider's region */
  readonly region?: string;

  /** Escape hatch: the role the schedule (rule or Scheduler) assumes, instead of a
   * least-privilege one made here.
   * @default a role allowed to run only this job */
  readonly eventsRoleArn?: string;
  /** Escape hatch: run this task definition instead of one made from `container`.
   * @default a task definition made here */
  readonly taskDefinition?: ExistingTaskDefinition;
  /** Escape hatch: write to this log group instead of one made here.
   * @default a log group made here */
  readonly logGroup?: ExistingLogGroup;

  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A batch job on ECS Fargate: its log group, execution role and task definition; its schedule
 * (an EventBridge rule and target, or an EventBridge Scheduler schedule) with a least-privilege
 * role and a dead-letter queue; and, if asked, notification of its failures.
 */
export class ScheduledJob extends Construct {
  readonly jobName: string;
  /** Name of the container whose exit code is the job's result, when known. */
  readonly jobContainerName?: string;
  /** Whether the job has containers besides its own. */
  readonly hasSidecars: boolean;
  readonly safeToRerun: boolean;
  readonly clusterArn: string;
  /** How each run starts: network, platform, tags. Workflows start the job the same way. */
  readonly runOptions: Omit<FargateRunOptions, "retryPolicy" | "deadLetterQueueArn">;
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
  readonly logStreamPrefix: string;
  /** Region of the job's log group. */
  readonly region: string;
  readonly failureNotification?: JobFailureNotification;
  /** With preventOverlap: the one-job workflow the schedule starts. */
  readonly workflow?: JobWorkflow;
  /** The SSM parameter the runner reads, when one is written. */
  readonly runnerParameter?: SsmParameter;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    this.jobName = props.jobName;
    this.validateProps(props);
    this.safeToRerun = props.safeToRerun ?? false;
    const tags = props.tags;
    this.clusterArn = props.clusterArn;
    this.runOptions = pickRunOptions(props);
    this.hasSidecars = (props.sidecars ?? []).length > 0 || props.logRouter !== undefined;
    this.logStreamPrefix = props.logStreamPrefix ?? "batch";
    this.region = props.region ?? providerRegion(this);

    let taskDefinitionArn: string;
    let executionRoleArn: string;
    if (props.taskDefinition) {
      taskDefinitionArn = props.taskDefinition.taskDefinitionArn;
      executionRoleArn = props.taskDefinition.executionRoleArn;
      this.taskRoleArn = props.taskDefinition.taskRoleArn;
    } else {
      const container = props.container!;
      this.logGroup = props.logGroup
        ? undefined
        : new JobLogGroup(this, "LogGroup", {
            jobName: props.jobName,
            logGroupName: props.logGroupName,
            retentionDays: props.logRetentionDays,
            kmsKeyArn: props.logKmsKeyArn,
            tags,
          });
      const log = props.logGroup ?? this.logGroup!;
      this.logGroupName = log.logGroupName;
      this.logGroupArn = log.logGroupArn;
      const logging: AwsLogsLogging = {
        logGroupName: log.logGroupName,
        region: this.region,
        streamPrefix: props.logStreamPrefix,
      };
      const jobContainerName = container.name ?? props.jobName;
      this.jobContainerName = jobContainerName;
      const router = props.logRouter;
      const containers: BatchContainer[] = [
        {
          ...container,
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
        ...(props.sidecars ?? []).map((s) => ({ ...s, essential: s.essential ?? false, logging })),
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

      this.executionRole = new IamRole(this, "ExecutionRole", {
        name: `${props.jobName}-execution`,
        identifier: "ecs-tasks.amazonaws.com",
        description: `ECS execution role of batch job ${props.jobName}: image pull, logs, secrets`,
        policy: executionRolePolicy({
          logGroupArn: log.logGroupArn,
          ecrRepositoryArns: this.ecrRepositoriesOf(containers, props.ecrRepositoryArns),
          ssmParameterArns: secretArnsOf(containers, "ssm"),
          secretsManagerSecretArns: secretArnsOf(containers, "secretsmanager"),
        }),
        tags,
      });
      executionRoleArn = this.executionRole.roleArn;
      this.taskRoleArn = props.taskRoleArn;
      this.taskDefinition = new BatchTaskDefinition(this, "TaskDefinition", {
        family: props.jobName,
        cpu: props.cpu,
        memoryMiB: props.memoryMiB,
        cpuArchitecture: props.cpuArchitecture,
        ephemeralStorageGiB: props.ephemeralStorageGiB,
        executionRoleArn,
        taskRoleArn: props.taskRoleArn,
        containers,
        // Propagated to every task, so whoever looks at a failed task sees whether a re-run is safe.
        tags: { ...tags, SafeToRerun: String(this.safeToRerun) },
      });
      taskDefinitionArn = this.taskDefinition.taskDefinitionArn;
    }
    this.taskDefinitionArn = taskDefinitionArn;
    this.executionRoleArn = executionRoleArn;
    // Every revision of the family, so a run keeps working while a new revision deploys.
    this.taskDefinitionRevisionsArn = this.taskDefinition
      ? `${this.taskDefinition.familyArn}:*`
      : familyRevisionsArn(this, taskDefinitionArn);

    this.clusterTasksArn = clusterTasksArn(this, props.clusterArn);
    const runnerPrefix = props.runnerParameterPrefix ?? DEFAULT_RUNNER_PARAMETER_PREFIX;
    if (runnerPrefix !== false && this.jobContainerName && this.logGroupName) {
      this.runnerParameter = addRunnerParameter(
        this,
        runnerPrefix,
        {
          version: JOB_RUN_SPEC_VERSION,
          job: props.jobName,
          cluster: props.clusterArn,
          taskDefinitionFamily: props.jobName,
          taskDefinitionArn,
          containerName: this.jobContainerName,
          launchType: "FARGATE",
          platformVersion: props.platformVersion ?? "LATEST",
          network: {
            subnets: props.subnetIds,
            securityGroups: props.securityGroupIds ?? [],
            assignPublicIp: publicIpSetting(props.assignPublicIp),
          },
          propagateTags: props.propagateTags === false ? undefined : "TASK_DEFINITION",
          enableEcsManagedTags: props.enableEcsManagedTags ?? true,
          logGroupName: this.logGroupName,
          logStreamPrefix: this.logStreamPrefix,
          region: this.region,
          safeToRerun: this.safeToRerun,
        },
        tags,
      );
      this.runnerParameterArn = this.runnerParameter.arn;
    }

    const scheduleOptions = {
      scheduleExpression: props.scheduleExpression!,
      enabled: props.enabled,
      scheduler: props.scheduler,
      retryPolicy: props.retryPolicy,
      deadLetterQueue: props.deadLetterQueue,
      deadLetterQueueArn: props.deadLetterQueueArn,
    };
    if (props.scheduleExpression !== undefined && props.preventOverlap) {
      this.workflow = new JobWorkflow(this, "Workflow", {
        workflowName: props.jobName,
        description: props.description,
        jobs: [{ job: this }],
        schedule: scheduleOptions,
        preventOverlap: true,
        failureNotification: props.failureNotification,
        tags,
      });
      this.schedule = this.workflow.schedule;
    } else if (props.scheduleExpression !== undefined) {
      this.schedule = addJobSchedule(this, {
        ...scheduleOptions,
        name: props.jobName,
        description: props.description,
        target: {
          ecsTask: { ...this.runOptions, clusterArn: props.clusterArn, taskDefinitionArn },
        },
        startPermissions: eventsRolePolicy({
          clusterArn: props.clusterArn,
          taskDefinitionRevisionsArn: this.taskDefinitionRevisionsArn,
          clusterTasksArn: this.clusterTasksArn,
          passRoleArns: [executionRoleArn, ...(this.taskRoleArn ? [this.taskRoleArn] : [])],
        }).statements,
        roleArn: props.eventsRoleArn,
        tags,
      });
      this.rule = this.schedule.rule;
      this.target = this.schedule.ruleTarget as EcsEventTarget | undefined;
      this.eventsRole = this.schedule.role;
      this.eventsRoleArn = this.schedule.roleArn;
    }

    // A one-job workflow reports the job's failures itself, once, after its retries.
    if (props.failureNotification && !this.workflow) {
      this.failureNotification = new JobFailureNotification(this, "FailureNotification", {
        jobName: props.jobName,
        environment: props.failureNotification.environment,
        clusterArn: props.clusterArn,
        family: props.jobName,
        containerName: this.jobContainerName!,
        hasSidecars: this.hasSidecars,
        logGroupName: this.logGroupName!,
        logStreamPrefix: this.logStreamPrefix,
        region: this.region,
        topic: props.failureNotification.topic,
        scheduleRuleName: this.rule?.ruleName,
        deadLetterQueueName: this.schedule?.deadLetterQueue?.queueName,
        tags,
      });
    }
    if (props.assignPublicIp === true) {
      Annotations.of(this).addWarning(
        `${props.jobName}: assignPublicIp is true; batch jobs belong in private subnets with a NAT gateway or VPC endpoints`,
      );
    }
  }

  private ecrRepositoriesOf(
    containers: readonly BatchContainer[],
    given: readonly string[] | undefined,
  ): string[] {
    const arns = containers.map((c) => ecrRepositoryArnOfImage(c.image));
    if (arns.includes("unknown") && given === undefined) {
      Annotations.of(this).addWarning(
        `${this.jobName}: an image is a reference resolved at apply time, so the execution role may pull from any ECR repository; set ecrRepositoryArns to scope it`,
      );
      return ["*"];
    }
    const read = arns.filter((arn): arn is string => arn !== undefined && arn !== "unknown");
    return [...new Set([...(given ?? []), ...read])].sort();
  }

  private validateProps(props: ScheduledJobProps): void {
    validateField(this, "jobName", props.jobName, (name) => {
      validateRuleName(name);
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new Error(
          `'${name}' names a task definition family too, so it may contain only letters, digits, '-' and '_'`,
        );
      }
      validateIamRoleName(IamScope.of(this).name(`${name}-execution`));
    });
    const taskOptions = [
      "container",
      "sidecars",
      "logRouter",
      "cpu",
      "memoryMiB",
      "cpuArchitecture",
      "ephemeralStorageGiB",
      "taskRoleArn",
      "ecrRepositoryArns",
      "logGroupName",
      "logRetentionDays",
      "logKmsKeyArn",
      "logStreamPrefix",
      "logGroup",
    ] as const;
    if (props.taskDefinition) {
      const clash = taskOptions.find((option) => props[option] !== undefined);
      if (clash) {
        invalid(
          this,
          clash,
          "give either taskDefinition or the task's own settings (container, cpu, logs, ...), not both",
        );
      }
    } else if (!props.container) {
      invalid(this, "container", "the job needs a container (or an existing taskDefinition)");
    }
    if (props.logGroup) {
      const clash = (["logGroupName", "logRetentionDays", "logKmsKeyArn"] as const).find(
        (o) => props[o] !== undefined,
      );
      if (clash) {
        invalid(
          this,
          clash,
          "it configures a log group made here, but logGroup names an existing one",
        );
      }
    }
    if (props.scheduleExpression === undefined) {
      const clash = (
        [
          "enabled",
          "scheduler",
          "retryPolicy",
          "deadLetterQueue",
          "deadLetterQueueArn",
          "eventsRoleArn",
          "preventOverlap",
        ] as const
      ).find((option) => props[option] !== undefined);
      if (clash) {
        invalid(
          this,
          clash,
          "it configures the job's schedule, but the job has no scheduleExpression",
        );
      }
    }
    if (props.preventOverlap && props.eventsRoleArn !== undefined) {
      invalid(
        this,
        "eventsRoleArn",
        "with preventOverlap the schedule starts the job's workflow, whose role is made here: remove eventsRoleArn",
      );
    }
    if (props.preventOverlap && props.taskDefinition) {
      invalid(
        this,
        "preventOverlap",
        "it runs the job through a workflow, which needs the job's container, hidden by an existing taskDefinition",
      );
    }
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
    if (props.failureNotification && props.taskDefinition) {
      invalid(
        this,
        "failureNotification",
        "it needs the job's container and log group, which an existing taskDefinition hides: notify from where that task definition is made",
      );
    }
    this.validatePlatformVersion(props);
  }

  /** Fargate features that platform version 1.3.0 and older lack. */
  private validatePlatformVersion(props: ScheduledJobProps): void {
    const version = props.platformVersion;
    if (version === undefined || isUnresolved(version) || version === "LATEST") {
      return;
    }
    const [major, minor] = version.split(".").map(Number);
    if (major > 1 || (major === 1 && minor >= 4)) {
      return;
    }
    const needs140 = [
      FARGATE_TASK_SIZES.find((s) => s.cpu === props.cpu)?.needsPlatform140
        ? `cpu ${props.cpu}`
        : undefined,
      props.cpuArchitecture === "ARM64" ? "cpuArchitecture ARM64" : undefined,
      props.ephemeralStorageGiB !== undefined ? "ephemeralStorageGiB" : undefined,
    ].filter((x) => x !== undefined);
    if (needs140.length > 0) {
      invalid(
        this,
        "platformVersion",
        `'${version}' does not support ${needs140.join(", ")}: use '1.4.0' or 'LATEST'`,
      );
    }
  }
}

/** How a run of the job starts, from its props: for its schedule and for workflows. */
function pickRunOptions(
  props: ScheduledJobProps,
): Omit<FargateRunOptions, "retryPolicy" | "deadLetterQueueArn"> {
  return {
    subnetIds: props.subnetIds,
    securityGroupIds: props.securityGroupIds,
    assignPublicIp: props.assignPublicIp,
    platformVersion: props.platformVersion,
    taskCount: props.taskCount,
    propagateTags: props.propagateTags,
    enableEcsManagedTags: props.enableEcsManagedTags,
  };
}

/** The runner's `assignPublicIp`. A boolean known only at apply time is chosen by Terraform. */
function publicIpSetting(assignPublicIp: boolean | undefined): "ENABLED" | "DISABLED" {
  if (isUnresolved(assignPublicIp)) {
    return Token.asString(Fn.conditional(assignPublicIp, "ENABLED", "DISABLED")) as "ENABLED";
  }
  return assignPublicIp ? "ENABLED" : "DISABLED";
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
