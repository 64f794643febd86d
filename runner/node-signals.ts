import type { SignalSource } from "./run-job";

/** The signals a job scheduler or a terminal sends to stop a job: each stops the task first. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];

/** What {@link processSignals} listens on: the process, or an EventEmitter in tests. */
export interface SignalEmitter {
  on(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown;
}

/**
 * SIGTERM, SIGINT and SIGHUP of this process. While a handler is subscribed, Node.js no longer
 * exits on these signals, so the runner can stop the task before it exits; after the last
 * unsubscribe the default behaviour (exit) is back.
 */
export function processSignals(emitter: SignalEmitter = process): SignalSource {
  return {
    on(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal);
      for (const signal of STOP_SIGNALS) {
        emitter.on(signal, listener);
      }
      return () => {
        for (const signal of STOP_SIGNALS) {
          emitter.off(signal, listener);
        }
      };
    },
  };
}
