import { setImmediate } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { PrintRecord, RecordSource } from '../../hal/records/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { JobsConfig } from '../config/schema.js';
import type { Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import { Claims, claimsSaid } from './claims.js';
import { note } from './notes.js';
import { holdOf, type Hold } from './gate.js';
import { InFlight } from './in-flight.js';
import { Prefetcher } from './prefetch.js';
import { PrintStep } from './print-step.js';
import { JobRepo } from './repo.js';
import { PrinterRest, REST_KEY, type RestConfig, type RestState } from './rest.js';
import { QueueSummary, type JobsSummary } from './summary.js';
import { Writes } from './writes.js';

export interface EngineDeps {
  store: Store;
  source: RecordSource | undefined;
  /** This station's id: what it claims records as, where the source keeps claims. */
  station: string;
  printer: PrinterDriver;
  config: JobsConfig;
  clock: Clock;
  log: Logger;
  /** The station's latest snapshot, for the gate. */
  snapshot: () => StationBody | undefined;
  render?: (r: PrintRecord) => Buffer;
  /** Cards a ribbon and a film roll give until this office's rolls say otherwise (forecast.cardsPerSupply). */
  rollYields?: Yields;
  /** The station's zone: good and spoiled cards today are counted in its days (station.timeZone). */
  timeZone?: string;
  /** Rest the printer after a run of cards (printer.rest); absent: no rests. */
  rest?: RestConfig;
}

const STEP_MS = 500;
const RECONCILE_MS = 10_000;

/**
 * The print queue at work: records are fetched ahead of the printer (prefetch.ts), printed one
 * at a time (print-step.ts), and summed up for the station (summary.ts). A job is written as
 * `printing` (and committed) before the printer is told; the outcome is written after. The
 * gate decides whether a new card may start; a card in progress is always finished.
 */
export class JobEngine {
  readonly repo: JobRepo;
  /** The record source's claims (undefined without a source): the station page claims through it too. */
  readonly claims: Claims | undefined;
  private readonly work = new InFlight();
  private readonly writes: Writes;
  private readonly prefetch: Prefetcher;
  private readonly cards: PrintStep;
  private readonly tally: QueueSummary;
  private readonly rest: PrinterRest | undefined;
  private cancelTimer: (() => void) | undefined;
  private stepping: Promise<void> | undefined;
  private again = false;
  private stopping = false;
  private lastReconcileAt = -Infinity;
  private telling = false;

  constructor(private readonly d: EngineDeps) {
    this.repo = new JobRepo(d.store.db, () => d.clock.now());
    this.writes = new Writes(d.log);
    this.tally = new QueueSummary({ store: d.store, repo: this.repo, rollYields: d.rollYields, timeZone: d.timeZone });
    const shared = { repo: this.repo, clock: d.clock, log: d.log, work: this.work, writes: this.writes, changed: () => this.tally.changed() };
    this.prefetch = new Prefetcher({ ...shared, source: d.source, config: d.config, ended: () => this.kick() });
    this.claims = d.source ? new Claims({ source: d.source, db: d.store.db, station: d.station, installId: () => d.store.installId(), clock: d.clock, log: d.log }) : undefined;
    this.rest = d.rest ? new PrinterRest(d.rest, d.clock) : undefined;
    this.cards = new PrintStep({ ...shared, printer: d.printer, records: this.prefetch, render: d.render, claims: this.claims, through: () => this.cardThrough() });
  }

  async start(): Promise<void> {
    if (this.claims) claimsSaid(this.claims.kind, this.d.log);
    await this.tally.restore();
    this.rest?.restore((await this.d.store.getState<RestState>(REST_KEY).catch(() => undefined))?.value);
    const outcome = this.d.printer.jobOutcome?.bind(this.d.printer);
    const r = await this.repo.recoverAfterRestart(outcome ? { outcome, clock: this.d.clock } : undefined);
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
    const card = this.cards.inProgress;
    if (card && waitMs > 0) {
      let cancel: (() => void) | undefined;
      await Promise.race([card, new Promise<void>((r) => (cancel = this.d.clock.setTimer(r, waitMs)))]);
      cancel?.();
    }
  }

  summary(): JobsSummary {
    return this.tally.get();
  }

  /** Look again soon: a reading changed, a fetch or a card finished, a job was added. */
  kick(): void {
    if (!this.stopping) this.schedule(0);
  }

  /**
   * Resolves once the queue has nothing of its own left to do until time passes or an answer
   * comes: no step running, and each fetch and the card in progress waiting on the record
   * source or the printer, or over. Whoever drives the queue on a manual clock awaits it after
   * moving time on, so its writes are done before the next look.
   */
  async settled(): Promise<void> {
    // One turn of the event loop first (no time: the promise reactions already queued run), so an
    // answer the source or the printer gave just now is taken up before the work is judged waiting.
    await setImmediate();
    while (this.stepping || !this.work.isQuiet) {
      await this.stepping;
      await this.work.quiet();
    }
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
    const { config, source, store, clock } = this.d;
    // Periods and waits on monotonic time; the wall clock only says which day it is.
    const mono = clock.monotonic();
    const now = clock.now();
    await this.cards.retryUnwritten();
    // Once every answer of the printer is written, a probe write says whether writes work again.
    if (this.cards.allWritten) await this.writes.probe(() => store.setState('jobs.probe', clock.now()));
    if (mono - this.lastReconcileAt >= RECONCILE_MS) await this.reconcile(mono);
    // A database file deleted, replaced or cut short while open is seen here within a second.
    store.checkFile(mono);
    const durable = store.durable && this.writes.problem === undefined;
    const resting = this.rest?.resting() ?? null;
    const held = holdOf(this.d.snapshot(), config, { hasSource: source !== undefined, durable, resting: resting ? (this.d.rest ?? null) : null });
    if (!this.stopping && durable) {
      this.tellOutcomes();
      await this.prefetch.fill(mono);
    }
    if (this.prefetch.held === 0) this.cards.noClaimPending();
    if (!held && !this.stopping && this.prefetch.held > 0 && this.cards.mayStart(mono)) {
      const id = (await this.repo.readyInOrder()).find((x) => this.prefetch.has(x));
      if (id) {
        this.cards.start(id, () => {
          this.tally.changed();
          // Straight on to the next card (a timer would leave the printer idle a moment per card).
          if (!this.stopping) void this.step();
        });
      }
    }
    const trouble = this.writes.problem;
    const unclaimed = this.cards.claimWaiting;
    const why: Hold | null = trouble
      ? { code: 'store_write', detail: `the database cannot be written (${trouble}): printing waits` }
      : (held ?? (unclaimed === undefined ? null : { code: 'claim_waiting', detail: `the record service did not answer the claim for the next card (${unclaimed}): no card starts unclaimed; it is asked again` }));
    // When the rest ends, as wall time now: what a clerk is told, from the monotonic deadline.
    const resumesAt = resting ? new Date(now + (resting.untilMono - mono)).toISOString() : null;
    await this.tally.update(mono, now, why, this.cards.inProgress !== undefined, resumesAt);
  }

  /** A card went through the printer: a resting printer counts it, and the run is kept across a restart. */
  private cardThrough(): void {
    if (!this.rest) return;
    const state = this.rest.cardThrough();
    if (state.restUntil !== null) this.d.log.info({ restUntil: new Date(state.restUntil).toISOString(), minutes: this.d.rest?.minutes }, 'the printer rests (printer.rest); printing resumes by itself');
    void this.d.store.setState(REST_KEY, state, new Date(this.d.clock.now())).catch((err: Error) => this.d.log.warn({ err: err.message }, 'the printer\'s rest could not be kept (it is kept in memory)'));
  }

  /** What became of the cards, told to the record source beside the steps (a slow service never holds one up). */
  private tellOutcomes(): void {
    const claims = this.claims;
    if (!claims || this.telling) return;
    this.telling = true;
    void this.work
      .run((away) => claims.tell({ away }))
      .finally(() => {
        this.telling = false;
      });
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
        (r.state === 'fetching' && this.prefetch.isFetching(r.recordId)) ||
        (r.state === 'ready' && this.prefetch.has(r.recordId)) ||
        (r.state === 'printing' && this.cards.holds(r.recordId));
      if (busy) continue;
      const to = r.state === 'printing' ? 'needs_verification' : 'queued';
      await this.repo
        .transition(r.recordId, [r.state], to, note(to === 'queued' ? 'orphan_requeued' : 'orphan_verify'))
        .catch((err: Error) => this.writes.failed(err));
    }
  }
}
