/**
 * What the office's books say, carried to the province through the outbox: each entry that is one
 * end of a movement (or a delivery, or a figure of the store's book) once, as office.entry/1, and
 * the day's running totals as station.daily/1. The agent reads its own ledgers for them, so an
 * entry made by the command line or the station page, or made while the agent was down, is sent
 * when it next runs; what has been taken is noted in the same transaction as the outbox row, so
 * nothing is sent twice (a kill -9 between the two cannot happen) and nothing is skipped.
 */
import type { Logger } from 'pino';
import { every, type Clock } from '../../core/clock.js';
import type { Queryable } from '../../platform/db.js';
import type { DailyPayload, OfficeEntryPayload } from '../../telemetry/payloads.js';
import type { Telemetry } from '../../telemetry/telemetry.js';
import type { StationTopics } from '../../telemetry/topics.js';
import type { Store } from '../store/store.js';
import { OfficeBook } from './book.js';
import { dayFigures, type DayFigures } from './daily.js';
import { dayIn, daysBetween } from './days.js';

export const ACCOUNTS_KEY = 'accounts.sent';

interface Sent {
  store: number;
  blanks: number;
  rolls: number;
  /** Days sent in full (final), up to and including this one. */
  through: string | null;
  /** The figures last sent for a day still open, as text: sent again when they change. */
  open: Record<string, string>;
}

export interface PublisherDeps {
  store: Store;
  telemetry: Pick<Telemetry, 'account' | 'stamp'>;
  topics: Pick<StationTopics, 'office' | 'daily'>;
  station: string;
  office: string;
  timeZone: string;
  hasPrinter: boolean;
  keepsStore: boolean;
  clock: Clock;
  log: Logger;
  /** How often the books are looked at; today's totals are sent again at most this often. */
  periodMs?: number;
}

type Entry = Omit<OfficeEntryPayload, 'schema' | 'station' | 'ts' | 'seq' | 'office' | 'timeZone'>;

const BLANK_ENTRIES = `SELECT id, at, kind, qty, batch, transfer, corrects FROM ledger
  WHERE id > ? AND (transfer IS NOT NULL OR (kind = 'receive' AND batch IS NOT NULL)) ORDER BY id LIMIT ?`;
const ROLL_ENTRIES = "SELECT id, at, kind, rolls, lot, transfer FROM supply_ledger WHERE id > ? AND entry = 'receive' ORDER BY id LIMIT ?";

