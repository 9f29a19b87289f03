import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { unreachable } from '../../core/errors.js';
import { codeOf } from '../../hal/errors.js';
import { RECORD_ERRORS, type PrintRecord, type RecordErrorCode, type RecordSource } from '../../hal/records/types.js';
import type { JobsConfig } from '../config/schema.js';
import type { InFlight } from './in-flight.js';
import { note } from './notes.js';
import type { JobRepo } from './repo.js';
import type { Writes } from './writes.js';

export interface PrefetchDeps {
  repo: JobRepo;
  /** Absent where no record source is configured: nothing is fetched. */
  source: RecordSource | undefined;
  config: JobsConfig;
  clock: Clock;
  log: Logger;
  work: InFlight;
  writes: Writes;
  /** A record was fetched or set aside: the counts changed. */
  changed: () => void;
  /** A fetch ended, one way or another: there is room to fetch another. */
  ended: () => void;
}

/** A fetch that failed is tried again after this, doubling with each attempt, up to five minutes. */
const MAX_RETRY_MS = 300_000;

/**
 * Records fetched ahead of the printer: at most `prefetch` beyond the card printing, held in
 * memory only (personal data: never written, and dropped once their card is done). A fetch that
 * fails is tried again after a growing wait; a record the server does not have, or whose
 * fetches never finish, is set aside as failed without holding the rest.
 */
export class Prefetcher {
  private readonly records = new Map<string, PrintRecord>();
  private readonly inFetch = new Set<string>();
  /** Records waiting out a failed fetch: monotonic time each may be fetched again. */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly d: PrefetchDeps) {}

  /** Start fetching the next queued records, as many as the window has room for. */
  async fill(mono: number): Promise<void> {
    const { source, config, repo } = this.d;
    if (!source) return;
    const room = config.prefetch + 1 - this.inFetch.size - this.records.size;
    if (room <= 0) return;
    for (const [id, due] of this.retryAt) if (due <= mono) this.retryAt.delete(id);
    const next = await repo.nextToFetch(room, [...this.inFetch, ...this.retryAt.keys()]);
    for (const j of next.slice(0, room)) this.fetch(j.recordId, j.fetchAttempts, source);
  }

  /** Records fetched and held for the printer. */
  get held(): number {
    return this.records.size;
  }

  has(recordId: string): boolean {
    return this.records.has(recordId);
  }

  get(recordId: string): PrintRecord | undefined {
    return this.records.get(recordId);
  }

  /** The record's card is done, one way or another: its personal data leaves memory. */
  forget(recordId: string): void {
    this.records.delete(recordId);
  }

  isFetching(recordId: string): boolean {
    return this.inFetch.has(recordId);
  }

  private fetch(recordId: string, attempts: number, source: RecordSource): void {
    this.inFetch.add(recordId);
    void this.d.work.run(async (away) => {
      try {
        await this.fetchOne(recordId, attempts, source, away);
      } catch (err) {
        this.d.log.error({ recordId, err: (err as Error).message }, 'fetch bookkeeping failed');
      } finally {
        this.inFetch.delete(recordId);
        this.d.ended();
      }
    });
  }

  private async fetchOne(recordId: string, attempts: number, source: RecordSource, away: <T>(answer: Promise<T>) => Promise<T>): Promise<void> {
    const { repo, config, log } = this.d;
    try {
      // Attempts that never finished (the agent stopped or crashed during each: a record whose
      // answer kills it) count too: past the limit the record is set aside, not fetched again.
      if (attempts >= config.maxFetchAttempts) {
        await repo.transition(recordId, ['queued'], 'failed', note('fetch_set_aside', { attempts }));
        log.warn({ recordId, attempts }, 'record set aside: its fetches never finished');
        return;
      }
      // The attempt is counted before the fetch, so one that never returns still counts.
      await repo.transition(recordId, ['queued'], 'fetching', note('fetch_attempt', { attempts: attempts + 1 }), { fetch_attempts: attempts + 1 });
    } catch {
      return; // cancelled or changed meanwhile
    }
    try {
      const record = await away(source.fetch(recordId));
      this.records.set(recordId, record); // before the move, so a reconcile never sees it missing
      try {
        await repo.transition(recordId, ['fetching'], 'ready', note('fetched'));
      } catch (err) {
        this.records.delete(recordId);
        throw err;
      }
    } catch (err) {
      await this.fetchFailed(recordId, attempts + 1, err as Error).catch((e: Error) => this.d.writes.failed(e));
    }
    this.d.changed();
  }

  private async fetchFailed(recordId: string, attempts: number, err: Error): Promise<void> {
    const { config, repo, log, clock } = this.d;
    const error = codeOf(err, RECORD_ERRORS, 'unavailable');
    const permanent = retryHelps(error) === false;
    if (permanent || attempts >= config.maxFetchAttempts) {
      const why = `${err.message}${permanent ? '' : ` (after ${attempts} attempts)`}; add it again to retry`;
      log.warn({ recordId, attempts }, `record set aside: ${why}`);
      await repo.transition(recordId, ['fetching'], 'failed', note('fetch_gave_up', { error, message: err.message, ...(permanent ? {} : { attempts }) }), { fetch_attempts: attempts, last_error: err.message });
      return;
    }
    const delay = Math.min(MAX_RETRY_MS, config.retryAfterSeconds * 1000 * 2 ** (attempts - 1));
    log.info({ recordId, attempts, retryInMs: delay }, `fetch failed: ${err.message}`);
    // The wait is kept on monotonic time while the agent runs (a stepped clock neither skips nor
    // stretches it); the stamp in the row says when, for people. After a restart it is fetched at once.
    this.retryAt.set(recordId, clock.monotonic() + delay);
    await repo.transition(recordId, ['fetching'], 'queued', note('fetch_retry', { error, message: err.message }), {
      fetch_attempts: attempts,
      next_fetch_at: clock.now() + delay,
      last_error: err.message,
    });
  }
}

/** Whether fetching again can bring a record the source failed to give. */
function retryHelps(code: RecordErrorCode): boolean {
  switch (code) {
    case 'not-found': // the server has no such print-ready record
    case 'invalid': // it answers, but not with a record: the same again
      return false;
    case 'refused': // credentials: a person fixes them, and the record is fetched then
    case 'unavailable':
    case 'timeout':
      return true;
    default:
      return unreachable(code);
  }
}
