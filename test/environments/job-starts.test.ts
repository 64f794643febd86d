/**
 * Every place that starts a job of a shipped environment starts the same task: its rule's target,
 * its Scheduler schedule, the `Run <job>` state of each workflow that runs it, and the runner's SSM
 * parameter. Each renders the job's run in its own shape (snake_case booleans, RunTask's
 * ENABLED/DISABLED, a JSON document); a normaliser per consumer maps its rendering to one
 * {@link TaskStart}, filling in what the service does when a value is left out.
 */
import { isDeepStrictEqual } from "util";
import { environments } from "../../environments";
import { EnvironmentConfig, JobConfig } from "../../environments/environment-config";
import { JobRunSpec } from "../../contract/job-run-spec";
import { scheduleChoiceOf } from "../../modules/job-schedule/schedule-options";
import { stateNames } from "../../modules/job-workflow/state-names";
import {
  Asl,
  AslState,
  Block,
  TerraformJson,
  allStates,
  parseTerraformJson,
  ref,
  resourceWhere,
  resourcesWhere,
  synthEnvironment,
} from "./synth-environment";

/** How a task of a job is started, whoever starts it. */
interface TaskStart {
  readonly cluster: string;
  readonly taskDefinition: string;
  /** The IDs, or a reference to a list known at apply time (`${data.aws_subnets.Subnets.ids}`). */
  readonly subnets: readonly string[] | string;
  readonly securityGroups: readonly string[] | string;
  readonly assignPublicIp: "ENABLED" | "DISABLED";
  readonly platformVersion: string;
  readonly taskCount: number;
  readonly propagateTags: boolean;
  readonly ecsManagedTags: boolean;
}

type StarterKind = "rule" | "scheduler" | "workflow" | "runner";

/** One place that starts a job. */
interface Starter {
  readonly kind: StarterKind;
  /** Its Terraform address (and state, for a workflow), to name it when it disagrees. */
  readonly address: string;
  readonly start: TaskStart;
}

const RUN_TASK_SYNC = "arn:aws:states:::ecs:runTask.sync";

/** RunTask's setting for EventBridge's boolean `assign_public_ip`. */
function publicIpOfFlag(flag: unknown): "ENABLED" | "DISABLED" {
  if (typeof flag !== "boolean") {
    throw new Error(`assign_public_ip should be a boolean, not ${JSON.stringify(flag)}`);
  }
  return flag ? "ENABLED" : "DISABLED";
}

function publicIpOfSetting(setting: unknown): "ENABLED" | "DISABLED" {
  if (setting !== "ENABLED" && setting !== "DISABLED") {
    throw new Error(`AssignPublicIp should be ENABLED or DISABLED, not ${JSON.stringify(setting)}`);
  }
  return setting;
}

/** Tags are copied from the task definition, or (absent) not at all. */
function propagatesTags(value: unknown): boolean {
  if (value !== undefined && value !== "TASK_DEFINITION") {
    throw new Error(`propagate tags should be TASK_DEFINITION or absent, not ${String(value)}`);
  }
  return value === "TASK_DEFINITION";
}

/**
 * The ECS parameters of an EventBridge target, the same for a rule and a Scheduler schedule.
 * Left out, EventBridge starts one task on the LATEST platform, with no public IP, no managed
 * tags and the VPC's default security group.
 */
function eventBridgeStart(cluster: unknown, ecs: Block): TaskStart {
  const network = ecs.network_configuration as Block;
  return {
    cluster: cluster as string,
    taskDefinition: ecs.task_definition_arn as string,
    subnets: network.subnets as string[] | string,
    securityGroups: (network.security_groups ?? []) as string[] | string,
    assignPublicIp: publicIpOfFlag(network.assign_public_ip ?? false),
    platformVersion: (ecs.platform_version ?? "LATEST") as string,
    taskCount: (ecs.task_count ?? 1) as number,
    propagateTags: propagatesTags(ecs.propagate_tags),
    ecsManagedTags: (ecs.enable_ecs_managed_tags ?? false) as boolean,
  };
}

/** An `aws_cloudwatch_event_target`: the cluster is its `arn`, the rest its `ecs_target`. */
function ruleTargetStart(target: Block): TaskStart {
  return eventBridgeStart(target.arn, target.ecs_target as Block);
}

