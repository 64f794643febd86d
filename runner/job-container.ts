import {
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  type ECSClient,
} from "@aws-sdk/client-ecs";
import type { LogSource } from "./log-streamer";
import type { Reporter } from "./runner-deps";
import { RunnerError } from "./runner-error";

/** The container whose exit code is the job's result, and where it logs. */
export interface JobContainer {
  readonly name: string;
  /** Absent when its logs are not streamed. */
  readonly logs?: LogSource;
}

/** What the caller already knows about the job's container. */
export interface JobContainerChoice {
  /** @default the task definition's essential container (the first of several) */
  readonly containerName?: string;
  /** `false`: do not stream logs.
   * @default the container's awslogs options in the task definition */
  readonly logs?: LogSource | false;
}

/**
 * Finds the job's container and its logs, reading the task definition (DescribeTaskDefinition)
 * only when the caller did not give both. Runs before RunTask, so a task definition the runner
 * cannot read, or a container name it does not have, fails before anything is started.
 */
export async function resolveJobContainer(
  ecs: ECSClient,
  taskDefinition: string | undefined,
  choice: JobContainerChoice,
  status: Reporter["status"],
): Promise<JobContainer> {
  if (choice.containerName !== undefined && choice.logs !== undefined) {
    return { name: choice.containerName, logs: choice.logs || undefined };
  }
  if (taskDefinition === undefined || taskDefinition === "") {
    throw new RunnerError("the RunTask input has no taskDefinition");
  }
  let containers: ContainerDefinition[];
  try {
    const response = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
    containers = response.taskDefinition?.containerDefinitions ?? [];
  } catch (error) {
    throw RunnerError.ofAwsCall(`cannot read task definition ${taskDefinition}`, error);
  }
  const container = chooseContainer(containers, taskDefinition, choice.containerName, status);
  const name = container.name ?? "";
  if (choice.logs !== undefined) {
    return { name, logs: choice.logs || undefined };
  }
  return { name, logs: awslogsSource(container, status) };
}

function chooseContainer(
  containers: readonly ContainerDefinition[],
  taskDefinition: string,
  wanted: string | undefined,
  status: Reporter["status"],
): ContainerDefinition {
  const names = containers.map((container) => container.name).join(", ");
  if (wanted !== undefined) {
    const container = containers.find((candidate) => candidate.name === wanted);
    if (container === undefined) {
      throw new RunnerError(
        `task definition ${taskDefinition} has no container named ${wanted} (it has: ${names})`,
      );
    }
    return container;
  }
  // ECS treats a container without `essential` as essential.
  const essential = containers.filter((container) => container.essential !== false);
  if (essential.length === 0) {
    throw new RunnerError(`task definition ${taskDefinition} has no essential container`);
  }
  if (essential.length > 1) {
    status(
      `task definition ${taskDefinition} has ${essential.length} essential containers ` +
        `(${essential.map((container) => container.name).join(", ")}): the exit code of the ` +
        `first, ${essential[0].name}, decides (--container chooses another)`,
    );
  }
  return essential[0];
}

function awslogsSource(
  container: ContainerDefinition,
  status: Reporter["status"],
): LogSource | undefined {
  const { logDriver, options = {} } = container.logConfiguration ?? {};
  const logGroupName = options["awslogs-group"];
  const streamPrefix = options["awslogs-stream-prefix"];
  if (logDriver === "awslogs" && logGroupName && streamPrefix) {
    return { logGroupName, streamPrefix };
  }
  // Without a stream prefix awslogs names streams by container id, which the runner cannot know.
  status(
    `container ${container.name} does not log with awslogs and a stream prefix ` +
      `(log driver: ${logDriver ?? "none"}): its logs are not streamed`,
  );
  return undefined;
}
