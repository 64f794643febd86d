// Our own security policies, over every resource of every environment and of the module
// catalogue: what checkov (npm run scan) cannot see, because it does not read container
// definitions given as a JSON string, state machine definitions, or IAM documents that hold
// Terraform references. Each rule returns its violations; each has a test proving it can fail.
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { Construct } from "constructs";
import * as catalogue from "../../examples/module-catalogue";
import { EnvironmentConfig, environments } from "../../environments";
import { BatchJob, BatchJobFromContainersProps, IamRole, JobWorkflow } from "../../modules";
import { Block, synthEnvironment } from "../environments/synth-environment";
import { synthesize } from "../synth";

/** The resources of a synthesized stack, by type and logical id. */
interface Stack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Block>>>>;
}

/** What a configuration asks for on purpose, which the rules then allow. */
interface OptOuts {
  /** `<family>/<container>` of containers that set `readonlyRootFilesystem: false`. */
  readonly writableRootFileSystem: readonly string[];
  /** Task definition families of jobs that set `assignPublicIp: true`. */
  readonly publicIp: readonly string[];
}

const NO_OPT_OUTS: OptOuts = { writableRootFileSystem: [], publicIp: [] };

/** An environment's opt-outs: BatchJob names a job's task definition family after the job. */
function optOutsOf(config: EnvironmentConfig): OptOuts {
  return {
    writableRootFileSystem: config.jobs.flatMap((job) => {
      const task = job.task;
      const container = task?.container;
      return [
        ...(container ? [{ ...container, name: container.name ?? job.jobName }] : []),
        ...(task?.sidecars ?? []),
      ]
        .filter((c) => c.readonlyRootFilesystem === false)
        .map((c) => `${job.jobName}/${c.name}`);
    }),
    publicIp: config.jobs
      .filter((job) => job.placement?.assignPublicIp === true)
      .map((job) => job.jobName),
  };
}

/** A name that says its value is a secret, which belongs in `secrets`, not `environment`. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A nested block: cdktf writes an object, Terraform JSON also allows a one-element list. */
const nested = (value: unknown): Block | undefined =>
  (Array.isArray(value) ? value[0] : value) as Block | undefined;

/** Every resource of a type as [`type.id`, block]. */
function resourcesOfType(stack: Stack, type: string): [string, Block][] {
  return Object.entries(stack.resource?.[type] ?? {}).map(([id, block]) => [
    `${type}.${id}`,
    block,
  ]);
}

/** Every object inside a parsed JSON value, itself included. */
function objectsIn(value: unknown): Block[] {
  if (Array.isArray(value)) {
    return value.flatMap(objectsIn);
  }
  if (value !== null && typeof value === "object") {
    return [value as Block, ...Object.values(value).flatMap(objectsIn)];
  }
  return [];
}

function parseJson(where: string, text: unknown): unknown {
  try {
    return JSON.parse(text as string);
  } catch {
    // Never skip what cannot be read: a rule that sees nothing would pass anything.
    throw new Error(`${where}: not JSON the policy tests can read: ${String(text).slice(0, 80)}`);
  }
}

/** The task definition family behind a reference, an ARN or a family name. */
function familyOf(stack: Stack, taskDefinition: unknown): string {
  const text = String(taskDefinition);
  const reference = /^\$\{aws_ecs_task_definition\.([^.]+)\.[a-z_]+\}$/.exec(text);
  if (reference) {
    return String(stack.resource?.aws_ecs_task_definition?.[reference[1]]?.family ?? text);
  }
  return /task-definition\/([^:]+)/.exec(text)?.[1] ?? text;
}

interface Container {
  readonly where: string;
  readonly family: string;
  readonly name: string;
  readonly definition: Block;
}

function containersOf(stack: Stack): Container[] {
  return resourcesOfType(stack, "aws_ecs_task_definition").flatMap(([where, block]) =>
    (parseJson(where, block.container_definitions) as Block[]).map((definition) => ({
      where,
      family: String(block.family),
      name: String(definition.name),
      definition,
    })),
  );
}

/**
 * A definition's lists known only at apply time (subnets looked up at plan time) are written as
 * `${jsonencode(...)}` in place of a JSON value; read each as the string of its expression.
 */
function withEncodedValuesAsStrings(definition: unknown): unknown {
  return String(definition).replace(/(?<=[:[,])\$\{jsonencode\([^{}]*\)\}(?=[,\]}])/g, (value) =>
    JSON.stringify(value),
  );
}

