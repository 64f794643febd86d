import { Construct } from "constructs";
import { PolicyStatement } from "../../../modules/iam-role";
import { BatchJob } from "../../../modules/batch-job";
import {
  addJobSchedule,
  JobSchedule,
  JobScheduleProps,
  ScheduleOptions,
  SchedulerScheduleOptions,
} from "../../../modules/job-schedule";
import {
  emptyStack,
  onlyResource,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const TASK_DEFINITION = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly:3";
const STATE_MACHINE = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:nightly";
const QUEUE = "arn:aws:sqs:ap-northeast-1:123456789012:shared-dlq";

const ACCOUNT = "${data.aws_caller_identity.ProviderAccount.account_id}";
const PARTITION = "${data.aws_partition.ProviderPartition.partition}";
const REGION = "${data.aws_region.ScheduledJobProviderRegion.region}";

const START_PERMISSIONS: readonly PolicyStatement[] = [
  {
    sid: "RunNightly",
    actions: ["ecs:RunTask"],
    resources: ["arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly:*"],
    conditions: { ArnEquals: { "ecs:cluster": CLUSTER } },
  },
  {
    sid: "PassNightlysRole",
    actions: ["iam:PassRole"],
    resources: ["arn:aws:iam::123456789012:role/nightly-execution"],
    conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
  },
];

/** The start permissions as the rendered policy JSON shows them. */
const RENDERED_START_PERMISSIONS = [
  {
    Sid: "RunNightly",
    Effect: "Allow",
    Action: ["ecs:RunTask"],
    Resource: ["arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly:*"],
    Condition: { ArnEquals: { "ecs:cluster": CLUSTER } },
  },
  {
    Sid: "PassNightlysRole",
    Effect: "Allow",
    Action: ["iam:PassRole"],
    Resource: ["arn:aws:iam::123456789012:role/nightly-execution"],
    Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
  },
];

const EXPRESSION = "cron(0 18 * * ? *)";

const ECS_SCHEDULE: JobScheduleProps = {
  name: "nightly",
  description: "nightly load",
  schedule: EXPRESSION,
  target: {
    ecsTask: {
      taskDefinitionArn: TASK_DEFINITION,
      placement: {
        clusterArn: CLUSTER,
        subnetIds: ["subnet-0123456789abcdef0"],
        securityGroupIds: ["sg-0123456789abcdef0"],
      },
    },
  },
  startPermissions: START_PERMISSIONS,
};

/** The nightly expression on a rule, with other options. */
const onRule = (options: Omit<ScheduleOptions, "expression">) => ({
  schedule: { rule: { expression: EXPRESSION, ...options } },
});

/** The nightly expression on Scheduler, with its options. */
const onScheduler = (options: Partial<SchedulerScheduleOptions>) => ({
  schedule: { scheduler: { expression: EXPRESSION, ...options } },
});

const TOKYO_SCHEDULER = {
  timeZone: "Asia/Tokyo",
  flexibleTimeWindowMinutes: 15,
  startDate: "2026-12-01T00:00:00+09:00",
  endDate: "2027-03-31T23:59:59+09:00",
  groupName: "batch",
};

interface Scheduled {
  readonly json: TerraformJson;
  readonly schedule: JobSchedule;
}

/** Adds a schedule to a bare construct "nightly" in a stack, and synthesizes the stack. */
function scheduled(props: Partial<JobScheduleProps> = {}): Scheduled {
  let schedule!: JobSchedule;
  const { json } = synthesize((scope) => {
    schedule = addJobSchedule(new Construct(scope, "nightly"), { ...ECS_SCHEDULE, ...props });
  });
  return { json, schedule };
}

function addToEmptyStack(props: Partial<JobScheduleProps>): JobSchedule {
  return addJobSchedule(new Construct(emptyStack(), "nightly"), { ...ECS_SCHEDULE, ...props });
}

const QUEUE_ARN = ref("aws_sqs_queue", "nightly/DeadLetterQueue", "arn");

const resourceTypes = (json: TerraformJson) => Object.keys(json.resource ?? {}).sort();

describe("addJobSchedule", () => {
  describe("on an EventBridge rule (an expression alone)", () => {
    const { json, schedule } = scheduled();

    it("makes a rule, its target, an events role and a dead-letter queue", () => {
      expect(resourceTypes(json)).toEqual([
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
      ]);
      expect(schedule.kind).toBe("rule");
      expect(schedule.rule).toBeDefined();
      expect(schedule.ruleTarget).toBeDefined();
      expect(schedule.schedulerSchedule).toBeUndefined();
      expect(schedule.deadLetterQueue).toBeDefined();
    });

    it("names the rule and fires it on the expression, in UTC", () => {
      expect(onlyResource(json, "aws_cloudwatch_event_rule")).toMatchObject({
        name: "nightly",
        description: "nightly load",
        schedule_expression: "cron(0 18 * * ? *)",
        state: "ENABLED",
      });
    });

    it("targets the task with the role, default retries and the dead-letter queue", () => {
      const target = resourceAt(json, "aws_cloudwatch_event_target", "nightly/Target");
      expect(target).toMatchObject({
        target_id: "nightly",
        arn: CLUSTER,
        ecs_target: {
          task_definition_arn: TASK_DEFINITION,
          network_configuration: {
            subnets: ["subnet-0123456789abcdef0"],
            security_groups: ["sg-0123456789abcdef0"],
          },
        },
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 3600 },
      });
      expect(target.rule).toMatch(ref("aws_cloudwatch_event_rule", "nightly/Rule", "name"));
      expect(target.role_arn).toMatch(ref("aws_iam_role", "nightly/EventsRole", "arn"));
      expect(target.dead_letter_config).toEqual({ arn: expect.stringMatching(QUEUE_ARN) });
    });

    it("lets only EventBridge assume the role", () => {
      const role = resourceAt(json, "aws_iam_role", "nightly/EventsRole");
      expect(role.name).toBe("nightly-events");
      expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
    });

    it("gives the role exactly the start permissions", () => {
      const policy = resourceAt(json, "aws_iam_policy", "nightly/EventsRole/Policy").policy;
      expect(statementsOf(policy)).toEqual(RENDERED_START_PERMISSIONS);
    });

    it("names the queue <name>-dlq and lets this rule send to it", () => {
      expect(onlyResource(json, "aws_sqs_queue").name).toBe("nightly-dlq");
      const statements = JSON.parse(onlyResource(json, "aws_sqs_queue_policy").policy as string)
        .Statement as { Sid: string; Condition: Record<string, Record<string, string>> }[];
      expect(statements.map((s) => s.Sid)).toEqual([
        "DenyInsecureTransport",
        "AllowEventBridgeRule1",
      ]);
      expect(statements[1].Condition.ArnEquals["aws:SourceArn"]).toMatch(
        ref("aws_cloudwatch_event_rule", "nightly/Rule", "arn"),
      );
    });
  });

  it("reads an expression alone as a rule with the defaults", () => {
    const alone = scheduled().json;
    const explicit = scheduled({ schedule: { rule: { expression: EXPRESSION } } }).json;
    expect(explicit).toEqual(alone);
  });

  it("passes enabled and the retry policy to the rule and its target", () => {
    const { json } = scheduled(
      onRule({
        enabled: false,
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 600 },
      }),
    );
    expect(onlyResource(json, "aws_cloudwatch_event_rule").state).toBe("DISABLED");
    expect(onlyResource(json, "aws_cloudwatch_event_target").retry_policy).toEqual({
      maximum_retry_attempts: 3,
      maximum_event_age_in_seconds: 600,
    });
  });

  it("uses a given role and makes none", () => {
    const roleArn = "arn:aws:iam::123456789012:role/shared-events";
    const { json, schedule } = scheduled({ roleArn });
    expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    expect(schedule.role).toBeUndefined();
    expect(schedule.roleArn).toBe(roleArn);
    expect(onlyResource(json, "aws_cloudwatch_event_target").role_arn).toBe(roleArn);
  });

  it("makes no queue with deadLetterQueue false", () => {
    const { json, schedule } = scheduled(onRule({ deadLetterQueue: false }));
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(schedule.deadLetterQueueArn).toBeUndefined();
    expect(onlyResource(json, "aws_cloudwatch_event_target")).not.toHaveProperty(
      "dead_letter_config",
    );
  });

  it("sends to a given queue and makes none", () => {
    const { json, schedule } = scheduled(onRule({ deadLetterQueue: { queueArn: QUEUE } }));
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(resourcesOf(json, "aws_sqs_queue_policy")).toEqual({});
    expect(schedule.deadLetterQueueArn).toBe(QUEUE);
    expect(onlyResource(json, "aws_cloudwatch_event_target").dead_letter_config).toEqual({
      arn: QUEUE,
    });
  });

  describe("a state machine target on a rule", () => {
    const startExecution: PolicyStatement = {
      sid: "StartNightly",
      actions: ["states:StartExecution"],
      resources: [STATE_MACHINE],
    };
    const { json } = scheduled({
      target: { stateMachineArn: STATE_MACHINE },
      startPermissions: [startExecution],
    });

    it("starts the state machine with input {} and the default retries", () => {
      const target = onlyResource(json, "aws_cloudwatch_event_target");
      expect(target).toMatchObject({
        target_id: "nightly",
        arn: STATE_MACHINE,
        input: "{}",
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: expect.stringMatching(QUEUE_ARN) },
      });
      expect(target).not.toHaveProperty("ecs_target");
      expect(target.role_arn).toMatch(ref("aws_iam_role", "nightly/EventsRole", "arn"));
    });

    it("passes a given input and retry policy", () => {
      const target = onlyResource(
        scheduled({
          target: { stateMachineArn: STATE_MACHINE, input: '{"skipJobs":["extract"]}' },
          startPermissions: [startExecution],
          ...onRule({ retryPolicy: { maximumRetryAttempts: 5, maximumEventAgeSeconds: 900 } }),
        }).json,
        "aws_cloudwatch_event_target",
      );
      expect(target.input).toBe('{"skipJobs":["extract"]}');
      expect(target.retry_policy).toEqual({
        maximum_retry_attempts: 5,
        maximum_event_age_in_seconds: 900,
      });
    });

    it("gives the role exactly the given statements", () => {
      expect(statementsOf(onlyResource(json, "aws_iam_policy").policy)).toEqual([
        {
          Sid: "StartNightly",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [STATE_MACHINE],
        },
      ]);
    });
  });

  describe("on EventBridge Scheduler", () => {
    const { json, schedule } = scheduled(
      onScheduler({
        ...TOKYO_SCHEDULER,
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeSeconds: 7200 },
      }),
    );
    const resource = onlyResource(json, "aws_scheduler_schedule");
    const target = resource.target as Record<string, unknown>;

    it("makes a schedule, a scheduler role and a queue, but no rule", () => {
      expect(resourceTypes(json)).toEqual([
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_scheduler_schedule",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
      ]);
      expect(schedule.kind).toBe("scheduler");
      expect(schedule.rule).toBeUndefined();
      expect(schedule.ruleTarget).toBeUndefined();
      expect(schedule.schedulerSchedule).toBeDefined();
    });

    it("reads the expression in the time zone, within a flexible window and dates", () => {
      expect(resource).toMatchObject({
        name: "nightly",
        group_name: "batch",
        description: "nightly load",
        schedule_expression: "cron(0 18 * * ? *)",
        schedule_expression_timezone: "Asia/Tokyo",
        flexible_time_window: { mode: "FLEXIBLE", maximum_window_in_minutes: 15 },
        start_date: "2026-11-30T15:00:00Z",
        end_date: "2027-03-31T14:59:59Z",
        state: "ENABLED",
      });
    });

    it("runs the task on Fargate in the cluster", () => {
      expect(target.arn).toBe(CLUSTER);
      expect(target.ecs_parameters).toEqual({
        launch_type: "FARGATE",
        platform_version: "LATEST",
        task_count: 1,
        task_definition_arn: TASK_DEFINITION,
        propagate_tags: "TASK_DEFINITION",
        enable_ecs_managed_tags: true,
        network_configuration: {
          subnets: ["subnet-0123456789abcdef0"],
          security_groups: ["sg-0123456789abcdef0"],
          assign_public_ip: false,
        },
      });
    });

    it("retries as told and keeps runs it could not start in the queue", () => {
      expect(target.retry_policy).toEqual({
        maximum_retry_attempts: 10,
        maximum_event_age_in_seconds: 7200,
      });
      expect(target.dead_letter_config).toEqual({ arn: expect.stringMatching(QUEUE_ARN) });
      expect(target.role_arn).toMatch(ref("aws_iam_role", "nightly/SchedulerRole", "arn"));
    });

    describe("the scheduler role", () => {
      const role = resourceAt(json, "aws_iam_role", "nightly/SchedulerRole");
      const statements = statementsOf(
        resourceAt(json, "aws_iam_policy", "nightly/SchedulerRole/Policy").policy,
      );

      it("may be assumed only by this account's schedules of its group, as AWS documents", () => {
        expect(role.name).toBe("nightly-scheduler");
        expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
          {
            Effect: "Allow",
            Principal: { Service: "scheduler.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: {
              StringEquals: { "aws:SourceAccount": ACCOUNT },
              ArnEquals: {
                "aws:SourceArn": `arn:${PARTITION}:scheduler:${REGION}:${ACCOUNT}:schedule-group/batch`,
              },
            },
          },
        ]);
        expect(json.data?.aws_caller_identity).toHaveProperty("ProviderAccount");
      });

      it("has the start permissions and may send to the dead-letter queue", () => {
        expect(statements.slice(0, 2)).toEqual(RENDERED_START_PERMISSIONS);
        expect(statements[2]).toEqual({
          Sid: "SendUnstartedRunsToDeadLetterQueue",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [expect.stringMatching(QUEUE_ARN)],
        });
        expect(statements).toHaveLength(3);
      });

      it("has no wildcard resource", () => {
        for (const statement of statements) {
          expect(statement.Resource).not.toContain("*");
        }
      });
    });

    it("lets no rule send to the queue: Scheduler sends with its role", () => {
      const statements = JSON.parse(onlyResource(json, "aws_sqs_queue_policy").policy as string)
        .Statement as { Sid: string }[];
      expect(statements.map((s) => s.Sid)).toEqual(["DenyInsecureTransport"]);
    });
  });

  it("names the default schedule group in the role's trust when none is given", () => {
    const { json } = scheduled(onScheduler({ timeZone: "Asia/Tokyo" }));
    const trust = JSON.parse(onlyResource(json, "aws_iam_role").assume_role_policy as string);
    expect(trust.Statement[0].Condition.ArnEquals["aws:SourceArn"]).toBe(
      `arn:${PARTITION}:scheduler:${REGION}:${ACCOUNT}:schedule-group/default`,
    );
    expect(onlyResource(json, "aws_scheduler_schedule").flexible_time_window).toEqual({
      mode: "OFF",
    });
  });

  it("lets the scheduler role send only to a given queue", () => {
    const { json } = scheduled(
      onScheduler({ timeZone: "Asia/Tokyo", deadLetterQueue: { queueArn: QUEUE } }),
    );
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    const statements = statementsOf(onlyResource(json, "aws_iam_policy").policy);
    expect(statements.find((s) => s.Action.includes("sqs:SendMessage"))?.Resource).toEqual([QUEUE]);
  });

  it("gives the scheduler role no queue permission without a queue", () => {
    const { json } = scheduled(onScheduler({ timeZone: "Asia/Tokyo", deadLetterQueue: false }));
    expect(statementsOf(onlyResource(json, "aws_iam_policy").policy)).toEqual(
      RENDERED_START_PERMISSIONS,
    );
    expect(
      (onlyResource(json, "aws_scheduler_schedule").target as Record<string, unknown>)
        .dead_letter_config,
    ).toBeUndefined();
  });

  it("starts a state machine from Scheduler with input {}", () => {
    const { json } = scheduled({
      ...onScheduler({ timeZone: "Asia/Tokyo" }),
      target: { stateMachineArn: STATE_MACHINE },
    });
    expect(onlyResource(json, "aws_scheduler_schedule").target).toMatchObject({
      arn: STATE_MACHINE,
      input: "{}",
    });
  });

  describe("a one-time at(...) schedule", () => {
    const at = "at(2026-12-24T03:00:00)";

    it("is accepted on Scheduler", () => {
      const { json } = scheduled({
        schedule: { scheduler: { expression: at, timeZone: "Asia/Tokyo" } },
      });
      expect(onlyResource(json, "aws_scheduler_schedule")).toMatchObject({
        schedule_expression: at,
        schedule_expression_timezone: "Asia/Tokyo",
      });
    });

    it.each([
      ["alone", at],
      ["on a rule", { rule: { expression: at } }],
    ])("is refused %s, which cannot run it", (_, schedule) => {
      expect(() => addToEmptyStack({ schedule })).toThrow(
        "test/nightly: schedule.rule.expression: 'at(2026-12-24T03:00:00)' is a one-time schedule, which only EventBridge Scheduler runs: use schedule: { scheduler: { expression, timeZone } }",
      );
    });
  });

  it("makes a queue with deadLetterQueue true, as by default", () => {
    const { json, schedule } = scheduled(onRule({ deadLetterQueue: true }));
    expect(onlyResource(json, "aws_sqs_queue").name).toBe("nightly-dlq");
    expect(schedule.deadLetterQueue).toBeDefined();
    expect(onlyResource(json, "aws_cloudwatch_event_target").dead_letter_config).toEqual({
      arn: expect.stringMatching(QUEUE_ARN),
    });
  });

  describe("refuses by its type what it no longer checks at synth time", () => {
    it("a queue made here and an existing one at once", () => {
      const both: JobScheduleProps = {
        ...ECS_SCHEDULE,
        schedule: {
          rule: {
            expression: EXPRESSION,
            deadLetterQueue: true,
            // @ts-expect-error: deadLetterQueue is true, false or { queueArn }
            deadLetterQueueArn: QUEUE,
          },
        },
      };
      // The existing queue is not read: the one made here is used.
      expect(addToEmptyStack(both).deadLetterQueue).toBeDefined();
    });

    it("a rule and a Scheduler schedule at once", () => {
      const both: JobScheduleProps = {
        ...ECS_SCHEDULE,
        // @ts-expect-error: a schedule is on a rule or on Scheduler
        schedule: { rule: { expression: EXPRESSION }, scheduler: { expression: EXPRESSION } },
      };
      // Not checked again: the Scheduler schedule is what it would make.
      expect(addToEmptyStack(both).kind).toBe("scheduler");
    });
  });
});

