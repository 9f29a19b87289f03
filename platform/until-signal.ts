import type { Logger } from 'pino';
import { EXIT } from './errors.js';

const STOP_DEADLINE_MS = 5000;

/**
 * Start something long-running, wait for SIGTERM or SIGINT, and stop it within a deadline.
 * The signal handlers are set before starting, so a stop during start-up is clean too.
 */
export async function untilSignal(log: Logger, start: () => Promise<{ stop(): Promise<void> }>): Promise<void> {
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const running = await start();
  const signal = await signalled;
  log.info({ signal }, 'signal received');
  const deadline = setTimeout(() => {
    log.error(`clean stop took over ${STOP_DEADLINE_MS} ms; exiting anyway`);
    process.exit(EXIT.failure);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  try {
    await running.stop();
  } catch (err) {
    log.error({ err }, 'stop failed');
    process.exitCode = EXIT.failure;
  } finally {
    clearTimeout(deadline);
  }
}
