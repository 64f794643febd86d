import { WorkflowNode, workflowStages } from "../../../modules/job-workflow/workflow-graph";

describe("workflowStages", () => {
  describe("given valid dependencies", () => {
    it("puts a chain in one stage per job", () => {
      const nodes: WorkflowNode[] = [
        { name: "extract" },
        { name: "transform", dependsOn: ["extract"] },
        { name: "load", dependsOn: ["transform"] },
      ];
      expect(workflowStages(nodes)).toEqual([["extract"], ["transform"], ["load"]]);
    });

    it("runs the sides of a diamond together, and its bottom after both", () => {
      const nodes: WorkflowNode[] = [
        { name: "a" },
        { name: "b", dependsOn: ["a"] },
        { name: "c", dependsOn: ["a"] },
        { name: "d", dependsOn: ["b", "c"] },
      ];
      expect(workflowStages(nodes)).toEqual([["a"], ["b", "c"], ["d"]]);
    });

    it("puts independent jobs in one stage, in the order given", () => {
      const nodes: WorkflowNode[] = [{ name: "c" }, { name: "a" }, { name: "b", dependsOn: [] }];
      expect(workflowStages(nodes)).toEqual([["c", "a", "b"]]);
    });

    it("puts a job after the latest stage of its dependencies (longest path)", () => {
      const nodes: WorkflowNode[] = [
        { name: "a" },
        { name: "b", dependsOn: ["a"] },
        { name: "c", dependsOn: ["a", "b"] },
        { name: "d", dependsOn: ["a"] },
      ];
      expect(workflowStages(nodes)).toEqual([["a"], ["b", "d"], ["c"]]);
    });

    it("keeps the given order within a stage even when a job is listed before its dependency", () => {
      const nodes: WorkflowNode[] = [
        { name: "report", dependsOn: ["load"] },
        { name: "zeta" },
        { name: "load", dependsOn: ["extract"] },
        { name: "audit", dependsOn: ["extract"] },
        { name: "extract" },
      ];
      expect(workflowStages(nodes)).toEqual([["zeta", "extract"], ["load", "audit"], ["report"]]);
    });

    it("accepts a single job", () => {
      expect(workflowStages([{ name: "only" }])).toEqual([["only"]]);
    });
  });

  describe("given invalid dependencies", () => {
    it("rejects an empty workflow", () => {
      expect(() => workflowStages([])).toThrow("a workflow needs at least one job");
    });

    it("rejects a duplicate job name, naming it", () => {
      expect(() => workflowStages([{ name: "load" }, { name: "load" }])).toThrow(
        "job 'load' appears twice in the workflow: job names must be unique",
      );
    });

    it("rejects a dependency on a job that is not in the workflow, naming both", () => {
      const nodes: WorkflowNode[] = [{ name: "extract" }, { name: "load", dependsOn: ["extrct"] }];
      expect(() => workflowStages(nodes)).toThrow(
        "job 'load' depends on 'extrct', which is not in the workflow",
      );
    });

    it("rejects a self-dependency", () => {
      expect(() => workflowStages([{ name: "a", dependsOn: ["a"] }])).toThrow(
        "job 'a' depends on itself",
      );
    });

    it("rejects a duplicate entry in dependsOn", () => {
      const nodes: WorkflowNode[] = [
        { name: "extract" },
        { name: "load", dependsOn: ["extract", "extract"] },
      ];
      expect(() => workflowStages(nodes)).toThrow("job 'load' lists 'extract' twice in dependsOn");
    });

    it("rejects a cycle, showing it as a path of dependencies", () => {
      const nodes: WorkflowNode[] = [
        { name: "a", dependsOn: ["b"] },
        { name: "b", dependsOn: ["c"] },
        { name: "c", dependsOn: ["a"] },
      ];
      expect(() => workflowStages(nodes)).toThrow("jobs 'a' -> 'b' -> 'c' -> 'a' form a cycle");
    });

    it("shows only the cycle, not the jobs that lead into it", () => {
      const nodes: WorkflowNode[] = [
        { name: "start" },
        { name: "report", dependsOn: ["start", "x"] },
        { name: "x", dependsOn: ["y"] },
        { name: "y", dependsOn: ["x"] },
      ];
      expect(() => workflowStages(nodes)).toThrow(
        /^jobs 'x' -> 'y' -> 'x' form a cycle: each depends on the next, so none can start$/,
      );
    });
  });
});
