import { Construct } from "constructs";
import { BatchJob, IamRole, IamScope } from "../../../modules";
import { emptyStack, resourcesOf, synthesize } from "../../synth";

const BOUNDARY = "arn:aws:iam::123456789012:policy/ecs-batch-release/prod-permissions-boundary";

const role = (scope: Construct, id: string, name: string) =>
  new IamRole(scope, id, {
    name,
    identifier: "events.amazonaws.com",
    policy: {
      statements: [
        { actions: ["ecs:RunTask"], resources: ["arn:aws:ecs:*:*:task-definition/x:*"] },
      ],
    },
  });

describe("IamScope", () => {
  describe("given a name prefix, a path and a boundary on the stack", () => {
    const { json } = synthesize((scope) => {
      IamScope.of(scope).apply({
        namePrefix: "prod-",
        path: "/batch/",
        permissionsBoundaryArn: BOUNDARY,
      });
      role(scope, "Plain", "report-events");
      role(scope, "Prefixed", "prod-export-events");
    });
    const roles = Object.values(resourcesOf(json, "aws_iam_role"));
    const policies = Object.values(resourcesOf(json, "aws_iam_policy"));

    it("prefixes every role and policy name, unless it starts with the prefix already", () => {
      expect(roles.map((r) => r.name).sort()).toEqual(["prod-export-events", "prod-report-events"]);
      expect(policies.map((p) => p.name).sort()).toEqual([
        "prod-export-events",
        "prod-report-events",
      ]);
    });

    it("puts every role and policy at the path", () => {
      expect([...roles, ...policies].map((r) => r.path)).toEqual(Array(4).fill("/batch/"));
    });

    it("gives every role the boundary", () => {
      expect(roles.map((r) => r.permissions_boundary)).toEqual([BOUNDARY, BOUNDARY]);
    });
  });

  it("gives the roles of a library construct the boundary too, e.g. a BatchJob's", () => {
    const { json } = synthesize((scope) => {
      IamScope.of(scope).apply({ namePrefix: "prod-", permissionsBoundaryArn: BOUNDARY });
      new BatchJob(scope, "job", {
        jobName: "report",
        schedule: "rate(1 hour)",
        placement: {
          clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
          subnetIds: ["subnet-0123456789abcdef0"],
        },
        task: { container: { image: "alpine:3.20" } },
      });
    });
    const roles = Object.values(resourcesOf(json, "aws_iam_role"));
    expect(roles.map((r) => [r.name, r.permissions_boundary]).sort()).toEqual([
      ["prod-report-events", BOUNDARY],
      ["prod-report-execution", BOUNDARY],
    ]);
  });

  it("applies to the scope it is set on and below, not to its siblings", () => {
    const { json } = synthesize((scope) => {
      const team = new Construct(scope, "team");
      IamScope.of(team).apply({ namePrefix: "team-" });
      role(team, "Role", "jobs");
      role(scope, "Other", "others");
    });
    const names = Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name);
    expect(names.sort()).toEqual(["others", "team-jobs"]);
  });

  it("leaves names, paths and boundaries alone where none is set", () => {
    const { json } = synthesize((scope) => role(scope, "Role", "jobs"));
    const [made] = Object.values(resourcesOf(json, "aws_iam_role"));
    expect(made.name).toBe("jobs");
    expect(made).not.toHaveProperty("path");
    expect(made).not.toHaveProperty("permissions_boundary");
  });

  it("lets a role's own boundary win over the scope's", () => {
    const own = "arn:aws:iam::123456789012:policy/own-boundary";
    const { json } = synthesize((scope) => {
      IamScope.of(scope).apply({ permissionsBoundaryArn: BOUNDARY });
      new IamRole(scope, "Role", {
        name: "jobs",
        identifier: "events.amazonaws.com",
        policy: { statements: [{ actions: ["ecs:RunTask"], resources: ["*"] }] },
        permissionsBoundaryArn: own,
      });
    });
    expect(Object.values(resourcesOf(json, "aws_iam_role"))[0].permissions_boundary).toBe(own);
  });

  it("refuses two roles of one name in a stack, naming both", () => {
    const stack = emptyStack();
    IamScope.of(stack).apply({ namePrefix: "prod-" });
    role(stack, "First", "report-events");
    expect(() => role(stack, "Second", "prod-report-events")).toThrow(
      "test/Second: name: the role name 'prod-report-events' is taken by test/First already: IAM role names are unique in an account",
    );
  });

  it("counts the prefix in the length of a name", () => {
    const stack = emptyStack();
    IamScope.of(stack).apply({ namePrefix: "production-" });
    expect(
      () =>
        new BatchJob(stack, "job", {
          jobName: "a".repeat(45),
          placement: {
            clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
            subnetIds: ["subnet-0123456789abcdef0"],
          },
          task: { container: { image: "alpine:3.20" } },
        }),
    ).toThrow(/test\/job: jobName: IAM role name 'production-a+-execution' has 66 characters/);
  });
});
