import { AccessDeniedException as LogsAccessDenied } from "@aws-sdk/client-cloudwatch-logs";
import {
  AccessDeniedException as EcsAccessDenied,
  ECSClient,
  ECSServiceException,
  RunTaskCommand,
} from "@aws-sdk/client-ecs";
import {
  AccessDeniedException as SsmAccessDenied,
  GetParameterCommand,
  SSMClient,
  SSMServiceException,
} from "@aws-sdk/client-ssm";
import { Readable } from "node:stream";
// The SDK's credential provider errors (a dependency of the SDK clients, pinned by the lockfile).
import { CredentialsProviderError, TokenProviderError } from "@smithy/core/config";
import { describeFailure, type FailureContext } from "../../runner/failure-advice";
import { RunnerError } from "../../runner/runner-error";

const ROLE = "arn:aws:sts::123456789012:assumed-role/batch-scheduler/i-0123456789abcdef0";
const PARAMETER_ARN =
  "arn:aws:ssm:ap-northeast-1:123456789012:parameter/ecs-batch/prod/nightly-report";
const TASK_DEFINITION_ARN =
  "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report";
const PROD: FailureContext = { environment: "prod", variables: {} };
const metadata = { httpStatusCode: 400 };

/** What the SDK throws when neither --region, AWS_REGION, a profile nor EC2 gives a region. */
const regionMissing = () => new Error("Region is missing");

/** An error the service answers with that the client does not model, as the SDK builds it. */
function serviceError(
  Base: typeof ECSServiceException | typeof SSMServiceException,
  name: string,
  message: string,
) {
  return new Base({ name, message, $fault: "client", $metadata: metadata });
}

/** The failure of reading the job parameter, as the runner wraps it. */
const readingParameter = (error: unknown) =>
  RunnerError.ofAwsCall("cannot read job parameter /ecs-batch/prod/nightly-report", error);

describe("describeFailure: a missing region", () => {
  test("says where a region comes from", () => {
    expect(describeFailure(readingParameter(regionMissing()), PROD)).toEqual({
      message: "cannot read job parameter /ecs-batch/prod/nightly-report: no AWS region is set",
      hint: "give one with --region <region>, AWS_REGION=<region> or a region in the AWS profile (~/.aws/config)",
    });
  });

  test("says that AWS_DEFAULT_REGION, set for the AWS CLI, is not read, and names the profile", () => {
    const context = {
      variables: { AWS_DEFAULT_REGION: "ap-northeast-1", AWS_PROFILE: "batch" },
    };

    expect(describeFailure(regionMissing(), context)).toEqual({
      message: "no AWS region is set",
      hint: "give one with --region ap-northeast-1, AWS_REGION=ap-northeast-1 or a region in profile batch (~/.aws/config); ecs-batch does not read AWS_DEFAULT_REGION (the AWS CLI does)",
    });
  });

  test("a region that is not one", () => {
    const error = new Error(
      'Region not accepted: region="tokyo 1" is not a valid hostname component.',
    );

    expect(describeFailure(error, PROD).message).toBe("'tokyo 1' is not an AWS region");
  });
});

