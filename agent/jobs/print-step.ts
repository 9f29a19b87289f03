import type { Logger } from 'pino';
import { Backoff } from '../../core/backoff.js';
import type { Clock } from '../../core/clock.js';
import { unreachable } from '../../core/errors.js';
import { CardSpoiledError, codeOf } from '../../hal/errors.js';
import { PRINT_ERRORS, type PrinterDriver } from '../../hal/printer/types.js';
import { RECORD_ERRORS, type ClaimAnswer, type PrintRecord } from '../../hal/records/types.js';
import type { Claims } from './claims.js';
import type { InFlight } from './in-flight.js';
import type { CardOutcome } from './job.js';
import { note } from './notes.js';
import type { JobRepo } from './repo.js';
import type { Writes } from './writes.js';

export interface PrintStepDeps {
  repo: JobRepo;
  printer: PrinterDriver;
  clock: Clock;
  log: Logger;
  work: InFlight;
  writes: Writes;
  /** The records fetched ahead; a card done, one way or another, drops its record. */
  records: { get(recordId: string): PrintRecord | undefined; forget(recordId: string): void };
  /** An outcome was written: the counts changed. */
  changed: () => void;
  render?: (r: PrintRecord) => Buffer;
  /** Where the record source keeps claims: each card is claimed before it starts. */
  claims?: Claims;
  /** A card went through the printer (it was sent and not refused): a resting printer counts it. */
  through?: () => void;
}

/** After the printer refused to start a card, ask again no sooner than this. */
const PRINT_RETRY_MS = 2000;

/**
 * One card at a time, from the record to its outcome written. The job is written `printing`
 * (and committed) before the printer is told, so a crash leaves it to a person, never re-sent;
 * the printer's answer is written after, with the card's ledger line.
 */
export class PrintStep {
  private current: Promise<void> | undefined;
  private currentId: string | undefined;
  /** Monotonic time before which no card is started (the printer just said not ready). */
  private retryAt = -Infinity;
  /** Answers of the printer not yet written (the database failed): written first on each step. */
  private readonly unwritten = new Map<string, CardOutcome>();
  /** Why the last claim could not be asked (the service did not answer), until one is answered. */
  private unclaimed: string | undefined;
  private readonly claimWait: Backoff;

  constructor(private readonly d: PrintStepDeps) {
    this.claimWait = new Backoff({ initialMs: 2000, maxMs: 60_000, jitter: false }, d.clock);
  }

  /** Why the next card waits for the record service's word on its claim; undefined when it does not. */
  get claimWaiting(): string | undefined {
    return this.unclaimed;
  }

  /** No card waits to be claimed: a wait for the service's word is over. */
  noClaimPending(): void {
    this.unclaimed = undefined;
  }

  /** The card in progress, until its outcome is written or kept to be written. */
  get inProgress(): Promise<void> | undefined {
    return this.current;
  }

  /** No card in progress, and the printer did not just refuse one. */
  mayStart(mono: number): boolean {
    return this.current === undefined && mono >= this.retryAt;
  }

  /** Whether this record's `printing` row is this process's own: its card in progress, or its answer still to be written. */
  holds(recordId: string): boolean {
    return this.currentId === recordId || this.unwritten.has(recordId);
  }

  /** Every answer of the printer is written. */
  get allWritten(): boolean {
    return this.unwritten.size === 0;
  }

  /** Start the card for a record fetched and ready; `done` is called once it is over, one way or another. */
  start(recordId: string, done: () => void): void {
    this.currentId = recordId;
    this.current = this.d.work.run(async (away) => {
      try {
        await this.print(recordId, away);
      } catch (err) {
        this.d.log.error({ recordId, err: (err as Error).message }, 'card bookkeeping failed');
      } finally {
        this.current = undefined;
        this.currentId = undefined;
        done();
      }
    });
  }

  /** The printer's answers that could not be written yet are written now, if the database lets them. */
  async retryUnwritten(): Promise<void> {
    for (const [recordId, o] of [...this.unwritten]) await this.settle(recordId, o);
  }

