import {
  CorpusCaseName,
  ecsTaskStateChangeCorpus,
  eventsOfJobs,
  GUARDDUTY_AGENT_CONTAINER,
  taskStateChangeEvent,
} from "./ecs-task-state-change-events";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-dev";

describe("taskStateChangeEvent", () => {
  const event = taskStateChangeEvent({
    clusterArn: CLUSTER,
    family: "example-batch",
    revision: 7,
    taskSeed: "one run",
    containers: [{ name: "example-batch", exitCode: 1 }],
  });

  it("has the envelope of an ECS event, with the region and account of the cluster", () => {
    expect(event).toMatchObject({
      version: "0",
      "detail-type": "ECS Task State Change",
      source: "aws.ecs",
      account: "123456789012",
      region: "ap-northeast-1",
      resources: [event.detail.taskArn],
    });
    expect(event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("describes a stopped Fargate task of the family, started by its rule", () => {
    expect(event.detail).toMatchObject({
      clusterArn: CLUSTER,
      taskArn: expect.stringMatching(
        /^arn:aws:ecs:ap-northeast-1:123456789012:task\/batch-dev\/[0-9a-f]{32}$/,
      ),
      taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:7",
      group: "family:example-batch",
      startedBy: "events-rule/example-batch",
      launchType: "FARGATE",
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      version: 5,
    });
    for (const time of ["createdAt", "startedAt", "stoppingAt", "stoppedAt"] as const) {
      expect(event.detail[time]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(event.detail.containers).toEqual([
      expect.objectContaining({
        name: "example-batch",
        lastStatus: "STOPPED",
        exitCode: 1,
        taskArn: event.detail.taskArn,
        containerArn: expect.stringMatching(/^arn:aws:ecs:.*:container\/batch-dev\/[0-9a-f]{32}\//),
      }),
    ]);
  });

  it("leaves out what a running task does not have yet", () => {
    const running = taskStateChangeEvent({
      clusterArn: CLUSTER,
      family: "example-batch",
      taskSeed: "one run",
      lastStatus: "RUNNING",
      containers: [{ name: "example-batch" }],
    });
    expect(running.detail).toMatchObject({ lastStatus: "RUNNING", desiredStatus: "RUNNING" });
    for (const field of ["stopCode", "stoppedReason", "stoppingAt", "stoppedAt"]) {
      expect(running.detail).not.toHaveProperty(field);
    }
    expect(running.detail.containers[0]).not.toHaveProperty("exitCode");
    expect(running.detail.taskArn).toBe(event.detail.taskArn);
  });

  it("refuses a cluster name instead of its ARN", () => {
    expect(() =>
      taskStateChangeEvent({ clusterArn: "batch-dev", family: "f", taskSeed: "s", containers: [] }),
    ).toThrow("'batch-dev' is not an ECS cluster ARN");
  });
});

describe("ecsTaskStateChangeCorpus", () => {
  const corpus = ecsTaskStateChangeCorpus({
    jobName: "nightly-report",
    clusterArn: CLUSTER,
    containerName: "report",
  });
  const cases = Object.entries(corpus) as [CorpusCaseName, (typeof corpus)[CorpusCaseName]][];

  it("gives each case the job container's own exit code as expected", () => {
    for (const [name, { event, expected }] of cases) {
      const job = event.detail.containers.find((container) => container.name === "report");
      expect([name, expected.jobExitCode]).toEqual([name, job?.exitCode]);
    }
  });

  it("names the job's container apart from its family", () => {
    expect(corpus.jobExit1.event.detail.group).toBe("family:nightly-report");
    expect(corpus.jobExit1.event.detail.containers.map((c) => c.name)).toEqual(["report"]);
  });

  it("gives every run its own task, and only a run's own events share it", () => {
    const byTask = new Map<string, CorpusCaseName[]>();
    for (const [name, { event }] of cases) {
      byTask.set(event.detail.taskArn, [...(byTask.get(event.detail.taskArn) ?? []), name]);
    }
    expect([...byTask.values()].filter((names) => names.length > 1)).toEqual([
      ["jobExit1", "deprovisioningJobExit1", "duplicateJobExit1"],
    ]);
    expect(new Set(cases.map(([, { event }]) => event.id)).size).toBe(cases.length);
  });

  it("has a duplicate with the same task and version as its original, and another id", () => {
    const { duplicateJobExit1: duplicate, jobExit1: original } = corpus;
    expect(duplicate.duplicateOf).toBe("jobExit1");
    expect(duplicate.event.id).not.toBe(original.event.id);
    expect(duplicate.event.detail).toEqual(original.event.detail);
  });

  it("has the DEPROVISIONING event of a stop before its STOPPED one, without stoppedAt", () => {
    const { deprovisioningJobExit1: deprovisioning, jobExit1: stopped } = corpus;
    expect(deprovisioning.event.detail).toMatchObject({
      lastStatus: "DEPROVISIONING",
      desiredStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
    });
    expect(deprovisioning.event.detail).not.toHaveProperty("stoppedAt");
    expect(deprovisioning.event.detail.version).toBeLessThan(stopped.event.detail.version);
    expect(deprovisioning.expected.jobFailed).toBe(false);
  });

  it("has the GuardDuty agent's container as GuardDuty names it", () => {
    expect(GUARDDUTY_AGENT_CONTAINER).toMatch(/^aws-guardduty-agent-[A-Za-z0-9]{6}$/);
    expect(corpus.guardDutyAgentExit1.event.detail.containers[1]).toMatchObject({
      name: GUARDDUTY_AGENT_CONTAINER,
      exitCode: 1,
      image: expect.stringMatching(/\/aws-guardduty-agent-fargate:/),
    });
  });

  it("keeps other jobs and other clusters apart from the job's own", () => {
    expect(corpus.otherFamilyExit1.event.detail.group).toBe("family:nightly-report-cleanup");
    expect(corpus.otherClusterExit1.event.detail.clusterArn).toBe(`${CLUSTER}-other`);
    const elsewhere = ecsTaskStateChangeCorpus({
      jobName: "nightly-report",
      clusterArn: CLUSTER,
      otherClusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-prod",
    });
    expect(elsewhere.otherClusterExit1.event.detail.clusterArn).toMatch(/cluster\/batch-prod$/);
  });
});

describe("eventsOfJobs", () => {
  it("names the events of several jobs' corpora apart, for one matchEvents call", () => {
    const dev = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-dev";
    const prod = "arn:aws:ecs:ap-northeast-1:210987654321:cluster/batch-prod";
    const events = eventsOfJobs({
      "dev/report": ecsTaskStateChangeCorpus({ jobName: "report", clusterArn: dev }),
      "prod/report": ecsTaskStateChangeCorpus({ jobName: "report", clusterArn: prod }),
    });
    expect(Object.keys(events)).toHaveLength(2 * 18);
    expect(events["dev/report jobExit1"].detail.clusterArn).toBe(dev);
    expect(events["prod/report jobExit1"].account).toBe("210987654321");
  });
});
