import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { loggedStateMachine } from "../iam-role/logged-state-machine";
import { failedExecutionsAlarm } from "../alarms/failed-executions-alarm";
import {
  RUN_RECORD_DETAIL_TYPE,
  RUN_RECORD_SOURCE,
  runLedgerLogGroupName,
} from "../../contract/run-record";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { renderResourcePolicy } from "../iam-role/resource-policy";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { jsonText } from "../json-text/json-text";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import {
  validateContainerName,
  validateIamRoleName,
  validateTaskFamily,
} from "../validation/names";
import { LedgerJobEntry, recorderDefinition } from "./recorder-definition";

/** A job whose runs the ledger records. */
export interface LedgerJob {
  /** The job's name: its task definition family. */
  readonly name: string;
  /** The job's own container, whose exit code is the job's result. @default the job's name */
  readonly container?: string;
  /** The job's log group, so a record names the run's log stream.
   * @default records name no log stream (the job's output is elsewhere) */
  readonly logGroupName?: string;
  /** The awslogs stream prefix of the job's containers. @default "batch" */
  readonly logStreamPrefix?: string;
}

interface RunLedgerCommonProps {
  /** The environment: names the ledger's log group `/aws/events/<environment>-batch-runs`, its
   * rules, recorder and roles (`<environment>-batch-runs...`), and every record. Lower-case
   * letters, digits and '-'. */
  readonly environment: string;
  /** The clusters the jobs run in: every start and stop of a task there is read, and recorded
   * when its family is one of the jobs'. */
  readonly clusterArns: readonly string[];
  /** The region of the stack's provider, when known at synth time.
   * @default looked up from the provider */
  readonly region?: string;
  /** Days the records are kept. @default 365 */
  readonly retentionDays?: number;
  /** ARN of a KMS key for the log group. @default CloudWatch Logs' own encryption */
  readonly kmsKeyArn?: string;
  /** Topics told when a run could not be recorded (the recorder's executions failed).
   * @default no alarm */
  readonly alarmTopicArns?: readonly string[];
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A ledger of jobs known at synth time: the common case, checked here. */
export interface RunLedgerOfJobsProps extends RunLedgerCommonProps {
  /** The jobs whose runs are recorded. */
  readonly jobs: readonly LedgerJob[];
  readonly jobTable?: never;
}

/** A ledger of jobs known only at apply time, such as a Terraform variable of a plain module. */
export interface RunLedgerOfJobTableProps extends RunLedgerCommonProps {
  /** The recorder's job table, as a Terraform value (a token): the jobs by task definition
   * family, each a {@link LedgerJobEntry} with no key for a value it lacks (no null). Terraform
   * writes it into the recorder's definition; nothing in it is checked here. */
  readonly jobTable: Readonly<Record<string, LedgerJobEntry>>;
  readonly jobs?: never;
}

/** A run ledger: exactly one of `jobs` (known at synth time) and `jobTable` (at apply time). */
export type RunLedgerProps = RunLedgerOfJobsProps | RunLedgerOfJobTableProps;

/** The environment names a ledger takes: 1-32 lower-case letters, digits and '-'. */
export const RUN_LEDGER_ENVIRONMENT = /^[a-z][a-z0-9-]{0,31}$/;

/** Who writes what an EventBridge rule sends to CloudWatch Logs (EventBridge's own docs). */
const LEDGER_WRITERS = ["events.amazonaws.com", "delivery.logs.amazonaws.com"];

/**
 * An environment's run ledger: every start and stop of every job's task, whoever started it (a
 * rule, a Scheduler schedule, a workflow, the runner, a person), as one structured record
 * (contract/run-record.ts) in a CloudWatch Logs log group.
 *
 * A rule on the clusters' "ECS Task State Change" events (RUNNING, STOPPED) starts the recorder,
 * an Express state machine that knows the jobs by family: it finds the job's container by name,
 * writes the record (times, duration, exit code, who started it) and puts it on the default event
 * bus as a "Batch Job Run" event. The ledger's rule stores those in the log group, whose resource
 * policy lets EventBridge write for that rule only. (EventBridge alone cannot find a container by
 * name nor compute a duration, and CloudWatch Logs stores what a rule sends it.)
 */
export class RunLedger extends Construct {
  readonly logGroup: JobLogGroup;
  readonly logGroupName: string;
  readonly logGroupArn: string;
  /** The rule on the jobs' task state changes, and the recorder it starts. */
  readonly taskRule: CloudwatchEventRule;
  readonly recorder: SfnStateMachine;
  readonly recorderRole: IamRole;
  readonly eventsRole: IamRole;
  /** The rule that stores the records in the log group, and its resource policy. */
  readonly ledgerRule: CloudwatchEventRule;
  readonly resourcePolicy: CloudwatchLogResourcePolicy;
  /** With alarmTopicArns: executions of the recorder that failed. */
  readonly recorderFailedAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: RunLedgerProps) {
    super(scope, id);
    this.validateProps(props);
    const tags = props.tags ? { ...props.tags } : undefined;
    const name = `${props.environment}-batch-runs`;
    const partition = providerPartition(this);
    const region = props.region ?? providerRegion(this);
    const account = providerAccountId(this);

    this.logGroup = new JobLogGroup(this, "LogGroup", {
      jobName: name,
      logGroupName: runLedgerLogGroupName(props.environment),
      retentionDays: props.retentionDays,
      kmsKeyArn: props.kmsKeyArn,
      tags: props.tags,
    });
    this.logGroupName = this.logGroup.logGroupName;
    this.logGroupArn = this.logGroup.logGroupArn;

    // The records: "Batch Job Run" events of this environment, stored in the log group.
    this.ledgerRule = new CloudwatchEventRule(this, "LedgerRule", {
      name,
      description: `Stores the run records of environment ${props.environment}'s jobs in its run ledger`,
      eventPattern: JSON.stringify({
        source: [RUN_RECORD_SOURCE],
        "detail-type": [RUN_RECORD_DETAIL_TYPE],
        detail: { environment: [props.environment] },
      }),
      tags,
    });
    this.resourcePolicy = new CloudwatchLogResourcePolicy(this, "ResourcePolicy", {
      policyName: name,
      policyDocument: renderResourcePolicy({
        statements: [
          {
            // AWS's own sample had to leave this one unconditioned: the rule's ARN is checked
            // when EventBridge writes, not when it makes the stream (aws-samples/serverless-patterns#618).
            sid: "LetEventBridgeMakeTheLedgersStreams",
            principal: { service: LEDGER_WRITERS },
            actions: ["logs:CreateLogStream"],
            resources: [`${this.logGroupArn}:*`],
          },
          {
            sid: "LetTheLedgerRuleWriteRecords",
            principal: { service: LEDGER_WRITERS },
            actions: ["logs:PutLogEvents"],
            resources: [`${this.logGroupArn}:*`],
            conditions: { ArnEquals: { "aws:SourceArn": this.ledgerRule.arn } },
          },
        ],
      }),
    });
    new CloudwatchEventTarget(this, "LedgerTarget", {
      rule: this.ledgerRule.name,
      targetId: "run-ledger",
      arn: this.logGroupArn,
      // A rule writes to CloudWatch Logs through the log group's resource policy, with no role.
      dependsOn: [this.resourcePolicy],
    });

    // The recorder: reads each start and stop, writes the record.
    const recorderName = `${name}-recorder`;
    const recorder = loggedStateMachine(this, {
      name: recorderName,
      type: "EXPRESS",
      definition: recorderDefinition(
        props.environment,
        props.jobs !== undefined ? jobTable(props.jobs) : props.jobTable,
      ),
      ids: { logGroup: "RecorderLogGroup", role: "RecorderRole", stateMachine: "Recorder" },
      role: {
        description: `Writes the run records of environment ${props.environment}'s jobs`,
        statements: [
          {
            sid: "PutRunRecords",
            actions: ["events:PutEvents"],
            resources: [`arn:${partition}:events:${region}:${account}:event-bus/default`],
            // A PutEvents call carries several entries: the keys are lists, every entry must match,
            // and a call without the key matches nothing.
            conditions: {
              "ForAllValues:StringEquals": {
                "events:source": RUN_RECORD_SOURCE,
                "events:detail-type": RUN_RECORD_DETAIL_TYPE,
              },
              Null: { "events:source": "false", "events:detail-type": "false" },
            },
          },
        ],
      },
      tags: props.tags,
    });
    this.recorderRole = recorder.role;
    this.recorder = recorder.stateMachine;

    this.taskRule = new CloudwatchEventRule(this, "TaskRule", {
      name: `${props.environment}-batch-task-changes`,
      description: `Starts and stops of tasks in environment ${props.environment}'s clusters, for its run ledger`,
      // JSON text: clusters known only at apply time (a Terraform list) are written by Terraform.
      eventPattern: jsonText({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: { clusterArn: props.clusterArns, lastStatus: ["RUNNING", "STOPPED"] },
      }),
      tags,
    });
    this.eventsRole = new IamRole(this, "EventsRole", {
      name: `${name}-events`,
      identifier: "events.amazonaws.com",
      description: `EventBridge role that starts the run ledger's recorder of ${props.environment}`,
      policy: {
        statements: [
          {
            sid: "StartTheRecorder",
            actions: ["states:StartExecution"],
            resources: [this.recorder.arn],
          },
        ],
      },
      tags: props.tags,
    });
    new CloudwatchEventTarget(this, "TaskTarget", {
      rule: this.taskRule.name,
      targetId: "run-recorder",
      arn: this.recorder.arn,
      roleArn: this.eventsRole.roleArn,
      // EventBridge's own limits: a late record is still worth keeping.
      retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
    });

    if (props.alarmTopicArns && props.alarmTopicArns.length > 0) {
      this.recorderFailedAlarm = failedExecutionsAlarm(this, "RecorderFailedAlarm", {
        alarmName: `${recorderName}-failed`,
        description:
          `An execution of the run ledger's recorder of ${props.environment} failed: a start or ` +
          `stop of a job's task may be missing from ${runLedgerLogGroupName(props.environment)}. ` +
          `Find the failed execution in the Step Functions console (its error and the event are ` +
          `in its log group).`,
        stateMachineArn: this.recorder.arn,
        alarmActions: props.alarmTopicArns,
        tags,
      });
    }
  }

