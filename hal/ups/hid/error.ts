import { HalError } from '../../errors.js';

/**
 * Why a captured descriptor or report could not be read. Stable codes for tests and for the
 * `ups decode` exit path; the message says what was found and what was expected, the hint what
 * to do (usually: capture again with `station-agent ups dump`).
 */
export type HidErrorCode =
  | 'hid-descriptor-invalid'
  | 'hid-report-invalid'
  | 'hid-report-unknown'
  | 'hid-report-length'
  | 'hid-hex-invalid'
  | 'hid-reports-empty';

export class HidError extends HalError {
  constructor(
    override readonly code: HidErrorCode,
    message: string,
    hint?: string,
    /** Byte offset in the descriptor (or line number in a reports file) where it went wrong. */
    readonly at?: number,
  ) {
    super(code, message, hint);
    this.name = 'HidError';
  }
}

export const RECAPTURE_HINT = 'Capture the UPS again with `station-agent ups dump` and check that the file was copied whole.';
