import type { Logger } from 'pino';
import { JobStateConflict } from './conflict.js';

/**
 * Whether the queue can write to the database. A write that failed holds the queue (no card may
 * start that could not be recorded) until a probe write works again; a job found moved by
 * someone else is no failed write.
 */
export class Writes {
  private trouble: string | undefined;

  constructor(private readonly log: Logger) {}

  /** Why the last write failed, while writes fail; undefined when they work. */
  get problem(): string | undefined {
    return this.trouble;
  }

  /**
   * A write failed: the queue is held, unless the job was only found moved by someone else (a
   * state conflict: the database works), which is logged and left as the other writer left it.
   * Says which it was; `facts` go with a conflict into the log (what the move would have written).
   */
  failed(err: Error, facts: Record<string, unknown> = {}): 'held' | 'conflict' {
    if (err instanceof JobStateConflict) {
      this.log.warn({ recordId: err.recordId, found: err.found, expected: err.expected, ...facts }, 'job moved by someone else meanwhile (a person, another program on this database): left as they left it; the queue goes on');
      return 'conflict';
    }
    if (this.trouble === undefined) this.log.error({ err: err.message }, 'print queue cannot write to the database; printing is held');
    this.trouble = err.message;
    return 'held';
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
