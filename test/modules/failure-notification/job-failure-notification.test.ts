import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  FailureDestination,
  FailureTopic,
  JobFailureNotification,
  JobFailureNotificationOptions,
  JobFailureNotificationProps,
  jobStoppedPattern,
  NoticeJob,
  SlackChannel,
} from "../../../modules/failure-notification";
import { emptyStack, resourcesOf, synthesize, TerraformJson } from "../../synth";
import { CLUSTER, NOTICE_JOB as FILTER_JOB, ref, resourceAt, taskStopped } from "./fixtures";

const SLACK: SlackChannel = { workspaceId: "T0123456789", channelId: "C0123456789" };
const TEXT_TOPIC = ref("aws_sns_topic", "failures", "arn");
const CHAT_TOPIC = ref("aws_sns_topic", "failures/ChatTopic", "arn");
/** The topic's notice filter: the state machine "Filter" of "failures/NoticeFilter", whose logical
 * id cdktf shortens, as it drops a construct id that its parent's id ends with. */
const FILTER_ARN = ref("aws_sfn_state_machine", "failures/NoticeFilter", "arn");
const EVENTS_ROLE_ARN = ref("aws_iam_role", "failures/NoticeFilter/EventsRole", "arn");
const PREFIX = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:";

type JobProps = Omit<JobFailureNotificationProps, "topic">;

const JOB: JobProps = {
  jobName: "example-batch",
  environment: "dev",
  clusterArn: CLUSTER,
  family: "example-batch",
  containerName: "example-batch",
  logGroupName: "/ecs-scheduled-tasks/example",
};

/** What the filter gets of JOB, by default. */
const NOTICE_JOB: NoticeJob = {
  ...FILTER_JOB,
  rerun: `aws ecs run-task --cluster ${CLUSTER} --task-definition example-batch (with the job's network configuration)`,
};

function topicIn(scope: Construct, slack?: SlackChannel): FailureTopic {
  return new FailureTopic(scope, "failures", {
    name: "dev-batch-failures",
    emailAddresses: ["ops@example.com"],
    slack,
  });
}

function notificationJson(props: Partial<JobProps> = {}, slack?: SlackChannel): TerraformJson {
  return synthesize(
    (scope) =>
      new JobFailureNotification(scope, "notify", {
        ...JOB,
        ...props,
        topic: topicIn(scope, slack),
      }),
  ).json;
}

function newNotification(props: Partial<JobProps>): JobFailureNotification {
  const stack = emptyStack();
  return new JobFailureNotification(stack, "notify", { ...JOB, ...props, topic: topicIn(stack) });
}

/** The job's rule target's input template, with an event filled in as EventBridge does. */
function filterInput(target: Record<string, unknown>, event: unknown): { job: NoticeJob } {
  const template = (target.input_transformer as Record<string, string>).input_template;
  return JSON.parse(template.replace("<aws.events.event.json>", JSON.stringify(event)));
}

const onlyTarget = (json: TerraformJson) =>
  resourceAt(json, "aws_cloudwatch_event_target", "notify/FilterTarget");

