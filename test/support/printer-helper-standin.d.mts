/** Types of the stand-in printer helper (printer-helper-standin.mjs), for the tests that run it in their own process. */
export interface StandinIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  exit(code: number): void;
  /** Where a slow answer waits (default: the process's own timers). */
  setTimer?(fn: () => void, ms: number): unknown;
}
export function runStandin(file: string, io: StandinIo): void;
