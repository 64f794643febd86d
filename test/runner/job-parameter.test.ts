import {
  AccessDeniedException,
  GetParameterCommand,
  GetParametersByPathCommand,
  ParameterNotFound,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { jobRunSpecProblems, parseJobRunSpec, readJobRunSpec } from "../../runner/job-parameter";
import { RunnerError } from "../../runner/runner-error";
import { parameterHolds, SPEC, ssmMock } from "./fake-cli";

const NAME = "/ecs-batch/prod/nightly-report";
const ssm = new SSMClient({ region: "ap-northeast-1" });

beforeEach(() => ssmMock.reset());

describe("readJobRunSpec", () => {
  test("reads and returns the job's spec", async () => {
    parameterHolds(NAME);

    await expect(readJobRunSpec(ssm, NAME, "nightly-report")).resolves.toEqual(SPEC);
    expect(ssmMock.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: NAME });
  });

  test("another AWS error is a RunnerError with the error's name and message, and its cause", async () => {
    const denied = new AccessDeniedException({
      Message: "User is not authorized to perform: ssm:GetParameter",
      message: "User is not authorized to perform: ssm:GetParameter",
      $metadata: { httpStatusCode: 400 },
    });
    ssmMock.on(GetParameterCommand).rejects(denied);

    const read = readJobRunSpec(ssm, NAME, "nightly-report");

    await expect(read).rejects.toThrow(
      `cannot read job parameter ${NAME}: AccessDeniedException: User is not authorized to perform: ssm:GetParameter`,
    );
    await expect(read).rejects.toMatchObject({ step: `cannot read job parameter ${NAME}` });
    expect(((await read.catch((e) => e)) as RunnerError).cause).toBe(denied);
  });

  test("an invalid spec is a RunnerError", async () => {
    parameterHolds(NAME, { ...SPEC, version: 2 });

    await expect(readJobRunSpec(ssm, NAME, "nightly-report")).rejects.toBeInstanceOf(RunnerError);
  });
});

describe("parseJobRunSpec", () => {
  test("accepts the spec BatchJob writes, with or without propagateTags", () => {
    expect(parseJobRunSpec(JSON.stringify(SPEC), NAME, "nightly-report")).toEqual(SPEC);
    const withoutTags = JSON.parse(JSON.stringify({ ...SPEC, propagateTags: undefined }));
    expect(withoutTags).not.toHaveProperty("propagateTags");
    expect(jobRunSpecProblems(withoutTags, "nightly-report")).toEqual([]);
    // What Terraform writes when a variable chose no propagation.
    expect(jobRunSpecProblems({ ...SPEC, propagateTags: null }, "nightly-report")).toEqual([]);
  });

  test("accepts the run ledger of the job's environment, or none", () => {
    const withLedger = { ...SPEC, ledgerLogGroupName: "/aws/events/prod-batch-runs" };
    expect(parseJobRunSpec(JSON.stringify(withLedger), NAME, "nightly-report")).toEqual(withLedger);
    expect(SPEC).not.toHaveProperty("ledgerLogGroupName");
    // What Terraform writes when a variable named no ledger.
    const nullLedger = JSON.stringify({ ...SPEC, ledgerLogGroupName: null });
    expect(parseJobRunSpec(nullLedger, NAME, "nightly-report")).toEqual(SPEC);
  });

  test("text that is not JSON", () => {
    expect(() => parseJobRunSpec("cluster: batch", NAME, "nightly-report")).toThrow(
      `job parameter ${NAME} is not JSON`,
    );
  });

  test("names the parameter and lists every problem", () => {
    const text = JSON.stringify({ ...SPEC, cluster: "", launchType: "EC2" });
    expect(() => parseJobRunSpec(text, NAME, "nightly-report")).toThrow(
      `job parameter ${NAME} is not a valid job run spec: cluster "" is not valid: it must be a non-empty string; launchType "EC2" is not valid: it must be 'FARGATE'`,
    );
  });

  test("refuses another format version, saying which one it reads", () => {
    expect(jobRunSpecProblems({ ...SPEC, version: 2 }, "nightly-report")).toEqual([
      "version 2 is not supported: this ecs-batch reads version 1; use the ecs-batch release that matches the deployed modules",
    ]);
  });

  test("refuses what is not an object", () => {
    expect(jobRunSpecProblems(["a"], "nightly-report")).toEqual(["it must be a JSON object"]);
  });

  test("refuses the spec of another job", () => {
    expect(jobRunSpecProblems(SPEC, "weekly-report")).toEqual([
      "job 'nightly-report' is not 'weekly-report': the parameter belongs to another job",
    ]);
  });

  test.each([
    [
      "taskDefinitionFamily",
      undefined,
      "taskDefinitionFamily is missing: it must be a non-empty string",
    ],
    ["containerName", 3, "containerName 3 is not valid: it must be a non-empty string"],
    ["network", "awsvpc", 'network "awsvpc" is not valid: it must be an object'],
    [
      "network",
      { ...SPEC.network, subnets: [] },
      "network.subnets [] is not valid: it must be a non-empty list of subnet IDs",
    ],
    [
      "network",
      { ...SPEC.network, securityGroups: "sg-1" },
      'network.securityGroups "sg-1" is not valid: it must be a list of IDs',
    ],
    [
      "network",
      { ...SPEC.network, assignPublicIp: true },
      "network.assignPublicIp true is not valid: it must be 'ENABLED' or 'DISABLED'",
    ],
    [
      "propagateTags",
      "SERVICE",
      `propagateTags "SERVICE" is not valid: it must be 'TASK_DEFINITION', null or absent`,
    ],
    [
      "enableEcsManagedTags",
      "true",
      'enableEcsManagedTags "true" is not valid: it must be true or false',
    ],
    ["safeToRerun", undefined, "safeToRerun is missing: it must be true or false"],
    [
      "ledgerLogGroupName",
      "",
      'ledgerLogGroupName "" is not valid: it must be a non-empty string, null or absent',
    ],
    [
      "ledgerLogGroupName",
      ["/aws/events/prod-batch-runs"],
      'ledgerLogGroupName ["/aws/events/prod-batch-runs"] is not valid: it must be a non-empty string, null or absent',
    ],
  ])("refuses %s = %j", (field, value, problem) => {
    expect(jobRunSpecProblems({ ...SPEC, [field]: value }, "nightly-report")).toEqual([problem]);
  });
});

