/**
 * The queue's work that runs beside its steps (a record being fetched, the card printing), and
 * for each whether it now waits for an answer from outside (the record source, the printer) or
 * is doing the queue's own bookkeeping (its writes to the database). `quiet` resolves once none
 * is doing bookkeeping, so a test that drives the queue on a manual clock waits for the queue's
 * writes themselves, not for a guess of how long they take.
 */
export class InFlight {
  private readonly tasks = new Set<{ away: boolean }>();
  private changed: { promise: Promise<void>; resolve: () => void } | undefined;

  /**
   * Run `body` as one piece of work. It passes each wait for the source or the printer through
   * `away`; the rest of it is bookkeeping. The returned promise settles as `body`'s does.
   */
  run(body: (away: <T>(answer: Promise<T>) => Promise<T>) => Promise<void>): Promise<void> {
    const task = { away: false };
    this.tasks.add(task);
    const away = <T>(answer: Promise<T>): Promise<T> => {
      task.away = true;
      this.signal();
      // The first reaction to the answer, so the task counts as busy again before it goes on.
      return answer.finally(() => {
        task.away = false;
      });
    };
    return (async () => {
      try {
        await body(away);
      } finally {
        this.tasks.delete(task);
        this.signal();
      }
    })();
  }

  /** No work is doing bookkeeping now: each waits outside, or none is left. */
  get isQuiet(): boolean {
    for (const t of this.tasks) if (!t.away) return false;
    return true;
  }

  async quiet(): Promise<void> {
    while (!this.isQuiet) await this.nextChange();
  }

  private nextChange(): Promise<void> {
    if (!this.changed) {
      let resolve = () => {};
      const promise = new Promise<void>((r) => (resolve = r));
      this.changed = { promise, resolve };
    }
    return this.changed.promise;
  }

  private signal(): void {
    const c = this.changed;
    this.changed = undefined;
    c?.resolve();
  }
}
