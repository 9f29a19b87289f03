/**
 * Days as a station counts them: in its own time zone (WIB, WITA or WIT), whatever the zone of
 * whoever reads them. A day is `YYYY-MM-DD`; wall time says which day a stamp falls on.
 *
 * Without Intl where it can: the first Intl call loads ICU's data, about 8 MB the station's
 * footprint cannot afford (npm run bench:footprint). Indonesia's zones have kept one offset since
 * 1988, and this PC's own zone is what Date's local time already follows; any other zone is asked
 * of Intl.
 */
import { readlinkSync } from 'node:fs';

/** Minutes ahead of UTC of the zones that never move their clocks. */
const FIXED: Record<string, number> = { 'Asia/Jakarta': 420, 'Asia/Pontianak': 420, 'Asia/Makassar': 480, 'Asia/Ujung_Pandang': 480, 'Asia/Jayapura': 540, UTC: 0, 'Etc/UTC': 0, GMT: 0, 'Etc/GMT': 0 };

const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    formats.set(timeZone, f);
  }
  return f;
}

export function validTimeZone(tz: string): boolean {
  if (Object.hasOwn(FIXED, tz)) return true;
  try {
    format(tz);
    return true;
  } catch {
    return false;
  }
}

let local: string | undefined;
/** This PC's own zone: TZ, else the zone /etc/localtime points at, else as Intl knows it. */
export function localTimeZone(): string {
  if (local !== undefined) return local;
  const fromEnv = process.env.TZ?.replace(/^:/, '');
  let fromLink: string | undefined;
  try {
    fromLink = /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
  } catch {
    fromLink = undefined;
  }
  local = fromEnv || fromLink || Intl.DateTimeFormat().resolvedOptions().timeZone;
  return local;
}

/** The zone a station's days are counted in: configured, else this PC's. */
export const zoneOf = (station: { timeZone?: string }): string => station.timeZone ?? localTimeZone();

/** How far the zone's clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const fixed = FIXED[timeZone];
  if (fixed !== undefined) return fixed * 60_000;
  if (timeZone === local) return -new Date(ms).getTimezoneOffset() * 60_000;
  const p: Record<string, number> = {};
  for (const x of format(timeZone).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) - Math.floor(ms / 1000) * 1000;
}

/** The day `ms` falls on in the zone. */
export function dayIn(ms: number, timeZone: string): string {
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(0, 10);
}

/** The time of day `ms` falls on in the zone, as hours and minutes ("14:05"). */
export function clockIn(ms: number, timeZone: string): string {
  return new Date(ms + offsetAt(ms, timeZone)).toISOString().slice(11, 16);
}

/** When the day begins in the zone (ms since the epoch). */
export function dayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const midnightUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  // Twice: the offset at the guess, then at the answer (a zone that moves its clocks near midnight).
  const guess = midnightUtc - offsetAt(midnightUtc, timeZone);
  return midnightUtc - offsetAt(guess, timeZone);
}

/** The day after `day`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + 1)).toISOString().slice(0, 10);
}

/** The days from `from` to `to`, both included (none when from is after to). */
export function daysBetween(from: string, to: string, max = 400): string[] {
  const out: string[] = [];
  for (let d = from; d <= to && out.length < max; d = nextDay(d)) out.push(d);
  return out;
}
