import { forecastSchema } from '../config/schema.js';
import { Ledger } from '../ledger/blanks.js';
import { cardsOfDay } from '../ledger/good-cards.js';
import { localTimeZone } from '../office/days.js';
import { SupplyLedger, type RollKind, type SupplyCount, type Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import type { Hold, HoldCode } from './gate.js';
import { localDayOf, type JobCounts } from './job.js';
import type { JobRepo } from './repo.js';
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
  /** Good cards today in the station's zone, as the blank-card ledger and the daily accounts count them; null before the first look. */
  goodToday: number | null;
  /** Cards spoiled today, the same way; a spoiled card and its reprint are one good and one spoiled. */
  spoiledToday: number | null;
  /** While the printer rests (printer.rest), when it resumes, as wall time (RFC 3339); null otherwise. */
  resumesAt: string | null;
}

const DEFAULT_ROLL_YIELDS: Yields = forecastSchema().parse({}).cardsPerSupply;
/** Counts and the ledger are summed at most this often, or when something changed. */
const SUMMARY_MS = 2000;
const NO_JOBS: JobCounts = { queued: 0, fetching: 0, ready: 0, printing: 0, needsVerification: 0, needsVerificationIds: [], printedToday: 0, failedToday: 0 };

/**
 * What the queue tells the station after each step: its counts, why printing is held, the
 * printer's utilisation, and the blanks and rolls as the ledgers count them.
 */
export class QueueSummary {
  private current: JobsSummary = { ...NO_JOBS, held: null, heldCode: null, gateCode: null, utilisation: null, blanksOnHand: null, cardsUsed: null, counted: null, goodToday: null, spoiledToday: null, resumesAt: null };
  private readonly utilisation = new Utilisation();
  private lastAt = -Infinity;
  private dirty = true;
  private counts: JobCounts = NO_JOBS;
  private blanksOnHand: number | null = null;
  private cardsUsed: number | null = null;
  private counted: Record<RollKind, SupplyCount> | null = null;
  private cards: { good: number; spoiled: number } | null = null;
  /** Whether held was raised at the last step (or before the restart): it then stays until its reason is gone. */
  private wasHeld = false;

  /** timeZone: the station's, whose days the daily accounts count (default: this PC's). */
  constructor(private readonly d: { store: Store; repo: JobRepo; rollYields?: Yields; timeZone?: string }) {}

  /** A hold raised before a restart stays raised until its reason is gone, as without the restart. */
  async restore(): Promise<void> {
    this.wasHeld = (await this.d.store.activeAlerts().catch(() => [])).some((a) => a.code === 'jobs.held');
  }

  get(): JobsSummary {
    return this.current;
  }

  /** Something changed the counts: they are summed again at the next step. */
  changed(): void {
    this.dirty = true;
  }

  /** After a step: `why` no card may start (the gate's verdict, or writes failing), whether one is printing, and when a rest ends. */
  async update(mono: number, now: number, why: Hold | null, printing: boolean, resumesAt: string | null = null): Promise<void> {
    if (this.dirty || mono - this.lastAt >= SUMMARY_MS) {
      this.dirty = false;
      this.lastAt = mono;
      this.counts = await this.d.repo.counts(localDayOf(now));
      const stock = await Ledger.summaryIn(this.d.store.db);
      this.blanksOnHand = stock.kept ? stock.onHand : null;
      this.cardsUsed = stock.printed + stock.spoiled;
      this.counted = await SupplyLedger.countsIn(this.d.store.db, this.d.rollYields ?? DEFAULT_ROLL_YIELDS);
      this.cards = await cardsOfDay(this.d.store.db, now, this.d.timeZone ?? localTimeZone());
    }
    const c = this.counts;
    const waiting = c.queued + c.fetching + c.ready + c.printing > 0;
    this.utilisation.record(mono, waiting, printing);
    // Raised only while work waits (a jammed printer with nothing to print holds nothing), but once
    // raised it stays until the reason is gone: an emptied queue does not mean the printer is fixed.
    const shown = why && (waiting || this.wasHeld) ? why : null;
    this.wasHeld = shown !== null;
    this.current = {
      ...c,
      held: shown?.detail ?? null,
      heldCode: shown?.code ?? null,
      gateCode: why?.code ?? null,
      utilisation: this.utilisation.share(mono),
      blanksOnHand: this.blanksOnHand,
      cardsUsed: this.cardsUsed,
      counted: this.counted,
      goodToday: this.cards?.good ?? null,
      spoiledToday: this.cards?.spoiled ?? null,
      resumesAt,
    };
  }
}
