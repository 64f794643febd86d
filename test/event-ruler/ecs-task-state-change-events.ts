import { createHash } from "crypto";

/**
 * "ECS Task State Change" events of a Fargate batch job, each with the outcome a failure notice
 * must give for it, to run event patterns (with {@link matchEvents}) and result filters over.
 *
 * The shape follows AWS's example in "Amazon ECS task state change events" (ECS Developer Guide,
 * ecs_task_events / ecs_cwe_events): the envelope (`version` "0", `id`, `detail-type`, `source`
 * `aws.ecs`, `account`, `time`, `region`, `resources: [taskArn]`) and a `detail` that resembles the
 * Task object of DescribeTasks, with ISO timestamps. What a stopped Fargate task adds (`stopCode`,
 * `stoppedReason`, `stoppingAt`, `executionStoppedAt`, `stoppedAt`, containers' `exitCode` and
 * `reason`) follows events of stopped tasks quoted in public code and issues; see each case.
 *
 * {@link matchEvents}: ./event-ruler.ts
 */

/** One container of a task, as the event lists it. */
export interface EventContainer {
  readonly containerArn: string;
  readonly lastStatus: string;
  readonly name: string;
  readonly image: string;
  readonly runtimeId?: string;
  readonly taskArn: string;
  /** Absent when the container never ran, or has not stopped. */
  readonly exitCode?: number;
  readonly reason?: string;
  readonly networkInterfaces: readonly { attachmentId: string; privateIpv4Address: string }[];
  readonly cpu: string;
}

/** The `detail` of an "ECS Task State Change" event of a Fargate task. */
export interface EcsTaskDetail {
  readonly attachments: readonly Record<string, unknown>[];
  readonly availabilityZone: string;
  readonly clusterArn: string;
  readonly connectivity: string;
  readonly connectivityAt: string;
  readonly containers: readonly EventContainer[];
  readonly cpu: string;
  readonly createdAt: string;
  readonly desiredStatus: string;
  readonly executionStoppedAt?: string;
  readonly group: string;
  readonly launchType: "FARGATE";
  readonly lastStatus: string;
  readonly memory: string;
  readonly overrides: { readonly containerOverrides: readonly { name: string }[] };
  readonly platformFamily: string;
  readonly platformVersion: string;
  readonly pullStartedAt?: string;
  readonly pullStoppedAt?: string;
  readonly startedAt?: string;
  readonly startedBy: string;
  readonly stopCode?: string;
  readonly stoppedAt?: string;
  readonly stoppedReason?: string;
  readonly stoppingAt?: string;
  readonly taskArn: string;
  readonly taskDefinitionArn: string;
  readonly updatedAt: string;
  /** Incremented at every change of the task; a duplicate event has the same version. */
  readonly version: number;
}

/** An "ECS Task State Change" event as EventBridge delivers it. */
export interface EcsTaskStateChangeEvent {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": "ECS Task State Change";
  readonly source: "aws.ecs";
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: EcsTaskDetail;
}

/** A container of the task to build an event of. */
export interface ContainerOptions {
  readonly name: string;
  /** Leave out for a container that never ran, or is still running. */
  readonly exitCode?: number;
  readonly reason?: string;
  /** @default the job's repository, `<account>.dkr.ecr.<region>.amazonaws.com/<name>:latest` */
  readonly image?: string;
  /** @default "STOPPED" when the task is stopping or stopped, else the task's lastStatus */
  readonly lastStatus?: string;
}

/** What makes one event; everything but the job and its containers has a default. */
export interface TaskEventOptions {
  /** ARN of the cluster: `arn:aws:ecs:REGION:ACCOUNT:cluster/NAME`; region and account come from it. */
  readonly clusterArn: string;
  /** The task definition family. */
  readonly family: string;
  /** @default 3 */
  readonly revision?: number;
  /** In the order the event lists them. */
  readonly containers: readonly ContainerOptions[];
  /** @default "STOPPED" */
  readonly lastStatus?: "PROVISIONING" | "PENDING" | "RUNNING" | "DEPROVISIONING" | "STOPPED";
  /** @default "RUNNING" while the task runs, else "STOPPED" */
  readonly desiredStatus?: "RUNNING" | "STOPPED";
  /** Of a task that is stopping or stopped.
   * @default "EssentialContainerExited" */
  readonly stopCode?: string;
  /** @default "Essential container in task exited" */
  readonly stoppedReason?: string;
  /** @default `family:<family>`, what ECS sets unless RunTask is given a group */
  readonly group?: string;
  /** @default `events-rule/<family>`: EventBridge names the rule that started the task */
  readonly startedBy?: string;
  /** Whether the containers were started: false for a task that failed to start.
   * @default true */
  readonly started?: boolean;
  /** Makes the task's id, and the event's id with `eventKey`: the same seed, the same task. */
  readonly taskSeed: string;
  /** Makes the event's id; a duplicate has the same task and version but another id.
   * @default the task seed and the task's version */
  readonly eventKey?: string;
  /** @default 5 when stopped, 4 while deprovisioning, 2 while running */
  readonly version?: number;
}

