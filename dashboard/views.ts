/**
 * The province's questions, answered from the fleet's rows: who prints far below demand
 * (output ranking) and who could lend film, ribbon or blanks to a station about to run out.
 * Pure functions; the server calls them on demand.
 */
import type { DashboardSection } from './section.js';
import { type StationRow, WATCHED_KINDS, type WatchedKind } from './fleet.js';

export interface RankingRow {
  station: string;
  province: string;
  regency: string;
  today: number | null;
  /** Cards over the last 7 days (today included), from the highest printedToday of each day. */
  week: number;
  /** Days of the 7 with any figure. */
  daysReported: number;
  perDay: number | null;
  queued: number | null;
  /** Days the queue would take at the station's own rate; null when it prints nothing. */
  backlogDays: number | null;
  flags: ('below_threshold' | 'backlog')[];
}

/** daily: station → day (YYYY-MM-DD) → cards printed that day. days: the last 7 days, newest first. */
export function ranking(rows: StationRow[], daily: Map<string, Map<string, number>>, days: string[], cfg: Pick<DashboardSection, 'minCardsPerDay' | 'backlogDays'>): RankingRow[] {
  const out = rows.map((r): RankingRow => {
    const byDay = daily.get(r.station);
    const figures = days.map((d) => byDay?.get(d)).filter((n): n is number => n !== undefined);
    const week = figures.reduce((a, b) => a + b, 0);
    const perDay = figures.length === 0 ? null : week / figures.length;
    const backlogDays = r.queued === null || perDay === null || perDay === 0 ? (r.queued ? Infinity : null) : r.queued / perDay;
    const flags: RankingRow['flags'] = [];
    if (perDay !== null && perDay < cfg.minCardsPerDay) flags.push('below_threshold');
    if (backlogDays !== null && backlogDays > cfg.backlogDays) flags.push('backlog');
    const today = days[0] === undefined ? null : (byDay?.get(days[0]) ?? r.printedToday);
    return { station: r.station, province: r.province, regency: r.regency, today, week, daysReported: figures.length, perDay, queued: r.queued, backlogDays: backlogDays === Infinity ? null : backlogDays, flags };
  });
  return out.sort((a, b) => b.week - a.week || (a.station < b.station ? -1 : 1));
}

export interface Lender {
  station: string;
  regency: string;
  /** km between the regencies' offices; null when either is not in dashboard.regencies. */
  distanceKm: number | null;
  /** Days of supply held beyond the lender's own lead time and reserve (forecast basis). */
  spareDays: number | null;
  levelPercent: number | null;
  blanksOnHand: number | null;
  /** forecast: from the lender's own rate; level: its rate is not known yet, only what it holds. */
  basis: 'forecast' | 'level';
  sameModel: boolean | null;
}

export interface LendingSuggestion {
  station: string;
  regency: string;
  kind: WatchedKind;
  daysLeft: number | null;
  status: string;
  lenders: Lender[];
}

const LEVEL_BASIS_MIN_PERCENT = 50;
/** Sorts after any real distance or day count, without Infinity's NaN on subtraction. */
const FAR = 1e9;

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function distance(cfg: DashboardSection, from: string, to: string): number | null {
  if (from === to) return 0;
  const a = cfg.regencies[from];
  const b = cfg.regencies[to];
  return a && b ? Math.round(haversineKm(a, b)) : null;
}

function needs(r: StationRow, kind: WatchedKind, lead: number): boolean {
  const c = r.supplies[kind];
  return c.status === 'empty' || (c.daysLeft !== null && c.daysLeft <= lead);
}

function lenderFor(r: StationRow, kind: WatchedKind, cfg: DashboardSection): Omit<Lender, 'distanceKm' | 'sameModel'> | null {
  if (r.stale) return null;
  const c = r.supplies[kind];
  if (c.status === 'empty' || c.status === 'low') return null;
  const keep = cfg.leadDays[kind] + cfg.reserveDays;
  const common = { station: r.station, regency: r.regency, levelPercent: c.levelPercent, blanksOnHand: kind === 'blanks' ? r.blanksOnHand : null };
  if (c.daysLeft !== null) return c.daysLeft > keep ? { ...common, spareDays: Math.floor(c.daysLeft - keep), basis: 'forecast' } : null;
  // Its use is not known yet: only a well-stocked station is offered, and marked as such.
  const held = kind === 'blanks' ? (r.blanksOnHand ?? 0) > 0 : (c.levelPercent ?? 0) >= LEVEL_BASIS_MIN_PERCENT;
  return held ? { ...common, spareDays: null, basis: 'level' } : null;
}

/**
 * For each station whose film, ribbon or blanks run out inside the lead time, the stations of
 * the same province that hold more than they need: nearest regency first, then most spare.
 * Film and ribbon only fit the same printer model, so a known different model is left out.
 */
export function lending(rows: StationRow[], cfg: DashboardSection): LendingSuggestion[] {
  const out: LendingSuggestion[] = [];
  for (const r of rows) {
    for (const kind of WATCHED_KINDS) {
      if (!needs(r, kind, cfg.leadDays[kind])) continue;
      const lenders: Lender[] = [];
      for (const other of rows) {
        if (other.station === r.station || other.province !== r.province) continue;
        const l = lenderFor(other, kind, cfg);
        if (!l) continue;
        const a = r.printer?.model ?? null;
        const b = other.printer?.model ?? null;
        const sameModel = kind === 'blanks' ? null : a === null || b === null ? null : a === b;
        if (sameModel === false) continue;
        lenders.push({ ...l, distanceKm: distance(cfg, r.regency, other.regency), sameModel });
      }
      lenders.sort(
        (x, y) =>
          (x.distanceKm ?? FAR) - (y.distanceKm ?? FAR) ||
          (x.basis === y.basis ? 0 : x.basis === 'forecast' ? -1 : 1) ||
          (y.spareDays ?? 0) - (x.spareDays ?? 0) ||
          (y.levelPercent ?? 0) - (x.levelPercent ?? 0),
      );
      const c = r.supplies[kind];
      out.push({ station: r.station, regency: r.regency, kind, daysLeft: c.daysLeft, status: c.status, lenders: lenders.slice(0, 5) });
    }
  }
  const urgency = (s: LendingSuggestion) => (s.status === 'empty' ? -1 : (s.daysLeft ?? FAR));
  return out.sort((a, b) => urgency(a) - urgency(b) || (a.station < b.station ? -1 : 1));
}