describe("readJobRunSpec of a job that has no parameter", () => {
  const PREFIX = "/ecs-batch/prod";
  const notFound = () =>
    ssmMock
      .on(GetParameterCommand)
      .rejects(new ParameterNotFound({ message: "", $metadata: { httpStatusCode: 400 } }));
  /** The environment's parameters, as GetParametersByPath answers, 10 a page. */
  const environmentHas = (jobs: readonly string[]) => {
    const pages = Array.from({ length: Math.ceil(jobs.length / 10) || 1 }, (_, i) =>
      jobs.slice(i * 10, i * 10 + 10),
    );
    pages.forEach((page, i) =>
      ssmMock
        .on(GetParametersByPathCommand, {
          Path: PREFIX,
          Recursive: false,
          ...(i > 0 ? { NextToken: `page-${i}` } : {}),
        })
        .resolves({
          Parameters: page.map((job) => ({ Name: `${PREFIX}/${job}`, Value: "{}" })),
          ...(i < pages.length - 1 ? { NextToken: `page-${i + 1}` } : {}),
        }),
    );
  };
  const failure = async (job: string) =>
    (await readJobRunSpec(ssm, `${PREFIX}/${job}`, job).catch((e) => e)) as RunnerError;

  beforeEach(notFound);

  test("names the parameter and the region, and suggests the job a typo meant", async () => {
    environmentHas(["daily-sync", "nightly-report", "weekly-cleanup"]);

    const error = await failure("nightly-reprot");

    expect(error).toBeInstanceOf(RunnerError);
    expect(error.exitCode).toBe(125);
    expect(error.message).toBe(
      "job parameter /ecs-batch/prod/nightly-reprot does not exist in ap-northeast-1",
    );
    expect(error.hint).toBe(
      "did you mean nightly-report? prod has 3 jobs: daily-sync, nightly-report, weekly-cleanup",
    );
  });

  test("lists a few of the environment's jobs, and says how to look in another environment", async () => {
    environmentHas(Array.from({ length: 23 }, (_, i) => `job-${String(i).padStart(2, "0")}`));

    const error = await failure("invoice");

    expect(error.hint).toBe(
      "prod has 23 jobs: job-00, job-01, job-02, job-03, job-04 and 18 more; in another environment: aws ssm get-parameter --name /ecs-batch/<env>/invoice",
    );
    expect(ssmMock.commandCalls(GetParametersByPathCommand)).toHaveLength(3);
  });

  test("reads at most ten pages of them", async () => {
    environmentHas(Array.from({ length: 105 }, (_, i) => `job-${String(i).padStart(3, "0")}`));

    const error = await failure("invoice");

    expect(error.hint).toMatch(/^prod has more than 100 jobs: job-000, .* and 95 more;/);
    expect(ssmMock.commandCalls(GetParametersByPathCommand)).toHaveLength(10);
  });

  test("an environment without jobs in the region: check the name and the region", async () => {
    environmentHas([]);

    expect((await failure("nightly-report")).hint).toBe(
      "no job is deployed under /ecs-batch/prod in ap-northeast-1: check the environment and the region (--region)",
    );
  });

  test("when the runner may not list the jobs, says how to list them and look elsewhere", async () => {
    ssmMock.on(GetParametersByPathCommand).rejects(
      new AccessDeniedException({
        Message: "not authorized to perform: ssm:GetParametersByPath",
        message: "not authorized to perform: ssm:GetParametersByPath",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await failure("nightly-report");

    expect(error.message).toBe(
      "job parameter /ecs-batch/prod/nightly-report does not exist in ap-northeast-1",
    );
    expect(error.hint).toBe(
      'list the jobs there: aws ssm get-parameters-by-path --path /ecs-batch/prod --query "Parameters[].Name"; in another environment: aws ssm get-parameter --name /ecs-batch/<env>/nightly-report',
    );
  });

  test("a prefix outside an environment is named as such", async () => {
    ssmMock
      .on(GetParametersByPathCommand, { Path: "/batch/jobs" })
      .resolves({ Parameters: [{ Name: "/batch/jobs/extract", Value: "{}" }] });

    const error = (await readJobRunSpec(ssm, "/batch/jobs/load", "load").catch(
      (e) => e,
    )) as RunnerError;

    expect(error.hint).toBe(
      "/batch/jobs has 1 job: extract; under another prefix: aws ssm get-parameter --name <prefix>/load",
    );
  });
});
