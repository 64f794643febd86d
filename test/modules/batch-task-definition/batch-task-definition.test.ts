import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { TerraformVariable } from "cdktf";
import {
  BatchTaskDefinition,
  BatchTaskDefinitionProps,
  describeFargateTaskSizes,
  FARGATE_TASK_SIZE_PAIRS,
} from "../../../modules";
import { emptyStack, onlyResource, synthesize } from "../../synth";

const EXECUTION_ROLE = "arn:aws:iam::123456789012:role/example-batch-execution";

const BOOK_TASK: BatchTaskDefinitionProps = {
  family: "example-batch",
  executionRoleArn: EXECUTION_ROLE,
  containers: [{ name: "alpine", image: "alpine:latest", command: ["/bin/date"] }],
};

function taskDefinitionOf(props: BatchTaskDefinitionProps): Record<string, unknown> {
  const { json } = synthesize((scope) => new BatchTaskDefinition(scope, "Task", props));
  return onlyResource(json, "aws_ecs_task_definition");
}

describe("BatchTaskDefinition", () => {
  it("is a Fargate, awsvpc task of 256 CPU / 512 MiB on X86_64 Linux by default", () => {
    const { text } = synthesize((scope) => new BatchTaskDefinition(scope, "Task", BOOK_TASK));
    expect(text).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "example-batch",
      cpu: "256",
      memory: "512",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
      runtime_platform: { cpu_architecture: "X86_64", operating_system_family: "LINUX" },
      execution_role_arn: EXECUTION_ROLE,
    });
    const task = taskDefinitionOf(BOOK_TASK);
    expect(task).not.toHaveProperty("task_role_arn");
    expect(task).not.toHaveProperty("ephemeral_storage");
  });

  it("takes a size, ARM64, a task role and ephemeral storage", () => {
    const taskRoleArn = "arn:aws:iam::123456789012:role/example-batch-task";
    const task = taskDefinitionOf({
      ...BOOK_TASK,
      cpu: 2048,
      memoryMiB: 16384,
      cpuArchitecture: "ARM64",
      taskRoleArn,
      ephemeralStorageGiB: 200,
    });
    expect(task).toMatchObject({
      cpu: "2048",
      memory: "16384",
      runtime_platform: { cpu_architecture: "ARM64" },
      task_role_arn: taskRoleArn,
      ephemeral_storage: { size_in_gib: 200 },
    });
  });

  it("renders the containers as container definitions JSON", () => {
    const containers = JSON.parse(taskDefinitionOf(BOOK_TASK).container_definitions as string);
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: "alpine",
      image: "alpine:latest",
      command: ["/bin/date"],
      essential: true,
      readonlyRootFilesystem: true,
    });
  });

  it.each<[string, Partial<BatchTaskDefinitionProps>, RegExp]>([
    [
      "a memory size the CPU does not take",
      { cpu: 256, memoryMiB: 4096 },
      /test\/Task: cpu\/memoryMiB: Fargate task size cpu=256 memory=4096 MiB is not valid: cpu 256 takes memory 512, 1024 or 2048 MiB/,
    ],
    [
      "a CPU Fargate does not offer",
      { cpu: 3000, memoryMiB: 8192 },
      /cpu\/memoryMiB: Fargate task size cpu=3000 is not valid/,
    ],
    [
      "a family with a dot",
      { family: "example.batch" },
      /test\/Task: family: task definition family 'example.batch' may contain only/,
    ],
    [
      "a family over 255 characters",
      { family: "f".repeat(256) },
      /family: task definition family 'f{256}' has 256 characters/,
    ],
    [
      "20 GiB of ephemeral storage",
      { ephemeralStorageGiB: 20 },
      /test\/Task: ephemeralStorageGiB: 20 is not valid: it must be a whole number from 21 to 200/,
    ],
    [
      "201 GiB of ephemeral storage",
      { ephemeralStorageGiB: 201 },
      /ephemeralStorageGiB: 201 is not valid/,
    ],
    [
      "an unknown CPU architecture",
      { cpuArchitecture: "arm" as never },
      /cpuArchitecture: 'arm' is not a Fargate CPU architecture/,
    ],
    [
      "no containers",
      { containers: [] },
      /test\/Task: containers: 0 containers given: a task definition takes 1 to 10/,
    ],
    [
      "eleven containers",
      { containers: Array.from({ length: 11 }, (_, i) => ({ name: `c${i}`, image: "alpine" })) },
      /containers: 11 containers given/,
    ],
    [
      "two containers of one name",
      {
        containers: [
          { name: "app", image: "alpine" },
          { name: "app", image: "busybox" },
        ],
      },
      /test\/Task: containers: the name 'app' is used twice/,
    ],
    [
      "no essential container",
      { containers: [{ name: "app", image: "alpine", essential: false }] },
      /test\/Task: containers: no container is essential/,
    ],
    [
      "a container logging to FireLens without a log router",
      {
        containers: [
          {
            name: "app",
            image: "alpine",
            logging: { driver: "awsfirelens", outputName: "cloudwatch_logs" },
          },
        ],
      },
      /test\/Task: containers: container 'app' logs through awsfirelens, but no container is the FireLens log router/,
    ],
    [
      "a container name with a dot",
      { containers: [{ name: "my.app", image: "alpine" }] },
      /test\/Task: containers\[0\]: container name 'my.app' may contain only/,
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(
      () => new BatchTaskDefinition(emptyStack(), "Task", { ...BOOK_TASK, ...overrides }),
    ).toThrow(message);
  });

  it("does not reject sizes that are references resolved at apply time", () => {
    const stack = emptyStack();
    const cpu = new TerraformVariable(stack, "cpu", { type: "number" }).numberValue;
    expect(
      () => new BatchTaskDefinition(stack, "Task", { ...BOOK_TASK, cpu, memoryMiB: 3 }),
    ).not.toThrow();
  });

  describe("a size known only at apply time", () => {
    /** The task definition with cpu and/or memory given as Terraform number variables. */
    function sizedByVariables(variables: ("cpu" | "memory")[]): Record<string, unknown> {
      const { json } = synthesize((scope) => {
        const variable = (name: "cpu" | "memory") =>
          variables.includes(name)
            ? new TerraformVariable(scope, name, { type: "number" }).numberValue
            : undefined;
        new BatchTaskDefinition(scope, "Task", {
          ...BOOK_TASK,
          cpu: variable("cpu"),
          memoryMiB: variable("memory"),
        });
      });
      return onlyResource(json, "aws_ecs_task_definition");
    }

    /** The precondition Terraform checks before it plans the task definition. */
    const precondition = (cpu: string, memory: string) => ({
      precondition: [
        {
          condition: `\${contains([${FARGATE_TASK_SIZE_PAIRS.map((pair) => `"${pair}"`).join(", ")}], format("%d/%d", ${cpu}, ${memory}))}`,
          error_message: `The cpu and memory must form a Fargate task size: ${describeFargateTaskSizes()}.`,
        },
      ],
    });

    it.each<[string, ("cpu" | "memory")[], string, string]>([
      ["cpu", ["cpu"], "var.cpu", "512"],
      ["memory", ["memory"], "256", "var.memory"],
      ["cpu and memory", ["cpu", "memory"], "var.cpu", "var.memory"],
    ])(
      "is checked by Terraform when %s is a variable: cpu/memory must be a Fargate pair",
      (_, variables, cpu, memory) => {
        const task = sizedByVariables(variables);
        expect(task.lifecycle).toEqual(precondition(cpu, memory));
      },
    );

    it("names every Fargate size in the precondition's message", () => {
      const [check] = (
        sizedByVariables(["cpu"]).lifecycle as { precondition: { error_message: string }[] }
      ).precondition;
      expect(check.error_message).toContain("cpu 256 takes memory 512, 1024 or 2048");
      expect(check.error_message).toContain("cpu 16384 takes memory 32768-122880 in steps of 8192");
    });

    it("adds no precondition when cpu and memory are literals, which synth checks", () => {
      expect(taskDefinitionOf({ ...BOOK_TASK, cpu: 1024, memoryMiB: 2048 })).not.toHaveProperty(
        "lifecycle",
      );
      expect(taskDefinitionOf(BOOK_TASK)).not.toHaveProperty("lifecycle");
    });
  });
});
