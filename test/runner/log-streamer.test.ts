import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { LogStreamer, logStreamName } from "../../runner/log-streamer";
import { RunnerError } from "../../runner/runner-error";
import {
  APP_STREAM,
  awsError,
  type FakeRunnerDeps,
  fakeRunnerDeps,
  FakeLogStream,
  LOG_GROUP,
  lines,
  logsMock,
  T0,
  TASK_ID,
} from "./fake-runner-deps";

function streamer(fake: FakeRunnerDeps): LogStreamer {
  return new LogStreamer(fake.deps.logs, LOG_GROUP, APP_STREAM, fake.deps.reporter);
}

function tokensRead(): (string | undefined)[] {
  return logsMock.commandCalls(GetLogEventsCommand).map((call) => call.args[0].input.nextToken);
}

beforeEach(() => logsMock.reset());

describe("logStreamName", () => {
  it("is the awslogs stream of one container of one task", () => {
    expect(
      logStreamName({ logGroupName: LOG_GROUP, streamPrefix: "nightly" }, "app", TASK_ID),
    ).toBe(`nightly/app/${TASK_ID}`);
  });
});

describe("LogStreamer", () => {
  it("reads every page up to the end of the stream in one call, in order", async () => {
    const fake = fakeRunnerDeps();
    const stream = new FakeLogStream(APP_STREAM, 2);
    stream.write(T0, "a", "b", "c", "d", "e");

    const count = await streamer(fake).readAvailable();

    expect(count).toBe(5);
    expect(fake.logLines).toEqual(
      ["a", "b", "c", "d", "e"].map((line, index) => ({ line, timestampMs: T0 + index * 1000 })),
    );
    // Pages 0-2, 2-4, 4-5, then the end: the token handed back is the one passed.
    expect(tokensRead()).toEqual([undefined, "f/2", "f/4", "f/5"]);
    expect(logsMock.commandCalls(GetLogEventsCommand)[0].args[0].input).toMatchObject({
      logGroupName: LOG_GROUP,
      logStreamName: APP_STREAM,
      startFromHead: true,
    });
  });

  it("goes on from where it stopped, so no line is reported twice", async () => {
    const fake = fakeRunnerDeps();
    const stream = new FakeLogStream(APP_STREAM, 10);
    const logs = streamer(fake);
    stream.write(T0, "first");
    await logs.readAvailable();

    expect(await logs.readAvailable()).toBe(0);
    stream.write(T0 + 5000, "second");
    expect(await logs.readAvailable()).toBe(1);

    expect(lines(fake)).toEqual(["first", "second"]);
    expect(tokensRead()).toEqual([undefined, "f/1", "f/1", "f/1", "f/2"]);
  });

  it("reads on past an empty page whose token moved", async () => {
    const fake = fakeRunnerDeps();
    logsMock
      .on(GetLogEventsCommand)
      .resolvesOnce({ events: [], nextForwardToken: "f/a" })
      .resolvesOnce({ events: [{ message: "late", timestamp: T0 }], nextForwardToken: "f/b" })
      .resolves({ events: [], nextForwardToken: "f/b" });

    expect(await streamer(fake).readAvailable()).toBe(1);
    expect(lines(fake)).toEqual(["late"]);
  });

  it("reads at most 50 pages per call, leaving the rest for the next", async () => {
    const fake = fakeRunnerDeps();
    const stream = new FakeLogStream(APP_STREAM, 1);
    stream.write(T0, ...Array.from({ length: 60 }, (_, index) => `line ${index}`));
    const logs = streamer(fake);

    expect(await logs.readAvailable()).toBe(50);
    expect(await logs.readAvailable()).toBe(10);
  });

  it("waits silently for a stream that does not exist yet, and says so if it never comes", async () => {
    const fake = fakeRunnerDeps();
    new FakeLogStream();
    const logs = streamer(fake);

    expect(await logs.readAvailable()).toBe(0);
    expect(fake.statuses).toEqual([]);
    logs.reportIfNeverFound();

    expect(fake.statuses).toEqual([`no logs: ${LOG_GROUP} has no stream ${APP_STREAM}`]);
  });

  it("says nothing of a stream that was found", async () => {
    const fake = fakeRunnerDeps();
    new FakeLogStream().write(T0, "hello");
    const logs = streamer(fake);
    await logs.readAvailable();

    logs.reportIfNeverFound();

    expect(fake.statuses).toEqual([]);
  });

  it("reports throttling once per outage and reads on afterwards", async () => {
    const fake = fakeRunnerDeps();
    const throttled = awsError("ThrottlingException", 400, "Rate exceeded");
    logsMock
      .on(GetLogEventsCommand)
      .rejectsOnce(throttled)
      .rejectsOnce(throttled)
      .resolvesOnce({ events: [{ message: "ok", timestamp: T0 }], nextForwardToken: "f/1" })
      .resolvesOnce({ events: [], nextForwardToken: "f/1" })
      .rejectsOnce(throttled)
      .resolves({ events: [], nextForwardToken: "f/1" });
    const logs = streamer(fake);

    for (let read = 0; read < 4; read++) {
      await logs.readAvailable();
    }

    expect(lines(fake)).toEqual(["ok"]);
    expect(fake.statuses).toEqual([
      `cannot read the logs (${LOG_GROUP} ${APP_STREAM}): ThrottlingException: Rate exceeded; retrying`,
      `cannot read the logs (${LOG_GROUP} ${APP_STREAM}): ThrottlingException: Rate exceeded; retrying`,
    ]);
  });

  it("stops streaming, and says why, on an error that will not pass", async () => {
    const fake = fakeRunnerDeps();
    logsMock
      .on(GetLogEventsCommand)
      .rejects(
        awsError("AccessDeniedException", 400, "not authorized to perform logs:GetLogEvents"),
      );
    const logs = streamer(fake);

    await logs.readAvailable();
    await logs.readAvailable();
    logs.reportIfNeverFound();

    expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    expect(fake.statuses).toEqual([
      `stopped streaming logs (${LOG_GROUP} ${APP_STREAM}): AccessDeniedException: not authorized to perform logs:GetLogEvents`,
    ]);
  });

  describe("readToEnd", () => {
    it("reads everything written so far, however many pages", async () => {
      const fake = fakeRunnerDeps();
      const stream = new FakeLogStream(APP_STREAM, 1);
      stream.write(T0, ...Array.from({ length: 120 }, (_, index) => `line ${index}`));
      const logs = streamer(fake);

      await logs.readToEnd();

      expect(lines(fake)).toHaveLength(120);
      expect(logs.found).toBe(true);
    });

    it("ends at once for a stream that does not exist", async () => {
      const fake = fakeRunnerDeps();
      new FakeLogStream();
      const logs = streamer(fake);

      await logs.readToEnd();

      expect(logs.found).toBe(false);
      expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    });

    it("throws a RunnerError when the stream cannot be read now, after the SDK's retries", async () => {
      const fake = fakeRunnerDeps();
      logsMock
        .on(GetLogEventsCommand)
        .rejects(awsError("ThrottlingException", 400, "Rate exceeded"));
      const logs = streamer(fake);

      await expect(logs.readToEnd()).rejects.toThrow(
        `cannot read the log stream ${APP_STREAM} of ${LOG_GROUP}: ThrottlingException: Rate exceeded`,
      );
      // The SDK retried already: one read, then the error.
      expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    });
  });

  it("throws, instead of stopping, on an error that will not pass, when told to", async () => {
    const fake = fakeRunnerDeps();
    logsMock
      .on(GetLogEventsCommand)
      .rejects(awsError("AccessDeniedException", 400, "not authorized"));
    const logs = new LogStreamer(fake.deps.logs, LOG_GROUP, APP_STREAM, fake.deps.reporter, {
      onLastingError: "throw",
    });

    const error = await logs.readAvailable().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RunnerError);
    expect(error).toMatchObject({
      message: `cannot read the log stream ${APP_STREAM} of ${LOG_GROUP}: AccessDeniedException: not authorized`,
      step: `cannot read the log stream ${APP_STREAM} of ${LOG_GROUP}`,
    });
    expect(fake.statuses).toEqual([]);
  });
});
