import { awsErrorText } from "./aws-error";
import { RunnerError } from "./runner-error";

/**
 * What the runner says when it fails before the job could run: what went wrong, then what to do
 * about it, one line each. The AWS SDK's own words for a missing region, missing or expired
 * credentials and a denied call name the problem but not the fix on a scheduler's host.
 */

/** What the advice may name. */
export interface FailureContext {
  /** The environment of `run --env`: its runner policy is `<env>-ecs-batch-runner`. */
  readonly environment?: string;
  /** The process environment: AWS_PROFILE, AWS_DEFAULT_REGION, AWS_SESSION_TOKEN. */
  readonly variables: NodeJS.ProcessEnv;
}

/** A failure as the CLI shows it. */
export interface FailureReport {
  readonly message: string;
  /** What to do about it, when the runner knows. */
  readonly hint?: string;
}

/** What an AWS error means, and what to do about it. */
export interface Advice {
  readonly problem: string;
  readonly hint: string;
}

/**
 * The report of an error that ends a run: a RunnerError's message and hint; for the failure
 * of an AWS call ({@link RunnerError.ofAwsCall}) or a bare SDK error, what the error means.
 */
export function describeFailure(error: unknown, context: FailureContext): FailureReport {
  if (error instanceof RunnerError) {
    if (error.hint !== undefined) {
      return { message: error.message, hint: error.hint };
    }
    const advice = error.step !== undefined ? awsErrorAdvice(error.cause, context) : undefined;
    return advice !== undefined
      ? { message: `${error.step}: ${advice.problem}`, hint: advice.hint }
      : { message: error.message };
  }
  const advice = awsErrorAdvice(error, context);
  return advice !== undefined
    ? { message: advice.problem, hint: advice.hint }
    : { message: awsErrorText(error) };
}

/** Names of the errors AWS services answer with when the request's credentials have expired. */
const EXPIRED_CREDENTIALS = new Set(["ExpiredTokenException", "ExpiredToken"]);
/** ... and when they are not valid: an unknown key, a wrong secret, a damaged session token. */
const INVALID_CREDENTIALS = new Set([
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
]);
/** The errors of the SDK's credential providers (`@smithy/core`'s config errors). */
const PROVIDER_ERRORS = new Set(["CredentialsProviderError", "TokenProviderError"]);

/** What a missing region, bad credentials or a denied call means; undefined for other errors. */
export function awsErrorAdvice(error: unknown, context: FailureContext): Advice | undefined {
  const { name = "", message = "" } =
    typeof error === "object" && error !== null
      ? (error as { name?: string; message?: string })
      : {};
  // The SDK's region resolver throws plain Errors (@smithy/core, config: resolveRegionConfig).
  if (message === "Region is missing") {
    return missingRegion(context.variables);
  }
  const badRegion = /^Region not accepted: region="(.*)"/.exec(message);
  if (badRegion !== null) {
    return {
      problem: `'${badRegion[1]}' is not an AWS region`,
      hint: "correct AWS_REGION or the region of the AWS profile: a region looks like ap-northeast-1",
    };
  }
  if (PROVIDER_ERRORS.has(name)) {
    return credentialsNotLoaded(message, context.variables);
  }
  if (EXPIRED_CREDENTIALS.has(name)) {
    return {
      problem: `the AWS credentials have expired (${name})`,
      hint: renewal(context.variables),
    };
  }
  if (INVALID_CREDENTIALS.has(name)) {
    return {
      problem: `the AWS credentials are not valid (${awsErrorText(error)})`,
      hint: "check the access key, secret key and session token ecs-batch is given (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, or the profile's)",
    };
  }
  if (name === "AccessDeniedException" || name === "AccessDenied" || NOT_AUTHORIZED.test(message)) {
    return accessDenied(error, message, context.environment);
  }
  return undefined;
}

function missingRegion(variables: NodeJS.ProcessEnv): Advice {
  const defaultRegion = variables.AWS_DEFAULT_REGION;
  const region = defaultRegion || "<region>";
  const profile = variables.AWS_PROFILE ? `profile ${variables.AWS_PROFILE}` : "the AWS profile";
  return {
    problem: "no AWS region is set",
    hint:
      `give one with --region ${region}, AWS_REGION=${region} or a region in ${profile} (${configFile(variables)})` +
      (defaultRegion ? "; ecs-batch does not read AWS_DEFAULT_REGION (the AWS CLI does)" : ""),
  };
}

