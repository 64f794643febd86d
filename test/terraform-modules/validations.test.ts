/*
 * Terraform is not installed here, so the validation conditions of the generated modules are run
 * in JavaScript: each regex and list is read from the generated JSON (the text Terraform would
 * run) and tried on examples that the constructs' own validators accept or reject.
 */
import { Construct } from "constructs";
import { runCommandOf } from "../../contract/job-run-spec";
import { BatchJob } from "../../modules/batch-job/batch-job";
import { DEFAULT_RUNNER_PARAMETER_PREFIX } from "../../modules/batch-job/runner-parameter";
import { validateBatchContainer } from "../../modules/batch-task-definition/container-definition";
import { FailureTopic, FailureTopicProps } from "../../modules/failure-notification/failure-topic";
import {
  JobFailureNotification,
  JobFailureNotificationProps,
} from "../../modules/failure-notification/job-failure-notification";
import { JobLogGroup, LOG_RETENTION_DAYS } from "../../modules/job-log-group/job-log-group";
import { PLATFORM_VERSION, validateJobRun } from "../../modules/job-run/job-run-validation";
import { LedgerJob, RunLedger } from "../../modules/run-ledger/run-ledger";
import {
  FARGATE_TASK_SIZE_PAIRS,
  FARGATE_TASK_SIZES,
  validateFargateTaskSize,
} from "../../modules/validation/fargate-task-size";
import { validateLogGroupName } from "../../modules/validation/names";
import { validateScheduleExpression } from "../../modules/validation/schedule-expression";
import { hclString } from "../../scripts/terraform-modules/validations";
import { emptyStack } from "../synth";
import {
  moduleJson,
  numberListIn,
  regexIn,
  regexValidation,
  stringListIn,
} from "./generated-modules";

/** Whether `check` runs without throwing. */
function accepts(check: () => unknown): boolean {
  try {
    check();
    return true;
  } catch {
    return false;
  }
}

/** Whether a construct built in a fresh stack accepts its props. */
const constructAccepts = (build: (scope: Construct) => unknown) =>
  accepts(() => build(emptyStack()));

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
/** The notice filter the failure-notification module makes for the topic batch-failures. */
const FILTER_ARN =
  "arn:aws:states:ap-northeast-1:123456789012:stateMachine:batch-failures-notices-filter";

const job = (jobName: string) => (scope: Construct) =>
  new BatchJob(scope, "job", {
    jobName,
    schedule: "rate(1 day)",
    placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
    task: { container: { image: "alpine:3.20" } },
  });

/** A FailureTopic as the failure-notification module makes it: with its notice filter. */
const topic = (props: Partial<FailureTopicProps>) => (scope: Construct) =>
  new FailureTopic(scope, "failures", { name: "batch-failures", ...props }).noticeFilter();

describe("hclString", () => {
  it("escapes what an HCL string literal treats specially, so a regex reaches RE2 unchanged", () => {
    const pattern = '^a\\.b"${c}%{d}$';
    expect(hclString(pattern)).toBe('"^a\\\\.b\\"$${c}%%{d}$"');
    expect(regexIn(`regex(${hclString(pattern)}, var.x)`).source).toBe(pattern);
  });
});