describe("describeFailure: credentials", () => {
  test("none found: says how a host gets them", () => {
    const error = new CredentialsProviderError("Could not load credentials from any providers", {
      tryNextLink: false,
    });

    expect(describeFailure(readingParameter(error), PROD)).toEqual({
      message: "cannot read job parameter /ecs-batch/prod/nightly-report: no AWS credentials found",
      hint: "give ecs-batch credentials: the host's instance role, AWS_PROFILE=<profile> (aws sso login first, for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
    });
  });

  test("none for the profile of AWS_PROFILE: names it and the config file", () => {
    const error = new CredentialsProviderError("Could not load credentials from any providers");
    const context = { variables: { AWS_PROFILE: "batch", AWS_CONFIG_FILE: "/etc/batch/aws" } };

    expect(describeFailure(error, context)).toEqual({
      message: "no AWS credentials found for profile batch (AWS_PROFILE)",
      hint: "check that /etc/batch/aws has profile batch, with keys, a role or SSO (then: aws sso login --profile batch)",
    });
  });

  test.each([
    [
      "an expired SSO session",
      new CredentialsProviderError(
        "The SSO session associated with this profile has expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
      ),
      "the AWS SSO session has expired",
      "sign in again: aws sso login --profile batch",
    ],
    [
      "an expired SSO token",
      new TokenProviderError(
        "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        false,
      ),
      "the AWS SSO session has expired",
      "sign in again: aws sso login --profile batch",
    ],
    [
      "no SSO session yet",
      new CredentialsProviderError(
        "The SSO session token associated with profile=batch was not found or is invalid. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
      ),
      "no valid AWS SSO session for profile batch",
      "sign in: aws sso login --profile batch",
    ],
  ])("%s: says to sign in again", (_, error, problem, hint) => {
    expect(describeFailure(error, { variables: { AWS_PROFILE: "batch" } })).toEqual({
      message: problem,
      hint,
    });
  });

  test("an expired token, told apart from none: says how to renew the kind the host has", () => {
    const expired = serviceError(
      ECSServiceException,
      "ExpiredTokenException",
      "The security token included in the request is expired",
    );
    const failure = RunnerError.ofAwsCall("RunTask failed", expired);

    expect(describeFailure(failure, PROD).message).toBe(
      "RunTask failed: the AWS credentials have expired (ExpiredTokenException)",
    );
    expect(describeFailure(failure, { variables: { AWS_SESSION_TOKEN: "x" } }).hint).toBe(
      "get new temporary credentials for AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (e.g. aws sts assume-role)",
    );
    expect(describeFailure(failure, { variables: { AWS_PROFILE: "batch" } }).hint).toBe(
      "get new ones for profile batch: aws sso login --profile batch for an SSO profile",
    );
  });

  test("credentials the service does not know", () => {
    const error = serviceError(
      SSMServiceException,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );

    expect(describeFailure(error, PROD)).toEqual({
      message:
        "the AWS credentials are not valid (UnrecognizedClientException: The security token included in the request is invalid.)",
      hint: "check the access key, secret key and session token ecs-batch is given (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, or the profile's)",
    });
  });
});

describe("describeFailure: access denied", () => {
  test("names who, the action and the resource, and the environment's runner policy", () => {
    // SSM's model names the field Message; the SDK copies it into message.
    const text = `User: ${ROLE} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER_ARN} because no identity-based policy allows the ssm:GetParameter action`;
    const denied = new SsmAccessDenied({ Message: text, message: text, $metadata: metadata });

    expect(describeFailure(readingParameter(denied), PROD)).toEqual({
      message: `cannot read job parameter /ecs-batch/prod/nightly-report: access denied: role batch-scheduler may not ssm:GetParameter on ${PARAMETER_ARN} (no identity-based policy allows it)`,
      hint: "attach the policy prod-ecs-batch-runner (output runner-policy-arn of stack prod) to role batch-scheduler: it allows ssm:GetParameter for the prod jobs",
    });
  });

  test("without an environment (run-task), points at the runner policies there are", () => {
    const denied = new EcsAccessDenied({
      message: `User: arn:aws:iam::123456789012:user/ops/alice is not authorized to perform: ecs:RunTask on resource: ${TASK_DEFINITION_ARN}:7`,
      $metadata: metadata,
    });

    expect(
      describeFailure(RunnerError.ofAwsCall("RunTask failed", denied), { variables: {} }),
    ).toEqual({
      message: `RunTask failed: access denied: user alice may not ecs:RunTask on ${TASK_DEFINITION_ARN}:7`,
      hint: "attach the runner policy of the job's environment, <env>-ecs-batch-runner (output runner-policy-arn), to user alice; for jobs outside an environment, one made by runnerPolicy(jobs)",
    });
  });

  test("denied by the permissions boundary: says to give the role the environment's boundary", () => {
    const denied = new EcsAccessDenied({
      message: `User: ${ROLE} is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/prod-nightly-report-execution with an explicit deny in a permissions boundary`,
      $metadata: metadata,
    });

    expect(describeFailure(RunnerError.ofAwsCall("RunTask failed", denied), PROD)).toEqual({
      message:
        "RunTask failed: access denied: role batch-scheduler may not iam:PassRole on arn:aws:iam::123456789012:role/prod-nightly-report-execution (its permissions boundary does not allow it)",
      hint: "give role batch-scheduler the permissions boundary prod-permissions-boundary (output permissions-boundary-arn of the release stack): it allows all the runner policy does",
    });
  });

  test("denied by a service control policy or an explicit Deny: no runner policy helps", () => {
    const message = (reason: string) =>
      `User: ${ROLE} is not authorized to perform: logs:GetLogEvents on resource: arn:aws:logs:ap-northeast-1:123456789012:log-group:/ecs-batch/prod/nightly-report:log-stream:x ${reason}`;
    const scp = new LogsAccessDenied({
      message: message("with an explicit deny in a service control policy"),
      $metadata: metadata,
    });
    const deny = new LogsAccessDenied({
      message: message("with an explicit deny in an identity-based policy"),
      $metadata: metadata,
    });

    expect(describeFailure(scp, PROD).hint).toBe(
      "an AWS Organizations service control policy denies it: no policy of ecs-batch can allow it; ask the organization's administrators",
    );
    expect(describeFailure(deny, PROD).hint).toBe(
      "a policy of role batch-scheduler denies logs:GetLogEvents explicitly: remove that Deny",
    );
  });

  test("a denial whose message names no action still names the policy", () => {
    const denied = serviceError(SSMServiceException, "AccessDeniedException", "Access denied");

    expect(describeFailure(denied, PROD)).toEqual({
      message: "access denied (AccessDeniedException: Access denied)",
      hint: "attach the policy prod-ecs-batch-runner (output runner-policy-arn of stack prod) to this host's role: it allows what ecs-batch does for the prod jobs",
    });
  });
});