/** The parsed definition of every state machine. */
function stateMachinesOf(stack: Stack): [string, unknown][] {
  return resourcesOfType(stack, "aws_sfn_state_machine").map(([where, block]) => [
    where,
    parseJson(where, withEncodedValuesAsStrings(block.definition)),
  ]);
}

function privilegedContainers(stack: Stack): string[] {
  return containersOf(stack)
    .filter((c) => c.definition.privileged === true)
    .map((c) => `${c.where}: container '${c.name}' is privileged`);
}

function writableRootFileSystems(stack: Stack, optOuts: OptOuts): string[] {
  return containersOf(stack)
    .filter((c) => c.definition.readonlyRootFilesystem !== true)
    .filter((c) => !optOuts.writableRootFileSystem.includes(`${c.family}/${c.name}`))
    .map((c) => `${c.where}: container '${c.name}' has a writable root file system`);
}

function secretsInEnvironment(stack: Stack): string[] {
  const inTasks = containersOf(stack).flatMap((c) =>
    asList(c.definition.environment)
      .map((variable) => String((variable as Block).name))
      .filter((name) => SECRET_NAME.test(name))
      .map((name) => `${c.where}: container '${c.name}' has ${name} in its environment`),
  );
  // Container overrides of the RunTask states of workflows: { Name, Value } pairs.
  const inWorkflows = stateMachinesOf(stack).flatMap(([where, definition]) =>
    objectsIn(definition)
      .flatMap((object) => asList(object.Environment))
      .map((variable) => String((variable as Block).Name))
      .filter((name) => SECRET_NAME.test(name))
      .map((name) => `${where}: a task override has ${name} in its environment`),
  );
  return [...inTasks, ...inWorkflows];
}

/** Every place a task is started from, with its task definition family and public IP setting. */
interface TaskLaunch {
  readonly where: string;
  readonly family: string;
  readonly publicIp: boolean;
}

function taskLaunchesOf(stack: Stack): TaskLaunch[] {
  const rules = resourcesOfType(stack, "aws_cloudwatch_event_target")
    .map(([where, block]) => [where, nested(block.ecs_target)] as const)
    .filter(([, ecs]) => ecs !== undefined)
    .map(([where, ecs]) => ({
      where,
      family: familyOf(stack, ecs!.task_definition_arn),
      publicIp: nested(ecs!.network_configuration)?.assign_public_ip === true,
    }));
  const schedules = resourcesOfType(stack, "aws_scheduler_schedule")
    .map(([where, block]) => [where, nested(nested(block.target)?.ecs_parameters)] as const)
    .filter(([, ecs]) => ecs !== undefined)
    .map(([where, ecs]) => ({
      where,
      family: familyOf(stack, ecs!.task_definition_arn),
      publicIp: nested(ecs!.network_configuration)?.assign_public_ip === true,
    }));
  // RunTask arguments of workflow states; a task without the field gets no public IP.
  const workflows = stateMachinesOf(stack).flatMap(([where, definition]) =>
    objectsIn(definition)
      .filter((object) => nested(object.NetworkConfiguration)?.AwsvpcConfiguration !== undefined)
      .map((args) => ({
        where,
        family: familyOf(stack, args.TaskDefinition),
        publicIp:
          ((nested(args.NetworkConfiguration)!.AwsvpcConfiguration as Block).AssignPublicIp ??
            "DISABLED") !== "DISABLED",
      })),
  );
  // The runner's parameter: `ecs-batch run` starts the task the way it says.
  const runner = resourcesOfType(stack, "aws_ssm_parameter")
    .map(([where, block]) => [where, String(block.value)] as const)
    .filter(([, value]) => value.includes('"assignPublicIp"'))
    .map(([where, value]) => ({
      where,
      family: /"taskDefinitionFamily":"([^"]*)"/.exec(value)?.[1] ?? "",
      publicIp: !value.includes('"assignPublicIp":"DISABLED"'),
    }));
  return [...rules, ...schedules, ...workflows, ...runner];
}

function publicIps(stack: Stack, optOuts: OptOuts): string[] {
  return taskLaunchesOf(stack)
    .filter((launch) => launch.publicIp && !optOuts.publicIp.includes(launch.family))
    .map((launch) => `${launch.where}: tasks of ${launch.family} get a public IP`);
}

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Principal?: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/**
 * identity: who has the policy may do what it says, on the resources it names; trust: who may
 * assume a role; resource: who may use the resource the policy is on (`*` there means itself).
 */
