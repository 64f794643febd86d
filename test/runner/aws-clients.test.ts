import { createSsmClient, createTaskClients, DEFAULT_MAX_ATTEMPTS } from "../../runner/aws-clients";

const saved = process.env.AWS_MAX_ATTEMPTS;
afterEach(() => {
  if (saved === undefined) {
    delete process.env.AWS_MAX_ATTEMPTS;
  } else {
    process.env.AWS_MAX_ATTEMPTS = saved;
  }
});

describe("AWS clients", () => {
  test("the task clients use the region and retry up to DEFAULT_MAX_ATTEMPTS", async () => {
    delete process.env.AWS_MAX_ATTEMPTS;
    const { ecs, logs } = await createTaskClients({ region: "eu-west-1" });

    expect(await ecs.config.region()).toBe("eu-west-1");
    expect(await logs.config.region()).toBe("eu-west-1");
    expect(await ecs.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
    expect(await logs.config.maxAttempts()).toBe(DEFAULT_MAX_ATTEMPTS);
  });

  test("the SSM client takes an explicit maxAttempts", async () => {
    const ssm = await createSsmClient({ region: "ap-northeast-1", maxAttempts: 2 });

    expect(await ssm.config.region()).toBe("ap-northeast-1");
    expect(await ssm.config.maxAttempts()).toBe(2);
  });

  test("AWS_MAX_ATTEMPTS, when set, is left to the SDK", async () => {
    process.env.AWS_MAX_ATTEMPTS = "9";
    const ssm = await createSsmClient({ region: "ap-northeast-1" });

    expect(await ssm.config.maxAttempts()).toBe(9);
  });
});