export class AccountsPublisher {
  private stop: (() => void) | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly d: PublisherDeps) {}

  start(): void {
    this.stop = every(this.d.clock, this.d.periodMs ?? 60_000, () => void this.runOnce());
    void this.runOnce();
  }

  async close(): Promise<void> {
    this.stop?.();
    await this.running;
  }

  /** One look at the books (tests call it; a look already running is waited on, not doubled). */
  runOnce(): Promise<void> {
    this.running ??= this.publish()
      .catch((err: Error) => this.d.log.warn({ err: err.message }, 'the office accounts could not be stored for the province; tried again shortly'))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sent(): Promise<Sent> {
    const s = (await this.d.store.getState<Partial<Sent>>(ACCOUNTS_KEY))?.value ?? {};
    return { store: s.store ?? 0, blanks: s.blanks ?? 0, rolls: s.rolls ?? 0, through: s.through ?? null, open: s.open ?? {} };
  }

  private async publish(): Promise<void> {
    const db = this.d.store.db;
    for (;;) {
      const sent = await this.sent();
      const store = this.d.keepsStore ? await OfficeBook.since(db, sent.store, 1) : [];
      const blanks = store.length ? [] : await db.all<{ id: number; at: number; kind: string; qty: number; batch: string | null; transfer: string | null; corrects: number | null }>(BLANK_ENTRIES, [sent.blanks, 1]);
      const rolls = store.length || blanks.length ? [] : await db.all<{ id: number; at: number; kind: string; rolls: number; lot: string | null; transfer: string | null }>(ROLL_ENTRIES, [sent.rolls, 1]);
      const e = store[0];
      const b = blanks[0];
      const r = rolls[0];
      if (e) await this.entry({ book: 'store', entry: e.id, kind: e.kind, supply: e.supply, quantity: e.qty, counted: e.counted, batch: e.batch, document: e.document, lot: e.lot, transfer: e.transfer, other: e.other, corrects: e.corrects, forced: e.forced === 1, day: e.day }, { ...sent, store: e.id });
      else if (b) {
        const kind = b.corrects !== null ? 'correction' : b.kind === 'return' ? 'transfer_out' : b.transfer ? 'transfer_in' : 'delivery';
        const other = b.transfer ? this.d.office : null;
        await this.entry({ book: 'blanks', entry: b.id, kind, supply: 'blanks', quantity: b.qty, counted: null, batch: b.batch, document: null, lot: null, transfer: b.transfer, other, corrects: b.corrects, forced: false, day: dayIn(b.at, this.d.timeZone) }, { ...sent, blanks: b.id });
      } else if (r) {
        await this.entry({ book: 'rolls', entry: r.id, kind: r.transfer ? 'transfer_in' : 'delivery', supply: r.kind === 'film' ? 'film' : 'ribbon', quantity: r.rolls, counted: null, batch: null, document: null, lot: r.lot, transfer: r.transfer, other: r.transfer ? this.d.office : null, corrects: null, forced: false, day: dayIn(r.at, this.d.timeZone) }, { ...sent, rolls: r.id });
      } else break;
    }
    await this.days();
  }

  private async entry(e: Entry, next: Sent): Promise<void> {
    await this.d.telemetry.account<OfficeEntryPayload>(
      this.d.topics.office,
      (seq) => ({ schema: 'office.entry/1', station: this.d.station, ts: this.d.telemetry.stamp(), seq, office: this.d.office, timeZone: this.d.timeZone, ...e }),
      (tx) => this.note(next, tx),
    );
  }

  /** Every day since the last one sent in full, up to today: each sent again when its figures changed. */
  private async days(): Promise<void> {
    const today = dayIn(this.d.clock.now(), this.d.timeZone);
    let sent = await this.sent();
    // A day closed while the clock ran ahead (set a day on by mistake, a fast PC), the clock set
    // right since: today is open again, its cards are sent as its own, and it closes at its end.
    if (sent.through !== null && sent.through >= today) sent = { ...sent, through: dayBeforeOf(today) };
    // From the day after the last one sent in full, or the first still open; the very first look
    // starts today: days before the agent kept these figures are not made up.
    const firstOpen = Object.keys(sent.open).sort()[0];
    const from = sent.through !== null ? nextDayOf(sent.through) : (firstOpen ?? today);
    for (const day of daysBetween(from, today, 62)) {
      const figures = await dayFigures(this.d.store.db, day, { timeZone: this.d.timeZone, hasPrinter: this.d.hasPrinter, store: this.d.keepsStore, today });
      const text = JSON.stringify(figures);
      const final = day < today;
      if (sent.open[day] === text && !final) continue;
      const open = Object.fromEntries(Object.entries(sent.open).filter(([d]) => d > day));
      const next: Sent = { ...sent, through: final ? day : sent.through, open: final ? open : { ...open, [day]: text } };
      await this.daily(figures, next);
      sent = next;
    }
  }

  private async daily(f: DayFigures, next: Sent): Promise<void> {
    await this.d.telemetry.account<DailyPayload>(
      this.d.topics.daily,
      (seq) => ({ schema: 'station.daily/1', station: this.d.station, ts: this.d.telemetry.stamp(), seq, office: this.d.office, timeZone: this.d.timeZone, ...f }),
      (tx) => this.note(next, tx),
    );
  }

  private note(next: Sent, tx: Queryable): Promise<void> {
    return this.d.store.setState(ACCOUNTS_KEY, next, new Date(this.d.clock.now()), tx);
  }
}

function dayBeforeOf(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - 1)).toISOString().slice(0, 10);
}

function nextDayOf(day: string): string {
  return daysBetween(day, '9999-12-31', 2)[1] ?? day;
}
