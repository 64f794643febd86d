import { TerraformOutput, TerraformVariable, Token } from "cdktf";
import {
  BatchContainer,
  renderContainerDefinitions,
  validateBatchContainer,
} from "../../../modules";
import { emptyStack, synthesize } from "../../synth";

const SSM_ARN = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/batch/db-password";
const SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:batch/api-AbCdEf";

const FULL: BatchContainer = {
  name: "job",
  image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/job:1a2b3c4",
  command: ["python", "main.py"],
  entryPoint: ["/entrypoint.sh"],
  environment: { ZONE: "Asia/Tokyo", APP_ENV: "dev" },
  secrets: {
    DB_PASSWORD: { ssmParameterArn: SSM_ARN },
    API_TOKEN: { secretsManagerSecretArn: SECRET_ARN, jsonKey: "token" },
    API_ALL: { secretsManagerSecretArn: SECRET_ARN },
  },
  essential: true,
  readonlyRootFilesystem: false,
  stopTimeoutSeconds: 120,
  workingDirectory: "/app",
  user: "1000:1000",
  logging: { logGroupName: "/ecs-scheduled-tasks/job", region: "ap-northeast-1" },
};

function render(containers: BatchContainer[]) {
  return JSON.parse(renderContainerDefinitions(containers));
}

describe("renderContainerDefinitions", () => {
  it("renders every field of the typed container", () => {
    expect(render([FULL])[0]).toEqual({
      name: "job",
      image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/job:1a2b3c4",
      command: ["python", "main.py"],
      entryPoint: ["/entrypoint.sh"],
      environment: [
        { name: "APP_ENV", value: "dev" },
        { name: "ZONE", value: "Asia/Tokyo" },
      ],
      secrets: [
        { name: "API_ALL", valueFrom: SECRET_ARN },
        { name: "API_TOKEN", valueFrom: `${SECRET_ARN}:token::` },
        { name: "DB_PASSWORD", valueFrom: SSM_ARN },
      ],
      essential: true,
      readonlyRootFilesystem: false,
      stopTimeout: 120,
      workingDirectory: "/app",
      user: "1000:1000",
      mountPoints: [],
      portMappings: [],
      volumesFrom: [],
      systemControls: [],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/ecs-scheduled-tasks/job",
          "awslogs-region": "ap-northeast-1",
          "awslogs-stream-prefix": "batch",
        },
      },
    });
  });

  it("defaults to essential with a read-only root file system, and omits what is not set", () => {
    expect(render([{ name: "job", image: "alpine" }])[0]).toEqual({
      name: "job",
      image: "alpine",
      essential: true,
      readonlyRootFilesystem: true,
      environment: [],
      secrets: [],
      mountPoints: [],
      portMappings: [],
      volumesFrom: [],
      systemControls: [],
    });
  });

  it("renders a Secrets Manager version stage and id after the JSON key", () => {
    const [container] = render([
      {
        name: "job",
        image: "alpine",
        secrets: {
          A: { secretsManagerSecretArn: SECRET_ARN, versionStage: "AWSPREVIOUS", versionId: "v1" },
        },
      },
    ]);
    expect(container.secrets).toEqual([{ name: "A", valueFrom: `${SECRET_ARN}::AWSPREVIOUS:v1` }]);
  });

  it("is deterministic: the same containers in any key order give the same text", () => {
    const reordered: BatchContainer = {
      logging: FULL.logging,
      user: FULL.user,
      secrets: {
        API_ALL: FULL.secrets!.API_ALL,
        DB_PASSWORD: FULL.secrets!.DB_PASSWORD,
        API_TOKEN: FULL.secrets!.API_TOKEN,
      },
      environment: { APP_ENV: "dev", ZONE: "Asia/Tokyo" },
      image: FULL.image,
      name: FULL.name,
      command: FULL.command,
      entryPoint: FULL.entryPoint,
      essential: true,
      readonlyRootFilesystem: false,
      stopTimeoutSeconds: 120,
      workingDirectory: "/app",
    };
    expect(renderContainerDefinitions([reordered])).toBe(renderContainerDefinitions([FULL]));
    const keys = Object.keys(render([FULL])[0]);
    expect(keys).toEqual([...keys].sort());
  });

  it("keeps the containers in the order given", () => {
    const names = render([
      { name: "job", image: "alpine" },
      { name: "log-router", image: "fluent-bit", essential: false },
    ]).map((c: { name: string }) => c.name);
    expect(names).toEqual(["job", "log-router"]);
  });

  describe("given Terraform variables (a module for plain Terraform)", () => {
    const { json } = synthesize((scope) => {
      const variable = (id: string, type: string) => new TerraformVariable(scope, id, { type });
      new TerraformOutput(scope, "definitions", {
        value: renderContainerDefinitions([
          {
            name: "job",
            image: variable("image", "string").stringValue,
            command: variable("command", "list(string)").listValue,
            environment: Token.asStringMap(variable("environment", "map(string)").value),
            readonlyRootFilesystem: variable("readonly", "bool").booleanValue as unknown as boolean,
          },
        ]),
      });
    });
    const text = json.output!.definitions.value as string;

    it("writes the list and the boolean as jsonencode(...), so Terraform writes them as JSON", () => {
      expect(text).toContain('"command":${jsonencode(var.command)}');
      expect(text).toContain('"readonlyRootFilesystem":${jsonencode(var.readonly)}');
      expect(text).toContain('"image":"${var.image}"');
    });

    it("turns the environment map into ECS's name/value list, in key order like the construct", () => {
      expect(text).toContain(
        '"environment":${jsonencode([ for key, val in var.environment: { name = key, value = val }])}',
      );
    });
  });
});

