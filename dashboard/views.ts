/**
 * The province's questions, answered from the fleet's rows: who prints far below demand
 * (output ranking) and who could lend film, ribbon or blanks to a station about to run out.
 * Pure functions; the server calls them on demand.
 */
import type { DashboardSection } from './section.js';
import { type StationRow, WATCHED_KINDS, type WatchedKind } from './fleet.js';
import { allocate } from './planner.js';
import { dayLimit } from './plausible.js';

export interface RankingRow {
  station: string;
  province: string;
  regency: string;
  /** Cards printed today (the station's today, in its zone); null when it has not reported today. */
  today: number | null;
  /** Cards over the last 7 days (today included); null when it reported on none of them. */
  week: number | null;
  /** Days of the 7 since the station first reported: a silent day after that counts as none printed. */
  days: number;
  perDay: number | null;
  queued: number | null;
  /** Days the queue would take at the station's own rate; null when that cannot be told. */
  backlogDays: number | null;
  /** Days of the 7 whose count is beyond what the station's printer can print in a day: left out of today, week and perDay. */
  excludedDays: string[];
  /** implausible: a day left out, or a figure of its health that cannot be (its row's `implausible`). */
  flags: ('below_threshold' | 'backlog' | 'implausible')[];
}

/**
 * daily: station → day (YYYY-MM-DD) → cards printed that day. days: the last 7 days, newest first:
 * each station's own (in its zone), or the same for all. A day counted beyond what the station's
 * printer can print in a day (dashboard/plausible.ts) is left out, as if not reported, and the
 * station flagged `implausible`.
 */
export function ranking(rows: StationRow[], daily: Map<string, Map<string, number>>, daysOf: string[] | ((station: string) => string[]), cfg: Pick<DashboardSection, 'minCardsPerDay' | 'backlogDays'>): RankingRow[] {
  const out = rows.map((r): RankingRow => {
    const days = typeof daysOf === 'function' ? daysOf(r.station) : daysOf;
    const byDay = daily.get(r.station);
    const limit = dayLimit(r.printer?.secondsPerCard).cards;
    const excludedDays = days.filter((d) => byDay?.has(d) && Math.abs(byDay.get(d) ?? 0) > limit);
    const reported = days.filter((d) => byDay?.has(d) && !excludedDays.includes(d));
    const week = reported.length === 0 ? null : reported.reduce((a, d) => a + (byDay?.get(d) ?? 0), 0);
    // From the oldest day it reported (within the 7) to today.
    const span = reported.length === 0 ? 0 : days.indexOf(reported[reported.length - 1] ?? '') + 1;
    const perDay = week === null ? null : week / span;
    const backlogDays = r.queued === null || perDay === null ? null : perDay === 0 ? (r.queued > 0 ? Infinity : 0) : r.queued / perDay;
    const flags: RankingRow['flags'] = [];
    if (perDay !== null && perDay < cfg.minCardsPerDay) flags.push('below_threshold');
    if (backlogDays !== null && backlogDays > cfg.backlogDays) flags.push('backlog');
    if (excludedDays.length > 0 || r.implausible.length > 0) flags.push('implausible');
    const today = days[0] === undefined || !reported.includes(days[0]) ? null : (byDay?.get(days[0]) ?? null);
    return { station: r.station, province: r.province, regency: r.regency, today, week, days: span, perDay, queued: r.queued, backlogDays: backlogDays === Infinity ? null : backlogDays, excludedDays, flags };
  });
  return out.sort((a, b) => (b.week ?? -1) - (a.week ?? -1) || (a.station < b.station ? -1 : 1));
}

export type LendUnit = 'cards' | 'rolls';

export interface Lender {
  station: string;
  name: string | null;
  regency: string;
  regencyName: string | null;
  /** km between the regencies' offices; null when either is not in dashboard.regencies. */
  distanceKm: number | null;
  /** What this lender is offered to give here: cards of blanks, or rolls from its shelf. */
  give: number;
  /** What it holds beyond its own lead-time need and reserve, before this suggestion. */
  spare: number;
  sameModel: boolean | null;
}

