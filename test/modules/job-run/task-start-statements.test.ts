import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  JobRunAccess,
  PolicyStatement,
  renderPolicyDocument,
  taskStartStatements,
} from "../../../modules";
import { onlyResource, statementsOf, synthesize } from "../../synth";

const ACCOUNT = "arn:aws:ecs:ap-northeast-1:123456789012";
const BATCH = `${ACCOUNT}:cluster/batch`;
const BATCH_TASKS = `${ACCOUNT}:task/batch/*`;
const REPORTS = `${ACCOUNT}:cluster/reports`;
const REPORTS_TASKS = `${ACCOUNT}:task/reports/*`;
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

/** What starting a job `name` in the cluster `batch` takes, as a BatchJob describes it. */
function access(name: string, overrides: Partial<JobRunAccess> = {}): JobRunAccess {
  return {
    jobName: name,
    clusterArn: BATCH,
    clusterTasksArn: BATCH_TASKS,
    taskDefinitionRevisionsArn: `${ACCOUNT}:task-definition/${name}:*`,
    passRoleArns: [role(`${name}-execution`)],
    ...overrides,
  };
}

const bySid = (statements: readonly PolicyStatement[], sid: string) =>
  statements.find((s) => s.sid === sid);

/** The statements as policy JSON text, synthesized, with the references Terraform resolves. */
function renderedPolicy(build: (scope: Construct) => readonly PolicyStatement[]): string {
  const { json } = synthesize((scope) => {
    new IamPolicy(scope, "Starter", {
      name: "starter",
      policy: renderPolicyDocument({ statements: build(scope) }),
    });
  });
  return onlyResource(json, "aws_iam_policy").policy as string;
}