function credentialsNotLoaded(message: string, variables: NodeJS.ProcessEnv): Advice {
  const profile = variables.AWS_PROFILE;
  const login = `aws sso login${profile ? ` --profile ${profile}` : ""}`;
  const sso = /\bSSO\b/.test(message);
  if (/expired/i.test(message)) {
    return sso
      ? { problem: "the AWS SSO session has expired", hint: `sign in again: ${login}` }
      : { problem: `the AWS credentials have expired (${message})`, hint: renewal(variables) };
  }
  if (sso) {
    return {
      problem: `no valid AWS SSO session${profile ? ` for profile ${profile}` : ""}`,
      hint: `sign in: ${login}`,
    };
  }
  if (!/any providers/.test(message)) {
    return {
      problem: `cannot load AWS credentials: ${message}`,
      hint: `check the profile${profile ? ` ${profile}` : ""} in ${configFile(variables)}`,
    };
  }
  return profile
    ? {
        problem: `no AWS credentials found for profile ${profile} (AWS_PROFILE)`,
        hint: `check that ${configFile(variables)} has profile ${profile}, with keys, a role or SSO (then: ${login})`,
      }
    : {
        problem: "no AWS credentials found",
        hint: "give ecs-batch credentials: the host's instance role, AWS_PROFILE=<profile> (aws sso login first, for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
      };
}

/** Where the SDK reads profiles. */
function configFile(variables: NodeJS.ProcessEnv): string {
  return variables.AWS_CONFIG_FILE ?? "~/.aws/config";
}

/** How to get credentials again, for the kind the host was given. */
function renewal(variables: NodeJS.ProcessEnv): string {
  if (variables.AWS_SESSION_TOKEN) {
    return "get new temporary credentials for AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (e.g. aws sts assume-role)";
  }
  if (variables.AWS_PROFILE) {
    return `get new ones for profile ${variables.AWS_PROFILE}: aws sso login --profile ${variables.AWS_PROFILE} for an SSO profile`;
  }
  return "get new ones: aws sso login for an SSO profile, new keys for temporary ones; an instance role renews its own";
}

/**
 * How AWS says who may not do what (IAM user guide, "Access denied error messages"):
 * `User: <arn> is not authorized to perform: <action> [on resource: <arn>] [because ...|with ...]`.
 */
const NOT_AUTHORIZED =
  /User: (\S+) is not authorized to perform: ([\w-]+:[\w*-]+)(?: on resource: (\S+?))?(?:\.?$| (because .*|with .*?)\.?$)/;

function accessDenied(error: unknown, message: string, environment: string | undefined): Advice {
  const match = NOT_AUTHORIZED.exec(message);
  if (match === null) {
    return {
      problem: `access denied (${awsErrorText(error)})`,
      hint: runnerPolicyHint(environment, "this host's role", undefined),
    };
  }
  const [, principal, action, resource, reason = ""] = match;
  const who = principalName(principal);
  const why = denialKind(reason);
  const problem = `access denied: ${who} may not ${action}${resource !== undefined ? ` on ${resource}` : ""}${why.text !== undefined ? ` (${why.text})` : ""}`;
  const env = environment ?? "<env>";
  const hints: Record<DenialKind["kind"], string> = {
    policy: runnerPolicyHint(environment, who, action),
    boundary: `give ${who} the permissions boundary ${env}-permissions-boundary (output permissions-boundary-arn of the release stack): it allows all the runner policy does`,
    scp: "an AWS Organizations service control policy denies it: no policy of ecs-batch can allow it; ask the organization's administrators",
    deny: `a policy of ${who} denies ${action} explicitly: remove that Deny`,
  };
  return { problem, hint: hints[why.kind] };
}

function runnerPolicyHint(
  environment: string | undefined,
  who: string,
  action: string | undefined,
): string {
  return environment !== undefined
    ? `attach the policy ${environment}-ecs-batch-runner (output runner-policy-arn of stack ${environment}) to ${who}: it allows ${action ?? "what ecs-batch does"} for the ${environment} jobs`
    : `attach the runner policy of the job's environment, <env>-ecs-batch-runner (output runner-policy-arn), to ${who}; for jobs outside an environment, one made by runnerPolicy(jobs)`;
}

/** `role batch-scheduler` for an assumed role's session, `user alice`, or the ARN. */
function principalName(arn: string): string {
  const assumed = /:assumed-role\/([^/]+)\//.exec(arn);
  if (assumed !== null) {
    return `role ${assumed[1]}`;
  }
  const identity = /:iam::\d*:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  return identity !== null ? `${identity[1]} ${identity[2]}` : arn;
}

interface DenialKind {
  readonly kind: "policy" | "boundary" | "scp" | "deny";
  readonly text?: string;
}

/** Why IAM denied, from the end of AWS's message. */
function denialKind(reason: string): DenialKind {
  if (/permissions boundary/.test(reason)) {
    return { kind: "boundary", text: "its permissions boundary does not allow it" };
  }
  if (/service control policy/.test(reason)) {
    return { kind: "scp", text: "a service control policy denies it" };
  }
  if (/explicit deny in an identity-based policy/.test(reason)) {
    return { kind: "deny", text: "an identity-based policy denies it" };
  }
  if (/no identity-based policy allows/.test(reason)) {
    return { kind: "policy", text: "no identity-based policy allows it" };
  }
  return { kind: "policy", text: reason === "" ? undefined : reason };
}
