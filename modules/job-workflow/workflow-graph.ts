/** A job of a workflow and the jobs that must succeed before it starts. */
export interface WorkflowNode {
  /** Name of the job, unique in the workflow. */
  readonly name: string;
  /** Names of the jobs that must succeed before this one starts.
   * @default no dependencies: the job runs in the first stage */
  readonly dependsOn?: readonly string[];
}

/**
 * Stages of a workflow: stage 0 holds the jobs without dependencies; a job is in the stage after
 * the latest stage of the jobs it depends on (longest-path layering). Jobs keep the order given.
 * Throws an Error naming the jobs for: an empty list, a duplicate job name, a dependency on a job
 * that is not in the workflow, a self-dependency, a duplicate entry in dependsOn, and a cycle (the
 * message shows it as a path, e.g. "jobs 'a' -> 'b' -> 'c' -> 'a' form a cycle").
 */
export function workflowStages(nodes: readonly WorkflowNode[]): string[][] {
  const byName = checkedNodes(nodes);
  checkNoCycle(nodes, byName);

  const stageOf = new Map<string, number>();
  const stage = (name: string): number => {
    let found = stageOf.get(name);
    if (found === undefined) {
      const deps = byName.get(name)!.dependsOn ?? [];
      found = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(stage));
      stageOf.set(name, found);
    }
    return found;
  };

  const stages: string[][] = [];
  for (const node of nodes) {
    const index = stage(node.name);
    (stages[index] ??= []).push(node.name);
  }
  return stages;
}

/** The nodes by name, after the checks that need no graph walk. */
function checkedNodes(nodes: readonly WorkflowNode[]): Map<string, WorkflowNode> {
  if (nodes.length === 0) {
    throw new Error("a workflow needs at least one job");
  }
  const byName = new Map<string, WorkflowNode>();
  for (const node of nodes) {
    if (byName.has(node.name)) {
      throw new Error(`job '${node.name}' appears twice in the workflow: job names must be unique`);
    }
    byName.set(node.name, node);
  }
  for (const node of nodes) {
    const seen = new Set<string>();
    for (const dep of node.dependsOn ?? []) {
      if (dep === node.name) {
        throw new Error(`job '${node.name}' depends on itself`);
      }
      if (seen.has(dep)) {
        throw new Error(`job '${node.name}' lists '${dep}' twice in dependsOn`);
      }
      seen.add(dep);
      if (!byName.has(dep)) {
        throw new Error(`job '${node.name}' depends on '${dep}', which is not in the workflow`);
      }
    }
  }
  return byName;
}

/**
 * Throws for the first cycle that a depth-first walk in the given order meets, written as the path
 * of dependencies from a job back to itself.
 */
function checkNoCycle(nodes: readonly WorkflowNode[], byName: Map<string, WorkflowNode>): void {
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) {
      return;
    }
    if (onPath.has(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new Error(
        `jobs ${cycle.map((n) => `'${n}'`).join(" -> ")} form a cycle: each depends on the next, so none can start`,
      );
    }
    path.push(name);
    onPath.add(name);
    for (const dep of byName.get(name)!.dependsOn ?? []) {
      visit(dep);
    }
    path.pop();
    onPath.delete(name);
    done.add(name);
  };
  for (const node of nodes) {
    visit(node.name);
  }
}
