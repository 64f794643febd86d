import { PolicyConditions } from "./policy-document";

/** Who a resource policy statement applies to: everyone, AWS services, or an AWS principal. */
export type ResourcePolicyPrincipal =
  "*" | { readonly service: string | readonly string[] } | { readonly aws: string };

/** One statement of a resource-based policy (a key policy, a topic policy): it names a principal. */
export interface ResourcePolicyStatement {
  /** Statement id: letters and digits. */
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  readonly principal: ResourcePolicyPrincipal;
  /** Actions, e.g. `sns:Publish`. */
  readonly actions: readonly string[];
  /** ARNs the statement is about (`*` in a key policy: the key itself). */
  readonly resources: readonly string[];
  /** @default no conditions */
  readonly conditions?: PolicyConditions;
}

/** A resource-based policy, typed instead of hand-written JSON. */
export interface ResourcePolicyDocument {
  readonly statements: readonly ResourcePolicyStatement[];
}

function renderPrincipal(principal: ResourcePolicyPrincipal): unknown {
  if (principal === "*") {
    return "*";
  }
  if ("aws" in principal) {
    return { AWS: principal.aws };
  }
  const services = principal.service;
  return {
    Service: typeof services === "string" || services.length !== 1 ? services : services[0],
  };
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
      Resource: s.resources,
      ...(s.conditions !== undefined ? { Condition: s.conditions } : {}),
    })),
  });
}
