/**
 * Good and spoiled cards as the blank-card ledger counts them, for a day of the station's zone:
 * the same sums and the same day boundaries as the daily accounts (office/daily.ts), so what the
 * page, `status` and health say today is what station.daily/1 says. A spoiled card and its
 * reprint are one good card and one spoiled; the queue's printedToday counts both trips through
 * the printer. A card printed yesterday and found spoiled today is taken off today's good cards,
 * as the daily accounts take it.
 */
import type { Queryable } from '../../platform/db.js';
import { dayIn, dayStart, nextDay } from '../office/days.js';

export interface CardsOfDay {
  day: string;
  good: number;
  spoiled: number;
}

/** Good and spoiled cards on the day `now` falls on in the zone. */
export async function cardsOfDay(q: Queryable, now: number, timeZone: string): Promise<CardsOfDay> {
  const day = dayIn(now, timeZone);
  const r = await q.get<{ printed: number | null; spoiled: number | null }>(
    "SELECT SUM(CASE WHEN kind = 'print' THEN qty END) AS printed, SUM(CASE WHEN kind = 'spoil' THEN qty END) AS spoiled FROM ledger WHERE at >= ? AND at < ?",
    [dayStart(day, timeZone), dayStart(nextDay(day), timeZone)],
  );
  // 0 - x, not -x: no -0 in the figures.
  return { day, good: 0 - (r?.printed ?? 0), spoiled: 0 - (r?.spoiled ?? 0) };
}

/** The day of the ledger's first entry in the zone: what "all time" counts from; null for an empty ledger. */
export async function ledgerSince(q: Queryable, timeZone: string): Promise<string | null> {
  const r = await q.get<{ at: number | null }>('SELECT MIN(at) AS at FROM ledger');
  return r?.at === null || r?.at === undefined ? null : dayIn(r.at, timeZone);
}
