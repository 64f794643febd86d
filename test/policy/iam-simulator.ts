import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyStatement, renderPolicyDocument } from "../../modules/iam-role/policy-document";

/*
 * IAM decisions from an IAM policy simulator nobody on this project wrote
 * (@cloud-copilot/iam-simulate: identity policies, permissions boundaries, every condition
 * operator, validated against AWS's published actions, resource types and condition keys), so a
 * test of what a role may do does not rest on our own reading of IAM.
 */

/** The account the tests' principals and resources live in. */
export const SIMULATED_ACCOUNT = "111111111111";

/** What IAM decides for a request. */
export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/** One request of a principal. */
export interface SimulatedRequest {
  readonly action: string;
  /** The resource's ARN, or `*` for actions without resource-level permissions. */
  readonly resource: string;
  /** Request context keys, e.g. `{ "iam:PassedToService": "ecs-tasks.amazonaws.com" }`. */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** The resource's own policy, e.g. a KMS key's: KMS allows nothing its key policy does not.
   * @default none */
  readonly resourcePolicy?: unknown;
}

/** A principal's permissions: its identity policies and, if it has one, its boundary. */
export interface SimulatedPrincipal {
  /** ARN of the principal. @default a role of {@link SIMULATED_ACCOUNT} */
  readonly arn?: string;
  /** Each attached policy, as JSON text or as statements. */
  readonly policies: readonly (string | readonly PolicyStatement[])[];
  /** The permissions boundary, as JSON text or as statements. @default none */
  readonly boundary?: string | readonly PolicyStatement[];
}

function parsed(policy: string | readonly PolicyStatement[]): unknown {
  return JSON.parse(
    typeof policy === "string" ? policy : renderPolicyDocument({ statements: policy }),
  );
}

/**
 * What IAM decides when `principal` makes `request`. Throws when the simulator refuses the
 * request (an unknown action, a resource of a type the action does not take), so a typo can never
 * pass for a denial.
 */
export async function decide(
  principal: SimulatedPrincipal,
  request: SimulatedRequest,
): Promise<Decision> {
  const result = await runSimulation(
    {
      request: {
        principal: principal.arn ?? `arn:aws:iam::${SIMULATED_ACCOUNT}:role/simulated`,
        action: request.action,
        // The resource is in the principal's own account.
        resource: {
          resource: request.resource,
          accountId: principal.arn?.split(":")[4] ?? SIMULATED_ACCOUNT,
        },
        contextVariables: Object.fromEntries(
          Object.entries(request.context ?? {}).map(([key, value]) => [
            key,
            typeof value === "string" ? value : [...value],
          ]),
        ),
      },
      identityPolicies: principal.policies.map((policy, index) => ({
        name: `policy${index + 1}`,
        policy: parsed(policy),
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: request.resourcePolicy,
      permissionBoundaryPolicies:
        principal.boundary === undefined
          ? undefined
          : [{ name: "boundary", policy: parsed(principal.boundary) }],
    },
    {},
  );
  if (result.resultType === "error") {
    throw new Error(
      `the simulator refused ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.overallResult as Decision;
}