describe("a BatchJob's schedule", () => {
  const job = {
    jobName: "nightly",
    placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
    task: { container: { image: "alpine:3.20" } },
  };

  it("is added under the job, so its addresses stay those of the job", () => {
    const { json } = synthesize(
      (scope) =>
        new BatchJob(scope, "job", {
          ...job,
          schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
        }),
    );
    expect(resourceAt(json, "aws_scheduler_schedule", "job/Schedule").name).toBe("nightly");
    expect(resourceAt(json, "aws_iam_role", "job/SchedulerRole").name).toBe("nightly-scheduler");
    expect(resourceAt(json, "aws_sqs_queue", "job/DeadLetterQueue").name).toBe("nightly-dlq");
    const target = resourceAt(json, "aws_scheduler_schedule", "job/Schedule").target as Record<
      string,
      Record<string, unknown>
    >;
    expect(target.ecs_parameters.task_definition_arn).toMatch(
      ref("aws_ecs_task_definition", "job/TaskDefinition", "arn"),
    );
  });

  it("refuses at(...) on a job's rule, naming the job", () => {
    expect(
      () =>
        new BatchJob(emptyStack(), "job", {
          ...job,
          schedule: "at(2026-12-24T03:00:00)",
        }),
    ).toThrow(
      "test/job: schedule.rule.expression: 'at(2026-12-24T03:00:00)' is a one-time schedule",
    );
  });
});