export interface LendingSuggestion {
  station: string;
  name: string | null;
  regency: string;
  regencyName: string | null;
  kind: WatchedKind;
  daysLeft: number | null;
  status: string;
  unit: LendUnit;
  /** How much it needs to last its lead time and reserve; null when its use is not known yet. */
  need: number | null;
  lenders: Lender[];
  /** What the lenders offered do not cover; null when the need is not known. */
  short: number | null;
}

/** Cards a roll gives where the printer does not say (the agent's defaults, forecast.cardsPerSupply). */
const CARDS_PER_ROLL = { ribbon: 500, film: 1500 } as const;
/** A station in need whose use is not known yet is offered this much: one roll, or this many cards. */
const UNKNOWN_NEED = { cards: 200, rolls: 1 } as const;
/** Lenders named per suggestion, at most. */
const SHOWN = 3;
/** Sorts after any real distance, without Infinity's NaN on subtraction. */
const FAR = 1e9;

function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

/** km between two regencies' offices as dashboard.regencies places them; null when either is not placed. */
export function distance(cfg: Pick<DashboardSection, 'regencies'>, from: string, to: string): number | null {
  if (from === to) return 0;
  const a = cfg.regencies[from];
  const b = cfg.regencies[to];
  return a && b ? Math.round(haversineKm(a, b)) : null;
}

/**
 * A station's own cards a day; null on its first day, while it counts with a borrowed rate (its
 * office's or the first estimate): rolls and blanks are not moved on a guess.
 */
const estimated = (r: StationRow) => r.rateSource === 'office' || r.rateSource === 'expected';
const ownRate = (r: StationRow): number | null => (estimated(r) ? null : r.cardsPerDay);

function needs(r: StationRow, kind: WatchedKind, lead: number): boolean {
  const c = r.supplies[kind];
  return c.status === 'empty' || (!estimated(r) && c.daysLeft !== null && c.daysLeft <= lead);
}

/** A roll's cards: its capacity where the printer says one (a 0 or nonsense is not one), else the default. */
const cardsPerRoll = (r: StationRow, kind: 'ribbon' | 'film') => {
  const cap = r.inPrinter[kind].capacity;
  return cap !== null && Number.isFinite(cap) && cap > 0 ? cap : CARDS_PER_ROLL[kind];
};

/**
 * What a station holds beyond its own need for its lead time plus the reserve: cards of blanks
 * on hand, or rolls on the shelf (never the roll inside its printer). A station whose use is not
 * known keeps one roll and lends no blanks: its need cannot be counted.
 */
function spareOf(r: StationRow, kind: WatchedKind, keepDays: number): number {
  if (r.stale) return 0;
  const perDay = ownRate(r);
  if (kind === 'blanks') {
    if (r.blanksOnHand === null || perDay === null) return 0;
    return Math.max(0, r.blanksOnHand - Math.ceil(perDay * keepDays));
  }
  const shelf = r.rolls[kind];
  if (shelf === null || shelf <= 0) return 0;
  if (perDay === null) return Math.max(0, shelf - 1);
  const fromPrinter = r.inPrinter[kind].remaining ?? 0;
  const rollsNeeded = Math.max(0, Math.ceil((perDay * keepDays - fromPrinter) / cardsPerRoll(r, kind)));
  return Math.max(0, shelf - rollsNeeded);
}

/** What a station in need lacks to last its lead time and reserve; null when its use is not known. */
function needOf(r: StationRow, kind: WatchedKind, keepDays: number): number | null {
  const perDay = ownRate(r);
  if (perDay === null) return null;
  if (kind === 'blanks') return Math.max(0, Math.ceil(perDay * keepDays - (r.blanksOnHand ?? 0)));
  const per = cardsPerRoll(r, kind);
  const held = (r.inPrinter[kind].remaining ?? 0) + (r.rolls[kind] ?? 0) * per;
  return Math.max(0, Math.ceil((perDay * keepDays - held) / per));
}

/**
 * For each station whose film, ribbon or blanks run out inside the lead time, what to send it
 * and from where: quantities (cards, or rolls from a shelf), from stations of the same province
 * that hold more than their own lead time and reserve need, nearest regency first, then most to
 * spare. Each lender's spare is handed out once, most urgent first, so one well-stocked station
 * is not offered to everyone for the same rolls. Film and ribbon only fit the same printer model.
 * Stations whose row carries `implausible` figures are left out, as lenders and as wants.
 */
