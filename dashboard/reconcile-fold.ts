/**
 * One station's part of a reconciliation (dashboard/reconcile.ts), from its days alone: what it
 * held before its first day, what flowed through it before the month and in it, where its blanks
 * are as its last day ended, its spoiled cards by reason and the days it did not send. It does not
 * depend on the unit asked (an office, a regency, the nation), only on the month and the last day
 * counted, so the dashboard keeps it per station (dashboard/books.ts) and adds the stations of a
 * unit up; what depends on the unit (moves inside it, by the entries) is applied when they are added.
 */
import type { BookDay, DayFigures } from './accounts.js';
import { dayCards, dayFiguresImplausible, figuresInBounds, type DayLimit, type Implausible } from './plausible.js';

/** Implausible figures kept per station's fold: enough to say what is wrong, bounded whatever it sends. */
const MAX_IMPLAUSIBLE = 5;

export interface Flows {
  received: number;
  borrowed: number;
  lent: number;
  printed: number;
  spoiled: number;
  corrections: number;
}

export interface StationFold {
  station: string;
  /** The offices its days were sent under, first seen first. */
  offices: string[];
  /** Its days counted (up to the last day), in order. */
  days: string[];
  /** What it held before its first day and what flowed before the month, as its own figures say. */
  opening: number;
  /** The month's flows, as its own figures say. */
  flows: Flows;
  spoiledByCode: Record<string, number>;
  /** Blanks at its printer and in its store as its last day ended; null where it keeps none. */
  printer: number | null;
  store: number | null;
  /** Days of the month (from its first) it sent nothing for. */
  missing: { days: number; from: string } | null;
  /** Figures of its days counted beyond what a room holds (dashboard/plausible.ts), the first few found. */
  implausible: Implausible[];
  /** Its day with the most cards through its printer (good and spoiled): checked against its printer's day when added up. */
  peak: { day: string; cards: number } | null;
}

/** What in a station's fold cannot be: what its days say past a room's bounds, and its busiest day past its printer's (`limit`). */
export function foldImplausible(f: StationFold, limit: DayLimit): Implausible[] {
  return [...f.implausible, ...(f.peak ? dayCards(f.peak.day, f.peak.cards, limit) : [])];
}

export const noFlows = (): Flows => ({ received: 0, borrowed: 0, lent: 0, printed: 0, spoiled: 0, corrections: 0 });
export const FLOW_KEYS = ['received', 'borrowed', 'lent', 'printed', 'spoiled', 'corrections'] as const;

export const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).toISOString().slice(0, 10);
};
/** The days from one to another: the same few pairs for every station of a month, so the last ones asked are kept. */
const spans = new Map<string, readonly string[]>();
const daysFrom = (from: string, to: string): readonly string[] => {
  const key = `${from}|${to}`;
  let out = spans.get(key);
  if (out) return out;
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  if (spans.size >= 64) spans.clear();
  spans.set(key, (out = days));
  return out;
};

/** A day's change to a printer's blanks and to a store's, as its own ledgers count them. */
function printerFlow(f: DayFigures) {
  return { received: f.received ?? 0, moved: (f.transfersIn ?? 0) - (f.returned ?? 0), printed: f.good ?? 0, spoiled: f.spoiled ?? 0, corrections: f.corrections ?? 0 };
}
function storeFlow(f: DayFigures) {
  const s = f.store?.blanks;
  return s ? { received: s.received, moved: s.returned - s.sent, borrowed: s.borrowed, lent: s.lent, corrections: s.corrections } : null;
}

/**
 * A station's fold made day by day, so that what its days before today give can be kept and
 * today's running figures added to a copy of it as they change (dashboard/books.ts).
 */
export class FoldState {
  private n = 0;
  private opening = 0;
  private position = { printer: 0, store: 0 };
  private hasPrinter = false;
  private hasStore = false;
  private flows = noFlows();
  private spoiledByCode: Record<string, number> = {};
  private offices: string[] = [];
  private days: string[] = [];
  private implausible: Implausible[] = [];
  private peak: { day: string; cards: number } | null = null;

  constructor(
    readonly station: string,
    private readonly monthStart: string,
  ) {}

