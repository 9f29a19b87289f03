import type { Words } from '../../../core/errors.js';
import { HalError } from '../../errors.js';

/**
 * Why a captured descriptor or report could not be read. Stable codes for tests and for the
 * `ups decode` exit path; the message says what was found and what was expected, the hint what
 * to do (usually: capture again with `station-agent ups dump`).
 */
export const HID_ERRORS = ['hid-descriptor-invalid', 'hid-report-invalid', 'hid-report-unknown', 'hid-report-length', 'hid-hex-invalid', 'hid-reports-empty'] as const;
export type HidErrorCode = (typeof HID_ERRORS)[number];

export class HidError extends HalError {
  declare readonly code: HidErrorCode;

  constructor(
    code: HidErrorCode,
    message: Words,
    hint?: Words,
    /** Byte offset in the descriptor (or line number in a reports file) where it went wrong. */
    readonly at?: number,
  ) {
    super(code, message, hint);
    this.name = 'HidError';
  }
}
