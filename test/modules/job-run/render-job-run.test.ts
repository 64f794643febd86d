import {
  DefaultTokenResolver,
  StringConcat,
  TerraformStack,
  TerraformVariable,
  Testing,
  Tokenization,
} from "cdktf";
import {
  JobRun,
  LaunchOptions,
  RunPlacement,
  ruleTargetOf,
  runnerSpecOf,
  runTaskSyncArguments,
  schedulerTargetOf,
} from "../../../modules/job-run";
import { BatchJob, JobWorkflow } from "../../../modules";
import { emptyStack } from "../../synth";

/*
 * Every starter of a job renders the job's one JobRun: a rule target, a Scheduler target, a Step
 * Functions runTask.sync task and the runner's spec. For a matrix of options, literal and known
 * only at apply time (Terraform variables), the four renderings, resolved by cdktf as Terraform
 * will read them, must mean the same run.
 */

/** What a run means, whichever starter renders it. */
interface Meaning {
  readonly cluster: unknown;
  readonly taskDefinition: unknown;
  readonly subnets: unknown;
  readonly securityGroups: unknown;
  /** `ENABLED`, `DISABLED`, or the Terraform expression that chooses: `choose(<bool>)`. */
  readonly assignPublicIp: unknown;
  readonly platformVersion: unknown;
  readonly taskCount: unknown;
  readonly propagateTags: unknown;
  readonly ecsManagedTags: unknown;
}

/** A boolean as EventBridge takes it, as the setting RunTask takes. */
function publicIpOfBoolean(value: unknown): unknown {
  if (value === true || value === false) {
    return value ? "ENABLED" : "DISABLED";
  }
  // "${var.public_ip}" -> choose(var.public_ip)
  return `choose(${String(value).replace(/^\$\{(.*)\}$/, "$1")})`;
}

/** The setting RunTask takes, literal or chosen by Terraform. */
function publicIpOfSetting(value: unknown): unknown {
  const chosen = /^\$\{(.*) \? "ENABLED" : "DISABLED"\}$/.exec(String(value));
  return chosen ? `choose(${chosen[1]})` : value;
}

/** Whether tags are propagated: true, false, or `choose(<bool>)` when Terraform chooses (what
 * stands for "none" differs: null on EventBridge and in the runner's spec, NONE for RunTask). */
function propagation(value: unknown): unknown {
  const chosen = /^\$\{(.*) \? "TASK_DEFINITION" : (null|"NONE")\}$/.exec(String(value));
  return chosen ? `choose(${chosen[1]})` : value === "TASK_DEFINITION";
}

/** An absent list of security groups is none: the VPC's default. */
const groups = (value: unknown) => value ?? [];

type Resolved = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A rendering as Terraform reads it: references as `${var.x}` expressions. */
function resolve(stack: TerraformStack, value: unknown): Resolved {
  return Tokenization.resolve(value, {
    scope: stack,
    preparing: false,
    resolver: new DefaultTokenResolver(new StringConcat()),
  }) as Resolved;
}

