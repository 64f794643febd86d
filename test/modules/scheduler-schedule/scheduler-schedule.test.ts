import { SchedulerSchedule as SchedulerScheduleResource } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { TerraformVariable } from "cdktf";
import { EcsEventTarget, JobRun } from "../../../modules";
import { SchedulerSchedule, SchedulerScheduleProps } from "../../../modules/scheduler-schedule";
import { emptyStack, onlyResource, synthesize } from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const TASK_DEFINITION = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:3";
const ROLE = "arn:aws:iam::123456789012:role/example-batch-scheduler";
const STATE_MACHINE = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:example-batch";
const DLQ = "arn:aws:sqs:ap-northeast-1:123456789012:example-batch-dlq";
const SUBNET = "subnet-0123456789abcdef0";

const RUN: JobRun = {
  taskDefinitionArn: TASK_DEFINITION,
  placement: { clusterArn: CLUSTER, subnetIds: [SUBNET] },
};

const ECS_SCHEDULE: SchedulerScheduleProps = {
  name: "example-batch",
  scheduleExpression: "cron(0 3 * * ? *)",
  roleArn: ROLE,
  target: { ecsTask: RUN },
};

const STATE_MACHINE_SCHEDULE: SchedulerScheduleProps = {
  name: "example-workflow",
  scheduleExpression: "rate(1 day)",
  roleArn: ROLE,
  target: { stateMachineArn: STATE_MACHINE },
};

/** An ECS task target: the run with other placement and launch settings. */
function ecsTaskWith(
  placement: Partial<JobRun["placement"]>,
  launch: JobRun["launch"] = undefined,
): SchedulerScheduleProps["target"] {
  return { ecsTask: { ...RUN, placement: { ...RUN.placement, ...placement }, launch } };
}

/** A state machine target with other settings. */
function stateMachineWith(target: { stateMachineArn?: string; input?: string }) {
  return { target: { stateMachineArn: STATE_MACHINE, ...target } };
}

function scheduleOf(props: SchedulerScheduleProps): Record<string, unknown> {
  const { json } = synthesize((scope) => new SchedulerSchedule(scope, "Schedule", props));
  return onlyResource(json, "aws_scheduler_schedule");
}

function targetOf(props: SchedulerScheduleProps): Record<string, unknown> {
  return scheduleOf(props).target as Record<string, unknown>;
}