export function lending(all: StationRow[], cfg: DashboardSection): LendingSuggestion[] {
  // A station with a figure that cannot be (its row's implausible) neither lends nor asks: 10^9 cards a day once claimed a need of 42 billion.
  const rows = all.filter((r) => r.implausible.length === 0);
  const keep = (kind: WatchedKind) => cfg.leadDays[kind] + cfg.reserveDays;
  const spareLeft = new Map<string, number>();
  const candidates = new Map<string, StationRow[]>();
  for (const kind of WATCHED_KINDS) {
    for (const r of rows) {
      const spare = spareOf(r, kind, keep(kind));
      if (spare <= 0) continue;
      spareLeft.set(`${kind}|${r.station}`, spare);
      const key = `${kind}|${r.province}`;
      const list = candidates.get(key) ?? [];
      list.push(r);
      candidates.set(key, list);
    }
  }
  const wanting: { row: StationRow; kind: WatchedKind }[] = [];
  for (const r of rows) for (const kind of WATCHED_KINDS) if (needs(r, kind, cfg.leadDays[kind])) wanting.push({ row: r, kind });
  const urgency = (r: StationRow, kind: WatchedKind) => (r.supplies[kind].status === 'empty' ? -1 : (r.supplies[kind].daysLeft ?? FAR));
  wanting.sort((a, b) => urgency(a.row, a.kind) - urgency(b.row, b.kind) || (a.row.station < b.row.station ? -1 : 1));

  // Candidates ranked once per (kind, province, regency, model) of the stations in need.
  const ranked = new Map<string, { row: StationRow; distanceKm: number | null; sameModel: boolean | null }[]>();
  const rank = (kind: WatchedKind, r: StationRow) => {
    const model = r.printer?.model ?? null;
    const key = `${kind}|${r.province}|${r.regency}|${model ?? ''}`;
    let list = ranked.get(key);
    if (list) return list;
    list = [];
    for (const c of candidates.get(`${kind}|${r.province}`) ?? []) {
      const theirs = c.printer?.model ?? null;
      const sameModel = kind === 'blanks' ? null : model === null || theirs === null ? null : model === theirs;
      if (sameModel === false) continue;
      list.push({ row: c, distanceKm: distance(cfg, r.regency, c.regency), sameModel });
    }
    const spare = (x: StationRow) => spareLeft.get(`${kind}|${x.station}`) ?? 0;
    list.sort((x, y) => (x.distanceKm ?? FAR) - (y.distanceKm ?? FAR) || spare(y.row) - spare(x.row) || (x.row.station < y.row.station ? -1 : 1));
    ranked.set(key, list);
    return list;
  };

  // A station whose shelf covers its lead time and reserve has nothing to be sent.
  const wants = wanting.map((w) => ({ ...w, need: needOf(w.row, w.kind, keep(w.kind)) })).filter((w) => w.need !== 0);
  const unitOf = (kind: WatchedKind): LendUnit => (kind === 'blanks' ? 'cards' : 'rolls');
  const allotted = allocate(wants, {
    need: (w) => w.need ?? UNKNOWN_NEED[unitOf(w.kind)],
    candidates: (w) => rank(w.kind, w.row).map((c) => ({ ...c, kind: w.kind })),
    key: (c) => `${c.kind}|${c.row.station}`,
    spare: spareLeft,
    self: (w, c) => c.row.station === w.row.station,
    most: SHOWN,
  });
  return allotted.map(({ want: { row: r, kind, need }, gives, left }) => {
    const cell = r.supplies[kind];
    const lenders: Lender[] = gives.map(({ offer: c, give, spare }) => ({ station: c.row.station, name: c.row.name, regency: c.row.regency, regencyName: c.row.regencyName, distanceKm: c.distanceKm, give, spare, sameModel: c.sameModel }));
    return { station: r.station, name: r.name, regency: r.regency, regencyName: r.regencyName, kind, daysLeft: cell.daysLeft, status: cell.status, unit: unitOf(kind), need, lenders, short: need === null ? null : left };
  });
}