type PolicyKind = "identity" | "trust" | "resource";

interface PolicyDocumentOf {
  readonly where: string;
  readonly kind: PolicyKind;
  readonly statements: readonly Statement[];
}

const POLICY_ATTRIBUTES: readonly [string, string, PolicyKind][] = [
  ["aws_iam_policy", "policy", "identity"],
  ["aws_iam_role_policy", "policy", "identity"],
  ["aws_iam_user_policy", "policy", "identity"],
  ["aws_iam_group_policy", "policy", "identity"],
  ["aws_iam_role", "assume_role_policy", "trust"],
  ["aws_kms_key", "policy", "resource"],
  ["aws_sns_topic", "policy", "resource"],
  ["aws_sns_topic_policy", "policy", "resource"],
  ["aws_sqs_queue", "policy", "resource"],
  ["aws_sqs_queue_policy", "policy", "resource"],
  ["aws_cloudwatch_log_resource_policy", "policy_document", "resource"],
  ["aws_ecr_repository_policy", "policy", "resource"],
  ["aws_s3_bucket_policy", "policy", "resource"],
];

function policyDocumentsOf(stack: Stack): PolicyDocumentOf[] {
  const documents = POLICY_ATTRIBUTES.flatMap(([type, attribute, kind]) =>
    resourcesOfType(stack, type)
      .filter(([, block]) => block[attribute] !== undefined)
      .map(([where, block]) => ({ where, kind, text: block[attribute] })),
  );
  // Inline policies of roles.
  for (const [where, role] of resourcesOfType(stack, "aws_iam_role")) {
    asList(role.inline_policy).forEach((inline, i) =>
      documents.push({
        where: `${where}.inline_policy[${i}]`,
        kind: "identity",
        text: (inline as Block).policy,
      }),
    );
  }
  return documents.map(({ where, kind, text }) => ({
    where,
    kind,
    statements: asList((parseJson(where, text) as Block).Statement) as Statement[],
  }));
}

