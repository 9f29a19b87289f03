/**
 * One office's stock now, as /api/offices, /metrics, the office's low, the public list and the
 * nation read it: its month's reconciliation (where its blanks are) and its request (the rate, the
 * request point), its cards of today and yesterday and its rolls. Each station's facts are made
 * from its days once and kept (dashboard/books.ts); an office's stock adds its stations' up. The
 * figures are what /api/reconciliation and /api/request give for the office (test/unit/office-stocks.test.ts).
 */
import type { BookDay, OfficeRow } from './accounts.js';
import type { PlacedImplausible } from './plausible.js';
import type { Reconciliation } from './reconcile.js';
import { request, type Usage } from './request.js';
import type { RollHolding } from './rolls.js';

/** The rolls' window: the last 28 days (dashboard/rolls.ts). */
const ROLL_WINDOW_DAYS = 28;

/** One office's stock now: where it is, against its request point. */
export interface OfficeStock {
  office: string;
  name: string | null;
  regency: string;
  province: string;
  onHand: number;
  inTransit: number;
  ratePerDay: number;
  daysLeft: number | null;
  requestPoint: number;
  requestOn: string | null;
  leadDays: number;
  boxSize: number;
  low: boolean;
  printedYesterday: number;
  printedToday: number;
  /** Stations that sent this office's figures. */
  stations: string[];
  /** This month's reconciliation of the office, in short. */
  month: MonthFigures;
  /** Rolls of ribbon and film where its stations report them. */
  rolls?: Record<'ribbon' | 'film', RollHolding | null>;
  silent: string[];
  updatedAt: string | null;
  /**
   * Figures of its stations' days beyond what a printer can print or a room can hold
   * (dashboard/plausible.ts): its own figures count them, and say so here; the nation's sums and
   * the allocation leave the office out while any is listed.
   */
  implausible?: PlacedImplausible[];
}

/** A month's figures as the reconciliation counts them, and how many problems it named. */
export interface MonthFigures {
  opening: number;
  received: number;
  borrowed: number;
  lent: number;
  printed: number;
  spoiled: number;
  corrections: number;
  closing: number;
  problems: number;
}

type RollKind = 'ribbon' | 'film';

/** What one station's days (of one office, up to today) give its office's stock. */
export interface StockFacts {
  usage: Usage;
  goodToday: number;
  goodYesterday: number;
  /** Its last day up to today; null when it has none. */
  lastDay: string | null;
  /** Rolls on its shelf and in its store as its last day ended (what is not a number was not said). */
  lastRolls: Record<RollKind, unknown[]>;
  /** Rolls put into its printer over the rolls' window, and its days in that window (bit n: the window's day n). */
  installed: Record<RollKind, number>;
  rollDays: number;
}

/** Today's windows, worked out once for every station of a making. */
export interface FactsWindow {
  today: string;
  yesterday: string;
  /** The request's: after today − 28 (dashboard/request.ts)... */
  usedAfter: string;
  /** ...and the rolls': from today − 27 (dashboard/rolls.ts); the same 28 days. */
  since: string;
  sinceMs: number;
}

export function factsWindow(today: string, yesterday: string): FactsWindow {
  const since = minusDays(today, ROLL_WINDOW_DAYS - 1);
  return { today, yesterday, usedAfter: minusDays(today, 28), since, sinceMs: Date.parse(`${since}T00:00:00Z`) };
}

const minusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** A station's facts made day by day (its days before today kept, today's added to a copy as they change). */
export class FactsState {
  private used = 0;
  private first: string | undefined;
  private goodToday = 0;
  private goodYesterday = 0;
  private last: BookDay | undefined;
  private installed: Record<RollKind, number> = { ribbon: 0, film: 0 };
  private rollDays = 0;

  constructor(private readonly w: FactsWindow) {}

  copy(): FactsState {
    const c = new FactsState(this.w);
    Object.assign(c, { used: this.used, first: this.first, goodToday: this.goodToday, goodYesterday: this.goodYesterday, last: this.last, installed: { ...this.installed }, rollDays: this.rollDays });
    return c;
  }

  /** The next of the station's days of the office, in order of day. */
  add(d: BookDay): void {
    const w = this.w;
    if (d.day > w.today) return;
    if (d.day > w.usedAfter && d.figures.good !== null) {
      this.used += (d.figures.good ?? 0) + (d.figures.spoiled ?? 0);
      if (this.first === undefined || d.day < this.first) this.first = d.day;
    }
    if (d.day === w.today) this.goodToday += d.figures.good ?? 0;
    if (d.day === w.yesterday) this.goodYesterday += d.figures.good ?? 0;
    if ((this.last?.day ?? '') < d.day) this.last = d;
    if (d.day >= w.since) {
      for (const kind of ['ribbon', 'film'] as const) this.installed[kind] += d.figures[kind]?.installed ?? 0;
      this.rollDays |= 1 << Math.round((Date.parse(`${d.day}T00:00:00Z`) - w.sinceMs) / 86_400_000);
    }
  }

