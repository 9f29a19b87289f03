/**
 * An office's books over the last month, as its stations would send them (office.entry/1 and
 * station.daily/1, exactly as agent/office/publish.ts makes them): a delivery from the ministry at
 * the store on the first day (and a second one mid-month where the office is neither idle nor
 * short), stacks sent from the store to each printer whenever its stack runs under two days'
 * use, each confirmed the same day at the printer, and cards printed good and spoiled at each
 * printer's own rate (less on Saturdays, almost none on Sundays). Every figure balances with the
 * entries, so the dashboard's reconciliation finds nothing unexplained. Today's figures grow
 * through the office's day (08:00 to 16:00 in its zone).
 */
import type { DailyPayload, OfficeEntryPayload } from '../telemetry/payloads.js';
import { rng } from './fleet-model.js';
import type { NationOffice, NationStation } from './nation-model.js';

const SPOIL_CODES = ['jam', 'smudge', 'misprint', 'chip', 'other'] as const;
type SpoilCode = (typeof SPOIL_CODES)[number];

export type Entry = Pick<OfficeEntryPayload, 'book' | 'entry' | 'kind' | 'quantity' | 'batch' | 'transfer' | 'other' | 'day'>;

export interface PrinterDay {
  transfersIn: number;
  good: number;
  spoiled: number;
  spoiledByCode: Partial<Record<SpoilCode, number>>;
  onHandEnd: number;
}

export interface StationDay {
  day: string;
  entries: Entry[];
  printer: PrinterDay;
  store: { received: number; sent: number; onHandEnd: number } | null;
}

export type DayFigures = Omit<DailyPayload, 'schema' | 'station' | 'ts' | 'seq' | 'office' | 'timeZone'>;

/** The day (YYYY-MM-DD) a time falls on in a zone. */
export function dayIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** The last `back` days before today in the zone, then today. */
export function daysUpTo(nowMs: number, timeZone: string, back: number): string[] {
  const today = dayIn(nowMs, timeZone);
  const t = Date.parse(`${today}T00:00:00Z`);
  return Array.from({ length: back + 1 }, (_, i) => new Date(t - (back - i) * 86_400_000).toISOString().slice(0, 10));
}

/** How much of the office's day (08:00 to 16:00 in its zone) has passed: 0 before, 1 after. */
export function officeDayDone(nowMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(nowMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Math.min(1, Math.max(0, (n('hour') + n('minute') / 60 - 8) / 8));
}

function officeSeed(seed: number, id: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619) >>> 0;
  return h || 1;
}

