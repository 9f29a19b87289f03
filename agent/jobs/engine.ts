import type { Logger } from 'pino';
import type { Clock } from '../../hal/clock.js';
import { HalError } from '../../hal/errors.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { PrintRecord, RecordSource } from '../../hal/records/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { CARD_MIME, renderCard } from '../card/render.js';
import type { JobsConfig } from '../config/schema.js';
import { Ledger } from '../stock.js';
import type { Store } from '../store/store.js';
import { holdReason } from './gate.js';
import { JobRepo, startOfLocalDay, type JobCounts } from './repo.js';
import { Utilisation } from './utilisation.js';

export interface JobsSummary extends JobCounts {
  /** Why no new card starts now; null when cards may start. */
  held: string | null;
  /** Share of the last hour the printer was printing while work was waiting; null without work. */
  utilisation: number | null;
  blanksOnHand: number | null;
}

export interface EngineDeps {
  store: Store;
  source: RecordSource | undefined;
  printer: PrinterDriver;
  config: JobsConfig;
  clock: Clock;
  log: Logger;
  /** The station's latest snapshot, for the gate. */
  snapshot: () => StationBody | undefined;
  render?: (r: PrintRecord) => Buffer;
}

const STEP_MS = 500;

/**
 * The print queue at work: records are fetched ahead of the printer (at most `prefetch` beyond
 * the card printing), held in memory only, and printed one at a time. A job is written as
 * `printing` (and committed) before the printer is told; the outcome is written after. The
 * gate decides whether a new card may start; a card in progress is always finished.
 */
export class JobEngine {
  readonly repo: JobRepo;
  private readonly records = new Map<string, PrintRecord>();
  private readonly inFetch = new Set<string>();
  private current: Promise<void> | undefined;
  private summaryCache: JobsSummary;
  private readonly utilisation = new Utilisation();
  private cancelTimer: (() => void) | undefined;
  private stepping: Promise<void> | undefined;
  private again = false;
  private stopping = false;

  constructor(private readonly d: EngineDeps) {
    this.repo = new JobRepo(d.store.db, () => d.clock.now());
    const zero = { queued: 0, fetching: 0, ready: 0, printing: 0, needsVerification: 0, printedToday: 0, failedToday: 0 };
    this.summaryCache = { ...zero, held: null, utilisation: null, blanksOnHand: null };
  }

  async start(): Promise<void> {
    const r = await this.repo.recoverAfterRestart(this.d.printer.jobOutcome?.bind(this.d.printer));
    if (r.proven.length > 0) this.d.log.info({ records: r.proven }, "cards settled as printed from the printer's job history");
    if (r.needsVerification.length > 0) {
      this.d.log.warn({ records: r.needsVerification }, 'cards that were printing when the agent stopped need a person to verify them (station-agent jobs verify)');
    }
    this.schedule(0);
  }

  /** Stop starting work; wait up to `waitMs` for the card printing now (else it is verified after restart). */
  async stop(waitMs: number): Promise<void> {
    this.stopping = true;
    this.cancelTimer?.();
    await this.stepping;
    if (this.current) await Promise.race([this.current, new Promise((r) => setTimeout(r, waitMs))]);
  }

  summary(): JobsSummary {
    return this.summaryCache;
  }

  /** Look again soon: a reading changed, a fetch or a card finished, a job was added. */
  kick(): void {
    if (!this.stopping) this.schedule(0);
  }

  private schedule(ms: number): void {
    this.cancelTimer?.();
    this.cancelTimer = this.d.clock.setTimer(() => void this.step(), ms);
  }

  /** One look at the queue. Steps never overlap; a step asked for meanwhile runs right after. */
  async step(): Promise<void> {
    if (this.stepping) {
      this.again = true;
      return this.stepping;
    }
    this.stepping = (async () => {
      do {
        this.again = false;
        try {
          await this.stepOnce();
        } catch (err) {
          this.d.log.error({ err: (err as Error).message }, 'print queue step failed; trying again');
        }
      } while (this.again && !this.stopping);
    })();
    try {
      await this.stepping;
    } finally {
      this.stepping = undefined;
      if (!this.stopping) this.schedule(STEP_MS);
    }
  }

  private async stepOnce(): Promise<void> {
    const { config, source } = this.d;
    const held = holdReason(this.d.snapshot(), config, { hasSource: source !== undefined, durable: this.d.store.durable });
    if (source && !this.stopping) {
      const room = config.prefetch + 1 - this.inFetch.size - this.records.size;
      if (room > 0) {
        const next = (await this.repo.nextToFetch(room + this.inFetch.size)).filter((j) => !this.inFetch.has(j.recordId));
        for (const j of next.slice(0, room)) this.fetch(j.recordId, j.fetchAttempts, source);
      }
    }
    if (!this.current && !held && !this.stopping && this.records.size > 0) {
      const ready = await this.d.store.db.all<{ record_id: string }>("SELECT record_id FROM jobs WHERE state = 'ready' ORDER BY seq");
      const id = ready.map((r) => r.record_id).find((x) => this.records.has(x));
      if (id) {
        this.current = this.print(id).finally(() => {
          this.current = undefined;
          // Straight on to the next card (a timer would leave the printer idle a moment per card).
          if (!this.stopping) void this.step();
        });
      }
    }
    const now = this.d.clock.now();
    const counts = await this.repo.counts(startOfLocalDay(now));
    const stock = await Ledger.summaryIn(this.d.store.db);
    const waiting = counts.queued + counts.fetching + counts.ready + counts.printing > 0;
    this.utilisation.record(now, waiting, this.current !== undefined);
    this.summaryCache = { ...counts, held: waiting ? held : null, utilisation: this.utilisation.share(now), blanksOnHand: stock.kept ? stock.onHand : null };
  }

