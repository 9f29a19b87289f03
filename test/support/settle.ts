/**
 * Waiting without sleeping: on what the code under test has already queued, on its own I/O, or
 * on a condition, never on a span of real time. setImmediate is the test's own turn of the event
 * loop, not a timer.
 */
import type { ManualClock } from '../../core/clock.js';
import { waitUntil } from './peers.js';

/** One turn of the event loop: what is already queued (promise callbacks, ready I/O) has run. */
export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Whether `p` has settled once what is already queued has run (one turn; no time passes). */
export async function settledYet(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await turn();
  return done;
}

/** File-system requests of this process under way (a driver reading its state file, a log roll). */
const fileRequests = () => process.getActiveResourcesInfo().some((r) => r.startsWith('FSReq'));

/**
 * Turns of the event loop until no file-system request of this process is under way: what the
 * code read or wrote before it waits on its clock has been done, and what followed from it has
 * run. No time passes.
 */
export async function ioSettled(): Promise<void> {
  do await turn();
  while (fileRequests());
}

/**
 * Waits for `p` while `clock` moves as the work asks for it. Each round lets the work's own I/O
 * finish (its file reads, then `quiet`: what a harness knows of its peer, such as a helper that
 * has not answered yet), then moves the clock to its next timer, so no deadline is overtaken by
 * I/O still on its way. With no timer set the work waits on I/O the clock cannot see (a
 * database, a socket), and the round waits for a timer or for `p` instead. Fails once
 * `maxSimMs` of the clock have passed.
 */
export async function untilSettled<T>(p: Promise<T>, clock: ManualClock, opts: { quiet?: () => Promise<void>; maxSimMs?: number } = {}): Promise<T> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  const maxSimMs = opts.maxSimMs ?? 600_000;
  const end = clock.monotonic() + maxSimMs;
  for (;;) {
    await ioSettled();
    await opts.quiet?.();
    if (settled) return p;
    const next = clock.nextTimerIn();
    if (next === null) {
      await waitUntil('the work to settle or to wait on the clock', () => settled || clock.nextTimerIn() !== null);
      continue;
    }
    if (clock.monotonic() + next > end) throw new Error(`not settled within ${maxSimMs / 1000} s of the clock (its next timer is ${next} ms further)`);
    clock.advance(next);
  }
}
