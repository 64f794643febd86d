import { PolicyConditions } from "./policy-document";

/** Who a resource policy statement applies to: everyone, AWS services, or AWS principals
 * (accounts, roles). */
export type ResourcePolicyPrincipal =
  | "*"
  | { readonly service: string | readonly string[] }
  | { readonly aws: string | readonly string[] };

/** One statement of a resource-based policy (a key policy, a topic policy): it names a principal. */
export interface ResourcePolicyStatement {
  /** Statement id: letters and digits. */
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly principal: ResourcePolicyPrincipal;
  /** Actions, e.g. `sns:Publish`. */
  readonly actions: readonly string[];
  /** ARNs the statement is about (`*` in a key policy: the key itself).
   * @default no Resource element: the policy's own resource, as ECR repository policies need
   * (ECR rejects a repository policy whose statements name a Resource) */
  readonly resources?: readonly string[];
  /** @default no conditions */
  readonly conditions?: PolicyConditions;
}

/** A resource-based policy, typed instead of hand-written JSON. */
export interface ResourcePolicyDocument {
  readonly statements: readonly ResourcePolicyStatement[];
}

/** A list of one is written as its only element, as IAM itself stores it, so plans do not churn. */
function oneOrList(values: string | readonly string[]): string | readonly string[] {
  return typeof values === "string" || values.length !== 1 ? values : values[0];
}

function renderPrincipal(principal: ResourcePolicyPrincipal): unknown {
  if (principal === "*") {
    return "*";
  }
  if ("aws" in principal) {
    return { AWS: oneOrList(principal.aws) };
  }
  return { Service: oneOrList(principal.service) };
}

/**
 * Renders a resource policy as policy JSON. The output depends only on the input (keys in a fixed
 * order), so plans do not churn; references to other resources stay in place for Terraform.
 */
export function renderResourcePolicy(document: ResourcePolicyDocument): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: document.statements.map((s) => ({
      Sid: s.sid,
      Effect: s.effect ?? "Allow",
      Principal: renderPrincipal(s.principal),
      Action: s.actions,
      ...(s.resources !== undefined ? { Resource: s.resources } : {}),
      ...(s.conditions !== undefined ? { Condition: s.conditions } : {}),
    })),
  });
}