describe("the scheduled-job module's schedule_expression validation", () => {
  const pattern = regexValidation("scheduled-job", "schedule_expression");

  it.each([
    "rate(1 minute)",
    "rate(1 hour)",
    "rate(1 day)",
    "rate(5 minutes)",
    "rate(12 hours)",
    "rate(7 days)",
    "rate(1440 minutes)",
    "cron(0 10 * * ? *)",
    "cron(*/2 * * * ? *)",
    "cron(0 18 ? * MON-FRI *)",
    "cron(0/5 8-17 ? * MON-FRI *)",
    "cron(0 9 ? * 2#1 *)",
    "cron(15 10 ? * 6L 2002-2005)",
    "cron(0 0 1 1 ? 1970)",
    "cron(0 0 ? JAN 1 *)",
    "cron(0,15,30,45 * * * ? *)",
    "cron(5/15 0-6,18-23 * * ? *)",
    "cron(0 0 1 JAN-MAR,OCT ? *)",
    "cron(0 0 1 1-6/2 ? *)",
    "cron(0 0 1 1 ? 2025/2)",
    "cron(0 0 L * ? *)",
    "cron(0 0 LW * ? *)",
    "cron(0 0 15W * ? *)",
    "cron(0 0 ? * L *)",
    "cron(0 0 ? * 1L *)",
    "cron(0 12 ? JUN-AUG TUE-THU *)",
    "cron(0 12 ? jul wed *)",
  ])("GIVEN %s, which the construct accepts, THEN Terraform accepts it too", (expression) => {
    expect(accepts(() => validateScheduleExpression(expression))).toBe(true);
    expect(expression).toMatch(pattern);
  });

  it.each([
    ["a five-field Unix cron", "cron(*/2 * * * *)"],
    ["a bare cron line", "0 12 * * ? *"],
    ["a plural unit for 1", "rate(1 minutes)"],
    ["a singular unit for 5", "rate(5 minute)"],
    ["a zero rate", "rate(0 minutes)"],
    ["a leading zero", "rate(05 minutes)"],
    ["seconds", "rate(30 seconds)"],
    ["no space", "rate(5minutes)"],
    ["a one-time at(...), which only Scheduler runs", "at(2026-12-24T03:00:00)"],
    ["'?' in both day fields", "cron(0 12 ? * ? *)"],
    ["'?' in neither day field", "cron(0 12 * * * *)"],
    ["seven fields", "cron(0 0 12 * * ? *)"],
    ["'?' in the year", "cron(0 12 * * ? ?)"],
    ["'?' in the minutes", "cron(? 12 * * ? *)"],
    ["'L' in the minutes", "cron(L 12 * * ? *)"],
    ["'#' in the day of month", "cron(0 12 1#2 * ? *)"],
    ["'/' in the day of week", "cron(0 0 ? * */2 *)"],
    ["an empty expression", ""],
  ])("GIVEN %s (%s), which the construct rejects, THEN Terraform rejects it", (_, expression) => {
    expect(accepts(() => validateScheduleExpression(expression))).toBe(false);
    expect(expression).not.toMatch(pattern);
  });

  it.each([
    "cron(60 12 * * ? *)",
    "cron(0 24 * * ? *)",
    "cron(0 12 ? * 0 *)",
    "cron(0 0 1 13 ? *)",
  ])(
    "GIVEN %s, out of range, THEN only the construct rejects it: the module leaves ranges to AWS",
    (expression) => {
      expect(accepts(() => validateScheduleExpression(expression))).toBe(false);
      expect(expression).toMatch(pattern);
    },
  );
});

describe("the scheduled-job module's job_name validation", () => {
  const pattern = regexValidation("scheduled-job", "job_name");

  it.each(["nightly-report", "a", "Report_2", "j".repeat(54)])(
    "GIVEN '%s', which BatchJob accepts, THEN Terraform accepts it",
    (name) => {
      expect(constructAccepts(job(name))).toBe(true);
      expect(name).toMatch(pattern);
    },
  );

  it.each(["j".repeat(55), "jobs/report", "nightly.report", "nightly report", ""])(
    "GIVEN '%s', which BatchJob rejects, THEN Terraform rejects it",
    (name) => {
      expect(constructAccepts(job(name))).toBe(false);
      expect(name).not.toMatch(pattern);
    },
  );
});

