import { EventEmitter } from "node:events";
import { processSignals, STOP_SIGNALS } from "../../runner/node-signals";

describe("processSignals", () => {
  test("calls the handler with each stop signal until unsubscribed", () => {
    const emitter = new EventEmitter();
    const received: NodeJS.Signals[] = [];
    const unsubscribe = processSignals(emitter).on((signal) => received.push(signal));

    emitter.emit("SIGTERM", "SIGTERM");
    emitter.emit("SIGINT", "SIGINT");
    emitter.emit("SIGHUP", "SIGHUP");
    emitter.emit("SIGUSR1", "SIGUSR1");
    unsubscribe();
    emitter.emit("SIGTERM", "SIGTERM");

    expect(received).toEqual(["SIGTERM", "SIGINT", "SIGHUP"]);
    expect(STOP_SIGNALS.map((signal) => emitter.listenerCount(signal))).toEqual([0, 0, 0]);
  });

  test("listens on the process by default, and lets go of it", () => {
    const before = process.listenerCount("SIGTERM");
    const unsubscribe = processSignals().on(() => undefined);
    expect(process.listenerCount("SIGTERM")).toBe(before + 1);
    unsubscribe();
    expect(process.listenerCount("SIGTERM")).toBe(before);
  });
});