/** Each station's days, oldest first, the last one today's as a whole day (see `runningDay`). */
export function officeBooks(office: NationOffice, days: readonly string[], seed: number): Map<string, StationDay[]> {
  const random = rng(officeSeed(seed, office.id));
  const box = office.boxSize;
  const boxes = (n: number) => Math.max(box, Math.ceil(n / box) * box);
  const rate = office.stations.reduce((s, p) => s + p.cardsPerDay, 0);
  const storePc = office.stations.find((s) => s.store) ?? office.stations[0]!;
  // Idle: 8 to 24 months of stock at its rate; short: a month's, now running out; the rest 6 to 12 weeks, and more mid-month.
  const first = office.kind === 'idle' ? boxes(rate * 30 * (8 + random() * 16)) : office.kind === 'short' ? boxes(rate * (24 + random() * 8)) : boxes(rate * (40 + random() * 40));
  const secondOn = office.kind === 'normal' ? 10 + Math.floor(random() * 10) : -1;
  const second = boxes(rate * (30 + random() * 60));
  let store = 0;
  let storeEntry = 0;
  let transfers = 0;
  const blanksEntry = new Map<string, number>();
  const stack = new Map<string, number>(office.stations.map((s) => [s.id, 0]));
  const out = new Map<string, StationDay[]>(office.stations.map((s) => [s.id, []]));
  days.forEach((day, d) => {
    const today = new Map<string, StationDay>();
    for (const s of office.stations) {
      const sd: StationDay = { day, entries: [], printer: { transfersIn: 0, good: 0, spoiled: 0, spoiledByCode: {}, onHandEnd: 0 }, store: s.store ? { received: 0, sent: 0, onHandEnd: 0 } : null };
      today.set(s.id, sd);
      out.get(s.id)?.push(sd);
    }
    const storeDay = today.get(storePc.id)!;
    const deliver = d === 0 ? first : d === secondOn ? second : 0;
    if (deliver > 0) {
      store += deliver;
      storeDay.store!.received += deliver;
      storeDay.entries.push({ book: 'store', entry: ++storeEntry, kind: 'delivery', quantity: deliver, batch: `KMD-${day.slice(0, 7)}-${office.id}`, transfer: null, other: null, day });
    }
    for (const s of office.stations) {
      const have = stack.get(s.id) ?? 0;
      if (have < s.cardsPerDay * 2 && store > 0) {
        const n = Math.min(store, boxes(s.cardsPerDay * 7));
        const transfer = `${office.id}-T${++transfers}`;
        store -= n;
        storeDay.store!.sent += n;
        storeDay.entries.push({ book: 'store', entry: ++storeEntry, kind: 'transfer_out', quantity: -n, batch: null, transfer, other: s.id, day });
        const at = today.get(s.id)!;
        const entry = (blanksEntry.get(s.id) ?? 0) + 1;
        blanksEntry.set(s.id, entry);
        at.entries.push({ book: 'blanks', entry, kind: 'transfer_in', quantity: n, batch: null, transfer, other: office.id, day });
        at.printer.transfersIn += n;
        stack.set(s.id, have + n);
      }
    }
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const busy = weekday === 0 ? 0.1 : weekday === 6 ? 0.4 : 1;
    for (const s of office.stations) {
      const p = today.get(s.id)!.printer;
      const have = stack.get(s.id) ?? 0;
      const used = Math.min(have, Math.round(s.cardsPerDay * busy * (0.7 + random() * 0.6)));
      const spoiled = Math.min(used, Math.round(used * (0.005 + random() * 0.03)));
      for (let k = 0; k < spoiled; k++) {
        const code = SPOIL_CODES[Math.floor(random() ** 2 * SPOIL_CODES.length)] ?? 'other';
        p.spoiledByCode[code] = (p.spoiledByCode[code] ?? 0) + 1;
      }
      p.good = used - spoiled;
      p.spoiled = spoiled;
      p.onHandEnd = have - used;
      stack.set(s.id, have - used);
    }
    storeDay.store!.onHandEnd = store;
  });
  return out;
}

/** Today's day as it stands when `done` of the office's day has passed: the morning's moves, and part of its printing. */
export function runningDay(full: StationDay, done: number): StationDay {
  const p = full.printer;
  const part = (n: number) => Math.floor(n * done);
  const spoiledByCode: PrinterDay['spoiledByCode'] = {};
  for (const [k, v] of Object.entries(p.spoiledByCode)) if (part(v) > 0) spoiledByCode[k as SpoilCode] = part(v);
  const spoiled = Object.values(spoiledByCode).reduce((a, b) => a + b, 0);
  const good = part(p.good);
  return { ...full, printer: { ...p, good, spoiled, spoiledByCode, onHandEnd: p.onHandEnd + p.good + p.spoiled - good - spoiled } };
}

const noRolls = { received: 0, transfersIn: 0, returned: 0, installed: 0, corrections: 0, onHandEnd: null };
const noStore = { received: 0, sent: 0, returned: 0, lent: 0, borrowed: 0, corrections: 0, onHandEnd: 0 };

/** The day's figures as the agent sends them (agent/office/daily.ts): a printing PC's, and the store's at the PC that keeps it. */
export function dayFigures(s: StationDay, final: boolean): DayFigures {
  const p = s.printer;
  return {
    day: s.day,
    final,
    received: 0,
    transfersIn: p.transfersIn,
    returned: 0,
    good: p.good,
    spoiled: p.spoiled,
    spoiledByCode: p.spoiledByCode,
    corrections: 0,
    onHandEnd: p.onHandEnd,
    needsVerification: final ? null : 0,
    ribbon: noRolls,
    film: noRolls,
    store: s.store ? { blanks: { ...noStore, received: s.store.received, sent: s.store.sent, onHandEnd: s.store.onHandEnd }, ribbon: noStore, film: noStore } : null,
  };
}

/** What a station's status says of its office: its id and name, and at the store PC the figures the office counts with. */
export function officeBlock(office: NationOffice, s: NationStation) {
  return s.store ? { id: office.id, name: office.name, store: true, transitDays: office.transitDays, leadDays: office.leadDays, boxSize: office.boxSize } : { id: office.id, name: office.name };
}
