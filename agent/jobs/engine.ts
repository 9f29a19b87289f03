import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { unreachable } from '../../core/errors.js';
import { codeOf } from '../../hal/errors.js';
import { PRINT_ERRORS, type PrinterDriver } from '../../hal/printer/types.js';
import { RECORD_ERRORS, type PrintRecord, type RecordErrorCode, type RecordSource } from '../../hal/records/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { forecastSchema, type JobsConfig } from '../config/schema.js';
import { Ledger } from '../ledger/blanks.js';
import { SupplyLedger, type RollKind, type SupplyCount, type Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { holdOf, type Hold, type HoldCode } from './gate.js';
import { PRINTER_HISTORY_HOLD, startOfLocalDay, type CardOutcome, type JobCounts } from './job.js';
import { JobRepo } from './repo.js';
import { Utilisation } from './utilisation.js';

export interface JobsSummary extends JobCounts {
  /**
   * Why no new card starts now; null when cards may start. Raised while work waits; once
   * raised it stays until its reason is gone, even if the queue empties meanwhile.
   */
  held: string | null;
  heldCode: HoldCode | null;
  /** Why no card could start now even with nothing waiting (the gate's own verdict); null when one could. */
  gateCode: HoldCode | null;
  /** Share of the last hour the printer was printing while work was waiting; null without work. */
  utilisation: number | null;
  blanksOnHand: number | null;
  /** Cards through the printer (printed and spoiled) since the ledger began; the forecast's usage. */
  cardsUsed: number | null;
  /** Ribbon and film as the agent counts them (the supply ledger); null before the first look. */
  counted: Record<RollKind, SupplyCount> | null;
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
  /** Cards a ribbon and a film roll give until this office's rolls say otherwise (forecast.cardsPerSupply). */
  rollYields?: Yields;
}

const STEP_MS = 500;
const DEFAULT_ROLL_YIELDS: Yields = forecastSchema().parse({}).cardsPerSupply;
/** After the printer refused to start a card, ask again no sooner than this. */
const PRINT_RETRY_MS = 2000;
/** Counts and the ledger are summed at most this often, or when something changed. */
const SUMMARY_MS = 2000;
const RECONCILE_MS = 10_000;

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
  private currentId: string | undefined;
  /** Monotonic time before which no card is started (the printer just said not ready). */
  private printRetryAt = -Infinity;
  /** Records waiting out a failed fetch: monotonic time each may be fetched again. */
  private readonly retryAt = new Map<string, number>();
  private writeTrouble: string | undefined;
  private readonly unwritten = new Map<string, CardOutcome>();
  private lastReconcileAt = -Infinity;
  private lastSummaryAt = -Infinity;
  private summaryDirty = true;
  private counts: JobCounts = { queued: 0, fetching: 0, ready: 0, printing: 0, needsVerification: 0, needsVerificationIds: [], printedToday: 0, failedToday: 0 };
  private blanksOnHand: number | null = null;
  private cardsUsed: number | null = null;
  private counted: Record<RollKind, SupplyCount> | null = null;
  /** Whether held was raised at the last step (or before the restart): it then stays until its reason is gone. */
  private wasHeld = false;

  constructor(private readonly d: EngineDeps) {
    this.repo = new JobRepo(d.store.db, () => d.clock.now());
    const zero = { queued: 0, fetching: 0, ready: 0, printing: 0, needsVerification: 0, needsVerificationIds: [], printedToday: 0, failedToday: 0 };
    this.summaryCache = { ...zero, held: null, heldCode: null, gateCode: null, utilisation: null, blanksOnHand: null, cardsUsed: null, counted: null };
  }

  async start(): Promise<void> {
    // A hold raised before a restart stays raised until its reason is gone, as without the restart.
    this.wasHeld = (await this.d.store.activeAlerts().catch(() => [])).some((a) => a.code === 'jobs.held');
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
    if (this.current && waitMs > 0) {
      let cancel: (() => void) | undefined;
      await Promise.race([this.current, new Promise<void>((r) => (cancel = this.d.clock.setTimer(r, waitMs)))]);
      cancel?.();
    }
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
    // Periods and waits on monotonic time; the wall clock only says which day it is.
    const mono = this.d.clock.monotonic();
    const now = this.d.clock.now();
    await this.retryUnwritten();
    if (mono - this.lastReconcileAt >= RECONCILE_MS) await this.reconcile(mono);
    // A database file deleted, replaced or cut short while open is seen here within a second.
    this.d.store.checkFile(mono);
    const durable = this.d.store.durable && this.writeTrouble === undefined;
    const held = holdOf(this.d.snapshot(), config, { hasSource: source !== undefined, durable });
    if (source && !this.stopping && durable) {
      const room = config.prefetch + 1 - this.inFetch.size - this.records.size;
      if (room > 0) {
        for (const [id, due] of this.retryAt) if (due <= mono) this.retryAt.delete(id);
        const next = await this.repo.nextToFetch(room, [...this.inFetch, ...this.retryAt.keys()]);
        for (const j of next.slice(0, room)) this.fetch(j.recordId, j.fetchAttempts, source);
      }
    }
    if (!this.current && !held && !this.stopping && this.records.size > 0 && mono >= this.printRetryAt) {
      const id = (await this.repo.readyInOrder()).find((x) => this.records.has(x));
      if (id) {
        this.currentId = id;
        this.current = this.print(id)
          .catch((err: Error) => this.d.log.error({ recordId: id, err: err.message }, 'card bookkeeping failed'))
          .finally(() => {
            this.current = undefined;
            this.currentId = undefined;
            this.summaryDirty = true;
            // Straight on to the next card (a timer would leave the printer idle a moment per card).
            if (!this.stopping) void this.step();
          });
      }
    }
    if (this.summaryDirty || mono - this.lastSummaryAt >= SUMMARY_MS) {
      this.summaryDirty = false;
      this.lastSummaryAt = mono;
      this.counts = await this.repo.counts(startOfLocalDay(now));
      const stock = await Ledger.summaryIn(this.d.store.db);
      this.blanksOnHand = stock.kept ? stock.onHand : null;
      this.cardsUsed = stock.printed + stock.spoiled;
      this.counted = await SupplyLedger.countsIn(this.d.store.db, this.d.rollYields ?? DEFAULT_ROLL_YIELDS);
    }
    const c = this.counts;
    const waiting = c.queued + c.fetching + c.ready + c.printing > 0;
    this.utilisation.record(mono, waiting, this.current !== undefined);
    const why: Hold | null = this.writeTrouble ? { code: 'store_write', detail: `the database cannot be written (${this.writeTrouble}): printing waits` } : held;
    // Raised only while work waits (a jammed printer with nothing to print holds nothing), but once
    // raised it stays until the reason is gone: an emptied queue does not mean the printer is fixed.
    const shown = why && (waiting || this.wasHeld) ? why : null;
    this.wasHeld = shown !== null;
    this.summaryCache = { ...c, held: shown?.detail ?? null, heldCode: shown?.code ?? null, gateCode: why?.code ?? null, utilisation: this.utilisation.share(mono), blanksOnHand: this.blanksOnHand, cardsUsed: this.cardsUsed, counted: this.counted };
  }

  /** A write failed: hold the queue (no card may start that could not be recorded) until writes work. */
  private writeFailed(err: Error): void {
    if (this.writeTrouble === undefined) this.d.log.error({ err: err.message }, 'print queue cannot write to the database; printing is held');
    this.writeTrouble = err.message;
  }

  /** Outcomes the printer gave that could not be written yet are written first; then a probe write. */
  private async retryUnwritten(): Promise<void> {
    for (const [recordId, o] of [...this.unwritten]) await this.settle(recordId, o);
    if (this.writeTrouble !== undefined && this.unwritten.size === 0) {
      try {
        await this.d.store.setState('jobs.probe', this.d.clock.now());
        this.writeTrouble = undefined;
        this.d.log.info('print queue can write to the database again');
      } catch {
        // still failing: stay held
      }
    }
  }

  /**
   * Rows that say a record is being fetched, is ready or is printing, with no such work in this
   * process (a write that failed halfway): fetching and ready go back to the queue; printing
   * (outcome unknown) waits for a person.
   */
  private async reconcile(mono: number): Promise<void> {
    this.lastReconcileAt = mono;
    for (const r of await this.repo.inFlight()) {
      const busy =
        (r.state === 'fetching' && this.inFetch.has(r.recordId)) ||
        (r.state === 'ready' && this.records.has(r.recordId)) ||
        (r.state === 'printing' && (this.currentId === r.recordId || this.unwritten.has(r.recordId)));
      if (busy) continue;
      const to = r.state === 'printing' ? 'needs_verification' : 'queued';
      await this.repo
        .transition(r.recordId, [r.state], to, to === 'queued' ? 'no work in progress for it: queued again' : 'its outcome was never recorded; a person must check the card')
        .catch((err: Error) => this.writeFailed(err));
    }
  }

  private fetch(recordId: string, attempts: number, source: RecordSource): void {
    this.inFetch.add(recordId);
    void (async () => {
      try {
        // Attempts that never finished (the agent stopped or crashed during each: a record whose
        // answer kills it) count too: past the limit the record is set aside, not fetched again.
        if (attempts >= this.d.config.maxFetchAttempts) {
          await this.repo.transition(recordId, ['queued'], 'failed', `set aside after ${attempts} fetch attempts that did not finish (the agent stopped during each); add it again to retry`);
          this.d.log.warn({ recordId, attempts }, 'record set aside: its fetches never finished');
          return;
        }
        // The attempt is counted before the fetch, so one that never returns still counts.
        await this.repo.transition(recordId, ['queued'], 'fetching', `fetch attempt ${attempts + 1}`, { fetch_attempts: attempts + 1 });
      } catch {
        return; // cancelled or changed meanwhile
      }
      try {
        const record = await source.fetch(recordId);
        this.records.set(recordId, record); // before the move, so a reconcile never sees it missing
        try {
          await this.repo.transition(recordId, ['fetching'], 'ready', 'record fetched');
        } catch (err) {
          this.records.delete(recordId);
          throw err;
        }
      } catch (err) {
        await this.fetchFailed(recordId, attempts + 1, err as Error).catch((e: Error) => this.writeFailed(e));
      }
      this.summaryDirty = true;
    })()
      .catch((err: Error) => this.d.log.error({ recordId, err: err.message }, 'fetch bookkeeping failed'))
      .finally(() => {
        this.inFetch.delete(recordId);
        this.kick();
      });
  }

  private async fetchFailed(recordId: string, attempts: number, err: Error): Promise<void> {
    const { config } = this.d;
    const permanent = retryHelps(codeOf(err, RECORD_ERRORS, 'unavailable')) === false;
    if (permanent || attempts >= config.maxFetchAttempts) {
      const why = `${err.message}${permanent ? '' : ` (after ${attempts} attempts)`}; add it again to retry`;
      this.d.log.warn({ recordId, attempts }, `record set aside: ${why}`);
      await this.repo.transition(recordId, ['fetching'], 'failed', why, { fetch_attempts: attempts, last_error: err.message });
      return;
    }
    const delay = Math.min(300_000, config.retryAfterSeconds * 1000 * 2 ** (attempts - 1));
    this.d.log.info({ recordId, attempts, retryInMs: delay }, `fetch failed: ${err.message}`);
    // The wait is kept on monotonic time while the agent runs (a stepped clock neither skips nor
    // stretches it); the stamp in the row says when, for people. After a restart it is fetched at once.
    this.retryAt.set(recordId, this.d.clock.monotonic() + delay);
    await this.repo.transition(recordId, ['fetching'], 'queued', `fetch failed: ${err.message}`, {
      fetch_attempts: attempts,
      next_fetch_at: this.d.clock.now() + delay,
      last_error: err.message,
    });
  }

  private async print(recordId: string): Promise<void> {
    const record = this.records.get(recordId);
    if (!record) return;
    const jobId = `${recordId}@${this.d.clock.now()}`;
    let card: { document: Buffer; mimeType: string };
    try {
      // The renderer is loaded with the first card, not at start; the printer says which form it takes.
      card = await (await import('../card/format.js')).renderFor(record, this.d.printer.cardFormat, this.d.render);
    } catch (err) {
      this.records.delete(recordId);
      await this.repo.transition(recordId, ['ready'], 'failed', `the card could not be rendered: ${(err as Error).message}`);
      return;
    }
    // The printer's own history, where the driver can read it: more cards finished for this
    // record than this database ever sent means it forgot one (restored from an old backup,
    // started afresh), and the record is not sent again. A reprint after a spoiled card is sent.
    const finished = await this.d.printer.printedFor?.(recordId).catch(() => null);
    if (finished && finished.length > 0 && finished.length > (await this.repo.cardsAccountedFor(recordId))) {
      const last = finished[finished.length - 1] ?? '?';
      this.records.delete(recordId);
      await this.repo.transition(recordId, ['ready'], 'needs_verification', `${PRINTER_HISTORY_HOLD} (job ${last}): a person must check before it prints again`);
      this.d.log.warn({ recordId, printerJobIds: finished }, "not printed again: the printer's history has more cards for this record than this database sent");
      return;
    }
    // Durable before the printer is told: after a crash this job is verified, never re-sent.
    try {
      await this.repo.transition(recordId, ['ready'], 'printing', `sent to the printer as ${jobId}`, { agent_job_id: jobId });
    } catch (err) {
      this.writeFailed(err as Error);
      return; // nothing was sent; the record stays ready in memory
    }
    let outcome: CardOutcome;
    try {
      const result = await this.d.printer.print({ jobId, recordId, document: card.document, mimeType: card.mimeType });
      outcome = { to: 'printed', reason: `printed (printer job ${result.printerJobId})`, printerJobId: result.printerJobId };
      this.d.log.info({ recordId, printerJobId: result.printerJobId }, 'card printed');
    } catch (err) {
      const e = err as Error;
      // Anything print() does not define leaves the card's fate unknown: a person must look.
      const code = codeOf(err, PRINT_ERRORS, 'unknown-outcome');
      switch (code) {
        case 'not-ready':
        case 'busy':
          // Nothing was started. Wait before asking again: the printer's state may be newer than our last reading.
          this.printRetryAt = this.d.clock.monotonic() + PRINT_RETRY_MS;
          outcome = { to: 'ready', reason: `the printer did not start it: ${e.message}` };
          break;
        case 'aborted':
          outcome = { to: 'spoiled', reason: e.message };
          this.d.log.warn({ recordId }, `card spoiled: ${e.message}; add the record again to reprint it`);
          break;
        case 'canceled':
        case 'unknown-outcome':
          outcome = { to: 'needs_verification', reason: `the printer's answer is unknown (${e.message}); a person must check the card` };
          this.d.log.warn({ recordId }, 'card outcome unknown; it needs a person to verify it');
          break;
        default:
          return unreachable(code);
      }
    }
    // The record is personal data: gone from memory once its card is done, one way or another.
    if (outcome.to !== 'ready') this.records.delete(recordId);
    await this.settle(recordId, outcome);
  }

  /**
   * Write what the printer said, with its ledger entry. If the write fails the outcome is kept
   * and written on a later step (a printed card is never downgraded to "unknown"); meanwhile
   * the queue is held.
   */
  private async settle(recordId: string, o: CardOutcome): Promise<void> {
    try {
      await this.repo.settle(recordId, o);
      this.unwritten.delete(recordId);
      this.summaryDirty = true;
    } catch (err) {
      this.unwritten.set(recordId, o);
      this.writeFailed(err as Error);
    }
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
