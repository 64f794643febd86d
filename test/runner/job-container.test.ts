import { DescribeTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { resolveJobContainer } from "../../runner/job-container";
import {
  APP_CONTAINER,
  ecsMock,
  fakeRunnerDeps,
  LOG_GROUP,
  SIDECAR_CONTAINER,
  startsTask,
  TASK_DEFINITION,
} from "./fake-runner-deps";

const APP_LOGS = { logGroupName: LOG_GROUP, streamPrefix: "nightly-report" };

beforeEach(() => ecsMock.reset());

async function resolve(
  choice: Parameters<typeof resolveJobContainer>[2],
  taskDefinition = TASK_DEFINITION,
) {
  const fake = fakeRunnerDeps();
  const job = await resolveJobContainer(
    fake.deps.ecs,
    taskDefinition,
    choice,
    fake.deps.reporter.status,
  );
  return { job, statuses: fake.statuses };
}

describe("resolveJobContainer", () => {
  it("takes the container and logs it is given without reading the task definition", async () => {
    const { job } = await resolve({ containerName: "worker", logs: false });

    expect(job).toEqual({ name: "worker", logs: undefined });
    expect(ecsMock.calls()).toHaveLength(0);
  });

  it("takes the only essential container and its awslogs options", async () => {
    startsTask([SIDECAR_CONTAINER, APP_CONTAINER]);

    const { job, statuses } = await resolve({});

    expect(job).toEqual({ name: "app", logs: APP_LOGS });
    expect(statuses).toEqual([]);
    expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)[0].args[0].input).toEqual({
      taskDefinition: TASK_DEFINITION,
    });
  });

  it("counts a container without `essential` as essential, as ECS does", async () => {
    startsTask([SIDECAR_CONTAINER, { name: "main" }]);

    const { job } = await resolve({ logs: false });

    expect(job.name).toBe("main");
  });

  it("takes the first of several essential containers and says so", async () => {
    startsTask([
      { ...APP_CONTAINER, name: "first" },
      { name: "second", essential: true },
    ]);

    const { job, statuses } = await resolve({});

    expect(job.name).toBe("first");
    expect(statuses[0]).toMatch(
      /has 2 essential containers \(first, second\): the exit code of the first, first, decides/,
    );
  });

  it("reads the logs of the container it is given", async () => {
    startsTask([
      APP_CONTAINER,
      {
        name: "envoy",
        logConfiguration: {
          logDriver: "awslogs",
          options: { "awslogs-group": "/envoy", "awslogs-stream-prefix": "mesh" },
        },
      },
    ]);

    const { job } = await resolve({ containerName: "envoy" });

    expect(job).toEqual({ name: "envoy", logs: { logGroupName: "/envoy", streamPrefix: "mesh" } });
  });

  it("takes the logs it is given with the task definition's container", async () => {
    startsTask([APP_CONTAINER]);
    const logs = { logGroupName: "/custom", streamPrefix: "custom" };

    const { job } = await resolve({ logs });

    expect(job).toEqual({ name: "app", logs });
  });

  it("streams no logs, and says so, for awslogs without a stream prefix", async () => {
    startsTask([
      {
        name: "app",
        logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/g" } },
      },
    ]);

    const { job, statuses } = await resolve({});

    expect(job).toEqual({ name: "app", logs: undefined });
    expect(statuses).toEqual([
      "container app does not log with awslogs and a stream prefix (log driver: awslogs): its logs are not streamed",
    ]);
  });

  it("refuses a task definition without an essential container", async () => {
    startsTask([SIDECAR_CONTAINER]);

    await expect(resolve({})).rejects.toThrow(
      "task definition nightly-report has no essential container",
    );
  });

  it("refuses a RunTask input without a task definition", async () => {
    await expect(resolve({}, "")).rejects.toMatchObject({
      exitCode: 125,
      message: "the RunTask input has no taskDefinition",
    });
  });
});