  copy(): FoldState {
    const c = new FoldState(this.station, this.monthStart);
    Object.assign(c, { n: this.n, opening: this.opening, position: { ...this.position }, hasPrinter: this.hasPrinter, hasStore: this.hasStore, flows: { ...this.flows }, spoiledByCode: { ...this.spoiledByCode }, offices: [...this.offices], days: [...this.days], implausible: [...this.implausible], peak: this.peak });
    return c;
  }

  /** The next day counted (in order of day). */
  add(row: BookDay): void {
    if (!this.offices.includes(row.office)) this.offices.push(row.office);
    this.days.push(row.day);
    const f = row.figures;
    // Checked as each day is added, in plain comparisons (a nation's month is 310,000 days); words only for a day out of bounds.
    if (this.implausible.length < MAX_IMPLAUSIBLE && !figuresInBounds(f)) this.implausible.push(...dayFiguresImplausible(row.day, f).slice(0, MAX_IMPLAUSIBLE - this.implausible.length));
    if (f.good !== null) {
      const cards = (f.good ?? 0) + (f.spoiled ?? 0);
      if (this.peak === null || Math.abs(cards) > Math.abs(this.peak.cards)) this.peak = { day: row.day, cards };
    }
    const p = f.good === null ? null : printerFlow(f);
    const s = storeFlow(f);
    const change: Flows = {
      received: (p?.received ?? 0) + (s?.received ?? 0),
      borrowed: s?.borrowed ?? 0,
      lent: s?.lent ?? 0,
      printed: p?.printed ?? 0,
      spoiled: p?.spoiled ?? 0,
      corrections: (p?.corrections ?? 0) + (s?.corrections ?? 0),
    };
    // Before its first day a station held what its first day's figures imply: the unit's opening.
    if (this.n++ === 0) {
      const held = (p && f.onHandEnd !== null ? f.onHandEnd - p.received - p.moved + p.printed + p.spoiled - p.corrections : 0) + (s && f.store ? f.store.blanks.onHandEnd - s.received - s.moved - s.borrowed + s.lent - s.corrections : 0);
      this.opening += held;
      this.position = { printer: p && f.onHandEnd !== null ? f.onHandEnd - (p.received + p.moved - p.printed - p.spoiled + p.corrections) : 0, store: s && f.store ? f.store.blanks.onHandEnd - (s.received + s.moved + s.borrowed - s.lent + s.corrections) : 0 };
    }
    if (row.day < this.monthStart) this.opening += change.received + change.borrowed - change.lent - change.printed - change.spoiled + change.corrections;
    else {
      for (const k of FLOW_KEYS) this.flows[k] += change[k];
      for (const [code, n2] of Object.entries(f.spoiledByCode ?? {})) this.spoiledByCode[code] = (this.spoiledByCode[code] ?? 0) + n2;
    }
    if (p) {
      this.hasPrinter = true;
      this.position.printer = f.onHandEnd ?? this.position.printer + p.received + p.moved - p.printed - p.spoiled + p.corrections;
    }
    if (s && f.store) {
      this.hasStore = true;
      this.position.store = f.store.blanks.onHandEnd;
    }
  }

  /** The fold of the days added, the month counted up to `through`. */
  result(through: string): StationFold {
    const first = this.days[0] ?? through;
    const have = new Set(this.days);
    const gaps = daysFrom(first > this.monthStart ? first : this.monthStart, through).filter((d) => !have.has(d));
    return {
      station: this.station,
      offices: [...this.offices],
      days: [...this.days],
      opening: this.opening,
      flows: { ...this.flows },
      spoiledByCode: { ...this.spoiledByCode },
      printer: this.hasPrinter ? this.position.printer : null,
      store: this.hasStore ? this.position.store : null,
      missing: gaps.length > 0 ? { days: gaps.length, from: gaps[0] ?? '' } : null,
      implausible: [...this.implausible],
      peak: this.peak,
    };
  }
}

/** `rows`: the station's days counted (those of the unit, up to `through`), in order of day. */
export function foldStation(station: string, rows: readonly BookDay[], monthStart: string, through: string): StationFold {
  const state = new FoldState(station, monthStart);
  for (const row of rows) state.add(row);
  return state.result(through);
}

/** Whether the station sent a day counted on `day` (its days are in order). */
export function hasDay(f: StationFold, day: string): boolean {
  let lo = 0;
  let hi = f.days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const d = f.days[mid] ?? '';
    if (d === day) return true;
    if (d < day) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