describe("validateBatchContainer", () => {
  it("accepts a fully described container", () => {
    expect(() => validateBatchContainer(FULL)).not.toThrow();
  });

  it("skips the names of an environment map known only at apply time", () => {
    const environment = new TerraformVariable(emptyStack(), "environment", {
      type: "map(string)",
    });
    expect(() =>
      validateBatchContainer({ ...FULL, environment: Token.asStringMap(environment.value) }),
    ).not.toThrow();
  });

  it.each<[string, Partial<BatchContainer>, RegExp]>([
    [
      "an image with a space",
      { image: "alpine latest" },
      /container 'job': image 'alpine latest' must be a non-empty image URI/,
    ],
    ["an empty image", { image: "" }, /image '' must be a non-empty image URI/],
    [
      "an environment variable name with a dash",
      { environment: { "APP-ENV": "dev" } },
      /environment variable name 'APP-ENV'/,
    ],
    [
      "a name in both environment and secrets",
      { environment: { DB_PASSWORD: "x" }, secrets: { DB_PASSWORD: { ssmParameterArn: SSM_ARN } } },
      /'DB_PASSWORD' is both in environment and in secrets/,
    ],
    [
      "an SSM parameter given by name",
      { secrets: { DB: { ssmParameterArn: "/batch/db" } } },
      /secret 'DB': '\/batch\/db' is not an SSM parameter ARN; give the full ARN/,
    ],
    [
      "a Secrets Manager secret given by name",
      { secrets: { API: { secretsManagerSecretArn: "batch/api" } } },
      /secret 'API': 'batch\/api' is not a Secrets Manager secret ARN/,
    ],
    [
      "a stop timeout of 1 s",
      { stopTimeoutSeconds: 1 },
      /stopTimeoutSeconds 1 must be a whole number from 2 to 120/,
    ],
    ["a stop timeout of 121 s", { stopTimeoutSeconds: 121 }, /stopTimeoutSeconds 121/],
  ])("rejects %s", (_, overrides, message) => {
    expect(() => validateBatchContainer({ ...FULL, ...overrides })).toThrow(message);
  });
});
