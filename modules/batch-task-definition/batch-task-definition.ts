import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import {
  invalid,
  isUnresolved,
  validateField,
  validateIntegerRange,
} from "../validation/construct-validation";
import {
  describeFargateTaskSizes,
  FARGATE_TASK_SIZE_PAIRS,
  validateFargateTaskSize,
} from "../validation/fargate-task-size";
import { validateTaskFamily } from "../validation/names";
import {
  BatchContainer,
  renderContainerDefinitions,
  validateBatchContainer,
  validateFireLensRouting,
} from "./container-definition";

/** CPU architecture of a Fargate task. ARM64 (Graviton) needs platform version 1.4.0 or later. */
export type CpuArchitecture = "X86_64" | "ARM64";

export interface BatchTaskDefinitionProps {
  /** Task definition family: 1-255 letters, digits, `-`, `_`. */
  readonly family: string;
  /** CPU units (1024 = 1 vCPU); with memoryMiB, one of Fargate's task sizes.
   * @default 256 */
  readonly cpu?: number;
  /** Memory in MiB; with cpu, one of Fargate's task sizes.
   * @default 512 */
  readonly memoryMiB?: number;
  /** @default "X86_64" */
  readonly cpuArchitecture?: CpuArchitecture;
  /** Role ECS uses to pull the image, write logs and read secrets. Fargate needs it for ECR
   * images and the awslogs driver. */
  readonly executionRoleArn: string;
  /** Role the job's code runs as.
   * @default no task role: the job gets no AWS permissions */
  readonly taskRoleArn?: string;
  /** Ephemeral storage in GiB (21-200).
   * @default 20 GiB, Fargate's default */
  readonly ephemeralStorageGiB?: number;
  /** The containers, in order (1-10). At least one must be essential. */
  readonly containers: readonly BatchContainer[];
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A Fargate task definition for a batch job (`aws_ecs_task_definition`): awsvpc networking,
 * validated task size, typed containers rendered to deterministic container definitions JSON.
 */
export class BatchTaskDefinition extends Construct {
  /** The `aws_ecs_task_definition`. */
  readonly resource: EcsTaskDefinition;
  /** ARN with revision, e.g. `arn:aws:ecs:...:task-definition/example-batch:3`. */
  readonly taskDefinitionArn: string;
  /** ARN without revision, e.g. `arn:aws:ecs:...:task-definition/example-batch`. */
  readonly familyArn: string;
  readonly family: string;

  constructor(scope: Construct, id: string, props: BatchTaskDefinitionProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memoryMiB = props.memoryMiB ?? 512;
    validateField(this, "family", props.family, validateTaskFamily);
    validateField(this, "cpu/memoryMiB", [cpu, memoryMiB], ([c, m]) =>
      validateFargateTaskSize(c, m),
    );
    validateIntegerRange(this, "ephemeralStorageGiB", props.ephemeralStorageGiB, 21, 200);
    validateField(this, "cpuArchitecture", props.cpuArchitecture, (arch) => {
      if (!["X86_64", "ARM64"].includes(arch)) {
        throw new Error(`'${arch}' is not a Fargate CPU architecture: use 'X86_64' or 'ARM64'`);
      }
    });
    if (props.containers.length === 0 || props.containers.length > 10) {
      invalid(
        this,
        "containers",
        `${props.containers.length} containers given: a task definition takes 1 to 10`,
      );
    }
    props.containers.forEach((container, index) =>
      validateField(this, `containers[${index}]`, container, validateBatchContainer),
    );
    const names = props.containers.map((c) => c.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      invalid(
        this,
        "containers",
        `the name '${duplicate}' is used twice: container names must be unique`,
      );
    }
    if (!props.containers.some((c) => c.essential ?? true)) {
      invalid(this, "containers", "no container is essential: mark the job's container essential");
    }
    validateField(this, "containers", props.containers, validateFireLensRouting);

    this.resource = new EcsTaskDefinition(this, "Resource", {
      family: props.family,
      cpu: String(cpu),
      memory: String(memoryMiB),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? "X86_64",
        operatingSystemFamily: "LINUX",
      },
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: props.taskRoleArn,
      ephemeralStorage:
        props.ephemeralStorageGiB !== undefined
          ? { sizeInGib: props.ephemeralStorageGiB }
          : undefined,
      containerDefinitions: renderContainerDefinitions(props.containers),
      tags: props.tags ? { ...props.tags } : undefined,
      lifecycle: fargateTaskSizePrecondition(cpu, memoryMiB),
    });
    this.taskDefinitionArn = this.resource.arn;
    this.familyArn = this.resource.arnWithoutRevision;
    this.family = this.resource.family;
  }
}

/**
 * A task size known only at apply time (Terraform variables) is checked by Terraform, before the
 * task definition is planned: a precondition that cpu and memory are one of Fargate's pairs. (A
 * variable's own validation could not read the other variable before Terraform 1.9.)
 */
function fargateTaskSizePrecondition(cpu: number, memoryMiB: number) {
  if (!isUnresolved(cpu) && !isUnresolved(memoryMiB)) {
    return undefined;
  }
  return {
    precondition: [
      {
        condition: Fn.contains(FARGATE_TASK_SIZE_PAIRS, Fn.format("%d/%d", [cpu, memoryMiB])),
        errorMessage: `The cpu and memory must form a Fargate task size: ${describeFargateTaskSizes()}.`,
      },
    ],
  };
}
