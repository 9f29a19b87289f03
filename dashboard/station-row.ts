/**
 * A station's row in the dashboard's table, worked out from its entry: its supplies, the trouble
 * seen before it raises any, its problems and how bad they are, and the table's order. Pure.
 */
import { usualSeverity } from '../telemetry/event-codes.js';
import { healthImplausible, type Implausible } from './plausible.js';
import { roll, supplyCell } from './supply-cell.js';
import type { HealthPayload } from '../telemetry/payloads.js';
import type { StationEntry } from './fleet.js';

export const WATCHED_KINDS = ['ribbon', 'film', 'blanks'] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

export const PROBLEMS = ['offline', 'power', 'printer', 'supplies', 'jobs', 'host', 'stale', 'implausible'] as const;
export type Problem = (typeof PROBLEMS)[number];

/** Early trouble: what will stop a station soon though it has raised nothing (yet). */
export const TROUBLES = ['supply.ribbon.soon', 'supply.film.soon', 'supply.blanks.soon', 'ups.on_battery', 'jobs.queue_growing', 'not_seen', 'id_conflict'] as const;
/** Two installations (installId) under one station id within this long are two PCs, not one reinstalled. */
export const CONFLICT_WINDOW_MS = 24 * 3_600_000;
export type Trouble = (typeof TROUBLES)[number];

/** What toRow needs beyond the entry: the province's lead times, and names for the codes. */
export interface RowContext {
  leadDays?: Record<WatchedKind, number>;
  names?: (code: string) => string | null;
}

/** A queue that rose by this many cards over at least QUEUE_WINDOW_MS grows faster than it prints. */
const QUEUE_GROWTH = 5;
const QUEUE_WINDOW_MS = 15 * 60_000;
export const QUEUE_KEEP_MS = 60 * 60_000;
export const QUEUE_SAMPLE_MS = 5 * 60_000;

export interface SupplyCell {
  levelPercent: number | null;
  daysLeft: number | null;
  status: 'ok' | 'low' | 'empty' | 'unknown';
}

export interface StationRow {
  station: string;
  /** The office's name (station.name) and id (station.office.id) when the station publishes them. */
  name: string | null;
  office: string | null;
  province: string;
  regency: string;
  /** Names of the codes for people (Kemendagri, or the configuration's); null when not known. */
  provinceName: string | null;
  regencyName: string | null;
  online: boolean | null;
  offlineReason: 'lost' | 'shutdown' | null;
  lastSeen: string | null;
  /** The health shown is older than the staleness limit (or the station is offline). */
  stale: boolean;
  healthTs: string | null;
  power: { status: string; chargePercent: number | null; runtimeSeconds: number | null } | null;
  /** secondsPerCard: the printer's rated time a card (health's printer.secondsPerCard); null when not said. */
  printer: { state: string; model: string | null; secondsPerCard: number | null } | null;
  supplies: Record<WatchedKind, SupplyCell>;
  blanksOnHand: number | null;
  /** Ribbon and film rolls on the shelf (the station's supply ledger); null when not recorded. */
  rolls: { ribbon: number | null; film: number | null };
  /** The roll in the printer: cards left and what a roll gives (its capacity), each null when not known. */
  inPrinter: { ribbon: { remaining: number | null; capacity: number | null }; film: { remaining: number | null; capacity: number | null } };
  queued: number | null;
  /** Good cards today (goodToday; printedToday from an agent before it): what the ranking counts. */
  printedToday: number | null;
  /** As the station says them; null from an agent before them. */
  goodToday: number | null;
  spoiledToday: number | null;
  cardsPerDay: number | null;
  /** Where cardsPerDay and the days left come from (health's stock.rateSource): office and expected are estimates; null when not said. */
  rateSource: 'own' | 'office' | 'expected' | null;
  alerts: string[];
  /** Trouble seen before the station raises it: a supply inside its lead time, on battery, a growing queue, not seen. */
  trouble: Trouble[];
  /** The installations seen under this id in the last day; two or more: a conflict (trouble id_conflict). */
  installIds: string[];
  /**
   * Figures of its health beyond what a printer or a room can do or hold (dashboard/plausible.ts),
   * with what and why in both languages: the station is left out of lending, and the page marks it.
   */
  implausible: Implausible[];
  problems: Problem[];
  /** 3 stopped or about to, 2 needs attention, 1 look at it, 0 fine: the table sorts by it. */
  severity: 0 | 1 | 2 | 3;
}

/** The problem a code's family is; host for host.disk_low, store.error, telemetry.dropped and codes of later versions. */
const FAMILY: Record<string, Problem> = { ups: 'power', printer: 'printer', supply: 'supplies', jobs: 'jobs', records: 'jobs' };
const problemOf = (code: string): Problem => (Object.hasOwn(FAMILY, code.split('.')[0] ?? '') ? (FAMILY[code.split('.')[0] ?? ''] ?? 'host') : 'host');

/** Whether the queue rose by QUEUE_GROWTH or more over at least QUEUE_WINDOW_MS of the samples kept. */
export function queueGrowing(samples: readonly [number, number][] | undefined): boolean {
  if (!samples || samples.length < 2) return false;
  const [firstMs, firstQueued] = samples[0] as [number, number];
  const [lastMs, lastQueued] = samples[samples.length - 1] as [number, number];
  return lastMs - firstMs >= QUEUE_WINDOW_MS && lastQueued - firstQueued >= QUEUE_GROWTH;
}

