import type { Logger } from 'pino';
import type { Lifecycle } from '../hal/driver.js';

/**
 * The parts of a running program (a store, a broker, drivers, a connection, loops), started in
 * order and stopped in reverse. Each start registers its own stop, so if a part fails to start,
 * the ones already started are stopped (in reverse) before the failure is passed on: nothing is
 * left open behind a failed start. Parts the rest can run without are started with `optional`:
 * a failure is logged and the program goes on, as one bad part must not stop the rest.
 */
export class Parts {
  private readonly started: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly log: Logger) {}

  /** Start a part; `stop` is called with what `start` gave, when the parts are stopped. */
  async start<T>(name: string, start: () => Promise<T> | T, stop: (value: T) => Promise<void> | void): Promise<T> {
    const value = await start();
    this.started.push({ name, stop: async () => stop(value) });
    return value;
  }

  /**
   * Start a part the others can run without (a driver whose device is off or unplugged): a
   * failure is logged, and the part is stopped with the others all the same.
   */
  async optional(name: string, part: Lifecycle, why = 'it shows as unknown until it answers'): Promise<void> {
    try {
      await part.start();
    } catch (err) {
      this.log.error({ err }, `${name} did not start; ${why}`);
    }
    this.started.push({ name, stop: () => part.stop() });
  }

  /** Stop every part started, last first; a part that fails to stop is logged and the rest go on. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const part of this.started.reverse()) {
        await part.stop().catch((err: unknown) => this.log.warn({ err }, `${part.name} did not stop cleanly`));
      }
    })();
    return this.stopping;
  }

  /** Build a program from its parts: if building fails, what was started is stopped, then the error is thrown. */
  static async build<T>(log: Logger, build: (parts: Parts) => Promise<T>): Promise<{ value: T; parts: Parts }> {
    const parts = new Parts(log);
    try {
      return { value: await build(parts), parts };
    } catch (err) {
      log.error({ err: (err as Error).message }, 'start failed; stopping the parts already started');
      await parts.stop();
      throw err;
    }
  }
}
