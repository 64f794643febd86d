import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { IamRole } from "./iam-role";
import { PolicyConditions, PolicyStatement } from "./policy-document";
import {
  stateMachineLoggingStatement,
  stateMachineTracingStatement,
} from "./step-functions-statements";

export interface LoggedStateMachineOptions {
  /** The state machine's name; its log group is `/aws/vendedlogs/states/<name>`. */
  readonly name: string;
  readonly type: "STANDARD" | "EXPRESS";
  /** The definition, as JSON text. */
  readonly definition: string;
  /** Construct ids of the log group, the role and the state machine. */
  readonly ids: { readonly logGroup: string; readonly role: string; readonly stateMachine: string };
  /** The role: its name (@default the state machine's), description, trust conditions, and what
   * the state machine does (logging and tracing are added). */
  readonly role: {
    readonly name?: string;
    readonly description: string;
    readonly trustConditions?: PolicyConditions;
    readonly statements: readonly PolicyStatement[];
  };
  /** What the executions log. @default "ERROR" */
  readonly logLevel?: "ERROR" | "ALL";
  /** @default the log group's default retention */
  readonly logRetentionDays?: number;
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A Step Functions state machine as every one of this project's is made: its role (trusted by
 * Step Functions, allowed what it does plus log delivery and X-Ray), a log group under the
 * vended-logs prefix (which keeps Step Functions' log resource policy small), executions logged
 * with their data, and tracing on.
 */
export function loggedStateMachine(scope: Construct, options: LoggedStateMachineOptions) {
  const logGroup = new JobLogGroup(scope, options.ids.logGroup, {
    jobName: options.name,
    logGroupName: `/aws/vendedlogs/states/${options.name}`,
    retentionDays: options.logRetentionDays,
    tags: options.tags,
  });
  const role = new IamRole(scope, options.ids.role, {
    name: options.role.name ?? options.name,
    identifier: "states.amazonaws.com",
    description: options.role.description,
    trustConditions: options.role.trustConditions,
    policy: {
      statements: [
        ...options.role.statements,
        stateMachineLoggingStatement(),
        stateMachineTracingStatement(),
      ],
    },
    tags: options.tags,
  });
  const stateMachine = new SfnStateMachine(scope, options.ids.stateMachine, {
    name: options.name,
    type: options.type,
    roleArn: role.roleArn,
    definition: options.definition,
    loggingConfiguration: {
      logDestination: `${logGroup.logGroupArn}:*`,
      level: options.logLevel ?? "ERROR",
      includeExecutionData: true,
    },
    tracingConfiguration: { enabled: true },
    tags: options.tags ? { ...options.tags } : undefined,
    // Step Functions checks at creation that the role may deliver logs to the log group.
    dependsOn: [role.attachment],
  });
  return { logGroup, role, stateMachine };
}