describe("JobFailureNotification", () => {
  describe("of a job with a FailureTopic with e-mail and Slack", () => {
    const json = notificationJson({}, SLACK);

    it("makes a rule on every stopped task of any revision of the job's family in its cluster", () => {
      const rule = resourceAt(json, "aws_cloudwatch_event_rule", "notify/Rule");
      expect(rule.name).toBe("example-batch-failed");
      expect(rule.description).toBe(
        "Stopped tasks of batch job example-batch, for the failure notice filter",
      );
      expect(JSON.parse(rule.event_pattern as string)).toEqual(
        jobStoppedPattern({ clusterArn: CLUSTER, taskDefinitionArnPrefix: PREFIX }),
      );
      expect(json.locals).toBeUndefined();
    });

    it("sends them to the topic's notice filter, with the role the filter gives EventBridge", () => {
      expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_target"))).toHaveLength(1);
      const target = onlyTarget(json);
      expect(target).toEqual({
        rule: expect.stringMatching(ref("aws_cloudwatch_event_rule", "notify/Rule", "name")),
        target_id: "notice-filter",
        arn: expect.stringMatching(FILTER_ARN),
        role_arn: expect.stringMatching(EVENTS_ROLE_ARN),
        input_transformer: { input_template: expect.any(String) },
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
      });
    });

    it("describes the job to the filter, with the whole event, and the defaults", () => {
      const event = taskStopped([{ name: "example-batch", exitCode: 1 }]);
      expect(filterInput(onlyTarget(json), event)).toEqual({ job: NOTICE_JOB, event });
    });

    it("makes the filter in the topic, which publishes to every topic in its format", () => {
      const sender = resourceAt(json, "aws_sfn_state_machine", "failures/NoticeFilter/Sender");
      const states = JSON.parse(sender.definition as string).States;
      expect(Object.keys(states)).toEqual(["Notify people", "Notify chat"]);
      expect(states["Notify people"].Arguments.TopicArn).toMatch(TEXT_TOPIC);
      expect(states["Notify chat"].Arguments.TopicArn).toMatch(CHAT_TOPIC);
    });

    it("makes only its rule and the rule's target: no state machine, role or alarm of its own", () => {
      const own = Object.entries(json.resource ?? {}).flatMap(([type, resources]) =>
        Object.keys(resources)
          .filter((id) => id.startsWith("notify_"))
          .map((id) => `${type}.${id.replace(/_[0-9A-F]{8}$/, "")}`),
      );
      expect(own.sort()).toEqual([
        "aws_cloudwatch_event_rule.notify_Rule",
        "aws_cloudwatch_event_target.notify_FilterTarget",
      ]);
    });
  });

  it("has the same one target when the topic has no Slack: the filter then sends text only", () => {
    const json = notificationJson();
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_target"))).toEqual([
      expect.stringMatching(/^notify_FilterTarget_/),
    ]);
    const sender = resourceAt(json, "aws_sfn_state_machine", "failures/NoticeFilter/Sender");
    expect(Object.keys(JSON.parse(sender.definition as string).States)).toEqual(["Notify people"]);
  });

  it("exposes its rule, target and filter, and no alarms without a schedule", () => {
    let topic: FailureTopic | undefined;
    let notification: JobFailureNotification | undefined;
    const { json } = synthesize((scope) => {
      topic = topicIn(scope);
      notification = new JobFailureNotification(scope, "notify", { ...JOB, topic });
      new TerraformOutput(scope, "ruleName", { value: notification.ruleName });
    });
    expect(json.output?.ruleName.value).toMatch(
      ref("aws_cloudwatch_event_rule", "notify/Rule", "name"),
    );
    expect(notification!.rule.node.path).toBe("test/notify/Rule");
    expect(notification!.target.node.path).toBe("test/notify/FilterTarget");
    expect(notification!.noticeFilter).toBe(topic!.noticeFilter());
    expect(notification!.invocationAlarm).toBeUndefined();
    expect(notification!.deadLetterAlarm).toBeUndefined();
  });

  it("passes what it is given of the job to the filter", () => {
    const json = notificationJson({
      environment: undefined,
      containerName: "main",
      logStreamPrefix: "ecs/batch",
      logRouterDestination: "cloudwatch_logs",
      safeToRerun: true,
      rerunCommand: "ecs-batch run example-batch --env dev",
    });
    const { job } = filterInput(onlyTarget(json), {});
    expect(job).toEqual({
      name: "example-batch",
      clusterArn: CLUSTER,
      family: "example-batch",
      container: "main",
      logGroupName: "/ecs-scheduled-tasks/example",
      logStreamPrefix: "ecs/batch",
      logRouterDestination: "cloudwatch_logs",
      safeToRerun: true,
      rerun: "ecs-batch run example-batch --env dev",
    });
  });

  it("passes a log group name known only at apply time as it is: the filter encodes it", () => {
    const { json } = synthesize((scope) => {
      const logs = new CloudwatchLogGroup(scope, "logs", { name: "/jobs/example" });
      new JobFailureNotification(scope, "notify", {
        ...JOB,
        logGroupName: logs.name,
        topic: topicIn(scope),
      });
    });
    expect(json.locals).toBeUndefined();
    expect(filterInput(onlyTarget(json), {}).job.logGroupName).toBe(
      "${aws_cloudwatch_log_group.logs.name}",
    );
  });

  it("matches the family's revisions with a Terraform local when the cluster is known only at apply time", () => {
    const { json } = synthesize((scope) => {
      const cluster = new TerraformVariable(scope, "cluster_arn", { type: "string" }).stringValue;
      new JobFailureNotification(scope, "notify", {
        ...JOB,
        clusterArn: cluster,
        topic: topicIn(scope),
      });
    });
    const locals = Object.entries(json.locals ?? {});
    expect(locals).toEqual([
      [
        expect.stringMatching(/TaskDefinitionArnPrefix/),
        '${replace(var.cluster_arn, "/:cluster/.*$/", ":task-definition/")}example-batch:',
      ],
    ]);
    const rule = resourceAt(json, "aws_cloudwatch_event_rule", "notify/Rule");
    expect(JSON.parse(rule.event_pattern as string)).toEqual(
      jobStoppedPattern({
        clusterArn: "${var.cluster_arn}",
        taskDefinitionArnPrefix: `\${local.${locals[0][0]}}`,
      }),
    );
  });

  describe("of several jobs with one FailureTopic", () => {
    let topic: FailureTopic | undefined;
    let notifications: JobFailureNotification[] = [];
    const { json } = synthesize((scope) => {
      topic = topicIn(scope, SLACK);
      notifications = ["example-batch", "sales-report"].map(
        (job) =>
          new JobFailureNotification(scope, job, {
            ...JOB,
            jobName: job,
            family: job,
            containerName: job,
            topic: topic!,
          }),
      );
    });

    it("makes the topic's notice filter once, for them all", () => {
      expect(
        Object.values(resourcesOf(json, "aws_sfn_state_machine")).map((machine) => machine.name),
      ).toEqual(["dev-batch-failures-notices-filter", "dev-batch-failures-notices"]);
      expect(notifications.map((n) => n.noticeFilter)).toEqual([
        topic!.noticeFilter(),
        topic!.noticeFilter(),
      ]);
    });

    it("sends each job's stopped tasks to it, each described as its own job", () => {
      for (const job of ["example-batch", "sales-report"]) {
        const target = resourceAt(json, "aws_cloudwatch_event_target", `${job}/FilterTarget`);
        expect(target.arn).toMatch(FILTER_ARN);
        expect(target.role_arn).toMatch(EVENTS_ROLE_ARN);
        expect(filterInput(target, {}).job).toMatchObject({ name: job, family: job });
        const rule = resourceAt(json, "aws_cloudwatch_event_rule", `${job}/Rule`);
        expect(rule.name).toBe(`${job}-failed`);
        expect(rule.event_pattern).toContain(`:task-definition/${job}:`);
      }
    });
  });

  describe("given a destination made elsewhere, known by its ARNs", () => {
    const FILTER = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:dev-notices-filter";
    const ROLE = "arn:aws:iam::123456789012:role/dev-notices-events";
    const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures";
    const destination: FailureDestination = {
      deliveries: [{ topicArn: TOPIC, format: "text" }],
      noticeFilter: () => ({ stateMachineArn: FILTER, eventsRoleArn: ROLE }),
    };
    const { json } = synthesize(
      (scope) =>
        new JobFailureNotification(scope, "notify", {
          ...JOB,
          scheduleRuleName: "example-batch",
          topic: destination,
        }),
    );

    it("sends the stopped tasks to its notice filter, with its role", () => {
      const target = onlyTarget(json);
      expect(target.arn).toBe(FILTER);
      expect(target.role_arn).toBe(ROLE);
      expect(resourcesOf(json, "aws_sfn_state_machine")).toEqual({});
      expect(resourcesOf(json, "aws_iam_role")).toEqual({});
    });

    it("alarms to its topics", () => {
      const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", "notify/InvocationAlarm");
      expect(alarm.alarm_actions).toEqual([TOPIC]);
    });

    it("is refused without a notice filter, naming the field topic", () => {
      expect(
        () =>
          new JobFailureNotification(emptyStack(), "notify", {
            ...JOB,
            topic: { deliveries: destination.deliveries },
          }),
      ).toThrow(
        /^test\/notify: topic: it has no notice filter \(noticeFilter\(\)\): give a FailureTopic, or a destination with the filter of the failure-notification module$/,
      );
    });
  });

  it("takes a FailureTopic, which always has a notice filter, in a job's options", () => {
    const destination: FailureDestination = { deliveries: [] };
    // @ts-expect-error a batch job's or a workflow's failures go to a FailureTopic
    const options: JobFailureNotificationOptions = { topic: destination };
    expect(options.topic.noticeFilter).toBeUndefined();
  });

  describe("with the schedule's rule and dead-letter queue", () => {
    const json = notificationJson(
      { scheduleRuleName: "example-batch", deadLetterQueueName: "example-batch-dlq" },
      SLACK,
    );
    const actions = [expect.stringMatching(TEXT_TOPIC), expect.stringMatching(CHAT_TOPIC)];

    it("exposes both alarms", () => {
      const notification = newNotification({
        scheduleRuleName: "example-batch",
        deadLetterQueueName: "example-batch-dlq",
      });
      expect(notification.invocationAlarm?.node.path).toBe("test/notify/InvocationAlarm");
      expect(notification.deadLetterAlarm?.node.path).toBe("test/notify/DeadLetterAlarm");
    });

    it("alarms on every schedule invocation that failed, to every topic", () => {
      const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", "notify/InvocationAlarm");
      expect(alarm).toMatchObject({
        alarm_name: "example-batch-start-failed",
        namespace: "AWS/Events",
        metric_name: "FailedInvocations",
        dimensions: { RuleName: "example-batch" },
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: actions,
      });
      expect(alarm.alarm_description).toContain(
        "EventBridge could not start batch job example-batch (environment dev) from its schedule",
      );
      expect(alarm.alarm_description).toContain("CloudTrail");
    });

    it("alarms when runs wait in the dead-letter queue, to every topic", () => {
      const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", "notify/DeadLetterAlarm");
      expect(alarm).toMatchObject({
        alarm_name: "example-batch-runs-not-started",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "example-batch-dlq" },
        statistic: "Maximum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: actions,
      });
      expect(alarm.alarm_description).toContain("ERROR_CODE and ERROR_MESSAGE");
    });
  });

  it("passes tags to the rule and the alarms", () => {
    const json = notificationJson({
      scheduleRuleName: "example-batch",
      deadLetterQueueName: "example-batch-dlq",
      tags: { Team: "batch" },
    });
    for (const [type, path] of [
      ["aws_cloudwatch_event_rule", "notify/Rule"],
      ["aws_cloudwatch_metric_alarm", "notify/InvocationAlarm"],
      ["aws_cloudwatch_metric_alarm", "notify/DeadLetterAlarm"],
    ]) {
      expect(resourceAt(json, type, path).tags).toEqual({ Team: "batch" });
    }
  });

  describe("validation", () => {
    it.each<[string, Partial<JobProps>]>([
      ["a 57-character job name", { jobName: "a".repeat(57) }],
      ["no environment", { environment: undefined }],
      ["an environment with spaces and parentheses", { environment: "Production (JP)" }],
      [
        "an environment of 256 characters, not all ASCII",
        { environment: `本番${"e".repeat(254)}` },
      ],
      ["a stream prefix with a slash", { logStreamPrefix: "ecs/batch" }],
      ["a log router's destination", { logRouterDestination: "cloudwatch_logs" }],
      [
        "a re-run command with single quotes",
        { rerunCommand: "ecs-batch run 'report' --env prod" },
      ],
      ["a schedule rule and a queue", { scheduleRuleName: "a.b-c_d", deadLetterQueueName: "q-1" }],
    ])("accepts %s", (_, props) => {
      expect(() => newNotification(props)).not.toThrow();
    });

    it.each<[string, Partial<JobProps>, RegExp]>([
      [
        "a job name with a dot",
        { jobName: "example.batch" },
        /test\/notify: jobName: job name 'example.batch' may contain only letters, digits, '-' and '_'/,
      ],
      [
        "a job name too long for its rule",
        { jobName: "a".repeat(58) },
        /jobName: rule name 'a+-failed' has 65 characters: at most 64 are allowed/,
      ],
      [
        "a cluster name instead of its ARN",
        { clusterArn: "batch" },
        /test\/notify: clusterArn: 'batch' is not an ECS cluster ARN/,
      ],
      [
        "a family with a colon",
        { family: "example-batch:3" },
        /family: task definition family 'example-batch:3' may contain only/,
      ],
      [
        "a container name with a space",
        { containerName: "my job" },
        /containerName: container name 'my job' may contain only/,
      ],
      [
        "a log group name with a space",
        { logGroupName: "/jobs/my job" },
        /logGroupName: log group name '\/jobs\/my job' may contain only/,
      ],
      [
        "a stream prefix with a colon",
        { logStreamPrefix: "batch:1" },
        /logStreamPrefix: log stream prefix 'batch:1' may contain only letters, digits/,
      ],
      [
        "a schedule rule ARN instead of its name",
        { scheduleRuleName: "arn:aws:events:ap-northeast-1:123456789012:rule/example-batch" },
        /scheduleRuleName: rule name 'arn:aws:events:.*' may contain only/,
      ],
      [
        "a FIFO dead-letter queue",
        { deadLetterQueueName: "example-batch.fifo" },
        /deadLetterQueueName: queue name 'example-batch.fifo' is not valid: it must have 1-80 characters/,
      ],
    ])("rejects %s", (_, props, error) => {
      expect(() => newNotification(props)).toThrow(error);
    });

    describe.each(["environment", "logRouterDestination", "rerunCommand"] as const)(
      "%s, written into the rule target's input template",
      (field) => {
        it.each([
          ["a placeholder's brackets", "<prod>"],
          ["a '>'", "a > b"],
          ["a double quote", 'say "hi"'],
          ["a backslash", "C:\\batch"],
          ["a line break", "one\ntwo"],
          ["a tab", "one\ttwo"],
          ["nothing", ""],
          ["257 characters", "e".repeat(257)],
        ])("rejects %s", (_, text) => {
          expect(() => newNotification({ [field]: text })).toThrow(
            new Error(
              `test/notify: ${field}: '${text}' must have 1-256 characters and no '<', '>', '"', '\\' or control characters: it is written into the rule target's input template`,
            ),
          );
        });
      },
    );

    // cdktf writes the text into the JSON as it is, where Terraform would read '${ENV}' as its
    // own interpolation (terraform validate: "Invalid reference").
    it.each(["ENV=prod; ecs-batch run example-batch --env ${ENV}", "run %{ if x }"])(
      "refuses a '${' or '%%{' in a re-run command: %s",
      (rerunCommand) => {
        expect(() => notificationJson({ rerunCommand })).toThrow(
          `test/notify: rerunCommand: '${rerunCommand}' must not contain '\${' or '%{': Terraform would read it as its own expression`,
        );
      },
    );

    it("skips values known only at apply time", () => {
      const stack = emptyStack();
      const text = (id: string) => new TerraformVariable(stack, id, { type: "string" }).stringValue;
      expect(
        () =>
          new JobFailureNotification(stack, "notify", {
            jobName: text("job"),
            environment: text("environment"),
            clusterArn: text("cluster"),
            family: text("family"),
            containerName: text("container"),
            logGroupName: text("logs"),
            logStreamPrefix: text("prefix"),
            logRouterDestination: text("destination"),
            rerunCommand: text("rerun"),
            topic: topicIn(stack),
            scheduleRuleName: text("rule"),
            deadLetterQueueName: text("queue"),
          }),
      ).not.toThrow();
    });
  });
});
