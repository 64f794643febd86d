import { SignalWatch } from "../../runner/signal-watch";
import type { SignalSource } from "../../runner/run-job";

function fakeSignals(): SignalSource & {
  emit(signal: NodeJS.Signals): void;
  subscribers(): number;
} {
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  return {
    on: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    emit: (signal) => handlers.forEach((handler) => handler(signal)),
    subscribers: () => handlers.size,
  };
}

describe("SignalWatch", () => {
  it("keeps the first signal and reports the later ones", () => {
    const signals = fakeSignals();
    const statuses: string[] = [];
    const watch = new SignalWatch(
      signals,
      async () => {},
      (message) => statuses.push(message),
    );

    expect(watch.signal).toBeUndefined();
    signals.emit("SIGTERM");
    signals.emit("SIGINT");

    expect(watch.signal).toBe("SIGTERM");
    expect(statuses).toEqual([
      "received SIGINT while handling SIGTERM: exiting once the task is stopped",
    ]);
  });

  it("cuts the current sleep short when a signal arrives", async () => {
    const signals = fakeSignals();
    const sleep = (ms: number, abort?: AbortSignal) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        abort?.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    const watch = new SignalWatch(signals, sleep, () => {});
    const started = Date.now();

    const sleeping = watch.sleep(60_000);
    signals.emit("SIGHUP");
    await sleeping;

    expect(Date.now() - started).toBeLessThan(1000);
    expect(watch.signal).toBe("SIGHUP");
  });

  it("accepts a sleep that rejects when aborted, but not one that fails otherwise", async () => {
    const signals = fakeSignals();
    const rejectsOnAbort = (_ms: number, abort?: AbortSignal) =>
      new Promise<void>((_resolve, reject) =>
        abort?.addEventListener("abort", () => reject(new Error("AbortError"))),
      );
    const watch = new SignalWatch(signals, rejectsOnAbort, () => {});

    const sleeping = watch.sleep(1000);
    signals.emit("SIGTERM");
    await expect(sleeping).resolves.toBeUndefined();

    const broken = new SignalWatch(
      signals,
      () => Promise.reject(new Error("broken clock")),
      () => {},
    );
    await expect(broken.sleep(1000)).rejects.toThrow("broken clock");
  });

  it("stops listening when disposed", () => {
    const signals = fakeSignals();
    const watch = new SignalWatch(
      signals,
      async () => {},
      () => {},
    );

    expect(signals.subscribers()).toBe(1);
    watch.dispose();

    expect(signals.subscribers()).toBe(0);
  });
});
