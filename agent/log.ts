import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear, as a second line of defence: secrets are kept
 * out of logged objects by design (see config/secrets.ts), this catches a mistake.
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

export interface LogOptions {
  level?: LevelWithSilent;
  /** Human-readable output; defaults to true when stdout is a terminal. */
  pretty?: boolean;
  destination?: NodeJS.WritableStream;
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
    return pino(options, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', destination: opts.destination ?? 1, sync: true }));
  }
  return pino(options, opts.destination ?? pino.destination({ dest: 1, sync: true }));
}