/** An `aws_scheduler_schedule`: its target's `arn` and `ecs_parameters`. */
function schedulerStart(schedule: Block): TaskStart {
  const target = schedule.target as Block;
  return eventBridgeStart(target.arn, target.ecs_parameters as Block);
}

/** The `Arguments` of a `runTask.sync` state, with RunTask's defaults for what they leave out. */
function runTaskSyncStart(state: AslState): TaskStart {
  expect(state.Resource).toBe(RUN_TASK_SYNC);
  const args = state.Arguments as Block;
  const vpc = (args.NetworkConfiguration as Block).AwsvpcConfiguration as Block;
  return {
    cluster: args.Cluster as string,
    taskDefinition: args.TaskDefinition as string,
    subnets: vpc.Subnets as string[] | string,
    securityGroups: (vpc.SecurityGroups ?? []) as string[] | string,
    assignPublicIp: publicIpOfSetting(vpc.AssignPublicIp ?? "DISABLED"),
    platformVersion: (args.PlatformVersion ?? "LATEST") as string,
    taskCount: (args.Count ?? 1) as number,
    propagateTags: propagatesTags(args.PropagateTags),
    ecsManagedTags: (args.EnableECSManagedTags ?? false) as boolean,
  };
}

/** The runner's spec of a job, the JSON value of its SSM parameter. */
function runnerSpecOf(parameter: Block): JobRunSpec {
  return parseTerraformJson(parameter.value) as JobRunSpec;
}

/**
 * The runner's SSM parameter. The runner starts one task per run (it refuses any other count), of
 * the revision named here with `--deployed-revision`, else of the family's latest (see the
 * family check below).
 */
function runnerStart(parameter: Block): TaskStart {
  const spec = runnerSpecOf(parameter);
  return {
    cluster: spec.cluster,
    taskDefinition: spec.taskDefinitionArn,
    subnets: spec.network.subnets,
    securityGroups: spec.network.securityGroups,
    assignPublicIp: publicIpOfSetting(spec.network.assignPublicIp),
    platformVersion: spec.platformVersion,
    taskCount: 1,
    propagateTags: propagatesTags(spec.propagateTags),
    ecsManagedTags: spec.enableEcsManagedTags,
  };
}

/** The `Run <job>` states of a workflow: in each Parallel branch that runs the job. */
function runStates(asl: Asl, job: string): AslState[] {
  const names = stateNames(job);
  return allStates(asl)
    .flatMap(([, state]) => (state.Type === "Parallel" ? (state.Branches ?? []) : []))
    .filter((branch) => branch.StartAt === names.skip)
    .map((branch) => {
      expect(Object.keys(branch.States)).toContain(names.run);
      return branch.States[names.run];
    });
}

/** Every place of the synthesized stack that starts `job`. */
function startersOf(tf: TerraformJson, env: string, job: string): Starter[] {
  const ruleTargets = resourcesWhere(tf, "aws_cloudwatch_event_rule", { name: job })
    .flatMap((rule) =>
      resourcesWhere(tf, "aws_cloudwatch_event_target", {
        rule: ref("aws_cloudwatch_event_rule", rule.id, "name"),
      }),
    )
    .filter((target) => target.block.ecs_target !== undefined)
    .map(({ id, block }) => ({
      kind: "rule" as const,
      address: `aws_cloudwatch_event_target.${id}`,
      start: ruleTargetStart(block),
    }));
  const schedules = resourcesWhere(tf, "aws_scheduler_schedule", { name: job })
    .filter((schedule) => (schedule.block.target as Block).ecs_parameters !== undefined)
    .map(({ id, block }) => ({
      kind: "scheduler" as const,
      address: `aws_scheduler_schedule.${id}`,
      start: schedulerStart(block),
    }));
  const workflows = Object.entries(tf.resource?.aws_sfn_state_machine ?? {}).flatMap(
    ([id, block]) =>
      runStates(parseTerraformJson(block.definition) as Asl, job).map((state) => ({
        kind: "workflow" as const,
        address: `aws_sfn_state_machine.${id} "${stateNames(job).run}"`,
        start: runTaskSyncStart(state),
      })),
  );
  const runner = resourcesWhere(tf, "aws_ssm_parameter", { name: `/ecs-batch/${env}/${job}` }).map(
    ({ id, block }) => ({
      kind: "runner" as const,
      address: `aws_ssm_parameter.${id}`,
      start: runnerStart(block),
    }),
  );
  return [...ruleTargets, ...schedules, ...workflows, ...runner];
}

