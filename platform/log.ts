import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { createRequire } from 'node:module';
import type { PrettyOptions } from 'pino-pretty';
import type { RollingStream } from 'pino-roll';
import { z } from 'zod';
import { filePath } from '../hal/config-fields.js';
import { ConfigError } from '../core/errors.js';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear, as a second line of defence: secrets are kept
 * out of logged objects by design (see platform/mqtt-secrets.ts), this catches a mistake.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'key',
  '*.key',
  'secrets',
  '*.secrets',
  'headers.authorization',
];

/** The `log` section of a configuration file (the agent's and the dashboard's). */
export const logFileSchema = () => z.strictObject({
  path: filePath.describe(
    'Base name of the log files, e.g. C:\\ProgramData\\station-agent\\logs\\agent.log; the date and a number are added (agent.2026-11-22.1.log). Its folder is made if missing.',
  ),
  maxMegabytes: z.number().min(0.1).max(1024).default(10).describe('A file is closed and a new one started at this size, in megabytes (and at midnight).'),
  keepFiles: z
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(14)
    .describe('Files kept, the current one included; older ones are deleted. With one file a day this is about as many days; the disk used stays under keepFiles times maxMegabytes.'),
});

export const logSchema = () => z.strictObject({
  level: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace'])
    .default('info')
    .describe('Least severe level written. debug and trace help a technician find a fault; no level writes personal data or secrets. Re-read without a restart on SIGHUP (`systemctl reload station-agent`).'),
  file: logFileSchema()
    .optional()
    .describe('Write the log to files rotated by size and by day, instead of standard output. For Windows; under systemd leave it out: the journal keeps and rotates the log.'),
});

export interface LogOptions {
  level?: LevelWithSilent;
  /** Human-readable output; defaults to true when stdout is a terminal. */
  pretty?: boolean;
  destination?: DestinationStream;
}

export function createLogger(opts: LogOptions = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const wantPretty = opts.pretty ?? (opts.destination === undefined && process.stdout.isTTY === true);
  if (wantPretty) {
    // Loaded only for a person at a terminal: a service logs JSON lines and never needs it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as (opts: PrettyOptions) => DestinationStream;
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: opts.destination ?? 1, sync: true }));
  }
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: true }));
}

export interface LogFileOptions {
  /** Base name: agent.log becomes agent.2026-11-22.1.log, agent.2026-11-22.2.log, ... */
  path: string;
  maxMegabytes: number;
  /** Files kept, the one being written included. */
  keepFiles: number;
}

/**
 * A destination that writes files rotated by size and by day, for a service manager that
 * does not keep and rotate the log itself (Windows; under systemd the journal does). Old files
 * are deleted past keepFiles, those of earlier runs too, so the disk used stays bounded
 * across restarts. Writes are synchronous, like stdout's, so a crash loses no line.
 */
export async function openLogFile(opts: LogFileOptions, source = '(configuration)'): Promise<RollingStream> {
  const { default: pinoRoll } = await import('pino-roll');
  const stream = await pinoRoll({
    file: opts.path,
    size: `${Math.max(1, Math.round(opts.maxMegabytes * 1024))}k`,
    frequency: 'daily',
    dateFormat: 'yyyy-MM-dd',
    mkdir: true,
    sync: true,
    // The agent's alone to write: under systemd its umask (0007) lets the group, the clerks'
    // accounts, write what it makes. They may still read it.
    mode: 0o640,
    limit: { count: opts.keepFiles, removeOtherLogFiles: true },
  }).catch((err: Error) => {
    throw new ConfigError(source, [{ path: 'log.file.path', message: `cannot write log files at ${opts.path}: ${err.message}` }]);
  });
  // A failed roll or clean-up must not take the daemon down; the next write says so again.
  stream.on('error', (err: Error) => process.stderr.write(`station-agent: log file ${opts.path}: ${err.message}\n`));
  return stream;
}

const ignore = () => undefined;

const VERBOSITY: Record<LevelWithSilent, number> = { silent: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6 };

/**
 * Re-read the log level when `signal` arrives (SIGHUP: `systemctl reload station-agent`), so a
 * technician can raise it to debug while looking for a fault, without a restart that would
 * clear the fault. Child loggers follow: pino children without a level of their own read the
 * root's. A configuration that cannot be read leaves the level as it was, and says why.
 *
 * The function returned stops the re-reading but keeps catching the signal, doing nothing:
 * with no listener Node dies of SIGHUP, and a `systemctl reload` during the clean stop would
 * cut it short (no last health, the card in the printer not given its moment).
 */
export function reloadLevelOn(signal: NodeJS.Signals, log: Logger, readLevel: () => LevelWithSilent): () => void {
  const onSignal = () => {
    let next: LevelWithSilent;
    try {
      next = readLevel();
    } catch (err) {
      log.error({ signal, problem: (err as Error).message }, 'log level not changed: the configuration cannot be read');
      return;
    }
    const was = log.level as LevelWithSilent;
    // Said at the more verbose of the two levels, so the change shows whichever way it goes.
    if (VERBOSITY[next] > VERBOSITY[was]) log.level = next;
    log.info({ signal, logLevel: next, was }, next === was ? 'log level unchanged' : 'log level changed; other configuration changes take effect after a restart');
    log.level = next;
  };
  process.on(signal, onSignal);
  return () => {
    process.off(signal, onSignal);
    process.on(signal, ignore);
  };
}
