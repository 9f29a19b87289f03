import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * A simulator's fault-injection file, in the spirit of NUT's dummy-ups: a person or a test
 * edits a small JSON file and the running simulator takes it up at its next read.
 *
 * The file is read whole on every poll and compared by content rather than by mtime, so two
 * edits in the same second are never lost (the dummy-ups pitfall). A missing file means no
 * overrides; a half-written or invalid file is reported once and the last good one is kept.
 */
export class SimStateFile<T> {
  private lastText: string | undefined;
  private current: T;

  constructor(
    private readonly path: string | undefined,
    private readonly schema: z.ZodType<T>,
    private readonly empty: T,
    private readonly log: Logger,
  ) {
    this.current = empty;
  }

  async read(): Promise<T> {
    if (this.path === undefined) return this.empty;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.reportOnce(`unreadable:${(err as Error).message}`, `cannot read ${this.path}: ${(err as Error).message}`);
        return this.current;
      }
      text = '';
    }
    if (text === this.lastText) return this.current;
    this.lastText = text;
    if (text.trim() === '') {
      this.current = this.empty;
      return this.current;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      this.log.warn({ file: this.path }, `simulator state file is not valid JSON (${(err as Error).message}); keeping the previous state`);
      return this.current;
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`).join('; ');
      this.log.warn({ file: this.path }, `simulator state file rejected: ${problems}; keeping the previous state`);
      return this.current;
    }
    this.current = parsed.data;
    this.log.info({ file: this.path, state: parsed.data }, 'simulator state file applied');
    return this.current;
  }

  private lastReport: string | undefined;
  private reportOnce(key: string, message: string) {
    if (this.lastReport === key) return;
    this.lastReport = key;
    this.log.warn({ file: this.path }, message);
  }
}