describe("taskStartStatements", () => {
  describe("for one job", () => {
    const statements = taskStartStatements([access("extract")]);

    it("may run every revision of the job's family, in its cluster only", () => {
      expect(statements[0]).toEqual({
        sid: "RunTheJobsTasks",
        actions: ["ecs:RunTask"],
        resources: [`${ACCOUNT}:task-definition/extract:*`],
        conditions: { ArnEquals: { "ecs:cluster": BATCH } },
      });
    });

    it("may pass the job's roles, to ECS tasks only", () => {
      expect(statements[1]).toEqual({
        sid: "PassTheJobsRolesToEcsTasks",
        actions: ["iam:PassRole"],
        resources: [role("extract-execution")],
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      });
    });

    it("may tag the cluster's tasks only while RunTask creates them", () => {
      expect(statements[2]).toEqual({
        sid: "TagTasksAtLaunch",
        actions: ["ecs:TagResource"],
        resources: [BATCH_TASKS],
        conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      });
    });

    it("only starts: without watch or stop it neither describes nor stops tasks", () => {
      expect(statements.map((s) => s.sid)).toEqual([
        "RunTheJobsTasks",
        "PassTheJobsRolesToEcsTasks",
        "TagTasksAtLaunch",
      ]);
      expect(statements.flatMap((s) => s.actions)).not.toContain("ecs:StopTask");
      expect(statements.flatMap((s) => s.actions)).not.toContain("ecs:DescribeTasks");
    });

    it("renders the condition on its one cluster as one value, not a list", () => {
      const [runTask] = statementsOf(renderedPolicy(() => statements));
      expect(runTask.Condition).toEqual({ ArnEquals: { "ecs:cluster": BATCH } });
    });

    it("passes the task role too, when the job has one", () => {
      const withTaskRole = taskStartStatements([
        access("load", { passRoleArns: [role("load-execution"), role("load-task")] }),
      ]);
      expect(bySid(withTaskRole, "PassTheJobsRolesToEcsTasks")?.resources).toEqual([
        role("load-execution"),
        role("load-task"),
      ]);
    });
  });

  describe("for several jobs in one cluster", () => {
    const statements = taskStartStatements([
      access("extract"),
      access("load", { passRoleArns: [role("load-execution"), role("load-task")] }),
    ]);

    it("may run every revision of each job's family, in the one cluster", () => {
      expect(bySid(statements, "RunTheJobsTasks")).toMatchObject({
        resources: [`${ACCOUNT}:task-definition/extract:*`, `${ACCOUNT}:task-definition/load:*`],
        conditions: { ArnEquals: { "ecs:cluster": BATCH } },
      });
    });

    it("may pass every job's roles", () => {
      expect(bySid(statements, "PassTheJobsRolesToEcsTasks")?.resources).toEqual([
        role("extract-execution"),
        role("load-execution"),
        role("load-task"),
      ]);
    });

    it("names the cluster's tasks once", () => {
      expect(bySid(statements, "TagTasksAtLaunch")?.resources).toEqual([BATCH_TASKS]);
    });
  });

  describe("for jobs in two clusters", () => {
    const statements = taskStartStatements(
      [
        access("extract"),
        access("report", { clusterArn: REPORTS, clusterTasksArn: REPORTS_TASKS }),
        access("load"),
      ],
      { watch: true, stop: "any" },
    );

    it("may run the jobs in either cluster: the condition lists both", () => {
      expect(bySid(statements, "RunTheJobsTasks")?.conditions).toEqual({
        ArnEquals: { "ecs:cluster": [BATCH, REPORTS] },
      });
      const [runTask] = statementsOf(renderedPolicy(() => statements));
      expect(runTask.Condition).toEqual({ ArnEquals: { "ecs:cluster": [BATCH, REPORTS] } });
    });

    it("tags, watches and stops the tasks of both clusters", () => {
      for (const sid of ["TagTasksAtLaunch", "WatchTheJobsTasks", "StopTheJobsTasks"]) {
        expect(bySid(statements, sid)?.resources).toEqual([BATCH_TASKS, REPORTS_TASKS]);
      }
    });
  });

  it("watches the jobs' tasks with DescribeTasks, after the start statements", () => {
    const statements = taskStartStatements([access("extract")], { watch: true });
    expect(statements.map((s) => s.sid)).toEqual([
      "RunTheJobsTasks",
      "PassTheJobsRolesToEcsTasks",
      "TagTasksAtLaunch",
      "WatchTheJobsTasks",
    ]);
    expect(statements[3]).toEqual({
      sid: "WatchTheJobsTasks",
      actions: ["ecs:DescribeTasks"],
      resources: [BATCH_TASKS],
    });
  });

  it("stops any task of the jobs' clusters with stop any, as a workflow stops a run that timed out", () => {
    const statements = taskStartStatements([access("extract")], { watch: true, stop: "any" });
    expect(statements.map((s) => s.sid)).toEqual([
      "RunTheJobsTasks",
      "PassTheJobsRolesToEcsTasks",
      "TagTasksAtLaunch",
      "WatchTheJobsTasks",
      "StopTheJobsTasks",
    ]);
    expect(statements[4]).toEqual({
      sid: "StopTheJobsTasks",
      actions: ["ecs:StopTask"],
      resources: [BATCH_TASKS],
    });
  });

  it("stops only the tasks tagged BatchJob=<job> with stop tagged, as the runner tags them", () => {
    const statements = taskStartStatements([access("extract"), access("load")], {
      stop: "tagged",
    });
    expect(statements.map((s) => s.sid)).toEqual([
      "RunTheJobsTasks",
      "PassTheJobsRolesToEcsTasks",
      "TagTasksAtLaunch",
      "StopTheTasksItStarted",
    ]);
    expect(statements[3]).toEqual({
      sid: "StopTheTasksItStarted",
      actions: ["ecs:StopTask"],
      resources: [BATCH_TASKS],
      conditions: { StringEquals: { "aws:ResourceTag/BatchJob": ["extract", "load"] } },
    });
  });

  it("names every ARN and job once, however many jobs share it", () => {
    const shared = role("shared-task");
    const statements = taskStartStatements(
      [
        access("extract", { passRoleArns: [role("batch-execution"), shared] }),
        access("load", { passRoleArns: [role("batch-execution"), shared] }),
        access("load", { passRoleArns: [role("batch-execution"), shared] }),
      ],
      { watch: true, stop: "tagged" },
    );
    for (const statement of statements) {
      expect(new Set(statement.resources).size).toBe(statement.resources.length);
    }
    expect(bySid(statements, "RunTheJobsTasks")).toMatchObject({
      resources: [`${ACCOUNT}:task-definition/extract:*`, `${ACCOUNT}:task-definition/load:*`],
      conditions: { ArnEquals: { "ecs:cluster": BATCH } },
    });
    expect(bySid(statements, "PassTheJobsRolesToEcsTasks")?.resources).toEqual([
      role("batch-execution"),
      shared,
    ]);
    expect(bySid(statements, "StopTheTasksItStarted")?.conditions).toEqual({
      StringEquals: { "aws:ResourceTag/BatchJob": ["extract", "load"] },
    });
  });

  describe("with a task role known only at apply time, which may be null", () => {
    const taskRole = (scope: Construct) =>
      new TerraformVariable(scope, "task_role_arn", { type: "string", nullable: true }).stringValue;

    it("passes the roles through Terraform's compact, so a null role drops out", () => {
      const policy = renderedPolicy((scope) =>
        taskStartStatements([
          access("report", {
            passRoleArns: [role("report-execution")],
            optionalRoleArns: [taskRole(scope)],
          }),
        ]),
      );
      expect(policy).toContain(
        `"Action":["iam:PassRole"],"Resource":\${jsonencode(compact(["${role("report-execution")}", var.task_role_arn]))},`,
      );
    });

    it("keeps the other jobs' roles in the same compact list", () => {
      const policy = renderedPolicy((scope) =>
        taskStartStatements([
          access("extract"),
          access("report", {
            passRoleArns: [role("report-execution")],
            optionalRoleArns: [taskRole(scope)],
          }),
        ]),
      );
      expect(policy).toContain(
        `\${jsonencode(compact(["${role("extract-execution")}", "${role("report-execution")}", var.task_role_arn]))}`,
      );
    });

    it("names a task role that several jobs share once", () => {
      const policy = renderedPolicy((scope) => {
        const shared = taskRole(scope);
        return taskStartStatements([
          access("extract", { optionalRoleArns: [shared] }),
          access("load", { optionalRoleArns: [shared] }),
        ]);
      });
      expect(policy.match(/var\.task_role_arn/g)).toHaveLength(1);
    });

    it("leaves every other statement plain JSON", () => {
      const policy = renderedPolicy((scope) =>
        taskStartStatements([access("report", { optionalRoleArns: [taskRole(scope)] })], {
          watch: true,
          stop: "tagged",
        }),
      );
      const others = policy.replace(/\$\{jsonencode\(compact\(\[[^\]]*\]\)\)\}/, "[]");
      expect(statementsOf(others).map((s) => s.Sid)).toEqual([
        "RunTheJobsTasks",
        "PassTheJobsRolesToEcsTasks",
        "TagTasksAtLaunch",
        "WatchTheJobsTasks",
        "StopTheTasksItStarted",
      ]);
    });
  });
});
