import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { failedExecutionsAlarm } from "../alarms/failed-executions-alarm";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import {
  publishToTopicsStatements,
  stateMachineLoggingStatement,
  stateMachineTracingStatement,
} from "../iam-role/step-functions-statements";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { invalidBeyondRepair, validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";
import { noticeFilterDefinition, noticeSenderDefinition } from "./notice-filter-definition";
import { FailureDestination, NoticeFilterTarget } from "./failure-destination";

export interface FailureNoticeFilterProps {
  /** Names the sender state machine and its role `<name>`, the filter and its role
   * `<name>-filter`, and EventBridge's role `<name>-events`, e.g. "prod-batch-failures-notices".
   * Letters, digits, `-` and `_`. */
  readonly name: string;
  /** Where notices go: every topic in its format, and the key that encrypts them. */
  readonly destination: Pick<FailureDestination, "deliveries" | "kmsKeyArn">;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** State machine names have at most 80 characters; the filter's is `<name>-filter`. */
const NAME = /^[A-Za-z0-9_-]{1,73}$/;

/**
 * One per environment (per failure topic): reads the stopped tasks of every job that reports to it
 * and sends one notice per failed task.
 *
 * - The **filter**, an Express state machine that each job's rule starts with the job's
 *   description and the whole "ECS Task State Change" event, decides by the job's own container,
 *   found by name ({@link JOB_FAILED}), and writes the notice ({@link TASK_NOTICE}). A run that
 *   did not fail ends there.
 * - The **sender**, a Standard state machine, publishes the notice to every topic. The filter
 *   starts it with the task's id as the execution's name: Step Functions refuses a second Standard
 *   execution of one name (for 90 days), so a STOPPED event that ECS delivers twice is told of once,
 *   with no table to keep. Its executions are the history of the notices sent.
 *
 * Alarms on failed executions of either tell the same topics that a notice could not be sent.
 */
export class FailureNoticeFilter extends Construct implements NoticeFilterTarget {
  readonly filter: SfnStateMachine;
  readonly sender: SfnStateMachine;
  /** The filter's ARN: the target of the jobs' rules. */
  readonly stateMachineArn: string;
  /** The role EventBridge assumes to start the filter. */
  readonly eventsRole: IamRole;
  readonly eventsRoleArn: string;
  readonly filterRole: IamRole;
  readonly senderRole: IamRole;
  readonly filterLogGroup: JobLogGroup;
  readonly senderLogGroup: JobLogGroup;
  /** Executions of the filter or the sender that failed: notices that were not sent. */
  readonly noticeFailedAlarms: readonly CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: FailureNoticeFilterProps) {
    super(scope, id);
    this.validateProps(props);
    const { name, destination } = props;
    const tags = props.tags ? { ...props.tags } : undefined;
    const deliveries = destination.deliveries;

    this.senderLogGroup = this.logGroup("SenderLogGroup", name, props.tags);
    this.senderRole = new IamRole(this, "SenderRole", {
      name,
      identifier: "states.amazonaws.com",
      description: `Sends the failure notices of batch jobs to ${deliveries.length === 1 ? "their topic" : "their topics"}`,
      policy: {
        statements: [
          ...publishToTopicsStatements(
            deliveries.map((d) => d.topicArn),
            destination.kmsKeyArn,
          ),
          stateMachineLoggingStatement(),
          stateMachineTracingStatement(),
        ],
      },
      tags: props.tags,
    });
    this.sender = new SfnStateMachine(this, "Sender", {
      name,
      type: "STANDARD",
      roleArn: this.senderRole.roleArn,
      definition: noticeSenderDefinition(deliveries),
      loggingConfiguration: {
        logDestination: `${this.senderLogGroup.logGroupArn}:*`,
        level: "ERROR",
        includeExecutionData: true,
      },
      tracingConfiguration: { enabled: true },
      tags,
      // Step Functions checks at creation that the role may deliver logs to the log group.
      dependsOn: [this.senderRole.attachment],
    });

    const filterName = `${name}-filter`;
    this.filterLogGroup = this.logGroup("FilterLogGroup", filterName, props.tags);
    this.filterRole = new IamRole(this, "FilterRole", {
      name: filterName,
      identifier: "states.amazonaws.com",
      description: "Reads stopped tasks of batch jobs and starts one notice per failed task",
      policy: {
        statements: [
          {
            sid: "SendNotices",
            actions: ["states:StartExecution"],
            resources: [this.sender.arn],
          },
          stateMachineLoggingStatement(),
          stateMachineTracingStatement(),
        ],
      },
      tags: props.tags,
    });
    this.filter = new SfnStateMachine(this, "Filter", {
      name: filterName,
      type: "EXPRESS",
      roleArn: this.filterRole.roleArn,
      definition: noticeFilterDefinition(this.sender.arn),
      loggingConfiguration: {
        logDestination: `${this.filterLogGroup.logGroupArn}:*`,
        level: "ERROR",
        includeExecutionData: true,
      },
      tracingConfiguration: { enabled: true },
      tags,
      dependsOn: [this.filterRole.attachment],
    });
    this.stateMachineArn = this.filter.arn;

    this.eventsRole = new IamRole(this, "EventsRole", {
      name: `${name}-events`,
      identifier: "events.amazonaws.com",
      description: "EventBridge role that starts the failure notice filter of batch jobs",
      policy: {
        statements: [
          {
            sid: "StartNoticeFilter",
            actions: ["states:StartExecution"],
            resources: [this.filter.arn],
          },
        ],
      },
      tags: props.tags,
    });
    this.eventsRoleArn = this.eventsRole.roleArn;

    this.noticeFailedAlarms = [
      this.failedExecutionsAlarm("FilterFailedAlarm", `${filterName}-failed`, this.filter, tags, {
        what: "the failure notice filter of batch jobs",
        deliveries,
      }),
      this.failedExecutionsAlarm("SenderFailedAlarm", `${name}-failed`, this.sender, tags, {
        what: "the failure notice sender of batch jobs",
        deliveries,
      }),
    ];
  }

  private logGroup(
    id: string,
    name: string,
    tags: Readonly<Record<string, string>> | undefined,
  ): JobLogGroup {
    return new JobLogGroup(this, id, {
      jobName: name,
      // The vended-logs prefix keeps Step Functions' log resource policy small.
      logGroupName: `/aws/vendedlogs/states/${name}`,
      tags,
    });
  }

  private failedExecutionsAlarm(
    id: string,
    alarmName: string,
    stateMachine: SfnStateMachine,
    tags: Record<string, string> | undefined,
    about: { what: string; deliveries: FailureDestination["deliveries"] },
  ): CloudwatchMetricAlarm {
    return failedExecutionsAlarm(this, id, {
      alarmName,
      description:
        `An execution of ${about.what} failed: a failure notice of a batch job may not have ` +
        `been sent. Find the failed execution in the Step Functions console (its error and the ` +
        `event it read are in its log group), and look at the job's stopped task in ECS.`,
      stateMachineArn: stateMachine.arn,
      alarmActions: about.deliveries.map((d) => d.topicArn),
      tags,
    });
  }

  private validateProps(props: FailureNoticeFilterProps): void {
    validateField(this, "name", props.name, (name) => {
      if (!NAME.test(name)) {
        throw new Error(
          `'${name}' is not valid: it must have 1-73 letters, digits, '-' and '_' (it names the state machine '${name}-filter', and state machine names have at most 80 characters)`,
        );
      }
      for (const role of [name, `${name}-filter`, `${name}-events`]) {
        validateIamRoleName(IamScope.of(this).name(role));
      }
    });
    if (props.destination.deliveries.length === 0) {
      invalidBeyondRepair(this, "destination", "it has no topic to send notices to");
    }
  }
}
