/**
 * What GET /api/view answers: the station now, in both languages. The hardware comes from the
 * last snapshot (the page never waits on a device), what the clerk just changed from the
 * database, and a held card's word from the printer is asked in the background.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { Lang, Text } from '../../core/i18n.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import type { Config } from '../config/schema.js';
import { askDriver, printerViewText } from '../jobs/printer-view.js';
import { JobRepo, localDayOf } from '../jobs/repo.js';
import type { Claims } from '../jobs/claims.js';
import { printerSpoils, spoilWords } from '../jobs/reprint.js';
import { jobWords } from '../jobs/words.js';
import { Ledger } from '../ledger/blanks.js';
import { cardsOfDay, ledgerSince } from '../ledger/good-cards.js';
import { zoneOf } from '../office/days.js';
import { SPOIL_CODES, SPOIL_WORDS } from '../ledger/spoil-codes.js';
import { SupplyLedger, type Yields } from '../ledger/supplies.js';
import { stationView } from '../station/view.js';
import type { Store } from '../store/store.js';
import { officeView } from './office-view.js';

/** How long the printer's word on a held card is kept before it is asked again. */
const PRINTER_VIEW_MS = 30_000;

export interface OperatorDeps {
  store: Store;
  printer: PrinterDriver;
  snapshot: () => StationBody | undefined;
  /** When that snapshot was taken (the clock's monotonic ms). */
  snapshotAt: () => number | undefined;
  /** Seconds after which a snapshot is stale (three health periods). */
  staleSeconds: number;
  yields: Yields;
  station: { id: string; name?: string };
  /** The office: its store book here, or stacks taken from its store. */
  config: Pick<Config, 'station' | 'office'>;
  language: Lang | undefined;
  /** Wall time stamps what the clerk does and says which day it is; monotonic time how old a reading is. */
  clock: Clock;
  /** The record source's claims, where the queue has a source: adding a record claims it. */
  claims?: Claims;
  /** After an action: the queue looks at once rather than at its next step. */
  kick: () => void;
  log: Logger;
}

export class PageView {
  private readonly printerWords = new Map<string, { at: number; text: Text }>();
  /** Records whose printer's word is being asked, one after another: a page never waits for the printer. */
  private readonly asking = new Set<string>();
  private askQueue: Promise<void> = Promise.resolve();

  constructor(private readonly d: OperatorDeps) {}

  /** The station now: the last snapshot for the hardware, the database for what the clerk just changed. */
  async build(): Promise<unknown> {
    const d = this.d;
    const now = d.clock.now();
    const mono = d.clock.monotonic();
    const h = d.snapshot();
    const taken = d.snapshotAt();
    const ageSeconds = h && taken !== undefined ? Math.max(0, Math.round((mono - taken) / 1000)) : null;
    const stale = ageSeconds === null || ageSeconds > d.staleSeconds;
    const db = d.store.db;
    const repo = new JobRepo(db, () => d.clock.now());
    const day = localDayOf(now);
    const counts = await repo.counts(day);
    const stock = await Ledger.summaryIn(db);
    const rolls = await SupplyLedger.countsIn(db, d.yields);
    // Today's good and spoiled cards in the station's days, as the daily accounts and health count them.
    const zone = zoneOf(d.config.station);
    const today = await cardsOfDay(db, now, zone);
    const since = await ledgerSince(db, zone);
    const view = h ? stationView(h, stale, zone) : null;
    if (view) {
      view.queue = {
        waiting: counts.queued + counts.fetching + counts.ready,
        printing: counts.printing,
        printedToday: counts.printedToday,
        goodToday: today.good,
        spoiledToday: today.spoiled,
        failedToday: counts.failedToday,
      };
      view.verify = { count: counts.needsVerification, ids: counts.needsVerificationIds };
      view.blanks.onHand = stock.kept ? stock.onHand : null;
      for (const s of view.supplies) if (s.kind === 'ribbon' || s.kind === 'film') s.onShelf = rolls[s.kind].onShelf;
    }
    const toVerify = await repo.list({ state: 'needs_verification' });
    const verify = [];
    for (const j of toVerify.slice(0, 20)) verify.push({ recordId: j.recordId, since: new Date(j.updatedAt).toISOString(), reason: j.lastError, printer: this.printerSays(j.recordId, j.agentJobId, mono) });
    const recent = (await repo.list({ sinceMs: now - 24 * 3600_000 })).slice(-30).reverse();
    // Today's cards the printer spoiled: which, why, and whether each is being reprinted.
    const spoils = (await printerSpoils(db, day.start, day.end)).map((x) => ({ recordId: x.recordId, now: x.now, at: new Date(x.at).toISOString(), words: spoilWords(x) }));
    return {
      station: d.station,
      // The reading's wall time: now, less how long ago (monotonic) it was taken.
      at: h && taken !== undefined ? new Date(now - Math.max(0, mono - taken)).toISOString() : null,
      ageSeconds,
      stale,
      view,
      verify,
      spoils,
      recent: recent.map((j) => ({ recordId: j.recordId, state: j.state, words: jobWords(j), at: new Date(j.updatedAt).toISOString() })),
      // The ledger's printed cards are good cards (a card spoiled after printing moves to spoiled); since: its first day.
      stock: { onHand: stock.kept ? stock.onHand : null, received: stock.received, printed: stock.printed, good: stock.printed, spoiled: stock.spoiled, adjusted: stock.adjusted, since },
      rolls: Object.fromEntries(Object.entries(rolls).map(([k, c]) => [k, { onShelf: c.onShelf, remaining: c.remaining, yield: c.yield }])),
      office: await officeView(d.store, d.config, now),
      // The reasons a clerk chooses for a spoiled card, in the verify box and the spoil form alike.
      spoilCodes: SPOIL_CODES.map((code) => ({ code, words: SPOIL_WORDS[code] })),
    };
  }

  /**
   * What the printer said about this record, as last asked; asked again in the background when
   * older than PRINTER_VIEW_MS, one record at a time, so a slow or dead printer neither holds the
   * page nor piles up requests in front of the cards the queue sends it.
   */
  private printerSays(recordId: string, agentJobId: string | null, mono: number): Text {
    const known = this.printerWords.get(recordId);
    if ((!known || mono - known.at >= PRINTER_VIEW_MS) && !this.asking.has(recordId)) {
      this.asking.add(recordId);
      this.askQueue = this.askQueue
        .then(async () => {
          const text = printerViewText(await askDriver(this.d.printer, this.d.clock, recordId, agentJobId));
          if (this.printerWords.size > 100) this.printerWords.clear();
          this.printerWords.set(recordId, { at: this.d.clock.monotonic(), text });
        })
        .catch(() => undefined)
        .finally(() => this.asking.delete(recordId));
    }
    return known?.text ?? { id: 'Sedang menanyakan printer…', en: 'Asking the printer…' };
  }
}