/** A policy action pattern (`*` and `?` wildcards, case-insensitive) as a regular expression. */
function actionPattern(action: string): RegExp {
  const escaped = action.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${escaped.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

/** Actions never granted on every resource: starting any task, passing any role, everything. */
const NEVER_ON_EVERY_RESOURCE = ["ecs:RunTask", "iam:PassRole"];

function grantsTooMuch(action: string): boolean {
  return (
    action === "*" ||
    /^[^:]+:\*$/.test(action) ||
    NEVER_ON_EVERY_RESOURCE.some((sensitive) => actionPattern(action).test(sensitive))
  );
}

const allowed = (document: PolicyDocumentOf) =>
  document.statements
    .map((statement, index) => ({ statement, at: `statement ${statement.Sid ?? index}` }))
    .filter(({ statement }) => statement.Effect === "Allow");

function unscopedGrants(stack: Stack): string[] {
  return policyDocumentsOf(stack)
    .filter((document) => document.kind !== "resource")
    .flatMap((document) =>
      allowed(document).flatMap(({ statement, at }) => {
        if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
          return [`${document.where} ${at}: allows with NotAction or NotResource`];
        }
        const actions = asList(statement.Action) as string[];
        const tooMuch = actions.filter(grantsTooMuch);
        return asList(statement.Resource).includes("*") && tooMuch.length > 0
          ? [`${document.where} ${at}: allows ${tooMuch.join(", ")} on every resource`]
          : [];
      }),
    );
}

function passRolesWithoutService(stack: Stack): string[] {
  const passRole = (action: string) => actionPattern(action).test("iam:PassRole");
  const namesService = (statement: Statement) =>
    Object.values(statement.Condition ?? {}).some((keys) =>
      Object.keys(keys).some((key) => key.toLowerCase() === "iam:passedtoservice"),
    );
  return policyDocumentsOf(stack).flatMap((document) =>
    allowed(document)
      .filter(({ statement }) => (asList(statement.Action) as string[]).some(passRole))
      .filter(({ statement }) => !namesService(statement))
      .map(({ at }) => `${document.where} ${at}: allows iam:PassRole without iam:PassedToService`),
  );
}

function openToEveryone(stack: Stack): string[] {
  const everyone = (principal: unknown) =>
    principal === "*" || asList((principal as Block | undefined)?.AWS).includes("*");
  return policyDocumentsOf(stack)
    .filter((document) => document.kind !== "identity")
    .flatMap((document) =>
      allowed(document)
        .filter(({ statement }) => everyone(statement.Principal))
        .map(({ at }) => `${document.where} ${at}: allows everyone`),
    );
}

/** Every rule, for a stack and what its configuration opted out of. */
function violations(stack: Stack, optOuts: OptOuts): string[] {
  return [
    ...privilegedContainers(stack),
    ...writableRootFileSystems(stack, optOuts),
    ...secretsInEnvironment(stack),
    ...publicIps(stack, optOuts),
    ...unscopedGrants(stack),
    ...passRolesWithoutService(stack),
    ...openToEveryone(stack),
  ];
}

describe.each(environments.map((config) => ({ name: config.name, config })))(
  "environment $name",
  ({ config }) => {
    const stack: Stack = synthEnvironment(config).tf;
    const optOuts = optOutsOf(config);

    it("has resources of every kind the rules look at, so none passes by seeing nothing", () => {
      expect(containersOf(stack).length).toBeGreaterThan(0);
      expect(taskLaunchesOf(stack).length).toBeGreaterThan(0);
      const kinds = new Set(policyDocumentsOf(stack).map((document) => document.kind));
      expect([...kinds].sort()).toEqual(["identity", "resource", "trust"]);
    });

    it("runs no privileged container", () => {
      expect(privilegedContainers(stack)).toEqual([]);
    });

    it("mounts every root file system read-only, unless the job opted out", () => {
      expect(writableRootFileSystems(stack, optOuts)).toEqual([]);
    });

    it("puts no secret in an environment variable", () => {
      expect(secretsInEnvironment(stack)).toEqual([]);
    });

    it("gives no task a public IP, unless the job asked for one", () => {
      expect(publicIps(stack, optOuts)).toEqual([]);
    });

    it("grants RunTask, PassRole and wildcard actions on named resources only", () => {
      expect(unscopedGrants(stack)).toEqual([]);
    });

    it("passes roles to a named service only", () => {
      expect(passRolesWithoutService(stack)).toEqual([]);
    });

    it("opens no role, key, topic or queue to everyone", () => {
      expect(openToEveryone(stack)).toEqual([]);
    });
  },
);

describe("the module catalogue", () => {
  // One stack per example: several use the same construct ids.
  const stacks: Stack[] = Object.values(catalogue).map(
    (example) =>
      synthesize((scope) => {
        (example as (scope: Construct) => unknown)(scope);
      }).json,
  );

  it("breaks no rule", () => {
    expect(stacks.flatMap((stack) => violations(stack, NO_OPT_OUTS))).toEqual([]);
    expect(stacks.flatMap(containersOf).length).toBeGreaterThan(0);
    expect(stacks.flatMap(taskLaunchesOf).length).toBeGreaterThan(0);
  });
});

describe("each rule fails on a bad resource", () => {
  const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
  const JOB = {
    jobName: "job",
    schedule: "rate(1 hour)",
    placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
    task: { container: { image: "alpine:3.20" }, logs: { region: "ap-northeast-1" } },
  } satisfies BatchJobFromContainersProps;
  const publicPlacement = { ...JOB.placement, assignPublicIp: true };
  const jobStack = (props: Partial<BatchJobFromContainersProps>): Stack =>
    synthesize((scope) => new BatchJob(scope, "job", { ...JOB, ...props })).json;
  const taskDefinition = /^aws_ecs_task_definition\.job_TaskDefinition_[0-9A-F]{8}: /;

  it("finds a privileged container", () => {
    const stack: Stack = {
      resource: {
        aws_ecs_task_definition: {
          bad: {
            family: "bad",
            container_definitions: JSON.stringify([
              { name: "app", privileged: true, readonlyRootFilesystem: true },
            ]),
          },
        },
      },
    };
    expect(privilegedContainers(stack)).toEqual([
      "aws_ecs_task_definition.bad: container 'app' is privileged",
    ]);
  });

  it("finds a writable root file system, and allows the job's own opt-out", () => {
    const stack = jobStack({
      task: { ...JOB.task, container: { image: "alpine:3.20", readonlyRootFilesystem: false } },
    });
    expect(
      writableRootFileSystems(stack, NO_OPT_OUTS).map((v) => v.replace(taskDefinition, "")),
    ).toEqual(["container 'job' has a writable root file system"]);
    expect(
      writableRootFileSystems(stack, { ...NO_OPT_OUTS, writableRootFileSystem: ["job/job"] }),
    ).toEqual([]);
  });

  it("reads an environment config's opt-outs", () => {
    const config = environments[0];
    const [first, ...rest] = config.jobs;
    if (first.existingTaskDefinition) {
      throw new Error(`${first.jobName} of ${config.name} is not made from a container`);
    }
    const task = first.task!;
    expect(
      optOutsOf({
        ...config,
        jobs: [
          {
            ...first,
            task: {
              ...task,
              container: { ...task.container, readonlyRootFilesystem: false },
              sidecars: [{ name: "proxy", image: "envoy:v1", readonlyRootFilesystem: false }],
            },
            placement: { assignPublicIp: true },
          },
          ...rest,
        ],
      }),
    ).toEqual({
      writableRootFileSystem: [`${first.jobName}/${first.jobName}`, `${first.jobName}/proxy`],
      publicIp: [first.jobName],
    });
  });

  it("finds secrets in environment variables of a container and of a workflow's override", () => {
    const stack = jobStack({
      task: {
        ...JOB.task,
        container: {
          image: "alpine:3.20",
          environment: { DB_PASSWORD: "x", GITHUB_TOKEN: "x", API_KEY: "x", REPORT_DATE: "x" },
        },
      },
    });
    expect(secretsInEnvironment(stack).map((v) => v.replace(taskDefinition, ""))).toEqual([
      "container 'job' has API_KEY in its environment",
      "container 'job' has DB_PASSWORD in its environment",
      "container 'job' has GITHUB_TOKEN in its environment",
    ]);
    const workflow: Stack = {
      resource: {
        aws_sfn_state_machine: {
          bad: {
            definition: JSON.stringify({
              States: {
                Run: {
                  Arguments: {
                    Overrides: {
                      ContainerOverrides: [
                        { Name: "job", Environment: [{ Name: "AWS_SECRET_ACCESS_KEY" }] },
                      ],
                    },
                  },
                },
              },
            }),
          },
        },
      },
    };
    expect(secretsInEnvironment(workflow)).toEqual([
      "aws_sfn_state_machine.bad: a task override has AWS_SECRET_ACCESS_KEY in its environment",
    ]);
  });

  it("finds a public IP on a rule's target, a schedule, a workflow and the runner's parameter", () => {
    const onRule = jobStack({ placement: publicPlacement });
    const onScheduler = jobStack({
      placement: publicPlacement,
      schedule: { scheduler: { expression: "rate(1 hour)", timeZone: "Asia/Tokyo" } },
      runnerParameterPrefix: false,
    });
    const inWorkflow: Stack = synthesize((scope) => {
      const job = new BatchJob(scope, "job", {
        ...JOB,
        schedule: undefined,
        placement: publicPlacement,
        runnerParameterPrefix: false,
      });
      new JobWorkflow(scope, "flow", { workflowName: "flow", jobs: [{ job }] });
    }).json;
    const where = (stack: Stack) =>
      publicIps(stack, NO_OPT_OUTS).map((v) => v.replace(/_[0-9A-F]{8}:/, ":"));
    expect(where(onRule)).toEqual([
      "aws_cloudwatch_event_target.job_Target: tasks of job get a public IP",
      "aws_ssm_parameter.job_RunnerParameter: tasks of job get a public IP",
    ]);
    expect(where(onScheduler)).toEqual([
      "aws_scheduler_schedule.job_Schedule: tasks of job get a public IP",
    ]);
    expect(where(inWorkflow)).toEqual(["aws_sfn_state_machine.flow: tasks of job get a public IP"]);
    for (const stack of [onRule, onScheduler, inWorkflow]) {
      expect(publicIps(stack, { ...NO_OPT_OUTS, publicIp: ["job"] })).toEqual([]);
    }
  });

  it("reads a workflow whose subnets are looked up at plan time, which Terraform encodes", () => {
    const stack: Stack = synthesize((scope) => {
      const subnets = new DataAwsSubnets(scope, "Subnets", {
        filter: [{ name: "tag:Tier", values: ["private"] }],
      });
      const job = new BatchJob(scope, "job", {
        ...JOB,
        schedule: undefined,
        placement: { ...publicPlacement, subnetIds: subnets.ids },
        runnerParameterPrefix: false,
      });
      new JobWorkflow(scope, "flow", { workflowName: "flow", jobs: [{ job }] });
    }).json;
    const [[, definition]] = stateMachinesOf(stack);
    expect(JSON.stringify(definition)).toContain(
      '"Subnets":"${jsonencode(data.aws_subnets.Subnets.ids)}"',
    );
    expect(publicIps(stack, NO_OPT_OUTS).map((v) => v.replace(/_[0-9A-F]{8}:/, ":"))).toEqual([
      "aws_sfn_state_machine.flow: tasks of job get a public IP",
    ]);
  });

  it("finds RunTask, PassRole and wildcard actions on every resource", () => {
    const stack = synthesize(
      (scope) =>
        new IamRole(scope, "Role", {
          name: "too-broad",
          identifier: "states.amazonaws.com",
          policy: {
            statements: [
              { sid: "RunAnything", actions: ["ecs:RunTask"], resources: ["*"] },
              {
                sid: "PassAnyRole",
                actions: ["iam:Pass*"],
                resources: ["*"],
                conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
              },
              { sid: "Everything", actions: ["*"], resources: ["*"] },
              { sid: "AllOfS3", actions: ["s3:*"], resources: ["*"] },
              {
                sid: "NoResourceLevelPermissions",
                actions: ["xray:PutTraceSegments"],
                resources: ["*"],
              },
              { sid: "Named", actions: ["ecs:RunTask"], resources: [`${CLUSTER}/x`] },
            ],
          },
        }),
    ).json;
    expect(unscopedGrants(stack).map((v) => v.replace(/_[0-9A-F]{8} /, " "))).toEqual([
      "aws_iam_policy.Role_Policy statement RunAnything: allows ecs:RunTask on every resource",
      "aws_iam_policy.Role_Policy statement PassAnyRole: allows iam:Pass* on every resource",
      "aws_iam_policy.Role_Policy statement Everything: allows * on every resource",
      "aws_iam_policy.Role_Policy statement AllOfS3: allows s3:* on every resource",
    ]);
  });

  it("finds NotAction and NotResource grants", () => {
    const stack: Stack = {
      resource: {
        aws_iam_role_policy: {
          bad: {
            policy: JSON.stringify({
              Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }],
            }),
          },
        },
      },
    };
    expect(unscopedGrants(stack)).toEqual([
      "aws_iam_role_policy.bad statement 0: allows with NotAction or NotResource",
    ]);
  });

  it("finds PassRole without iam:PassedToService, in an inline policy too", () => {
    const stack: Stack = {
      resource: {
        aws_iam_role: {
          bad: {
            assume_role_policy: JSON.stringify({
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "events.amazonaws.com" },
                  Action: "sts:AssumeRole",
                },
              ],
            }),
            inline_policy: [
              {
                policy: JSON.stringify({
                  Statement: [
                    {
                      Sid: "PassIt",
                      Effect: "Allow",
                      Action: "iam:PassRole",
                      Resource: "arn:aws:iam::123456789012:role/job-execution",
                    },
                  ],
                }),
              },
            ],
          },
        },
      },
    };
    expect(passRolesWithoutService(stack)).toEqual([
      "aws_iam_role.bad.inline_policy[0] statement PassIt: allows iam:PassRole without iam:PassedToService",
    ]);
  });

  it("finds a role or a queue open to everyone", () => {
    const document = (principal: unknown) =>
      JSON.stringify({ Statement: [{ Effect: "Allow", Principal: principal, Action: "*" }] });
    const stack: Stack = {
      resource: {
        aws_iam_role: { bad: { assume_role_policy: document({ AWS: "*" }) } },
        aws_sqs_queue_policy: { bad: { policy: document("*") } },
      },
    };
    expect(openToEveryone(stack)).toEqual([
      "aws_iam_role.bad statement 0: allows everyone",
      "aws_sqs_queue_policy.bad statement 0: allows everyone",
    ]);
  });

  it("refuses a document it cannot read rather than pass it", () => {
    const stack: Stack = {
      resource: { aws_iam_policy: { bad: { policy: '{"Statement": ${jsonencode(x)}}' } } },
    };
    expect(() => unscopedGrants(stack)).toThrow(
      /aws_iam_policy\.bad: not JSON the policy tests can read/,
    );
  });
});
