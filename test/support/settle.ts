/**
 * Waiting without sleeping: on what the code under test has already queued, never on a span of
 * real time. setImmediate is the test's own turn of the event loop, not a timer.
 */

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