describe("describeFailure: everything else", () => {
  test("a RunnerError's own hint, or its message alone", () => {
    expect(describeFailure(new RunnerError("bad", { hint: "do this" }), PROD)).toEqual({
      message: "bad",
      hint: "do this",
    });
    expect(
      describeFailure(new RunnerError("task definition x has no essential container"), PROD),
    ).toEqual({
      message: "task definition x has no essential container",
    });
  });

  test("an AWS error the runner has no advice on is quoted as the AWS CLI does", () => {
    const error = serviceError(
      ECSServiceException,
      "ClusterNotFoundException",
      "Cluster not found.",
    );

    expect(describeFailure(RunnerError.ofAwsCall("RunTask failed", error), PROD)).toEqual({
      message: "RunTask failed: ClusterNotFoundException: Cluster not found.",
    });
    expect(describeFailure(error, PROD)).toEqual({
      message: "ClusterNotFoundException: Cluster not found.",
    });
  });
});

describe("describeFailure: errors as the SDK makes them of AWS's answers", () => {
  /** A request handler that answers every request with this JSON error. */
  const answering = (type: string, body: object) => ({
    handle: async () => ({
      response: {
        statusCode: 400,
        headers: { "x-amzn-errortype": type, "content-type": "application/x-amz-json-1.1" },
        body: Readable.from([Buffer.from(JSON.stringify({ __type: type, ...body }))]),
      },
    }),
  });
  const config = (type: string, body: object) => ({
    region: "ap-northeast-1",
    credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
    requestHandler: answering(type, body),
  });

  test("SSM's AccessDeniedException", async () => {
    const message = `User: ${ROLE} is not authorized to perform: ssm:GetParameter on resource: ${PARAMETER_ARN} because no identity-based policy allows the ssm:GetParameter action`;
    const ssm = new SSMClient(config("AccessDeniedException", { Message: message }));
    const error = await ssm.send(new GetParameterCommand({ Name: "/x" })).catch((e) => e);

    expect(describeFailure(error, PROD).message).toBe(
      `access denied: role batch-scheduler may not ssm:GetParameter on ${PARAMETER_ARN} (no identity-based policy allows it)`,
    );
  });

  test("ECS's ExpiredTokenException, which its model does not name", async () => {
    const ecs = new ECSClient(
      config("ExpiredTokenException", {
        message: "The security token included in the request is expired",
      }),
    );
    const error = await ecs.send(new RunTaskCommand({ taskDefinition: "x" })).catch((e) => e);

    expect(describeFailure(error, PROD).message).toBe(
      "the AWS credentials have expired (ExpiredTokenException)",
    );
  });
});