const meanings: Record<string, (stack: TerraformStack, run: JobRun) => Meaning> = {
  rule: (stack, run) => {
    const { arn, ecsTarget: t } = resolve(stack, ruleTargetOf(run));
    return {
      cluster: arn,
      taskDefinition: t.taskDefinitionArn,
      subnets: t.networkConfiguration.subnets,
      securityGroups: groups(t.networkConfiguration.securityGroups),
      assignPublicIp: publicIpOfBoolean(t.networkConfiguration.assignPublicIp),
      platformVersion: t.platformVersion,
      taskCount: t.taskCount,
      propagateTags: propagation(t.propagateTags),
      ecsManagedTags: t.enableEcsManagedTags,
    };
  },
  scheduler: (stack, run) => {
    const { arn, ecsParameters: p } = resolve(stack, schedulerTargetOf(run));
    return {
      cluster: arn,
      taskDefinition: p.taskDefinitionArn,
      subnets: p.networkConfiguration.subnets,
      securityGroups: groups(p.networkConfiguration.securityGroups),
      assignPublicIp: publicIpOfBoolean(p.networkConfiguration.assignPublicIp),
      platformVersion: p.platformVersion,
      taskCount: p.taskCount,
      propagateTags: propagation(p.propagateTags),
      ecsManagedTags: p.enableEcsManagedTags,
    };
  },
  workflow: (stack, run) => {
    const a = resolve(
      stack,
      runTaskSyncArguments(run, { startedBy: "workflow/w", environment: {} }),
    );
    const network = a.NetworkConfiguration.AwsvpcConfiguration;
    return {
      cluster: a.Cluster,
      taskDefinition: a.TaskDefinition,
      subnets: network.Subnets,
      securityGroups: groups(network.SecurityGroups),
      assignPublicIp: publicIpOfSetting(network.AssignPublicIp),
      platformVersion: a.PlatformVersion,
      // RunTask's Count: absent is one task.
      taskCount: a.Count ?? 1,
      propagateTags: propagation(a.PropagateTags),
      ecsManagedTags: a.EnableECSManagedTags,
    };
  },
  runner: (stack, run) => {
    const s = resolve(
      stack,
      runnerSpecOf(run, { jobName: "report", family: "report", safeToRerun: false }),
    );
    return {
      cluster: s.cluster,
      taskDefinition: s.taskDefinitionArn,
      subnets: s.network.subnets,
      securityGroups: groups(s.network.securityGroups),
      assignPublicIp: publicIpOfSetting(s.network.assignPublicIp),
      platformVersion: s.platformVersion,
      // The runner starts one task.
      taskCount: 1,
      propagateTags: propagation(s.propagateTags),
      ecsManagedTags: s.enableEcsManagedTags,
    };
  },
};

type Variables = {
  bool: TerraformVariable;
  boolNamed: (name: string) => TerraformVariable;
  list: (name: string) => TerraformVariable;
  string: TerraformVariable;
};

/** Each option's values: literal ones and one known only at apply time. */
const publicIps: [string, (v: Variables) => boolean | undefined][] = [
  ["public IP unset", () => undefined],
  ["public IP on", () => true],
  ["public IP off", () => false],
  ["public IP from a variable", (v) => v.bool.booleanValue as unknown as boolean],
];
const subnetLists: [string, (v: Variables) => string[]][] = [
  ["two subnets", () => ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]],
  ["subnets from a variable", (v) => v.list("subnets").listValue],
];
const securityGroupLists: [string, (v: Variables) => string[] | undefined][] = [
  ["no security groups", () => undefined],
  ["one security group", () => ["sg-0123456789abcdef0"]],
  ["security groups from a variable", (v) => v.list("security_groups").listValue],
];
const platformVersions: [string, (v: Variables) => string | undefined][] = [
  ["latest platform", () => undefined],
  ["platform 1.4.0", () => "1.4.0"],
  ["platform from a variable", (v) => v.string.stringValue],
];
/** Launch options, and what every starter must make of their tags. */
const launches: [
  string,
  (v: Variables) => LaunchOptions | undefined,
  Pick<Meaning, "propagateTags" | "ecsManagedTags">,
][] = [
  ["default launch", () => undefined, { propagateTags: true, ecsManagedTags: true }],
  [
    "no tag propagation, no managed tags",
    () => ({ propagateTags: false, enableEcsManagedTags: false }),
    { propagateTags: false, ecsManagedTags: false },
  ],
  [
    "tags from variables",
    (v) => ({
      propagateTags: v.boolNamed("propagate_tags").booleanValue as unknown as boolean,
      enableEcsManagedTags: v.boolNamed("managed_tags").booleanValue as unknown as boolean,
    }),
    // Terraform chooses: a reference is neither dropped nor read as true.
    { propagateTags: "choose(var.propagate_tags)", ecsManagedTags: "${var.managed_tags}" },
  ],
];

const cases = publicIps.flatMap(([ip, publicIp]) =>
  subnetLists.flatMap(([sn, subnets]) =>
    securityGroupLists.flatMap(([sg, securityGroups]) =>
      platformVersions.flatMap(([pv, platformVersion]) =>
        launches.map(([ln, launch, tags]) => ({
          name: [ip, sn, sg, pv, ln].join(", "),
          placement: (v: Variables): RunPlacement => ({
            clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
            subnetIds: subnets(v),
            securityGroupIds: securityGroups(v),
            assignPublicIp: publicIp(v),
            platformVersion: platformVersion(v),
          }),
          launch,
          tags,
        })),
      ),
    ),
  ),
);