/** Who should start a job, from its config: its schedule, its workflows, the runner. */
function expectedKinds(config: EnvironmentConfig, job: JobConfig): StarterKind[] {
  const schedule = job.schedule;
  const own: StarterKind[] =
    schedule === undefined
      ? []
      : // With preventOverlap a one-job workflow runs the job on the schedule.
        typeof schedule !== "string" && schedule.preventOverlap
        ? ["workflow"]
        : [scheduleChoiceOf(schedule).rule ? "rule" : "scheduler"];
  const workflows = (config.workflows ?? []).filter((w) =>
    w.jobs.some((entry) => entry.job === job.jobName),
  );
  return [
    ...own,
    ...workflows.map((): StarterKind => "workflow"),
    ...(job.existingTaskDefinition ? [] : ["runner" as const]),
  ].sort();
}

/** The start every starter of the job should render, from the environment's config. */
function expectedStart(tf: TerraformJson, config: EnvironmentConfig, job: JobConfig): TaskStart {
  const taskDefinition =
    job.existingTaskDefinition?.taskDefinitionArn ??
    ref(
      "aws_ecs_task_definition",
      resourceWhere(tf, "aws_ecs_task_definition", { family: job.jobName }).id,
      "arn",
    );
  return {
    cluster: config.cluster.create
      ? "${aws_ecs_cluster.Cluster.arn}"
      : "${data.aws_ecs_cluster.Cluster.arn}",
    taskDefinition,
    subnets: config.network.subnetIds ?? "${data.aws_subnets.Subnets.ids}",
    securityGroups:
      config.network.securityGroupIds ?? "${data.aws_security_groups.SecurityGroups.ids}",
    // An environment sets neither: its jobs run on private subnets, on the latest platform.
    assignPublicIp: "DISABLED",
    platformVersion: "LATEST",
    taskCount: job.launch?.taskCount ?? 1,
    propagateTags: job.launch?.propagateTags ?? true,
    ecsManagedTags: job.launch?.enableEcsManagedTags ?? true,
  };
}

describe.each(environments.map((config) => [config.name, config] as const))(
  "the starts of %s's jobs",
  (env, config) => {
    const jobs = config.jobs.map((job) => [job.jobName, job] as const);
    let tf: TerraformJson;
    beforeAll(() => {
      tf = synthEnvironment(config).tf;
    });

    it.each(jobs)(
      "%s: every starter names the same cluster, task definition, network, platform, one task and tags",
      (job) => {
        const starters = startersOf(tf, env, job);
        expect(starters.length).toBeGreaterThanOrEqual(2);
        const byAddress = (start: (s: Starter) => TaskStart) =>
          Object.fromEntries(starters.map((s) => [s.address, start(s)]));
        expect(byAddress((s) => s.start)).toEqual(byAddress(() => starters[0].start));
        expect(starters[0].start.taskCount).toBe(1);
      },
    );

    it.each(jobs)(
      "%s: is started in the environment's cluster and network, from its own task definition",
      (job, jobConfig) => {
        const expected = expectedStart(tf, config, jobConfig);
        for (const starter of startersOf(tf, env, job)) {
          expect({ [starter.address]: starter.start }).toEqual({ [starter.address]: expected });
        }
      },
    );

    it.each(jobs)(
      "%s: has its runner parameter, and a rule or schedule of its own only if no workflow runs it",
      (job, jobConfig) => {
        const kinds = startersOf(tf, env, job).map((s) => s.kind);
        expect([...kinds].sort()).toEqual(expectedKinds(config, jobConfig));
        if (kinds.includes("workflow")) {
          expect(kinds).not.toContain("rule");
          expect(kinds).not.toContain("scheduler");
        }
        if (!jobConfig.existingTaskDefinition) {
          expect(kinds).toContain("runner");
        }
        expect(kinds.length).toBeGreaterThanOrEqual(2);
      },
    );

    it.each(jobs.filter(([, job]) => !job.existingTaskDefinition))(
      "%s: names its own family to the runner, which runs the family's latest revision",
      (job) => {
        const parameter = resourceWhere(tf, "aws_ssm_parameter", {
          name: `/ecs-batch/${env}/${job}`,
        });
        const spec = runnerSpecOf(parameter.block);
        const taskDefinition = resourceWhere(tf, "aws_ecs_task_definition", { family: job });
        expect(spec.taskDefinitionFamily).toBe(taskDefinition.block.family);
        expect(spec.taskDefinitionArn).toBe(
          ref("aws_ecs_task_definition", taskDefinition.id, "arn"),
        );
      },
    );

    it("starts nothing that is not one of its jobs", () => {
      const ofJobs = config.jobs.flatMap((job) =>
        startersOf(tf, env, job.jobName).map((s) => s.address),
      );
      const ecsTargets = Object.entries(tf.resource?.aws_cloudwatch_event_target ?? {})
        .filter(([, block]) => block.ecs_target !== undefined)
        .map(([id]) => `aws_cloudwatch_event_target.${id}`);
      const ecsSchedules = Object.entries(tf.resource?.aws_scheduler_schedule ?? {})
        .filter(([, block]) => (block.target as Block).ecs_parameters !== undefined)
        .map(([id]) => `aws_scheduler_schedule.${id}`);
      const runTasks = Object.entries(tf.resource?.aws_sfn_state_machine ?? {}).flatMap(
        ([id, block]) =>
          allStates(parseTerraformJson(block.definition) as Asl)
            .filter(([, state]) => state.Resource === RUN_TASK_SYNC)
            .map(([name]) => `aws_sfn_state_machine.${id} "${name}"`),
      );
      const parameters = Object.entries(tf.resource?.aws_ssm_parameter ?? {})
        .filter(([, block]) => String(block.name).startsWith(`/ecs-batch/${env}/`))
        .map(([id]) => `aws_ssm_parameter.${id}`);
      expect(ofJobs.sort()).toEqual(
        [...ecsTargets, ...ecsSchedules, ...runTasks, ...parameters].sort(),
      );
    });
  },
);