describe("the scheduled-job module's task size checks", () => {
  const json = moduleJson("scheduled-job");
  const [taskDefinition] = Object.values(json.resource.aws_ecs_task_definition);
  const pairs = stringListIn(
    (taskDefinition.lifecycle as { precondition: { condition: string }[] }).precondition[0]
      .condition,
  );
  const cpus = numberListIn(json.variable.cpu.validation![0].condition);
  const memories = numberListIn(json.variable.memory.validation![0].condition);

  it("GIVEN every cpu and memory near Fargate's sizes THEN the pair check agrees with the construct", () => {
    const allMemories = FARGATE_TASK_SIZES.flatMap((s) => s.memoryMiB).flatMap((m) => [
      m - 512,
      m,
      m + 512,
    ]);
    const disagreements = [256, 300, 512, 1024, 2048, 4096, 8192, 16384]
      .flatMap((cpu) => allMemories.map((memory) => [cpu, memory]))
      .filter(
        ([cpu, memory]) =>
          pairs.includes(`${cpu}/${memory}`) !==
          accepts(() => validateFargateTaskSize(cpu, memory)),
      );
    expect(disagreements).toEqual([]);
  });

  it("lists exactly the pairs of FARGATE_TASK_SIZE_PAIRS, which the constructs check", () => {
    expect(pairs).toEqual([...FARGATE_TASK_SIZE_PAIRS]);
  });

  it("accepts each cpu and memory that some Fargate size has, and only those", () => {
    expect(cpus).toEqual(FARGATE_TASK_SIZES.map((s) => s.cpu));
    expect(new Set(memories)).toEqual(new Set(FARGATE_TASK_SIZES.flatMap((s) => s.memoryMiB)));
  });
});

describe("the scheduled-job module's other validations", () => {
  const json = moduleJson("scheduled-job");

  it("keeps logs only as long as CloudWatch Logs allows, as JobLogGroup does", () => {
    const days = numberListIn(json.variable.log_retention_days.validation![0].condition);
    expect(days).toEqual([...LOG_RETENTION_DAYS]);
    const logGroup = (retentionDays: number) => (scope: Construct) =>
      new JobLogGroup(scope, "logs", { jobName: "job", retentionDays });
    for (const retention of [1, 180, 3653, 0, 2, 200, 4000]) {
      expect({ retention, module: days.includes(retention) }).toEqual({
        retention,
        module: constructAccepts(logGroup(retention)),
      });
    }
  });

  it.each<[string, string, string[], (value: string) => void]>([
    [
      "image",
      "image",
      [
        "alpine:3.20",
        "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4",
        "",
        "a b",
      ],
      (image) => validateBatchContainer({ name: "job", image }),
    ],
    [
      "environment",
      "environment variable names",
      ["REPORT_DATE", "_x", "a1", "1A", "REPORT-DATE", "A B"],
      (name) =>
        validateBatchContainer({ name: "job", image: "alpine", environment: { [name]: "x" } }),
    ],
    [
      "platform_version",
      "platform version",
      ["LATEST", "1.4.0", "1.3.0", "latest", "1.4", "v1.4.0"],
      (platformVersion) =>
        validateJobRun(emptyStack(), {
          taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/job:1",
          placement: {
            clusterArn: CLUSTER,
            subnetIds: ["subnet-0123456789abcdef0"],
            platformVersion,
          },
        }),
    ],
  ])("matches the construct on the %s (%s)", (variable, _, examples, validate) => {
    const pattern = regexValidation("scheduled-job", variable);
    for (const example of examples) {
      expect({ example, module: pattern.test(example) }).toEqual({
        example,
        module: accepts(() => validate(example)),
      });
    }
  });
});

