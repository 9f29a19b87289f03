/**
 * An office's rolls of ribbon and film, from its stations' days: on hand (each station's shelf and
 * the store's, as their last day ended) and put into printers a day over the last 28 days (the
 * days there are). Null for a kind no station of the office reports.
 */
import type { DayRow } from './accounts.js';

export interface RollHolding {
  onHand: number;
  perDay: number;
}

const WINDOW_DAYS = 28;

export function rollsOf(days: readonly DayRow[], today: string): Record<'ribbon' | 'film', RollHolding | null> {
  const since = new Date(Date.parse(`${today}T00:00:00Z`) - (WINDOW_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const last = new Map<string, DayRow>();
  for (const d of days) if ((last.get(d.station)?.day ?? '') < d.day) last.set(d.station, d);
  const recent = days.filter((d) => d.day >= since && d.day <= today);
  const span = Math.max(1, new Set(recent.map((d) => d.day)).size);
  const one = (kind: 'ribbon' | 'film'): RollHolding | null => {
    let seen = false;
    let onHand = 0;
    for (const d of last.values()) {
      const shelf = d.figures[kind]?.onHandEnd;
      const store = d.figures.store?.[kind]?.onHandEnd;
      for (const n of [shelf, store]) {
        if (typeof n !== 'number') continue;
        seen = true;
        onHand += n;
      }
    }
    if (!seen) return null;
    const installed = recent.reduce((s, d) => s + (d.figures[kind]?.installed ?? 0), 0);
    return { onHand, perDay: Math.round((installed / span) * 1000) / 1000 };
  };
  return { ribbon: one('ribbon'), film: one('film') };
}