describe("the normalisers", () => {
  /** dev's and prod's stacks, with one value of one starter changed. */
  const dev = environments.find((config) => config.name === "dev")!;
  const prod = environments.find((config) => config.name === "prod")!;
  const differs = (tf: TerraformJson, env: string, job: string) => {
    const starts = startersOf(tf, env, job).map((s) => s.start);
    return starts.some((start) => !isDeepStrictEqual(start, starts[0]));
  };
  const only = (tf: TerraformJson, type: string, match: Block) =>
    resourceWhere(tf, type, match).block;

  it("see a rule target that gives the task a public IP", () => {
    const { tf } = synthEnvironment(dev);
    expect(differs(tf, "dev", "example-batch")).toBe(false);
    const rule = resourceWhere(tf, "aws_cloudwatch_event_rule", { name: "example-batch" });
    const target = only(tf, "aws_cloudwatch_event_target", {
      rule: ref("aws_cloudwatch_event_rule", rule.id, "name"),
    });
    ((target.ecs_target as Block).network_configuration as Block).assign_public_ip = true;
    expect(differs(tf, "dev", "example-batch")).toBe(true);
  });

  it("see a Scheduler schedule that starts two tasks", () => {
    const { tf } = synthEnvironment(prod);
    expect(differs(tf, "prod", "sales-report")).toBe(false);
    const schedule = only(tf, "aws_scheduler_schedule", { name: "sales-report" });
    ((schedule.target as Block).ecs_parameters as Block).task_count = 2;
    expect(differs(tf, "prod", "sales-report")).toBe(true);
  });

  it("see a workflow that does not propagate the task definition's tags", () => {
    const { tf } = synthEnvironment(dev);
    expect(differs(tf, "dev", "extract-sales")).toBe(false);
    const stateMachine = only(tf, "aws_sfn_state_machine", { name: "nightly-sales" });
    const asl = JSON.parse(stateMachine.definition as string) as Asl;
    delete (runStates(asl, "extract-sales")[0].Arguments as Block).PropagateTags;
    stateMachine.definition = JSON.stringify(asl);
    expect(differs(tf, "dev", "extract-sales")).toBe(true);
  });

  it("see a runner parameter on another platform version", () => {
    const { tf } = synthEnvironment(dev);
    expect(differs(tf, "dev", "build-sales-report")).toBe(false);
    const parameter = only(tf, "aws_ssm_parameter", { name: "/ecs-batch/dev/build-sales-report" });
    const spec = JSON.parse(parameter.value as string) as Block;
    parameter.value = JSON.stringify({ ...spec, platformVersion: "1.4.0" });
    expect(differs(tf, "dev", "build-sales-report")).toBe(true);
  });
});