describe("the scheduled-job module's ledger_log_group_name validation", () => {
  const [validation] = moduleJson("scheduled-job").variable.ledger_log_group_name.validation!;

  it("takes no ledger, or a log group's name as the run-ledger module outputs it", () => {
    expect(validation.condition).toMatch(
      /^\$\{var\.ledger_log_group_name == null \? true : can\(regex\(/,
    );
    const pattern = regexIn(validation.condition);
    const examples = [
      "/aws/events/prod-batch-runs",
      "l".repeat(512),
      "l".repeat(513),
      "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/events/prod-batch-runs",
      "/aws/events/prod batch runs",
      "",
    ];
    for (const name of examples) {
      expect({ name, module: pattern.test(name) }).toEqual({
        name,
        module: accepts(() => validateLogGroupName(name)),
      });
    }
  });
});

describe("the scheduled-job module's platform_version validation", () => {
  it("is the PLATFORM_VERSION pattern that validateJobRun checks", () => {
    expect(regexValidation("scheduled-job", "platform_version").source).toBe(
      PLATFORM_VERSION.source,
    );
  });
});

describe("the failure-notification module's validations", () => {
  it.each<[string, string[], (value: string) => (scope: Construct) => unknown]>([
    [
      "name",
      // 49: the notice filter's roles <name>-notices-filter and <name>-notices-events have 64.
      ["batch-failures", "prod_batch-failures", "n".repeat(49), "n".repeat(50), "a.b", ""],
      (name) => topic({ name }),
    ],
    [
      "email_addresses",
      [
        "ops@example.com",
        "first.last+batch@mail.co.jp",
        "ops@example",
        "ops team@example.com",
        "@example.com",
      ],
      (address) => topic({ emailAddresses: [address] }),
    ],
    [
      "https_endpoints",
      [
        "https://hooks.example.com/batch",
        "https://hooks.example.com:8443/batch?team=ops",
        "https://hooks.example.com",
        "http://hooks.example.com/batch",
        "https://",
        "https://hooks.example.com/a b",
      ],
      (url) => topic({ httpsEndpoints: [url] }),
    ],
  ])("matches FailureTopic and its notice filter on the %s", (variable, examples, build) => {
    const pattern = regexValidation("failure-notification", variable);
    for (const example of examples) {
      expect({ example, module: pattern.test(example) }).toEqual({
        example,
        module: constructAccepts(build(example)),
      });
    }
  });
});

describe("the job-failure-alerts module's validations", () => {
  const notification = (props: Partial<JobFailureNotificationProps>) => (scope: Construct) =>
    new JobFailureNotification(scope, "notify", {
      jobName: "nightly-report",
      clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
      family: "nightly-report",
      containerName: "nightly-report",
      logGroupName: "/ecs-scheduled-tasks/nightly-report",
      // As the module passes it: the topic, and the filter of the failure-notification module.
      topic: {
        deliveries: [{ topicArn: "arn:aws:sns:ap-northeast-1:123456789012:t", format: "text" }],
        noticeFilter: () => ({
          stateMachineArn: FILTER_ARN,
          eventsRoleArn: "arn:aws:iam::123456789012:role/batch-failures-notices-events",
        }),
      },
      ...props,
    });

  it.each<[string, string[], (value: string) => (scope: Construct) => unknown]>([
    [
      "job_name",
      ["nightly-report", "a".repeat(57), "a".repeat(58), "nightly.report", ""],
      (jobName) => notification({ jobName }),
    ],
    [
      "cluster_arn",
      ["arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch", "batch", "arn:aws:ecs:::cluster/x"],
      (clusterArn) => notification({ clusterArn }),
    ],
    [
      "log_group_name",
      ["/ecs-scheduled-tasks/nightly-report", "a#b.c_d-e", "/jobs/my job", "l".repeat(513)],
      (logGroupName) => notification({ logGroupName }),
    ],
    [
      "rule_name",
      ["nightly-report", "a.b-c_d", "arn:aws:events:ap-northeast-1:123456789012:rule/x"],
      (scheduleRuleName) => notification({ scheduleRuleName }),
    ],
    [
      "dead_letter_queue_name",
      ["nightly-report-dlq", "q".repeat(80), "q".repeat(81), "nightly-report.fifo"],
      (deadLetterQueueName) => notification({ deadLetterQueueName }),
    ],
  ])("matches JobFailureNotification on the %s", (variable, examples, build) => {
    const pattern = regexValidation("job-failure-alerts", variable);
    for (const example of examples) {
      expect({ example, module: pattern.test(example) }).toEqual({
        example,
        module: constructAccepts(build(example)),
      });
    }
  });

  it("takes only prefixes whose re-run command JobFailureNotification writes into its template", () => {
    const prefix = regexValidation("job-failure-alerts", "runner_parameter_prefix");
    const examples = ["/ecs-batch", "/ecs-batch/prod/", "/teams/data.v2", '/x"y', "/x<y>", "/x\\y"];
    const construct = (example: string) =>
      constructAccepts(notification({ rerunCommand: runCommandOf("nightly-report", example) }));
    // The module is the stricter: what the construct refuses (it breaks the template), it refuses.
    expect(examples.filter((example) => !construct(example))).toEqual(['/x"y', "/x<y>", "/x\\y"]);
    expect(examples.filter((example) => prefix.test(example))).toEqual([
      "/ecs-batch",
      "/ecs-batch/prod/",
      "/teams/data.v2",
    ]);
  });

  it("refuses a log group under aws/, as the construct does", () => {
    const conditions = moduleJson("job-failure-alerts").variable.log_group_name.validation!;
    expect(conditions.map((c) => c.condition)).toContain(
      '${substr(var.log_group_name, 0, 4) != "aws/"}',
    );
    expect(constructAccepts(notification({ logGroupName: "aws/jobs" }))).toBe(false);
  });
});

describe("the job-failure-alerts module's new variables", () => {
  /** The longest name the failure-notification module takes, and what it makes of it. */
  const longestTopic = "n".repeat(49);

  describe("notice_filter_arn", () => {
    const pattern = regexValidation("job-failure-alerts", "notice_filter_arn");

    it.each([
      FILTER_ARN,
      `arn:aws:states:ap-northeast-1:123456789012:stateMachine:${longestTopic}-notices-filter`,
      "arn:aws-cn:states:cn-north-1:123456789012:stateMachine:batch-failures-notices-filter",
      "arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:f",
      `arn:aws:states:ap-northeast-1:123456789012:stateMachine:${"f".repeat(80)}`,
    ])("GIVEN the state machine ARN %s THEN Terraform accepts it", (arn) => {
      expect(arn).toMatch(pattern);
    });

    it.each([
      ["the state machine's name", "batch-failures-notices-filter"],
      ["an execution's ARN", `${FILTER_ARN.replace(":stateMachine:", ":execution:")}:0123`],
      ["a version's ARN", `${FILTER_ARN}:1`],
      ["an activity's ARN", FILTER_ARN.replace(":stateMachine:", ":activity:")],
      [
        "a name of 81 characters",
        `arn:aws:states:ap-northeast-1:123456789012:stateMachine:${"f".repeat(81)}`,
      ],
      ["a name with a dot", "arn:aws:states:ap-northeast-1:123456789012:stateMachine:a.b"],
      ["an account of 11 digits", "arn:aws:states:ap-northeast-1:12345678901:stateMachine:f"],
      ["the events role's ARN", "arn:aws:iam::123456789012:role/batch-failures-notices-events"],
      ["nothing", ""],
    ])("GIVEN %s (%s) THEN Terraform rejects it", (_, arn) => {
      expect(arn).not.toMatch(pattern);
    });
  });

  describe("notice_filter_role_arn", () => {
    const pattern = regexValidation("job-failure-alerts", "notice_filter_role_arn");

    it.each([
      "arn:aws:iam::123456789012:role/batch-failures-notices-events",
      `arn:aws:iam::123456789012:role/${longestTopic}-notices-events`,
      "arn:aws:iam::123456789012:role/service-role/batch-failures-notices-events",
      "arn:aws-cn:iam::123456789012:role/x+=,.@_-",
    ])("GIVEN the role ARN %s THEN Terraform accepts it", (arn) => {
      expect(arn).toMatch(pattern);
    });

    it.each([
      ["the role's name", "batch-failures-notices-events"],
      ["a user's ARN", "arn:aws:iam::123456789012:user/batch"],
      ["a policy's ARN", "arn:aws:iam::123456789012:policy/batch"],
      ["a region in the ARN", "arn:aws:iam:ap-northeast-1:123456789012:role/batch"],
      ["no role name", "arn:aws:iam::123456789012:role/"],
      ["a space in the name", "arn:aws:iam::123456789012:role/batch failures"],
      ["the notice filter's ARN", FILTER_ARN],
    ])("GIVEN %s (%s) THEN Terraform rejects it", (_, arn) => {
      expect(arn).not.toMatch(pattern);
    });
  });

  describe("runner_parameter_prefix", () => {
    const pattern = regexValidation("job-failure-alerts", "runner_parameter_prefix");

    it("is the scheduled-job module's, whose parameter the re-run command reads", () => {
      expect(pattern.source).toBe(
        regexValidation("scheduled-job", "runner_parameter_prefix").source,
      );
      const variables = [moduleJson("job-failure-alerts"), moduleJson("scheduled-job")].map(
        (json) => json.variable.runner_parameter_prefix.default,
      );
      expect(variables).toEqual([DEFAULT_RUNNER_PARAMETER_PREFIX, DEFAULT_RUNNER_PARAMETER_PREFIX]);
      expect(DEFAULT_RUNNER_PARAMETER_PREFIX).toMatch(pattern);
    });

    it.each(["/ecs-batch", "/ecs-batch/prod", "/ecs-batch/prod/", "/teams/data.v2/jobs_1"])(
      "GIVEN the SSM path %s THEN Terraform accepts it",
      (prefix) => {
        expect(prefix).toMatch(pattern);
      },
    );

    it.each([
      ["no leading /", "ecs-batch/prod"],
      ["only /", "/"],
      ["an empty segment", "/ecs-batch//prod"],
      ["two trailing /", "/ecs-batch/prod//"],
      ["a space", "/ecs batch"],
      ["a parameter's ARN", "arn:aws:ssm:ap-northeast-1:123456789012:parameter/ecs-batch"],
      ["nothing", ""],
    ])("GIVEN %s (%s) THEN Terraform rejects it", (_, prefix) => {
      expect(prefix).not.toMatch(pattern);
    });
  });

  it("takes safe_to_rerun as a bool, false unless the job says otherwise, with nothing to validate", () => {
    expect(moduleJson("job-failure-alerts").variable.safe_to_rerun).toMatchObject({
      type: "bool",
      default: false,
    });
    expect(moduleJson("job-failure-alerts").variable.safe_to_rerun).not.toHaveProperty(
      "validation",
    );
  });
});

describe("the run-ledger module's validations", () => {
  const json = moduleJson("run-ledger");
  const ledger =
    (props: { environment?: string; jobs?: LedgerJob[]; retentionDays?: number }) =>
    (scope: Construct) =>
      new RunLedger(scope, "ledger", {
        environment: "prod",
        clusterArns: [CLUSTER],
        jobs: [{ name: "nightly-report" }],
        ...props,
      });
  /** The conditions of a variable, in order. */
  const conditions = (variable: string) =>
    json.variable[variable].validation!.map((v) => v.condition);

  it("takes the environments RunLedger takes", () => {
    const pattern = regexValidation("run-ledger", "environment");
    const examples = [
      "prod",
      "dev-2",
      "e",
      "e".repeat(32),
      "e".repeat(33),
      "Prod",
      "2dev",
      "dev_1",
      "",
    ];
    expect(examples.filter((environment) => pattern.test(environment))).toEqual(
      examples.filter((environment) => constructAccepts(ledger({ environment }))),
    );
    expect(examples.filter((environment) => pattern.test(environment))).toEqual([
      "prod",
      "dev-2",
      "e",
      "e".repeat(32),
    ]);
  });

  it("takes ECS cluster ARNs, at least one, as the job-failure-alerts module does", () => {
    const [empty, each] = conditions("cluster_arns");
    expect(empty).toBe("${length(var.cluster_arns) > 0}");
    const emptyLedger = (scope: Construct) =>
      new RunLedger(scope, "ledger", { environment: "prod", clusterArns: [], jobs: [] });
    expect(constructAccepts(emptyLedger)).toBe(false);
    expect(each).toMatch(/^\$\{alltrue\(\[for value in var\.cluster_arns : can\(regex\(/);
    const pattern = regexIn(each);
    expect(pattern.source).toBe(regexValidation("job-failure-alerts", "cluster_arn").source);
    expect(
      [
        CLUSTER,
        "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/batch_2",
        "batch",
        "arn:aws:ecs:ap-northeast-1:123456789012:service/batch/web",
        "arn:aws:ecs:::cluster/x",
      ].filter((arn) => pattern.test(arn)),
    ).toEqual([CLUSTER, "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/batch_2"]);
  });

  describe("jobs", () => {
    const [keys, containers, logGroups, reserved] = conditions("jobs");

    it("keys the jobs by the task definition families RunLedger takes", () => {
      expect(keys).toMatch(/^\$\{alltrue\(\[for family in keys\(var\.jobs\) : can\(regex\(/);
      const pattern = regexIn(keys);
      for (const family of [
        "nightly-report",
        "Report_2",
        "f".repeat(255),
        "f".repeat(256),
        "a.b",
        "a b",
        "",
      ]) {
        expect({ family, module: pattern.test(family) }).toEqual({
          family,
          module: constructAccepts(ledger({ jobs: [{ name: family }] })),
        });
      }
    });

    it("takes the container names RunLedger takes, and no container (the key)", () => {
      expect(containers).toMatch(
        /^\$\{alltrue\(\[for job in values\(var\.jobs\) : job\.container == null \? true : can\(regex\(/,
      );
      const pattern = regexIn(containers);
      for (const container of ["main", "report_2", "c".repeat(255), "c".repeat(256), "a:b", ""]) {
        expect({ container, module: pattern.test(container) }).toEqual({
          container,
          module: constructAccepts(ledger({ jobs: [{ name: "nightly-report", container }] })),
        });
      }
    });

    it("takes log group names, not their ARNs, and none under aws/, as CloudWatch Logs does", () => {
      expect(logGroups).toMatch(/: job\.log_group_name == null \? true : can\(regex\(/);
      expect(reserved).toBe(
        '${alltrue([for job in values(var.jobs) : job.log_group_name == null ? true : substr(job.log_group_name, 0, 4) != "aws/"])}',
      );
      const pattern = regexIn(logGroups);
      const examples = [
        "/ecs-scheduled-tasks/nightly-report",
        "a#b.c_d-e",
        "l".repeat(512),
        "l".repeat(513),
        "/jobs/my job",
        "arn:aws:logs:ap-northeast-1:123456789012:log-group:/ecs-scheduled-tasks/nightly-report",
        "aws/jobs",
      ];
      for (const name of examples) {
        const module = pattern.test(name) && name.slice(0, 4) !== "aws/";
        expect({ name, module }).toEqual({
          name,
          module: accepts(() => validateLogGroupName(name)),
        });
      }
    });
  });

  it("keeps the records as long as CloudWatch Logs allows, as RunLedger does", () => {
    const days = numberListIn(conditions("retention_days")[0]);
    expect(days).toEqual([...LOG_RETENTION_DAYS]);
    for (const retentionDays of [1, 365, 3653, 0, 2, 366, 4000]) {
      expect({ retentionDays, module: days.includes(retentionDays) }).toEqual({
        retentionDays,
        module: constructAccepts(ledger({ retentionDays })),
      });
    }
  });

  it("takes SNS topic ARNs for the alarm, as the job-failure-alerts module does", () => {
    const pattern = regexValidation("run-ledger", "alarm_topic_arns");
    expect(pattern.source).toBe(regexValidation("job-failure-alerts", "topic_arn").source);
    expect(
      [
        "arn:aws:sns:ap-northeast-1:123456789012:prod-batch-failures",
        "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
        "prod-batch-failures",
        "arn:aws:sns:ap-northeast-1:123456789012:prod-batch-failures:0d1c",
        "arn:aws:sqs:ap-northeast-1:123456789012:prod-batch-failures",
      ].filter((arn) => pattern.test(arn)),
    ).toEqual([
      "arn:aws:sns:ap-northeast-1:123456789012:prod-batch-failures",
      "arn:aws-us-gov:sns:us-gov-west-1:123456789012:t",
    ]);
  });
});
