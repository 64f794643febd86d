import { GetParameterCommand, ParameterNotFound, SSMClient } from "@aws-sdk/client-ssm";
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

  test("a missing parameter is a RunnerError naming it and the likely cause", async () => {
    ssmMock
      .on(GetParameterCommand)
      .rejects(new ParameterNotFound({ message: "", $metadata: { httpStatusCode: 400 } }));

    const read = readJobRunSpec(ssm, NAME, "nightly-report");

    await expect(read).rejects.toBeInstanceOf(RunnerError);
    await expect(read).rejects.toMatchObject({
      exitCode: 125,
      message: `job parameter ${NAME} does not exist: is job 'nightly-report' deployed to this environment and region?`,
    });
  });

  test("another AWS error is a RunnerError with the error's name and message", async () => {
    ssmMock.on(GetParameterCommand).rejects(
      Object.assign(new Error("User is not authorized to perform: ssm:GetParameter"), {
        name: "AccessDeniedException",
      }),
    );

    await expect(readJobRunSpec(ssm, NAME, "nightly-report")).rejects.toThrow(
      `cannot read job parameter ${NAME}: AccessDeniedException: User is not authorized to perform: ssm:GetParameter`,
    );
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
  ])("refuses %s = %j", (field, value, problem) => {
    expect(jobRunSpecProblems({ ...SPEC, [field]: value }, "nightly-report")).toEqual([problem]);
  });
});
