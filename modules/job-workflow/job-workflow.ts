import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { loggedStateMachine } from "../iam-role/logged-state-machine";
import { JobFailureNotificationOptions } from "../failure-notification/job-failure-notification";
import { addScheduleFailureAlarms } from "../failure-notification/schedule-failure-alarms";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { PolicyStatement } from "../iam-role/policy-document";
import { publishToTopicsStatements } from "../iam-role/step-functions-statements";
import { addJobSchedule, JobSchedule } from "../job-schedule/job-schedule";
import { Schedule } from "../job-schedule/schedule-options";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { RunnableJob } from "../job-run/job-run";
import { taskStartStatements } from "../job-run/task-start-statements";
import { jsonText } from "../json-text/json-text";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { invalidBeyondRepair, validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";
import { workflowDefinition } from "./workflow-definition";
import { workflowStages } from "./workflow-graph";
import {
  DEFAULT_JOB_TIMEOUT_SECONDS,
  DEFAULT_RETRY_ON_EXIT_CODE,
  DEFAULT_RETRY_ON_START_FAILURE,
  RetryOptions,
  WorkflowJobRun,
} from "./workflow-job";

/** One job of a workflow, and how the workflow runs it. */
export interface WorkflowJob {
  /** The job (a `BatchJob` made from a container). It usually has no schedule of its own: the
   * workflow starts it. */
  readonly job: RunnableJob;
  /** Names of the jobs of this workflow that must succeed before this one starts.
   * @default none: the job starts with the workflow */
  readonly dependsOn?: readonly string[];
  /** Retries when the task never ran its container (no capacity, image pull, throttling).
   * @default 3 retries, 60 s apart, doubling */
  readonly retryOnStartFailure?: Partial<RetryOptions>;
  /** Retries when the job's container exited non-zero; only for jobs marked `safeToRerun`.
   * @default no retry */
  readonly retryOnExitCode?: Partial<RetryOptions>;
  /** Seconds a run may take; then Step Functions stops the task and the job has failed.
   * @default 86400 (one day) */
  readonly timeoutSeconds?: number;
}

export interface JobWorkflowProps {
  /** Names the state machine, its role (`<name>-workflow`), its log group and its schedule.
   * Letters, digits, `-`, `_`; at most 54 characters. */
  readonly workflowName: string;
  /** @default no description */
  readonly description?: string;
  readonly jobs: readonly WorkflowJob[];
  /** When the workflow runs: an expression (a rule, in UTC), or `{ rule }` / `{ scheduler }`.
   * @default no schedule: it runs when someone starts an execution */
  readonly schedule?: Schedule;
  /** Do not start while an earlier execution is still running: the new execution checks the
   * running executions of the state machine first, and ends as skipped (with a notice).
   * @default false */
  readonly preventOverlap?: boolean;
  /** Who hears of a job that failed for good. @default no notification */
  readonly failureNotification?: JobFailureNotificationOptions;
  /** Days to keep the execution history logs. @default 365 */
  readonly logRetentionDays?: number;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Jobs with dependencies as a Step Functions state machine: each job runs with
 * `ecs:runTask.sync`, so the workflow sees its container's exit code; a job starts once the jobs
 * it depends on succeeded, independent jobs run in parallel; start failures and non-zero exits
 * are retried separately, each run has a timeout, and a job that failed for good is reported.
 */
export class JobWorkflow extends Construct {
  readonly workflowName: string;
  readonly stateMachine: SfnStateMachine;
  readonly stateMachineArn: string;
  readonly role: IamRole;
  readonly logGroup: JobLogGroup;
  /** The jobs in the order the workflow runs them: one array per stage. */
  readonly stages: readonly (readonly string[])[];
  /** The ASL definition, as an object (for tests and documentation). */
  readonly definition: Record<string, unknown>;
  readonly schedule?: JobSchedule;
  /** With a rule schedule and notification: runs the rule could not start. */
  readonly invocationAlarm?: CloudwatchMetricAlarm;
  /** With a dead-letter queue and notification: runs left in it. */
  readonly deadLetterAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: JobWorkflowProps) {
    super(scope, id);
    this.workflowName = props.workflowName;
    validateField(this, "workflowName", props.workflowName, (name) => {
      if (!/^[A-Za-z0-9_-]{1,54}$/.test(name)) {
        throw new Error(
          `'${name}' must be 1-54 letters, digits, '-' and '_' (it names the state machine and the role '<name>-scheduler')`,
        );
      }
      validateIamRoleName(IamScope.of(this).name(`${name}-scheduler`));
    });

    const runs = props.jobs.map((entry) => this.jobRun(entry));
    try {
      this.stages = workflowStages(
        props.jobs.map((entry) => ({ name: entry.job.jobName, dependsOn: entry.dependsOn })),
      );
    } catch (error) {
      invalidBeyondRepair(this, "jobs", (error as Error).message);
    }
    const topic = props.failureNotification?.topic;
    try {
      this.definition = workflowDefinition({
        workflowName: props.workflowName,
        description: props.description,
        stages: this.stages,
        jobs: runs,
        notificationTopicArns: topic?.deliveries
          .filter((d) => d.format === "text")
          .map((d) => d.topicArn),
        chatTopicArn: topic?.chatTopicArn,
        preventOverlap: props.preventOverlap,
      });
    } catch (error) {
      invalidBeyondRepair(this, "jobs", (error as Error).message);
    }

    const stateMachineArn = `arn:${providerPartition(this)}:states:${providerRegion(this)}:${providerAccountId(this)}:stateMachine:${props.workflowName}`;
    const workflow = loggedStateMachine(this, {
      name: props.workflowName,
      type: "STANDARD",
      // JSON text: subnets and security groups looked up at plan time become jsonencode(...).
      definition: jsonText(this.definition),
      ids: { logGroup: "LogGroup", role: "Role", stateMachine: "Resource" },
      role: {
        name: `${props.workflowName}-workflow`,
        description: `Step Functions role of workflow ${props.workflowName}: runs its jobs and nothing else`,
        trustConditions: { StringEquals: { "aws:SourceAccount": providerAccountId(this) } },
        statements: this.rolePolicy(props, stateMachineArn),
      },
      logLevel: "ALL",
      logRetentionDays: props.logRetentionDays,
      tags: props.tags,
    });
    this.logGroup = workflow.logGroup;
    this.role = workflow.role;
    this.stateMachine = workflow.stateMachine;
    this.stateMachineArn = this.stateMachine.arn;

    if (props.schedule) {
      this.schedule = addJobSchedule(this, {
        schedule: props.schedule,
        name: props.workflowName,
        description: props.description,
        target: { stateMachineArn: this.stateMachineArn, input: "{}" },
        startPermissions: [
          {
            sid: "StartThisWorkflow",
            actions: ["states:StartExecution"],
            resources: [this.stateMachineArn],
          },
        ],
        tags: props.tags,
      });
      if (topic) {
        const alarms = addScheduleFailureAlarms(this, {
          name: props.workflowName,
          subject: `workflow ${props.workflowName}${environmentSuffix(props)}`,
          topic,
          scheduleRuleName: this.schedule.rule?.ruleName,
          deadLetterQueueName: this.schedule.deadLetterQueue?.queueName,
          tags: props.tags,
        });
        this.invocationAlarm = alarms.invocationAlarm;
        this.deadLetterAlarm = alarms.deadLetterAlarm;
      }
    }
  }

  private jobRun(entry: WorkflowJob): WorkflowJobRun {
    const job = entry.job;
    return {
      name: job.jobName,
      // The workflow starts the job the way its schedule would: one JobRun for every starter.
      run: job.run,
      ...workflowJobSettings(entry),
      safeToRerun: job.safeToRerun,
    };
  }

  /** Least privilege for `ecs:runTask.sync` on these jobs, notices, logs and traces. */
  private rolePolicy(props: JobWorkflowProps, stateMachineArn: string): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      // runTask.sync watches the task it started, and stops it on a timeout or an abort.
      ...taskStartStatements(
        props.jobs.map((entry) => entry.job.access),
        { watch: true, stop: "any" },
      ),
      {
        // runTask.sync learns that a task stopped through this rule, which Step Functions manages.
        sid: "ManageTheSyncEventRule",
        actions: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
        resources: [
          `arn:${providerPartition(this)}:events:${providerRegion(this)}:${providerAccountId(this)}:rule/StepFunctionsGetEventsForECSTaskRule`,
        ],
      },
    ];
    if (props.preventOverlap) {
      statements.push({
        sid: "SeeRunningExecutions",
        actions: ["states:ListExecutions"],
        resources: [stateMachineArn],
      });
    }
    const topic = props.failureNotification?.topic;
    if (topic) {
      statements.push(
        ...publishToTopicsStatements(
          topic.deliveries.map((d) => d.topicArn),
          topic.kmsKeyArn,
        ),
      );
    }
    return statements;
  }
}

/**
 * The retries and timeout a workflow gives one of its jobs: the entry's own settings, and the
 * defaults for those it leaves out (a partial retry setting keeps the defaults of its other fields).
 */
export function workflowJobSettings(
  entry: Pick<WorkflowJob, "retryOnStartFailure" | "retryOnExitCode" | "timeoutSeconds">,
): Pick<WorkflowJobRun, "retryOnStartFailure" | "retryOnExitCode" | "timeoutSeconds"> {
  return {
    retryOnStartFailure: { ...DEFAULT_RETRY_ON_START_FAILURE, ...entry.retryOnStartFailure },
    retryOnExitCode: { ...DEFAULT_RETRY_ON_EXIT_CODE, ...entry.retryOnExitCode },
    timeoutSeconds: entry.timeoutSeconds ?? DEFAULT_JOB_TIMEOUT_SECONDS,
  };
}

function environmentSuffix(props: JobWorkflowProps): string {
  const environment = props.failureNotification?.environment;
  return environment === undefined ? "" : ` (environment ${environment})`;
}
