import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { loggedStateMachine } from "../iam-role/logged-state-machine";
import { failedExecutionsAlarm } from "../alarms/failed-executions-alarm";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { publishToTopicsStatements } from "../iam-role/step-functions-statements";
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

    const sender = loggedStateMachine(this, {
      name,
      type: "STANDARD",
      definition: noticeSenderDefinition(deliveries),
      ids: { logGroup: "SenderLogGroup", role: "SenderRole", stateMachine: "Sender" },
      role: {
        description: `Sends the failure notices of batch jobs to ${deliveries.length === 1 ? "their topic" : "their topics"}`,
        statements: publishToTopicsStatements(
          deliveries.map((d) => d.topicArn),
          destination.kmsKeyArn,
        ),
      },
      tags: props.tags,
    });
    this.senderLogGroup = sender.logGroup;
    this.senderRole = sender.role;
    this.sender = sender.stateMachine;

    const filter = loggedStateMachine(this, {
      name: `${name}-filter`,
      type: "EXPRESS",
      definition: noticeFilterDefinition(this.sender.arn),
      ids: { logGroup: "FilterLogGroup", role: "FilterRole", stateMachine: "Filter" },
      role: {
        description: "Reads stopped tasks of batch jobs and starts one notice per failed task",
        statements: [
          { sid: "SendNotices", actions: ["states:StartExecution"], resources: [this.sender.arn] },
        ],
      },
      tags: props.tags,
    });
    this.filterLogGroup = filter.logGroup;
    this.filterRole = filter.role;
    this.filter = filter.stateMachine;
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
      this.failedExecutionsAlarm("FilterFailedAlarm", `${name}-filter-failed`, this.filter, tags, {
        what: "the failure notice filter of batch jobs",
        deliveries,
      }),
      this.failedExecutionsAlarm("SenderFailedAlarm", `${name}-failed`, this.sender, tags, {
        what: "the failure notice sender of batch jobs",
        deliveries,
      }),
    ];
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
