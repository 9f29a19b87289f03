/**
 * Everything a command prints reaches the terminal through here: a ledger line, a note, a
 * station's name, an error that quotes what was typed, commander's own help and errors. Control,
 * invisible and direction characters in it are shown as `\uXXXX` escapes (core/typed-text.ts),
 * so text stored by an older version (ESC sequences, a right-to-left override) cannot drive
 * the technician's terminal.
 */
import { shownSafely } from '../core/typed-text.js';

/** Text to standard output, as it is (the caller ends its lines). */
export function writeOut(s: string): void {
  process.stdout.write(shownSafely(s));
}

/** Text to standard error, as it is (the caller ends its lines). */
export function writeErr(s: string): void {
  process.stderr.write(shownSafely(s));
}

/** One line to standard output. */
export function printLine(s: string): void {
  writeOut(`${s}\n`);
}

/** One line to standard error. */
export function printErrLine(s: string): void {
  writeErr(`${s}\n`);
}
