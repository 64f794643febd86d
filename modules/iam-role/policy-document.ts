import { jsonText } from "../json-text/json-text";
import { isUnresolved } from "../validation/construct-validation";

/** Values of one condition key: one string or several. */
export type ConditionValues = string | readonly string[];

/**
 * IAM conditions as in policy JSON: operator, then condition key, then values, e.g.
 * `{ StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } }`.
 */
export type PolicyConditions = Readonly<Record<string, Readonly<Record<string, ConditionValues>>>>;

/** One statement of an identity-based IAM policy. */
export interface PolicyStatement {
  /** Statement id, for people reading the policy.
   * @default no Sid */
  readonly sid?: string;
  /** @default "Allow" */
  readonly effect?: "Allow" | "Deny";
  /** Actions, e.g. `ecs:RunTask`. */
  readonly actions: readonly string[];
  /** Resource ARNs (or ARN patterns) the actions apply to. */
  readonly resources: readonly string[];
  /** @default no conditions */
  readonly conditions?: PolicyConditions;
}

/** An identity-based IAM policy document, typed instead of hand-written JSON. */
export interface PolicyDocument {
  readonly statements: readonly PolicyStatement[];
}

const ACTION_PATTERN = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;

/** Throws an Error naming the statement and the rule unless the document is well formed. */
export function validatePolicyDocument(document: PolicyDocument): void {
  if (!document.statements || document.statements.length === 0) {
    throw new Error("the policy has no statements: give at least one");
  }
  document.statements.forEach((statement, index) => {
    const where = `statement ${statement.sid ?? index}`;
    if (statement.effect !== undefined && !["Allow", "Deny"].includes(statement.effect)) {
      throw new Error(`${where}: effect '${statement.effect}' must be 'Allow' or 'Deny'`);
    }
    if (!isUnresolved(statement.actions) && statement.actions.length === 0) {
      throw new Error(`${where}: actions is empty: give at least one action`);
    }
    for (const action of statement.actions) {
      if (!isUnresolved(action) && !ACTION_PATTERN.test(action)) {
        throw new Error(`${where}: action '${action}' must look like 'service:Action'`);
      }
    }
    if (!isUnresolved(statement.resources) && statement.resources.length === 0) {
      throw new Error(`${where}: resources is empty: give at least one ARN`);
    }
    if (statement.sid !== undefined && !/^[A-Za-z0-9]+$/.test(statement.sid)) {
      throw new Error(`${where}: sid '${statement.sid}' may contain only letters and digits`);
    }
  });
}

/**
 * Renders a policy document as IAM policy JSON. The output depends only on the input, so plans
 * do not churn; references to other resources stay in place and are resolved by Terraform, and
 * a list known only at apply time (a Terraform variable) is written as `jsonencode(...)`.
 */
export function renderPolicyDocument(document: PolicyDocument): string {
  return jsonText({
    Version: "2012-10-17",
    Statement: document.statements.map((s) => ({
      ...(s.sid !== undefined ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      Action: s.actions,
      Resource: s.resources,
      ...(s.conditions !== undefined ? { Condition: s.conditions } : {}),
    })),
  });
}

/** Checks a policy given as JSON text: it must parse and have a Statement. */
export function validatePolicyJson(json: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new Error(`the policy is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const statement = (parsed as { Statement?: unknown } | null)?.Statement;
  if (statement === undefined || (Array.isArray(statement) && statement.length === 0)) {
    throw new Error("the policy JSON has no Statement");
  }
}
