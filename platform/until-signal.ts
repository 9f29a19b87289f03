import { systemClock } from '../core/clock.js';
import type { Logger } from 'pino';
import { EXIT } from '../core/errors.js';

const STOP_DEADLINE_MS = 5000;

/**
 * Start something long-running, wait for SIGTERM or SIGINT, and stop it within a deadline.
 * The signal handlers are set before starting, so a stop during start-up is clean too.
 */
export async function untilSignal(log: Logger, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  // Handlers stay set: a second signal (Ctrl-C hits a whole process group; systemd signals every
  // process of the unit) must not kill the process halfway through its clean stop.
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    let first = true;
    const on = (signal: NodeJS.Signals) => {
      if (first) resolve(signal);
      else log.debug({ signal }, 'already stopping');
      first = false;
    };
    process.on('SIGTERM', on);
    process.on('SIGINT', on);
  });
  const running = await start();
  const signal = await signalled;
  log.info({ signal }, 'signal received');
  const cancelDeadline = systemClock.setTimer(
    () => {
      log.error(`clean stop took over ${STOP_DEADLINE_MS} ms; exiting anyway`);
      process.exit(EXIT.failure);
    },
    STOP_DEADLINE_MS,
    { unref: true },
  );
  try {
    await running.stop();
  } catch (err) {
    log.error({ err }, 'stop failed');
    process.exitCode = EXIT.failure;
  } finally {
    cancelDeadline();
  }
}