  result(): StockFacts {
    const last = this.last;
    const held = (kind: RollKind) => (last ? [last.figures[kind]?.onHandEnd, last.figures.store?.[kind]?.onHandEnd] : []);
    return {
      usage: { used: this.used, first: this.first },
      goodToday: this.goodToday,
      goodYesterday: this.goodYesterday,
      lastDay: last?.day ?? null,
      lastRolls: { ribbon: held('ribbon'), film: held('film') },
      installed: { ...this.installed },
      rollDays: this.rollDays,
    };
  }
}

/** `rows`: one station's days of one office, in order of day. */
export function factsOf(rows: readonly BookDay[], w: FactsWindow): StockFacts {
  const state = new FactsState(w);
  for (const d of rows) state.add(d);
  return state.result();
}

/** The rolls of an office, from its stations' facts, as rollsOf makes them from its days. */
function rollsFrom(facts: readonly StockFacts[]): Record<RollKind, RollHolding | null> {
  let days = 0;
  for (const f of facts) days |= f.rollDays;
  let span = 0;
  for (; days !== 0; days &= days - 1) span++;
  span = Math.max(1, span);
  const one = (kind: RollKind): RollHolding | null => {
    let seen = false;
    let onHand = 0;
    for (const f of facts) {
      for (const n of f.lastRolls[kind]) {
        if (typeof n !== 'number') continue;
        seen = true;
        onHand += n;
      }
    }
    if (!seen) return null;
    const installed = facts.reduce((s, f) => s + f.installed[kind], 0);
    return { onHand, perDay: Math.round((installed / span) * 1000) / 1000 };
  };
  return { ribbon: one('ribbon'), film: one('film') };
}

/**
 * The stock of office `o` from its month's reconciliation `r` and its stations' facts (those with a
 * day of the office; `stations`: their ids, in order); `leadDays`: the province's, where the office's
 * store did not say its own.
 */
export function officeStock(o: OfficeRow, r: Reconciliation, facts: readonly { station: string; facts: StockFacts }[], today: string, leadDays: number): OfficeStock {
  const counted = r.offices.includes(o.office);
  const figure = (k: 'leadDays' | 'boxSize') => (counted ? Math.max(0, o.figures[k] ?? 0) : 0);
  const dated = facts.filter((f) => f.facts.lastDay !== null);
  const used = counted ? dated.reduce((s, f) => s + f.facts.usage.used, 0) : 0;
  const first = counted ? dated.map((f) => f.facts.usage.first).filter((d) => d !== undefined).sort()[0] : undefined;
  const q = request({
    days: [],
    usage: { used, first },
    today,
    onHand: r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0),
    inTransit: r.where.inTransit,
    queued: 0,
    leadDays: figure('leadDays') || leadDays,
    boxSize: figure('boxSize') || 100,
    months: 3,
    printers: Object.keys(r.where.printers).length,
  });
  const stock = q.onHand + q.inTransit;
  return {
    office: o.office,
    name: o.name,
    regency: o.regency,
    province: o.province,
    onHand: q.onHand,
    inTransit: q.inTransit,
    ratePerDay: q.ratePerDay,
    daysLeft: q.ratePerDay > 0 ? Math.round((stock / q.ratePerDay) * 10) / 10 : null,
    requestPoint: q.requestPoint,
    requestOn: q.requestOn,
    leadDays: q.leadDays,
    boxSize: q.boxSize,
    low: q.ratePerDay > 0 && stock <= q.requestPoint,
    printedYesterday: dated.reduce((s, f) => s + f.facts.goodYesterday, 0),
    printedToday: dated.reduce((s, f) => s + f.facts.goodToday, 0),
    stations: dated.map((f) => f.station).sort(),
    rolls: rollsFrom(dated.map((f) => f.facts)),
    month: { opening: r.opening, received: r.received, borrowed: r.borrowed, lent: r.lent, printed: r.printed, spoiled: r.spoiled, corrections: r.corrections, closing: r.closing, problems: r.problems.length },
    silent: r.silent,
    implausible: r.implausible,
    updatedAt: dated.map((f) => f.facts.lastDay ?? '').sort().at(-1) ?? null,
  };
}