const CLUSTER_ARN = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):([0-9]{12}):cluster\/(.+)$/;
const START = Date.parse("2026-11-23T03:00:00.000Z");

/** A time `seconds` after the run's start, as ECS writes it. */
function at(seconds: number): string {
  return new Date(START + seconds * 1000).toISOString();
}

/** A stable hex id from a seed: the same case makes the same ARNs in every run. */
function hexOf(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function uuidOf(seed: string): string {
  const h = hexOf(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An "ECS Task State Change" event of a Fargate task, with the fields ECS sends for its state. */
export function taskStateChangeEvent(options: TaskEventOptions): EcsTaskStateChangeEvent {
  const arn = CLUSTER_ARN.exec(options.clusterArn);
  if (!arn) {
    throw new Error(`'${options.clusterArn}' is not an ECS cluster ARN`);
  }
  const [, partition, region, account, cluster] = arn;
  const lastStatus = options.lastStatus ?? "STOPPED";
  const running = ["PROVISIONING", "PENDING", "RUNNING"].includes(lastStatus);
  const stopped = lastStatus === "STOPPED";
  const started = options.started ?? true;
  const desiredStatus = options.desiredStatus ?? (running ? "RUNNING" : "STOPPED");
  const version = options.version ?? (stopped ? 5 : running ? 2 : 4);

  const taskId = hexOf(`task ${options.taskSeed}`, 32);
  const taskArn = `arn:${partition}:ecs:${region}:${account}:task/${cluster}/${taskId}`;
  const attachmentId = uuidOf(`eni ${options.taskSeed}`);
  const address = `10.0.${parseInt(taskId.slice(0, 2), 16) % 16}.${parseInt(taskId.slice(2, 4), 16)}`;
  const registry = `${account}.dkr.ecr.${region}.amazonaws.com`;

  const containers = options.containers.map((container): EventContainer => ({
    containerArn: `arn:${partition}:ecs:${region}:${account}:container/${cluster}/${taskId}/${uuidOf(
      `container ${options.taskSeed} ${container.name}`,
    )}`,
    lastStatus: container.lastStatus ?? (running ? lastStatus : "STOPPED"),
    name: container.name,
    image: container.image ?? `${registry}/${container.name}:latest`,
    ...(started ? { runtimeId: `${taskId}-${parseInt(hexOf(container.name, 8), 16)}` } : {}),
    taskArn,
    ...(container.exitCode !== undefined ? { exitCode: container.exitCode } : {}),
    ...(container.reason !== undefined ? { reason: container.reason } : {}),
    networkInterfaces: [{ attachmentId, privateIpv4Address: address }],
    cpu: "0",
  }));

  // The run: created at 0 s, pulled 5-12 s, started at 15 s, its essential container exits at
  // 600 s; ECS stops the task then and has it STOPPED half a minute later.
  const detail: EcsTaskDetail = {
    attachments: [
      {
        id: attachmentId,
        type: "eni",
        status: stopped ? "DELETED" : running ? "ATTACHED" : "DELETING",
        details: [
          { name: "subnetId", value: "subnet-0123456789abcdef0" },
          { name: "networkInterfaceId", value: `eni-${hexOf(`eni ${options.taskSeed}`, 17)}` },
          { name: "privateIPv4Address", value: address },
        ],
      },
    ],
    availabilityZone: `${region}a`,
    clusterArn: options.clusterArn,
    connectivity: "CONNECTED",
    connectivityAt: at(3),
    containers,
    cpu: "256",
    createdAt: at(0),
    desiredStatus,
    ...(!running ? { executionStoppedAt: at(started ? 600 : 12) } : {}),
    group: options.group ?? `family:${options.family}`,
    launchType: "FARGATE",
    lastStatus,
    memory: "512",
    overrides: { containerOverrides: options.containers.map(({ name }) => ({ name })) },
    platformFamily: "Linux",
    platformVersion: "1.4.0",
    pullStartedAt: at(5),
    ...(started ? { pullStoppedAt: at(12), startedAt: at(15) } : {}),
    startedBy: options.startedBy ?? `events-rule/${options.family}`,
    ...(!running
      ? {
          stopCode: options.stopCode ?? "EssentialContainerExited",
          stoppedReason: options.stoppedReason ?? "Essential container in task exited",
          stoppingAt: at(started ? 601 : 13),
        }
      : {}),
    ...(stopped ? { stoppedAt: at(started ? 631 : 43) } : {}),
    taskArn,
    taskDefinitionArn: `arn:${partition}:ecs:${region}:${account}:task-definition/${options.family}:${
      options.revision ?? 3
    }`,
    updatedAt: stopped ? at(started ? 631 : 43) : running ? at(15) : at(started ? 601 : 13),
    version,
  };
  return {
    version: "0",
    id: uuidOf(`event ${options.eventKey ?? `${options.taskSeed} ${version}`}`),
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account,
    time: detail.updatedAt.replace(/\.\d+Z$/, "Z"),
    region,
    resources: [taskArn],
    detail,
  };
}

/** The job whose failures the corpus tells of. */
export interface CorpusJob {
  /** The job's name: the task definition family and the job container's name by default. */
  readonly jobName: string;
  /** ARN of the cluster the job runs in. */
  readonly clusterArn: string;
  /** @default the job name */
  readonly family?: string;
  /** The job's own container, whose exit code is the job's result.
   * @default the job name */
  readonly containerName?: string;
  /** A cluster the job does not run in, for the event that must not match.
   * @default the job's cluster ARN with `-other` after its name */
  readonly otherClusterArn?: string;
}

/** What a failure notice must make of one event of the corpus. */
export interface ExpectedOutcome {
  /** A notice of a failed run is due for this event. */
  readonly jobFailed: boolean;
  /** The job container's own exit code in the event; undefined when it has none. */
  readonly jobExitCode: number | undefined;
}

/** One event of the corpus, what it stands for, and what it must give. */
export interface CorpusCase {
  readonly description: string;
  readonly event: EcsTaskStateChangeEvent;
  readonly expected: ExpectedOutcome;
  /** The case whose event this one repeats (same task, same `detail.version`, another id). */
  readonly duplicateOf?: CorpusCaseName;
}

/**
 * The GuardDuty runtime monitoring agent's container, which GuardDuty adds to every Fargate task
 * when automated agent configuration is on: named `aws-guardduty-agent-` and six random letters
 * and digits (`aws-guardduty-agent-mfjGLB` in a task's DescribeTasks output quoted in
 * aws/aws-cdk#32877), image `aws-guardduty-agent-fargate` from a registry of GuardDuty's in the
 * region (us-east-1's here: each region has its own). It is not essential: the task runs on when
 * it fails.
 */
export const GUARDDUTY_AGENT_CONTAINER = "aws-guardduty-agent-mfjGLB";
const GUARDDUTY_AGENT_IMAGE =
  "593207742271.dkr.ecr.us-east-1.amazonaws.com/aws-guardduty-agent-fargate:v1.5.0-Fg_x86_64";

const OUT_OF_MEMORY = "OutOfMemoryError: Container killed due to memory usage";
/** What ECS says of an image it could not pull (the reason of the container and of the task). */
function cannotPull(image: string): string {
  return `CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref ${image}: not found`;
}

/** The names of the corpus's cases, in the order of {@link ecsTaskStateChangeCorpus}. */
export type CorpusCaseName =
  | "jobExit0"
  | "jobExit1"
  | "jobExit0SidecarExit1"
  | "jobExit0SidecarExit143"
  | "jobExit1SidecarExit0"
  | "sidecarFirstJobExit1"
  | "jobNeverRanSidecarExit0"
  | "essentialSidecarExit1JobStopped"
  | "taskFailedToStart"
  | "outOfMemory"
  | "stoppedByUser"
  | "running"
  | "otherFamilyExit1"
  | "otherClusterExit1"
  | "customGroupExit1"
  | "guardDutyAgentExit1"
  | "deprovisioningJobExit1"
  | "duplicateJobExit1";

/** The corpus: every case by name. */
export type Corpus = Readonly<Record<CorpusCaseName, CorpusCase>>;

/**
 * Every case of "ECS Task State Change" event a failure notice of `job` must get right, with the
 * outcome it must give: for any job name, container name and cluster, so tests can run it for every
 * job of every environment.
 *
 * Decisions the expectations stand for:
 * - A failure is reported for the event with `lastStatus` STOPPED only. Fargate sends the stop in
 *   several events (desiredStatus STOPPED with lastStatus DEPROVISIONING, then STOPPED; the task
 *   lifecycle is RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED), and the containers'
 *   exit codes are already in the DEPROVISIONING one; STOPPED is the one every run ends with, and
 *   the one with `stoppedAt`. Reporting both would notify twice.
 * - ECS sends events at least once: "you might receive multiple copies of a given event" with the
 *   same `detail.version` ("Handling Amazon ECS events"). Each copy of a failure is a failure on
 *   its own (`jobFailed`), and `duplicateOf` names the case it repeats: a notice design should
 *   send at most one notice for one task.
 * - Only the job's own container decides: a sidecar's or an AWS-added agent's exit code does not,
 *   unless the job container itself did not exit 0 (it was stopped with the task, or never ran).
 */
export function ecsTaskStateChangeCorpus(job: CorpusJob): Corpus {
  const family = job.family ?? job.jobName;
  const container = job.containerName ?? job.jobName;
  const { clusterArn } = job;
  const otherClusterArn = job.otherClusterArn ?? `${clusterArn}-other`;
  const [, , , region, account] = clusterArn.split(":");
  const image = `${account}.dkr.ecr.${region}.amazonaws.com/${family}:2026-11-22`;
  const seed = (name: string) => `${clusterArn} ${family} ${name}`;
  const event = (
    name: string,
    options: Omit<TaskEventOptions, "taskSeed" | "family" | "clusterArn">,
  ) => taskStateChangeEvent({ clusterArn, family, taskSeed: seed(name), ...options });
  const failed = (jobExitCode: number | undefined): ExpectedOutcome => ({
    jobFailed: true,
    jobExitCode,
  });
  const notFailed = (jobExitCode: number | undefined): ExpectedOutcome => ({
    jobFailed: false,
    jobExitCode,
  });

  return {
    jobExit0: {
      description: "the job exited 0",
      event: event("jobExit0", { containers: [{ name: container, exitCode: 0 }] }),
      expected: notFailed(0),
    },
    jobExit1: {
      description: "the job exited 1",
      event: event("jobExit1", { containers: [{ name: container, exitCode: 1 }] }),
      expected: failed(1),
    },
    jobExit0SidecarExit1: {
      description: "the job exited 0, a sidecar (not essential) exited 1",
      event: event("jobExit0SidecarExit1", {
        containers: [
          { name: container, exitCode: 0 },
          { name: "log-router", exitCode: 1 },
        ],
      }),
      expected: notFailed(0),
    },
    jobExit0SidecarExit143: {
      description: "the job exited 0, and ECS stopped its sidecar with SIGTERM (143)",
      event: event("jobExit0SidecarExit143", {
        containers: [
          { name: container, exitCode: 0 },
          { name: "envoy", exitCode: 143 },
        ],
      }),
      expected: notFailed(0),
    },
    jobExit1SidecarExit0: {
      description: "the job exited 1, its sidecar 0",
      event: event("jobExit1SidecarExit0", {
        containers: [
          { name: container, exitCode: 1 },
          { name: "log-router", exitCode: 0 },
        ],
      }),
      expected: failed(1),
    },
    sidecarFirstJobExit1: {
      description: "a sidecar listed first exited 0, the job exited 1",
      event: event("sidecarFirstJobExit1", {
        containers: [
          { name: "log-router", exitCode: 0 },
          { name: container, exitCode: 1 },
        ],
      }),
      expected: failed(1),
    },
    jobNeverRanSidecarExit0: {
      description:
        "the job's container could not start (no exit code), its init container exited 0",
      event: event("jobNeverRanSidecarExit0", {
        containers: [
          {
            name: container,
            reason:
              'CannotStartContainerError: failed to create shim task: OCI runtime create failed: exec: "run-job": executable file not found in $PATH',
          },
          { name: "init-config", exitCode: 0 },
        ],
      }),
      expected: failed(undefined),
    },
    essentialSidecarExit1JobStopped: {
      description: "an essential sidecar exited 1, so ECS stopped the job with SIGTERM (143)",
      event: event("essentialSidecarExit1JobStopped", {
        containers: [
          { name: container, exitCode: 143 },
          { name: "envoy", exitCode: 1 },
        ],
      }),
      expected: failed(143),
    },
    taskFailedToStart: {
      description: "the task failed to start: the image could not be pulled, no container ran",
      event: event("taskFailedToStart", {
        started: false,
        stopCode: "TaskFailedToStart",
        stoppedReason: cannotPull(image),
        containers: [{ name: container, image, reason: cannotPull(image) }],
      }),
      expected: failed(undefined),
    },
    outOfMemory: {
      description: "the job was killed for using more memory than its task has (137)",
      event: event("outOfMemory", {
        containers: [{ name: container, exitCode: 137, reason: OUT_OF_MEMORY }],
      }),
      expected: failed(137),
    },
    stoppedByUser: {
      description: "someone stopped the task (StopTask): the job got SIGTERM and exited 143",
      event: event("stoppedByUser", {
        stopCode: "UserInitiated",
        stoppedReason: "Task stopped by user",
        containers: [{ name: container, exitCode: 143 }],
      }),
      expected: failed(143),
    },
    running: {
      description: "the job is running: not a stopped task",
      event: event("running", { lastStatus: "RUNNING", containers: [{ name: container }] }),
      expected: notFailed(undefined),
    },
    otherFamilyExit1: {
      description: "another job in the same cluster, whose family starts with this one's, exited 1",
      event: taskStateChangeEvent({
        clusterArn,
        family: `${family}-cleanup`,
        taskSeed: seed("otherFamilyExit1"),
        containers: [{ name: `${container}-cleanup`, exitCode: 1 }],
      }),
      expected: notFailed(undefined),
    },
    otherClusterExit1: {
      description: "the same family exited 1 in another cluster (another environment)",
      event: taskStateChangeEvent({
        clusterArn: otherClusterArn,
        family,
        taskSeed: seed("otherClusterExit1"),
        containers: [{ name: container, exitCode: 1 }],
      }),
      expected: notFailed(1),
    },
    customGroupExit1: {
      description: "a run started with RunTask's group parameter exited 1",
      event: event("customGroupExit1", {
        group: "nightly-adhoc",
        startedBy: "ecs-batch",
        containers: [{ name: container, exitCode: 1 }],
      }),
      expected: failed(1),
    },
    guardDutyAgentExit1: {
      description: "the job exited 0; the GuardDuty agent AWS added to the task exited 1",
      event: event("guardDutyAgentExit1", {
        containers: [
          { name: container, exitCode: 0 },
          { name: GUARDDUTY_AGENT_CONTAINER, exitCode: 1, image: GUARDDUTY_AGENT_IMAGE },
        ],
      }),
      expected: notFailed(0),
    },
    deprovisioningJobExit1: {
      description:
        "the stop of jobExit1's task before STOPPED: lastStatus DEPROVISIONING, desiredStatus STOPPED",
      event: event("jobExit1", {
        lastStatus: "DEPROVISIONING",
        containers: [{ name: container, exitCode: 1 }],
      }),
      expected: notFailed(1),
    },
    duplicateJobExit1: {
      description: "jobExit1's event delivered a second time: same task and version, another id",
      event: event("jobExit1", {
        eventKey: `${seed("jobExit1")} 5 again`,
        containers: [{ name: container, exitCode: 1 }],
      }),
      expected: failed(1),
      duplicateOf: "jobExit1",
    },
  };
}

/** The corpus's events by case name, for {@link matchEvents}. */
export function eventsOf(corpus: Corpus): Record<CorpusCaseName, EcsTaskStateChangeEvent> {
  return Object.fromEntries(
    Object.entries(corpus).map(([name, c]) => [name, (c as CorpusCase).event]),
  ) as Record<CorpusCaseName, EcsTaskStateChangeEvent>;
}

/**
 * The events of several corpora (one per job, or per job and environment) under one name each,
 * `<key> <case name>`, so one {@link matchEvents} call matches every job's patterns against every
 * job's events: the JVM starts once.
 */
export function eventsOfJobs(
  corpora: Readonly<Record<string, Corpus>>,
): Record<string, EcsTaskStateChangeEvent> {
  return Object.fromEntries(
    Object.entries(corpora).flatMap(([key, corpus]) =>
      Object.entries(eventsOf(corpus)).map(([name, event]) => [`${key} ${name}`, event]),
    ),
  );
}