describe("SchedulerSchedule", () => {
  it("runs the ECS task on Fargate in the cluster, in UTC, on time, enabled", () => {
    const { text } = synthesize((scope) => new SchedulerSchedule(scope, "Schedule", ECS_SCHEDULE));
    expect(text).toHaveResourceWithProperties(SchedulerScheduleResource, {
      name: "example-batch",
      schedule_expression: "cron(0 3 * * ? *)",
      schedule_expression_timezone: "UTC",
      state: "ENABLED",
      flexible_time_window: { mode: "OFF" },
    });
    const schedule = scheduleOf(ECS_SCHEDULE);
    for (const absent of ["group_name", "description", "start_date", "end_date"]) {
      expect(schedule).not.toHaveProperty(absent);
    }
  });

  it("renders the ECS target like EcsEventTarget: platform LATEST, one task, no public IP", () => {
    expect(targetOf(ECS_SCHEDULE)).toEqual({
      arn: CLUSTER,
      role_arn: ROLE,
      ecs_parameters: {
        launch_type: "FARGATE",
        platform_version: "LATEST",
        task_count: 1,
        task_definition_arn: TASK_DEFINITION,
        propagate_tags: "TASK_DEFINITION",
        enable_ecs_managed_tags: true,
        network_configuration: { subnets: [SUBNET], assign_public_ip: false },
      },
      retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 3600 },
    });
  });

  it("renders the ECS parameters of a run exactly as a rule's EcsEventTarget does", () => {
    const run = ecsTaskWith(
      { securityGroupIds: ["sg-0123456789abcdef0"], platformVersion: "1.4.0" },
      { taskCount: 3, propagateTags: false },
    ).ecsTask!;
    const { json } = synthesize((scope) => {
      new SchedulerSchedule(scope, "Schedule", { ...ECS_SCHEDULE, target: { ecsTask: run } });
      new EcsEventTarget(scope, "Target", { ruleName: "example-batch", roleArn: ROLE, run });
    });
    const schedulerTarget = onlyResource(json, "aws_scheduler_schedule").target as Record<
      string,
      unknown
    >;
    const ruleTarget = onlyResource(json, "aws_cloudwatch_event_target");
    expect(schedulerTarget.arn).toBe(ruleTarget.arn);
    expect(schedulerTarget.ecs_parameters).toEqual(ruleTarget.ecs_target);
  });

  it("takes every ECS run option, a retry policy and a dead-letter queue", () => {
    const target = targetOf({
      ...ECS_SCHEDULE,
      target: ecsTaskWith(
        {
          securityGroupIds: ["sg-0123456789abcdef0"],
          assignPublicIp: true,
          platformVersion: "1.4.0",
        },
        { taskCount: 10, propagateTags: false, enableEcsManagedTags: false },
      ),
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 86400 },
      deadLetterQueueArn: DLQ,
    });
    expect(target.ecs_parameters).toEqual({
      launch_type: "FARGATE",
      platform_version: "1.4.0",
      task_count: 10,
      task_definition_arn: TASK_DEFINITION,
      enable_ecs_managed_tags: false,
      network_configuration: {
        subnets: [SUBNET],
        security_groups: ["sg-0123456789abcdef0"],
        assign_public_ip: true,
      },
    });
    expect(target.retry_policy).toEqual({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 86400,
    });
    expect(target.dead_letter_config).toEqual({ arn: DLQ });
    expect(target).not.toHaveProperty("input");
  });

  it("starts a state machine with input {} by default", () => {
    expect(targetOf(STATE_MACHINE_SCHEDULE)).toEqual({
      arn: STATE_MACHINE,
      role_arn: ROLE,
      input: "{}",
      retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 3600 },
    });
  });

  it("passes the given input to the state machine", () => {
    const input = JSON.stringify({ mode: "full" });
    expect(targetOf({ ...STATE_MACHINE_SCHEDULE, ...stateMachineWith({ input }) }).input).toBe(
      input,
    );
  });

  it("reads the expression in the given time zone and group, with a description", () => {
    const schedule = scheduleOf({
      ...ECS_SCHEDULE,
      timeZone: "Asia/Tokyo",
      groupName: "batch",
      description: "Nightly example batch",
      enabled: false,
    });
    expect(schedule).toMatchObject({
      schedule_expression_timezone: "Asia/Tokyo",
      group_name: "batch",
      description: "Nightly example batch",
      state: "DISABLED",
    });
  });

  it("leaves enabled to Terraform when it is a variable", () => {
    const { json } = synthesize((scope) => {
      const enabled = new TerraformVariable(scope, "enabled", { type: "bool" }).booleanValue;
      new SchedulerSchedule(scope, "Schedule", {
        ...ECS_SCHEDULE,
        enabled: enabled as unknown as boolean,
      });
    });
    expect(onlyResource(json, "aws_scheduler_schedule").state).toBe(
      '${var.enabled ? "ENABLED" : "DISABLED"}',
    );
  });

  it("lets Scheduler start late within a flexible window", () => {
    expect(
      scheduleOf({ ...ECS_SCHEDULE, flexibleTimeWindowMinutes: 15 }).flexible_time_window,
    ).toEqual({
      mode: "FLEXIBLE",
      maximum_window_in_minutes: 15,
    });
  });

  it("writes start and end dates in UTC, the form AWS reports back", () => {
    const schedule = scheduleOf({
      ...ECS_SCHEDULE,
      startDate: "2026-12-01T00:00:00+09:00",
      endDate: "2027-03-31T23:59:59Z",
    });
    expect(schedule.start_date).toBe("2026-11-30T15:00:00Z");
    expect(schedule.end_date).toBe("2027-03-31T23:59:59Z");
  });

  it("takes a one-time at(...) schedule read in its time zone", () => {
    const schedule = scheduleOf({
      ...ECS_SCHEDULE,
      scheduleExpression: "at(2026-12-24T03:00:00)",
      timeZone: "Asia/Tokyo",
    });
    expect(schedule.schedule_expression).toBe("at(2026-12-24T03:00:00)");
    expect(schedule.schedule_expression_timezone).toBe("Asia/Tokyo");
  });

  it("leaves references to Terraform", () => {
    const { json } = synthesize((scope) => {
      const text = (id: string) => new TerraformVariable(scope, id, { type: "string" }).stringValue;
      new SchedulerSchedule(scope, "Schedule", {
        ...ECS_SCHEDULE,
        name: text("name"),
        scheduleExpression: text("expression"),
        timeZone: text("zone"),
        startDate: text("start"),
        endDate: text("end"),
        deadLetterQueueArn: text("dlq"),
      });
    });
    expect(onlyResource(json, "aws_scheduler_schedule")).toMatchObject({
      name: "${var.name}",
      schedule_expression: "${var.expression}",
      schedule_expression_timezone: "${var.zone}",
      start_date: "${var.start}",
      end_date: "${var.end}",
    });
  });

  it.each<[string, Partial<SchedulerScheduleProps>]>([
    ["a 64-character name with '.', '-' and '_'", { name: `a.b-c_${"d".repeat(58)}` }],
    ["a 512-character description", { description: "d".repeat(512) }],
    ["a rate expression", { scheduleExpression: "rate(5 minutes)" }],
    ["a time zone with daylight saving", { timeZone: "America/New_York" }],
    ["a flexible window of 1 minute", { flexibleTimeWindowMinutes: 1 }],
    ["a flexible window of 1440 minutes", { flexibleTimeWindowMinutes: 1440 }],
    ["185 retry attempts", { retryPolicy: { maximumRetryAttempts: 185 } }],
    ["an event age of 60 s", { retryPolicy: { maximumEventAgeSeconds: 60 } }],
    ["a leap day start", { startDate: "2028-02-29T00:00:00-05:00" }],
    [
      "an end date after the start",
      { startDate: "2026-12-01T00:00:00Z", endDate: "2026-12-01T00:00:01Z" },
    ],
    ["a group name", { groupName: "batch.jobs" }],
    ["a dead-letter queue", { deadLetterQueueArn: "arn:aws-cn:sqs:cn-north-1:123456789012:dlq" }],
  ])("accepts %s", (_, overrides) => {
    expect(
      () => new SchedulerSchedule(emptyStack(), "Schedule", { ...ECS_SCHEDULE, ...overrides }),
    ).not.toThrow();
  });

  it.each<[string, Partial<SchedulerScheduleProps>]>([
    ["a state machine version", stateMachineWith({ stateMachineArn: `${STATE_MACHINE}:3` })],
    ["a state machine alias", stateMachineWith({ stateMachineArn: `${STATE_MACHINE}:prod` })],
    ["JSON input", stateMachineWith({ input: '{"mode":"full"}' })],
  ])("accepts %s as a state machine target", (_, overrides) => {
    expect(
      () =>
        new SchedulerSchedule(emptyStack(), "Schedule", {
          ...STATE_MACHINE_SCHEDULE,
          ...overrides,
        }),
    ).not.toThrow();
  });

  it.each<[string, Partial<SchedulerScheduleProps>, RegExp]>([
    [
      "a name over 64 characters",
      { name: "n".repeat(65) },
      /test\/Schedule: name: schedule name 'n{65}' is not valid: it must have 1-64 characters/,
    ],
    [
      "a name with a space",
      { name: "example batch" },
      /test\/Schedule: name: schedule name 'example batch' may contain only letters, digits/,
    ],
    [
      "a group name with a slash",
      { groupName: "batch/jobs" },
      /test\/Schedule: groupName: schedule name 'batch\/jobs' may contain only/,
    ],
    [
      "a description over 512 characters",
      { description: "d".repeat(513) },
      /test\/Schedule: description: it has 513 characters; at most 512 are allowed/,
    ],
    [
      "a five-field cron expression",
      { scheduleExpression: "cron(0 3 * * *)" },
      /test\/Schedule: scheduleExpression: schedule expression 'cron\(0 3 \* \* \*\)' is not valid/,
    ],
    [
      "an at(...) expression with a zone offset",
      { scheduleExpression: "at(2026-12-24T03:00:00+09:00)" },
      /scheduleExpression: .* without a zone offset \(set the schedule's time zone instead\)/,
    ],
    [
      "an offset as time zone",
      { timeZone: "+09:00" },
      /test\/Schedule: timeZone: time zone '\+09:00' is not valid: give a zone name such as 'Asia\/Tokyo', not an offset/,
    ],
    [
      "an abbreviation as time zone",
      { timeZone: "JST" },
      /timeZone: time zone 'JST' is not valid: it is an abbreviation/,
    ],
    [
      "a flexible window of 0 minutes",
      { flexibleTimeWindowMinutes: 0 },
      /test\/Schedule: flexibleTimeWindowMinutes: 0 is not valid: it must be a whole number from 1 to 1440/,
    ],
    [
      "a flexible window of 1441 minutes",
      { flexibleTimeWindowMinutes: 1441 },
      /flexibleTimeWindowMinutes: 1441 is not valid/,
    ],
    [
      "186 retry attempts",
      { retryPolicy: { maximumRetryAttempts: 186 } },
      /test\/Schedule: retryPolicy.maximumRetryAttempts: 186 is not valid: .* 0 to 185/,
    ],
    [
      "an event age of 59 s",
      { retryPolicy: { maximumEventAgeSeconds: 59 } },
      /test\/Schedule: retryPolicy.maximumEventAgeSeconds: 59 is not valid: .* 60 to 86400/,
    ],
    [
      "an event age of 86401 s",
      { retryPolicy: { maximumEventAgeSeconds: 86401 } },
      /retryPolicy.maximumEventAgeSeconds: 86401 is not valid/,
    ],
    [
      "no subnets",
      { target: ecsTaskWith({ subnetIds: [] }) },
      /test\/Schedule: target.ecsTask.placement.subnetIds: it is empty/,
    ],
    [
      "a task count of 0",
      { target: ecsTaskWith({}, { taskCount: 0 }) },
      /test\/Schedule: target.ecsTask.launch.taskCount: 0 is not valid: it must be a whole number from 1 to 10/,
    ],
    [
      "a task count of 11",
      { target: ecsTaskWith({}, { taskCount: 11 }) },
      /target.ecsTask.launch.taskCount: 11 is not valid/,
    ],
    [
      "a platform version that is not one",
      { target: ecsTaskWith({ platformVersion: "latest" }) },
      /test\/Schedule: target.ecsTask.placement.platformVersion: 'latest' is not a Fargate platform version/,
    ],
    [
      "a start date without a zone",
      { startDate: "2026-12-01T00:00:00" },
      /test\/Schedule: startDate: '2026-12-01T00:00:00' is not an RFC 3339 date and time: .*a zone, 'Z' or '\+hh:mm'/,
    ],
    [
      "a start date with fractions of a second",
      { startDate: "2026-12-01T00:00:00.5Z" },
      /startDate: '2026-12-01T00:00:00.5Z' is not an RFC 3339 date and time: .*whole seconds/,
    ],
    [
      "a date only",
      { endDate: "2026-12-01" },
      /test\/Schedule: endDate: '2026-12-01' is not an RFC 3339 date and time/,
    ],
    [
      "a start date that does not exist",
      { startDate: "2027-02-29T00:00:00Z" },
      /test\/Schedule: startDate: '2027-02-29T00:00:00Z' is not valid: there is no such date, time or zone offset/,
    ],
    [
      "an end time that does not exist",
      { endDate: "2027-01-01T24:00:00Z" },
      /endDate: '2027-01-01T24:00:00Z' is not valid: there is no such date/,
    ],
    [
      "a zone offset that does not exist",
      { startDate: "2026-12-01T00:00:00+24:00" },
      /startDate: '2026-12-01T00:00:00\+24:00' is not valid: there is no such date, time or zone offset/,
    ],
    [
      "an end date at the start date",
      { startDate: "2026-12-01T09:00:00+09:00", endDate: "2026-12-01T00:00:00Z" },
      /test\/Schedule: endDate: '2026-12-01T00:00:00Z' is not after startDate '2026-12-01T09:00:00\+09:00'/,
    ],
    [
      "a start date for a one-time schedule",
      { scheduleExpression: "at(2026-12-24T03:00:00)", startDate: "2026-12-01T00:00:00Z" },
      /test\/Schedule: startDate: a one-time schedule at\(2026-12-24T03:00:00\) fires once at its own time: startDate and endDate only bound recurring/,
    ],
    [
      "an end date for a one-time schedule",
      { scheduleExpression: "at(2026-12-24T03:00:00)", endDate: "2027-01-01T00:00:00Z" },
      /test\/Schedule: endDate: a one-time schedule .* only bound recurring rate\(...\) and cron\(...\) schedules/,
    ],
    [
      "a dead-letter queue that is not an SQS ARN",
      { deadLetterQueueArn: "example-batch-dlq" },
      /test\/Schedule: deadLetterQueueArn: 'example-batch-dlq' is not an SQS queue ARN/,
    ],
    [
      "a FIFO dead-letter queue",
      { deadLetterQueueArn: `${DLQ}.fifo` },
      /deadLetterQueueArn: '.*dlq.fifo' is a FIFO queue: EventBridge and Scheduler dead-letter queues must be standard queues/,
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(
      () => new SchedulerSchedule(emptyStack(), "Schedule", { ...ECS_SCHEDULE, ...overrides }),
    ).toThrow(message);
  });

  describe("refuses by its type what it no longer checks at synth time", () => {
    it("a target that is both an ECS task and a state machine", () => {
      const both: SchedulerScheduleProps = {
        ...ECS_SCHEDULE,
        // @ts-expect-error: a target is an ECS task or a state machine
        target: { ecsTask: RUN, stateMachineArn: STATE_MACHINE },
      };
      // The construct does not check it again: the ECS task is what it would start.
      expect(targetOf(both).arn).toBe(CLUSTER);
    });

    it("no target", () => {
      // @ts-expect-error: target is required
      const none: SchedulerScheduleProps = {
        name: "example-batch",
        scheduleExpression: "rate(1 day)",
        roleArn: ROLE,
      };
      expect(() => new SchedulerSchedule(emptyStack(), "Schedule", none)).toThrow();
    });

    it("input for an ECS task", () => {
      const withInput: SchedulerScheduleProps = {
        ...ECS_SCHEDULE,
        // @ts-expect-error: input is passed to a state machine only
        target: { ecsTask: RUN, input: "{}" },
      };
      expect(targetOf(withInput)).not.toHaveProperty("input");
    });
  });

  it.each<[string, Partial<SchedulerScheduleProps>, RegExp]>([
    [
      "an activity ARN",
      stateMachineWith({
        stateMachineArn: "arn:aws:states:ap-northeast-1:123456789012:activity:work",
      }),
      /test\/Schedule: target.stateMachineArn: 'arn:aws:states:.*:activity:work' is not a state machine ARN/,
    ],
    [
      "input that is not JSON",
      stateMachineWith({ input: "mode=full" }),
      /test\/Schedule: target.input: it is not valid JSON/,
    ],
  ])("rejects %s as a state machine target", (_, overrides, message) => {
    expect(
      () =>
        new SchedulerSchedule(emptyStack(), "Schedule", {
          ...STATE_MACHINE_SCHEDULE,
          ...overrides,
        }),
    ).toThrow(message);
  });
});
