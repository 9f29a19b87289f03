/**
 * Good cards a day, as the output ranking reads them (the last week): each station's cards on the
 * days it counts them, in its own zone (WIB, WITA or WIT), whatever the dashboard's zone, so the
 * hour between two midnights is not counted twice. Two sources: the station's own totals of a
 * day (station.daily/1, which names the day; the newest of a day wins), and for a day it sent
 * none of (an agent older than them, or one that has not sent today's yet) the rises of goodToday
 * in its health, each added to the health's own day in the station's zone.
 */
import type { DailyPayload, HealthPayload } from '../telemetry/payloads.js';
import { goodCards } from './station-row.js';

const DAY_MS = 86_400_000;

/** Whether this runtime knows the zone (a station may send any text there). */
export function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export class CardDays {
  /** station → day → good cards counted from its health (kept in the dashboard's `daily` table). */
  readonly counted = new Map<string, Map<string, number>>();
  /** station → day → the good cards of its own totals, with their (installation, seq). */
  private readonly booked = new Map<string, Map<string, { install: number; seq: number; good: number }>>();
  private readonly formats = new Map<string, Intl.DateTimeFormat>();

  /** zone: the dashboard's (dashboard.timeZone; the PC's own when not set), for a station that never named its own. */
  constructor(private readonly zone?: string) {}

  /** The day (YYYY-MM-DD) of a time in a zone: the station's, or the dashboard's when it is not known. */
  day(ms: number, zone?: string): string {
    const key = zone ?? this.zone ?? '';
    let f = this.formats.get(key);
    if (!f) this.formats.set(key, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone ?? this.zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
    return f.format(new Date(ms));
  }

  /** The last `n` days of a zone up to the one of `nowMs`, newest first. */
  lastDays(nowMs: number, zone?: string, n = 7): string[] {
    return Array.from({ length: n }, (_, i) => this.day(nowMs - i * DAY_MS, zone));
  }

  /**
   * Good cards, added to the station's day of the report: the rise of goodToday since the previous
   * report (printedToday from an agent before goodToday), or all of it when the counter started
   * again (the station's midnight). goodToday falls the same day when a card is found spoiled (its
   * reprint raises it again): a fall matched by a rise of spoiledToday is taken off, any other fall
   * is a counter that started again. A backlog replayed after an outage is older than the report
   * that came live at reconnection, which already carries the rise, so replays are not counted
   * again (the caller counts only a health that replaced the one held). Returns what was added.
   */
  count(station: string, zone: string | undefined, before: HealthPayload | null, h: HealthPayload): { day: string; cards: number } | null {
    const printed = goodCards(h);
    if (printed === null) return null;
    const day = this.day(Date.parse(h.ts), zone);
    // Both reports must count the same way: a station upgraded mid-day starts its good cards afresh.
    const prev = before && (typeof before.jobs.goodToday === 'number') === (typeof h.jobs.goodToday === 'number') ? goodCards(before) : null;
    const sameDay = before !== null && this.day(Date.parse(before.ts), zone) === day;
    const spoiledRise = (h.jobs.spoiledToday ?? 0) - (before?.jobs.spoiledToday ?? 0);
    const cards = prev !== null && sameDay && (printed >= prev || spoiledRise >= prev - printed) ? printed - prev : printed;
    let byDay = this.counted.get(station);
    if (!byDay) this.counted.set(station, (byDay = new Map<string, number>()));
    byDay.set(day, (byDay.get(day) ?? 0) + cards);
    return { day, cards };
  }

  /** A station's own totals of one of its days: kept when newer (installation, then seq) than the ones held. */
  book(station: string, install: number, d: Pick<DailyPayload, 'day' | 'seq' | 'good'>): void {
    if (d.good === null) return;
    let byDay = this.booked.get(station);
    if (!byDay) this.booked.set(station, (byDay = new Map<string, { install: number; seq: number; good: number }>()));
    const held = byDay.get(d.day);
    if (held && (held.install > install || (held.install === install && held.seq >= d.seq))) return;
    byDay.set(d.day, { install, seq: d.seq, good: d.good });
  }

  /** One station's days in memory (the last week): its own totals where it sent them, else what its health gave. */
  of(station: string): Map<string, number> {
    const m = new Map(this.counted.get(station));
    for (const [day, b] of this.booked.get(station) ?? []) m.set(day, b.good);
    return m;
  }

  /** station → day → good cards, as `of` gives them. */
  byDay(): Map<string, Map<string, number>> {
    return new Map([...new Set([...this.counted.keys(), ...this.booked.keys()])].map((s) => [s, this.of(s)]));
  }

  /** Forget days before `sinceDay` (the database keeps historyDays of them). */
  forgetBefore(sinceDay: string): void {
    for (const m of [this.counted, this.booked]) {
      for (const [station, days] of m) {
        for (const day of days.keys()) if (day < sinceDay) days.delete(day);
        if (days.size === 0) m.delete(station);
      }
    }
  }
}
