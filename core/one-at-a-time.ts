/**
 * Calls run one at a time, each after the one before has settled, in the order asked: for a
 * device or a connection that answers one question at a time (upsd's socket, a USB UPS, one
 * SQLite connection). A failed call does not stop the ones queued behind it.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