function stackWithVariables(): { stack: TerraformStack; variables: Variables } {
  const stack = new TerraformStack(Testing.app(), "test");
  const made = new Map<string, TerraformVariable>();
  const variable = (name: string, type: string) => {
    if (!made.has(name)) {
      made.set(name, new TerraformVariable(stack, name, { type }));
    }
    return made.get(name)!;
  };
  return {
    stack,
    variables: {
      bool: new TerraformVariable(stack, "public_ip", { type: "bool" }),
      string: new TerraformVariable(stack, "platform_version", { type: "string" }),
      list: (name) => variable(name, "list(string)"),
      boolNamed: (name) => variable(name, "bool"),
    },
  };
}

describe("the starters of a job", () => {
  it(`cover ${cases.length} combinations of options`, () => {
    expect(cases.length).toBe(4 * 2 * 3 * 3 * 3);
  });

  it.each(cases)("mean the same run: $name", ({ placement, launch, tags }) => {
    const { stack, variables } = stackWithVariables();
    const run: JobRun = {
      taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/report:3",
      placement: placement(variables),
      launch: launch(variables),
      container: {
        name: "report",
        logs: { logGroupName: "/batch/report", streamPrefix: "batch", region: "ap-northeast-1" },
      },
    };
    const [rule, ...others] = Object.entries(meanings).map(([consumer, meaning]) => ({
      consumer,
      meaning: meaning(stack, run),
    }));
    for (const other of others) {
      expect({ consumer: other.consumer, meaning: other.meaning }).toEqual({
        consumer: other.consumer,
        meaning: rule.meaning,
      });
    }
    // Literal values stay literal, variables stay references: nothing is guessed or dropped.
    expect(rule.meaning.taskCount).toBe(1);
    expect(rule.meaning).toMatchObject(tags);
  });
});

describe("a job that starts several tasks a run", () => {
  const placement = {
    clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
    subnetIds: ["subnet-0123456789abcdef0"],
  };
  const run: JobRun = {
    taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/report:3",
    placement,
    launch: { taskCount: 3 },
    container: { name: "report" },
  };

  it("is started with all of them by a rule and by a schedule", () => {
    const stack = emptyStack();
    expect(meanings.rule(stack, run).taskCount).toBe(3);
    expect(meanings.scheduler(stack, run).taskCount).toBe(3);
  });

  it("is refused by the runner, which follows one task, naming it", () => {
    expect(
      () =>
        new BatchJob(emptyStack(), "report", {
          jobName: "report",
          placement,
          launch: { taskCount: 3 },
          task: { container: { image: "alpine:3.20" } },
        }),
    ).toThrow(
      "test/report: launch.taskCount: the job starts 3 tasks a run, but the runner (ecs-batch run, through the job's SSM parameter) follows one task",
    );
  });

  it("is refused by a workflow, which follows one task, naming it", () => {
    const stack = emptyStack();
    const job = new BatchJob(stack, "report", {
      jobName: "report",
      placement,
      launch: { taskCount: 3 },
      task: { container: { image: "alpine:3.20" } },
      runnerParameterPrefix: false,
    });
    expect(
      () => new JobWorkflow(stack, "nightly", { workflowName: "nightly", jobs: [{ job }] }),
    ).toThrow(
      "test/nightly: jobs: job 'report': run.launch.taskCount is 3, but a workflow follows one task",
    );
  });

  it("is started by a rule when no runner parameter is written", () => {
    const stack = emptyStack();
    const job = new BatchJob(stack, "report", {
      jobName: "report",
      placement,
      launch: { taskCount: 3 },
      task: { container: { image: "alpine:3.20" } },
      schedule: "rate(1 hour)",
      runnerParameterPrefix: false,
    });
    expect(job.runnerParameter).toBeUndefined();
    expect(job.target).toBeDefined();
  });
});
