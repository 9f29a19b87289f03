/**
 * One station's part of its offices' figures for a month (dashboard/books.ts keeps them): its
 * fold of the reconciliation and, for the running month, what it gives its office's stock. Made
 * from its days; for the running month what its days before today give is kept too, so that
 * today's running figures, sent again every few minutes while it prints, are added to a copy of
 * it without reading the month again.
 */
import type { BookDay } from './accounts.js';
import { type FactsWindow, FactsState, type StockFacts } from './office-stock.js';
import { FoldState, type StationFold } from './reconcile-fold.js';

/** One station's part for a month (and today). */
export interface StationPart {
  /** The offices its days up to the month's end were sent under. */
  offices: string[];
  /** Sent under one office: its part, made once. */
  fold: StationFold | null;
  /** For the running month: what it gives its office's stock. */
  facts: StockFacts | null;
  /** Sent under several offices (it moved): its days, for each unit to take those of its own offices. */
  rows: BookDay[] | null;
}

/** What a station's days before today give (the running month, sent under one office at most). */
export interface BeforeToday {
  offices: string[];
  fold: FoldState;
  facts: FactsState;
}

export interface Month {
  month: string;
  today: string;
  /** The last day counted: the month's end, or today while it runs. */
  through: string;
  /** Today's windows, for the stock facts. */
  window: FactsWindow;
}

const officesOf = (rows: readonly BookDay[]) => [...new Set(rows.map((r) => r.office))];

/** The part from all the station's days up to the month's end, and for the running month what those before today give. */
export function partOf(station: string, rows: readonly BookDay[], m: Month): { part: StationPart; before: BeforeToday | null } {
  const offices = officesOf(rows);
  if (offices.length !== 1) return { part: { offices, fold: null, facts: null, rows: [...rows] }, before: null };
  const running = m.through === m.today;
  const fold = new FoldState(station, `${m.month}-01`);
  const facts = new FactsState(m.window);
  let before: BeforeToday | null = null;
  for (const [i, r] of rows.entries()) {
    if (running && before === null && r.day >= m.today) before = { offices: officesOf(rows.slice(0, i)), fold: fold.copy(), facts: facts.copy() };
    if (r.day <= m.through) fold.add(r);
    if (running) facts.add(r);
  }
  if (running && before === null) before = { offices, fold: fold.copy(), facts: facts.copy() };
  return { part: { offices, fold: fold.result(m.through), facts: running ? facts.result() : null, rows: null }, before };
}

/** The part from what the days before today give and the days from today; null when those were sent under another office (made again from all its days). */
export function partFrom(before: BeforeToday, fromToday: readonly BookDay[], m: Month): StationPart | null {
  const offices = [...new Set([...before.offices, ...officesOf(fromToday)])];
  if (offices.length > 1) return null;
  const fold = before.fold.copy();
  const facts = before.facts.copy();
  for (const r of fromToday) {
    if (r.day <= m.through) fold.add(r);
    facts.add(r);
  }
  return { offices, fold: fold.result(m.through), facts: facts.result(), rows: null };
}
