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
  /** Cards printed today; null when the station has not reported today. */
  today: number | null;
  /** Cards over the last 7 days (today included); null when it reported on none of them. */
  week: number | null;
  /** Days of the 7 since the station first reported: a silent day after that counts as none printed. */
  days: number;
  perDay: number | null;
  queued: number | null;
  /** Days the queue would take at the station's own rate; null when that cannot be told. */
  backlogDays: number | null;
  flags: ('below_threshold' | 'backlog')[];
}

/** daily: station → day (YYYY-MM-DD) → cards printed that day. days: the last 7 days, newest first. */
export function ranking(rows: StationRow[], daily: Map<string, Map<string, number>>, days: string[], cfg: Pick<DashboardSection, 'minCardsPerDay' | 'backlogDays'>): RankingRow[] {
  const out = rows.map((r): RankingRow => {
    const byDay = daily.get(r.station);
    const reported = days.filter((d) => byDay?.has(d));
    const week = reported.length === 0 ? null : reported.reduce((a, d) => a + (byDay?.get(d) ?? 0), 0);
    // From the oldest day it reported (within the 7) to today.
    const span = reported.length === 0 ? 0 : days.indexOf(reported[reported.length - 1] ?? '') + 1;
    const perDay = week === null ? null : week / span;
    const backlogDays = r.queued === null || perDay === null ? null : perDay === 0 ? (r.queued > 0 ? Infinity : 0) : r.queued / perDay;
    const flags: RankingRow['flags'] = [];
    if (perDay !== null && perDay < cfg.minCardsPerDay) flags.push('below_threshold');
    if (backlogDays !== null && backlogDays > cfg.backlogDays) flags.push('backlog');
    const today = days[0] === undefined ? null : (byDay?.get(days[0]) ?? null);
    return { station: r.station, province: r.province, regency: r.regency, today, week, days: span, perDay, queued: r.queued, backlogDays: backlogDays === Infinity ? null : backlogDays, flags };
  });
  return out.sort((a, b) => (b.week ?? -1) - (a.week ?? -1) || (a.station < b.station ? -1 : 1));
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

function compareLenders(x: Lender, y: Lender): number {
  return (
    (x.distanceKm ?? FAR) - (y.distanceKm ?? FAR) ||
    (x.basis === y.basis ? 0 : x.basis === 'forecast' ? -1 : 1) ||
    (y.spareDays ?? 0) - (x.spareDays ?? 0) ||
    (y.levelPercent ?? 0) - (x.levelPercent ?? 0) ||
    (x.station < y.station ? -1 : 1)
  );
}

const SHOWN = 5;

/**
 * For each station whose film, ribbon or blanks run out inside the lead time, the stations of
 * the same province that hold more than they need: nearest regency first, then most spare.
 * Film and ribbon only fit the same printer model, so a known different model is left out.
 * Linear in the fleet: the possible lenders are listed once per province and kind, and ranked
 * once per (regency, printer model) of the stations in need, not once per station.
 */
export function lending(rows: StationRow[], cfg: DashboardSection): LendingSuggestion[] {
  const candidates = new Map<string, { row: StationRow; lender: Omit<Lender, 'distanceKm' | 'sameModel'> }[]>();
  for (const kind of WATCHED_KINDS) {
    for (const r of rows) {
      const lender = lenderFor(r, kind, cfg);
      if (!lender) continue;
      const key = `${kind}|${r.province}`;
      const list = candidates.get(key) ?? [];
      list.push({ row: r, lender });
      candidates.set(key, list);
    }
  }
  const ranked = new Map<string, Lender[]>();
  const rank = (kind: WatchedKind, province: string, regency: string, model: string | null): Lender[] => {
    const key = `${kind}|${province}|${regency}|${model ?? ''}`;
    let best = ranked.get(key);
    if (best) return best;
    best = [];
    for (const { row, lender } of candidates.get(`${kind}|${province}`) ?? []) {
      const theirs = row.printer?.model ?? null;
      const sameModel = kind === 'blanks' ? null : model === null || theirs === null ? null : model === theirs;
      if (sameModel === false) continue;
      const l: Lender = { ...lender, distanceKm: distance(cfg, regency, row.regency), sameModel };
      // Keep the best few (one more than shown: the station in need may be among them).
      if (best.length === SHOWN + 1 && compareLenders(l, best[SHOWN]!) >= 0) continue;
      best.push(l);
      best.sort(compareLenders);
      if (best.length > SHOWN + 1) best.pop();
    }
    ranked.set(key, best);
    return best;
  };
  const out: LendingSuggestion[] = [];
  for (const r of rows) {
    for (const kind of WATCHED_KINDS) {
      if (!needs(r, kind, cfg.leadDays[kind])) continue;
      const lenders = rank(kind, r.province, r.regency, r.printer?.model ?? null).filter((l) => l.station !== r.station).slice(0, SHOWN);
      const c = r.supplies[kind];
      out.push({ station: r.station, regency: r.regency, kind, daysLeft: c.daysLeft, status: c.status, lenders });
    }
  }
  const urgency = (x: LendingSuggestion) => (x.status === 'empty' ? -1 : (x.daysLeft ?? FAR));
  return out.sort((a, b) => urgency(a) - urgency(b) || (a.station < b.station ? -1 : 1));
}