  private async print(recordId: string, away: <T>(answer: Promise<T>) => Promise<T>): Promise<void> {
    const { repo, printer, clock, log, records } = this.d;
    const record = records.get(recordId);
    if (!record) return;
    const jobId = `${recordId}@${clock.now()}`;
    let card: { document: Buffer; mimeType: string };
    try {
      // The renderer is loaded with the first card, not at start; the printer says which form it takes.
      card = await (await import('../card/format.js')).renderFor(record, printer.cardFormat, this.d.render);
    } catch (err) {
      records.forget(recordId);
      await repo.transition(recordId, ['ready'], 'failed', note('render_failed', { message: (err as Error).message }));
      return;
    }
    // The printer's own history, where the driver can read it: more cards finished for this
    // record than this database ever sent means it forgot one (restored from an old backup,
    // started afresh), and the record is not sent again. A reprint after a spoiled card is sent.
    const finished = await printer.printedFor?.(recordId).catch(() => null);
    if (finished && finished.length > 0 && finished.length > (await repo.cardsAccountedFor(recordId))) {
      const last = finished[finished.length - 1] ?? '?';
      records.forget(recordId);
      await repo.transition(recordId, ['ready'], 'needs_verification', note('printer_history_hold', { printerJobId: last }));
      log.warn({ recordId, printerJobIds: finished }, "not printed again: the printer's history has more cards for this record than this database sent");
      return;
    }
    if (!(await this.claimed(recordId, away))) return;
    // Durable before the printer is told: after a crash this job is verified, never re-sent.
    try {
      await repo.transition(recordId, ['ready'], 'printing', note('sent', { jobId }), { agent_job_id: jobId });
    } catch (err) {
      // Nothing was sent. A failed write: the record stays ready in memory; a job moved meanwhile is no longer this card's.
      if (this.d.writes.failed(err as Error) === 'conflict') records.forget(recordId);
      return;
    }
    let outcome: CardOutcome;
    try {
      const result = await away(printer.print({ jobId, recordId, document: card.document, mimeType: card.mimeType }));
      outcome = { to: 'printed', note: note('printed', { printerJobId: result.printerJobId }), printerJobId: result.printerJobId };
      log.info({ recordId, printerJobId: result.printerJobId }, 'card printed');
    } catch (err) {
      outcome = this.failed(recordId, err);
    }
    // The record is personal data: gone from memory once its card is done, one way or another.
    if (outcome.to !== 'ready') records.forget(recordId);
    // Printed, spoiled or unknown, the printer worked (and heated) for it; refused, it did not.
    if (outcome.to !== 'ready') this.d.through?.();
    await this.settle(recordId, outcome);
  }

  /**
   * Whether the record service lets this station print the card (always, where it keeps no
   * claims). Held by another station: refused, naming it, and the record leaves memory. No
   * answer: nothing starts unclaimed; the card waits, and the queue with it, asked again later.
   */
  private async claimed(recordId: string, away: <T>(answer: Promise<T>) => Promise<T>): Promise<boolean> {
    const { claims, repo, records, log, clock } = this.d;
    if (!claims?.kept) return true;
    let answer: ClaimAnswer;
    try {
      answer = await away(claims.claim(recordId));
    } catch (err) {
      const e = err as Error;
      if (codeOf(err, RECORD_ERRORS, 'unavailable') === 'not-found') {
        records.forget(recordId);
        await repo.transition(recordId, ['ready'], 'failed', note('claim_not_found', { message: e.message }), { last_error: e.message });
        return false;
      }
      const wait = this.claimWait.failed();
      this.retryAt = clock.monotonic() + wait;
      if (this.unclaimed === undefined) log.warn({ recordId, err: e.message, retryInMs: wait }, 'the record service did not answer the claim: no card starts unclaimed; asked again');
      this.unclaimed = e.message;
      return false;
    }
    this.claimWait.succeeded();
    this.unclaimed = undefined;
    if (answer.granted) return true;
    records.forget(recordId);
    await repo.refuse(recordId, ['ready'], answer.claimedBy, answer.at);
    log.warn({ recordId, claimedBy: answer.claimedBy }, 'not printed: the record service says another station holds this record');
    this.d.changed();
    return false;
  }

  /** Where a card goes when print() failed; anything print() does not define leaves its fate unknown: a person must look. */
  private failed(recordId: string, err: unknown): CardOutcome {
    const e = err as Error;
    const code = codeOf(err, PRINT_ERRORS, 'unknown-outcome');
    switch (code) {
      case 'not-ready':
      case 'busy':
        // Nothing was started. Wait before asking again: the printer's state may be newer than our last reading.
        this.retryAt = this.d.clock.monotonic() + PRINT_RETRY_MS;
        return { to: 'ready', note: note('printer_not_ready', { error: code, message: e.message }) };
      case 'aborted':
        // The repo queues it again by itself, once (reprint.ts).
        this.d.log.warn({ recordId, err: e.message }, 'card spoiled in the printer');
        return { to: 'spoiled', note: note('printer_spoiled', { reasons: err instanceof CardSpoiledError ? err.reasons : [], message: e.message }) };
      case 'canceled':
      case 'unknown-outcome':
        this.d.log.warn({ recordId }, 'card outcome unknown; it needs a person to verify it');
        return { to: 'needs_verification', note: note('outcome_unknown', { error: code, message: e.message }) };
      default:
        return unreachable(code);
    }
  }

  /**
   * Write what the printer said, with its ledger entry. If the write fails the outcome is kept
   * and written on a later step (a printed card is never downgraded to "unknown"); meanwhile
   * the queue is held. A job found no longer printing was moved by someone else (a person's
   * verify): it stays as they left it, what the printer said is logged for whoever settles it,
   * and the queue goes on.
   */
  private async settle(recordId: string, o: CardOutcome): Promise<void> {
    try {
      await this.d.repo.settle(recordId, o);
      this.unwritten.delete(recordId);
      this.d.changed();
    } catch (err) {
      // The printer's answer goes into the log for whoever settles the card.
      if (this.d.writes.failed(err as Error, { printerSaid: o.to, printerJobId: o.printerJobId }) === 'held') {
        this.unwritten.set(recordId, o);
        return;
      }
      this.unwritten.delete(recordId);
      this.d.changed();
    }
  }
}
