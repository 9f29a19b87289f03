import type { Logger } from 'pino';

/**
 * Whether the queue can write to the database. A write that failed holds the queue (no card may
 * start that could not be recorded) until a probe write works again.
 */
export class Writes {
  private trouble: string | undefined;

  constructor(private readonly log: Logger) {}

  /** Why the last write failed, while writes fail; undefined when they work. */
  get problem(): string | undefined {
    return this.trouble;
  }

  failed(err: Error): void {
    if (this.trouble === undefined) this.log.error({ err: err.message }, 'print queue cannot write to the database; printing is held');
    this.trouble = err.message;
  }

  /** While writes fail, try `write`: once it works, the hold is lifted. */
  async probe(write: () => Promise<void>): Promise<void> {
    if (this.trouble === undefined) return;
    try {
      await write();
      this.trouble = undefined;
      this.log.info('print queue can write to the database again');
    } catch {
      // still failing: stay held
    }
  }
}
