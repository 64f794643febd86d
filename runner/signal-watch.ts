import type { Reporter, RunnerDeps, SignalSource } from "./runner-deps";

/**
 * Listens for stop signals during a run. The first signal is kept (it decides the exit code,
 * 128 + n) and cuts short the current wait, so the task is stopped at once instead of after the
 * next polling interval. Later signals are only reported: the task must still be stopped before
 * the runner exits, or it would be left running with nobody waiting for it.
 */
export class SignalWatch {
  private received?: NodeJS.Signals;
  private wake?: AbortController;
  private readonly unsubscribe: () => void;

  constructor(
    source: SignalSource,
    private readonly sleepFor: RunnerDeps["sleep"],
    private readonly status: Reporter["status"],
  ) {
    this.unsubscribe = source.on((signal) => this.receive(signal));
  }

  /** The first signal received, if any. */
  get signal(): NodeJS.Signals | undefined {
    return this.received;
  }

  /** Waits `ms`, or less if a signal arrives meanwhile. */
  async sleep(ms: number): Promise<void> {
    const controller = new AbortController();
    this.wake = controller;
    try {
      await this.sleepFor(ms, controller.signal);
    } catch (error) {
      // A sleep may reject when aborted; that is the wake-up we asked for, not an error.
      if (!controller.signal.aborted) {
        throw error;
      }
    } finally {
      if (this.wake === controller) {
        this.wake = undefined;
      }
    }
  }

  /** Stops listening; call once the run is over. */
  dispose(): void {
    this.unsubscribe();
  }

  private receive(signal: NodeJS.Signals): void {
    if (this.received === undefined) {
      this.received = signal;
    } else {
      this.status(
        `received ${signal} while handling ${this.received}: exiting once the task is stopped`,
      );
    }
    this.wake?.abort();
  }
}
