import { Token } from "cdktf";
import { IConstruct } from "constructs";

/**
 * An invalid input found at synth time. The message names the construct path, the field, the
 * bad value and the rule, e.g.
 * `dev/example-batch: scheduleExpression: schedule expression 'cron(* * * * *)' is not valid: ...`.
 */
export class ValidationError extends Error {
  constructor(
    readonly constructPath: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${constructPath}: ${field}: ${rule}`);
    this.name = "ValidationError";
  }
}

/**
 * Whether a value is, or contains, a reference that Terraform resolves at apply time (a token).
 * Such values cannot be checked at synth time and are skipped by every validation.
 */
export function isUnresolved(value: unknown): boolean {
  if (Array.isArray(value)) {
    return Token.isUnresolved(value) || value.some((v) => isUnresolved(v));
  }
  return Token.isUnresolved(value);
}

/**
 * The app context key that makes constructs collect their invalid inputs instead of throwing at
 * the first: each problem is registered as a validation of its construct (`node.addValidation`),
 * run with every other one at synth (see {@link problemsOf}). The environments' app sets it; a
 * library user may too.
 */
export const COLLECT_PROBLEMS = "ecs-batch:collectValidationProblems";

/** Whether the app `scope` belongs to collects problems (see {@link COLLECT_PROBLEMS}). */
export function collectsProblems(scope: IConstruct): boolean {
  return scope.node.tryGetContext(COLLECT_PROBLEMS) === true;
}

/**
 * Reports an invalid input of `field` of `scope`: throws a {@link ValidationError}, or, when the
 * app collects problems, registers it on the construct and returns, so that the construct (and
 * the rest of the app) goes on and every problem is told at once.
 */
export function invalid(scope: IConstruct, field: string, rule: string): void {
  const problem = new ValidationError(scope.node.path, field, rule);
  if (!collectsProblems(scope)) {
    throw problem;
  }
  scope.node.addValidation({ validate: () => [`${field}: ${rule}`] });
}

/**
 * Reports an invalid input after which `scope` cannot be built: always throws a
 * {@link ValidationError} (an app that collects problems reports it with the others it has).
 */
export function invalidBeyondRepair(scope: IConstruct, field: string, rule: string): never {
  throw new ValidationError(scope.node.path, field, rule);
}

/** A problem found by a construct's validation, as {@link problemsOf} returns it. */
export interface Problem {
  /** The path of the construct, e.g. `dev/example-batch/Rule`. */
  readonly constructPath: string;
  /** `field: rule`, or the message of another validation. */
  readonly message: string;
}

/** Every problem the validations of `scope` and the constructs below it find, in tree order. */
export function problemsOf(scope: IConstruct): Problem[] {
  return scope.node
    .findAll()
    .flatMap((c) => c.node.validate().map((message) => ({ constructPath: c.node.path, message })));
}

/**
 * Runs `validator` on the value of one field of a construct, unless the value is absent or an
 * unresolved token; rethrows its error as a {@link ValidationError} naming the construct and field.
 */
export function validateField<T>(
  scope: IConstruct,
  field: string,
  value: T | undefined,
  validator: (value: T) => void,
): void {
  if (value === undefined || isUnresolved(value)) {
    return;
  }
  try {
    validator(value);
  } catch (error) {
    if (error instanceof ValidationError) {
      throw error;
    }
    invalid(scope, field, (error as Error).message);
  }
}

/** Checks that a number field is a whole number within [min, max] (tokens are skipped). */
export function validateIntegerRange(
  scope: IConstruct,
  field: string,
  value: number | undefined,
  min: number,
  max: number,
): void {
  validateField(scope, field, value, (v) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new Error(`${v} is not valid: it must be a whole number from ${min} to ${max}`);
    }
  });
}

/** Checks that a list field has at least one element (an unresolved list is skipped). */
export function validateNotEmpty(
  scope: IConstruct,
  field: string,
  value: readonly unknown[] | undefined,
): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (value.length === 0) {
    invalid(scope, field, "it is empty: give at least one value");
  }
}