export function toRow(e: StationEntry, nowMs: number, staleAfterMs: number, ctx: RowContext = {}): StationRow {
  const h = e.health;
  const stale = h === null || e.online === false || e.healthAtMs === null || nowMs - e.healthAtMs > staleAfterMs;
  const alerts = h ? [...h.alerts].sort() : [];
  const supplies = { ribbon: supplyCell(h, 'ribbon'), film: supplyCell(h, 'film'), blanks: supplyCell(h, 'blanks') };
  const trouble: Trouble[] = [];
  // Days left on an estimate (a station's first day) are shown, marked, but are no trouble: as at the station.
  if (h && ctx.leadDays && h.stock.rateSource !== 'office' && h.stock.rateSource !== 'expected') {
    for (const k of WATCHED_KINDS) {
      const c = supplies[k];
      if (c.status !== 'empty' && c.daysLeft !== null && c.daysLeft <= ctx.leadDays[k] && !alerts.includes(`supply.${k}.low`)) trouble.push(`supply.${k}.soon`);
    }
  }
  if (h?.ups.onBattery === true && !stale && !alerts.includes('ups.on_battery')) trouble.push('ups.on_battery');
  if (!stale && queueGrowing(e.queueSamples)) trouble.push('jobs.queue_growing');
  if (stale && e.online !== false && h !== null) trouble.push('not_seen');
  const installs = Object.keys(e.installs ?? {}).sort();
  if (installs.length > 1) trouble.push('id_conflict');
  const problems = new Set<Problem>();
  if (e.online === false) problems.add('offline');
  else if (stale) problems.add('stale');
  for (const a of alerts) problems.add(problemOf(a));
  for (const t of trouble) if (t !== 'not_seen') problems.add(problemOf(t));
  const implausible = h ? healthImplausible(h) : [];
  if (implausible.length > 0) problems.add('implausible');
  let severity: StationRow['severity'] = 0;
  // A figure that cannot be is worth a look: a broken agent, or someone sending as the station.
  if (alerts.length > 0 || stale || implausible.length > 0) severity = 1;
  // A clean stop (the office closed for the night) needs a look; a lost connection is an outage.
  // Trouble seen early colours the row as a raised warning does: it will stop the station.
  // health.alerts carries codes only: each is coloured by its usual severity, the agent's own.
  const critical = (a: string) => usualSeverity(a) === 'critical';
  // An info alert (a hint such as office.restock) leaves the row as it was.
  if (alerts.some((a) => usualSeverity(a) === 'warning') || e.offlineReason === 'shutdown' || trouble.length > 0) severity = 2;
  if (e.offlineReason === 'lost' || alerts.some(critical)) severity = 3;
  return {
    station: e.station,
    name: e.name ?? null,
    office: e.office ?? null,
    province: e.province,
    regency: e.regency,
    provinceName: ctx.names?.(e.province) ?? null,
    regencyName: ctx.names?.(e.regency) ?? null,
    online: e.online,
    offlineReason: e.offlineReason,
    lastSeen: e.lastSeenMs === null ? null : new Date(e.lastSeenMs).toISOString(),
    stale,
    healthTs: h?.ts ?? null,
    power: h ? { status: h.ups.status, chargePercent: h.ups.chargePercent, runtimeSeconds: h.ups.runtimeSeconds } : null,
    printer: h ? { state: h.printer.state, model: h.printer.model, secondsPerCard: h.printer.secondsPerCard ?? null } : null,
    supplies,
    blanksOnHand: h?.stock.blanksOnHand ?? null,
    rolls: { ribbon: h?.stock.ribbonRolls ?? null, film: h?.stock.filmRolls ?? null },
    inPrinter: { ribbon: roll(h, 'ribbon'), film: roll(h, 'film') },
    queued: h?.jobs.queued ?? null,
    printedToday: h ? goodCards(h) : null,
    goodToday: h?.jobs.goodToday ?? null,
    spoiledToday: h?.jobs.spoiledToday ?? null,
    cardsPerDay: h?.stock.cardsPerDay ?? null,
    rateSource: h?.stock.rateSource ?? null,
    alerts,
    trouble,
    installIds: installs,
    implausible,
    problems: [...problems].sort(),
    severity,
  };
}

/** The days until the first of its supplies runs out (Infinity where none says). */
export const soonest = (r: StationRow) => Math.min(...WATCHED_KINDS.map((k) => r.supplies[k].daysLeft ?? Infinity));

/** Worst first; among equals the supply that runs out soonest, then by id. */
export function compareRows(a: StationRow, b: StationRow): number {
  return compareBy(a, soonest(a), b, soonest(b));
}

export function compareBy(a: StationRow, soonestA: number, b: StationRow, soonestB: number): number {
  if (a.severity !== b.severity) return b.severity - a.severity;
  const d = soonestA - soonestB;
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a.station < b.station ? -1 : a.station > b.station ? 1 : 0;
}

/** Cards made today as a station says them: good cards, else (an agent before goodToday) cards printed. */
export function goodCards(h: HealthPayload): number | null {
  return typeof h.jobs.goodToday === 'number' ? h.jobs.goodToday : h.jobs.printedToday;
}