  private validateProps(props: RunLedgerProps): void {
    validateField(this, "environment", props.environment, (environment) => {
      if (!RUN_LEDGER_ENVIRONMENT.test(environment)) {
        throw new Error(
          `'${environment}' must be 1-32 lower-case letters, digits and '-', starting with a letter`,
        );
      }
      for (const role of [
        `${environment}-batch-runs-recorder`,
        `${environment}-batch-runs-events`,
      ]) {
        validateIamRoleName(IamScope.of(this).name(role));
      }
    });
    if (!isUnresolved(props.clusterArns) && props.clusterArns.length === 0) {
      invalid(this, "clusterArns", "it is empty: name the clusters the jobs run in");
    }
    if (props.jobs === undefined) {
      if (!isUnresolved(props.jobTable)) {
        invalid(this, "jobTable", "it is known at synth time: give it as jobs, which are checked");
      }
    } else if (!isUnresolved(props.jobs)) {
      const names = props.jobs.map((job) => job.name);
      const twice = names.find((n, i) => !isUnresolved(n) && names.indexOf(n) !== i);
      if (twice !== undefined) {
        invalid(this, "jobs", `the job '${twice}' is listed twice`);
      }
      props.jobs.forEach((job, index) => {
        validateField(this, `jobs[${index}].name`, job.name, validateTaskFamily);
        validateField(this, `jobs[${index}].container`, job.container, validateContainerName);
      });
    }
  }
}

/** The jobs by family, as the recorder looks them up. */
function jobTable(jobs: readonly LedgerJob[]): Record<string, LedgerJobEntry> {
  return Object.fromEntries(
    jobs.map((job) => [
      job.name,
      {
        container: job.container ?? job.name,
        ...(job.logGroupName !== undefined
          ? { logGroupName: job.logGroupName, logStreamPrefix: job.logStreamPrefix ?? "batch" }
          : {}),
      },
    ]),
  );
}
