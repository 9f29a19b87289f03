import type { Clock } from '../core/clock.js';
import { AgentError, type Words } from '../core/errors.js';
import type { PrintErrorCode, PrinterErrorCode } from './printer/types.js';
import type { RecordErrorCode } from './records/types.js';
import type { HidErrorCode } from './ups/hid/error.js';
import type { UpsErrorCode } from './ups/types.js';

/** Every code a driver may throw: the union of each interface's own list. */
export type HalErrorCode = PrinterErrorCode | PrintErrorCode | UpsErrorCode | HidErrorCode | RecordErrorCode;

/**
 * What a driver throws when it cannot do its work. `code` is one of its interface's codes,
 * stable for the code that routes on it (with an exhaustive switch) and for tests; the message
 * says what was found, the hint what a technician should check (a cable, a service, a setting),
 * in Indonesian and English where it is written so.
 */
export class HalError extends AgentError {
  declare readonly code: HalErrorCode;

  constructor(code: HalErrorCode, message: Words, hint?: Words) {
    super(code, message, { hint });
    this.name = 'HalError';
  }
}

/** print()'s rejection for a card the printer spoiled (code aborted), with the printer's keywords for why: media-jam, cover-open ... */
export class CardSpoiledError extends HalError {
  constructor(
    readonly reasons: string[],
    message: Words,
  ) {
    super('aborted', message);
  }
}

/**
 * The code of `err` if it is a HalError whose code is one of `codes`; else `otherwise`, the
 * safe reading of an error the interface does not define (a bug, a timeout from outside).
 */
export function codeOf<C extends HalErrorCode>(err: unknown, codes: readonly C[], otherwise: C): C {
  return err instanceof HalError && (codes as readonly HalErrorCode[]).includes(err.code) ? (err.code as C) : otherwise;
}

/**
 * Reject with a HalError if `p` has not settled within `ms` on `clock`; one hung driver must not
 * stall the loop. The clock is the caller's (the driver's, the station's), never one taken
 * behind its back, so a manual clock in a test runs the deadline as it runs everything else.
 */
export async function withTimeout<T>(clock: Clock, p: Promise<T>, ms: number, what: string, hint?: Words): Promise<T> {
  let cancel: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    cancel = clock.setTimer(() => reject(new HalError('timeout', `${what} did not answer within ${ms} ms`, hint)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    cancel?.();
  }
}