  private fetch(recordId: string, attempts: number, source: RecordSource): void {
    this.inFetch.add(recordId);
    void (async () => {
      try {
        await this.repo.transition(recordId, ['queued'], 'fetching', `fetch attempt ${attempts + 1}`);
      } catch {
        return; // cancelled or changed meanwhile
      }
      try {
        const record = await source.fetch(recordId);
        await this.repo.transition(recordId, ['fetching'], 'ready', 'record fetched');
        this.records.set(recordId, record);
      } catch (err) {
        await this.fetchFailed(recordId, attempts + 1, err as Error);
      }
    })()
      .catch((err: Error) => this.d.log.error({ recordId, err: err.message }, 'fetch bookkeeping failed'))
      .finally(() => {
        this.inFetch.delete(recordId);
        this.kick();
      });
  }

  private async fetchFailed(recordId: string, attempts: number, err: Error): Promise<void> {
    const { config } = this.d;
    const permanent = err instanceof HalError && (err.code === 'not-found' || err.code === 'invalid');
    if (permanent || attempts >= config.maxFetchAttempts) {
      const why = `${err.message}${permanent ? '' : ` (after ${attempts} attempts)`}; add it again to retry`;
      this.d.log.warn({ recordId, attempts }, `record set aside: ${why}`);
      await this.repo.transition(recordId, ['fetching'], 'failed', why, { fetch_attempts: attempts, last_error: err.message });
      return;
    }
    const delay = Math.min(300_000, config.retryAfterSeconds * 1000 * 2 ** (attempts - 1));
    this.d.log.info({ recordId, attempts, retryInMs: delay }, `fetch failed: ${err.message}`);
    await this.repo.transition(recordId, ['fetching'], 'queued', `fetch failed: ${err.message}`, {
      fetch_attempts: attempts,
      next_fetch_at: this.d.clock.now() + delay,
      last_error: err.message,
    });
  }

  private async print(recordId: string): Promise<void> {
    const record = this.records.get(recordId);
    if (!record) return;
    const db = this.d.store.db;
    const jobId = `${recordId}@${this.d.clock.now()}`;
    let document: Buffer;
    try {
      document = (this.d.render ?? renderCard)(record);
    } catch (err) {
      this.records.delete(recordId);
      await this.repo.transition(recordId, ['ready'], 'failed', `the card could not be rendered: ${(err as Error).message}`);
      return;
    }
    // Durable before the printer is told: after a crash this job is verified, never re-sent.
    await this.repo.transition(recordId, ['ready'], 'printing', `sent to the printer as ${jobId}`, { agent_job_id: jobId });
    let keepRecord = false;
    try {
      const result = await this.d.printer.print({ jobId, recordId, document, mimeType: CARD_MIME });
      const at = this.d.clock.now();
      await db.transaction(async (tx) => {
        await JobRepo.move(tx, recordId, ['printing'], 'printed', at, `printed (printer job ${result.printerJobId})`, { printer_job_id: result.printerJobId });
        await Ledger.post(tx, { kind: 'print', qty: -1, at, recordId });
      });
      this.d.log.info({ recordId, printerJobId: result.printerJobId }, 'card printed');
    } catch (err) {
      const e = err as Error;
      const at = this.d.clock.now();
      if (e instanceof HalError && (e.code === 'not-ready' || e.code === 'busy')) {
        keepRecord = true; // nothing was started: the card waits for the printer
        await this.repo.transition(recordId, ['printing'], 'ready', `the printer did not start it: ${e.message}`);
      } else if (e instanceof HalError && e.code === 'aborted') {
        await db.transaction(async (tx) => {
          await JobRepo.move(tx, recordId, ['printing'], 'spoiled', at, e.message);
          await Ledger.post(tx, { kind: 'spoil', qty: -1, at, recordId });
        });
        this.d.log.warn({ recordId }, `card spoiled: ${e.message}; add the record again to reprint it`);
      } else {
        await this.repo.transition(recordId, ['printing'], 'needs_verification', `the printer's answer is unknown (${e.message}); a person must check the card`);
        this.d.log.warn({ recordId }, 'card outcome unknown; it needs a person to verify it');
      }
    } finally {
      // The record is personal data: gone from memory once its card is done, one way or another.
      if (!keepRecord) this.records.delete(recordId);
    }
  }
}
