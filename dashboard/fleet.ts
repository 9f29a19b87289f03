/**
 * The fleet as the dashboard knows it: one entry per station, built only from the contract's
 * payloads (status, health, event), and the table row each entry shows. Pure: no clock of its
 * own, no I/O; the ingest feeds it and the store saves it.
 */
import { usualSeverity } from '../telemetry/event-codes.js';
import { roll, supplyCell } from './supply-cell.js';
import type { HealthPayload, StatusPayload } from '../telemetry/payloads.js';

export const WATCHED_KINDS = ['ribbon', 'film', 'blanks'] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

export const PROBLEMS = ['offline', 'power', 'printer', 'supplies', 'jobs', 'host', 'stale'] as const;
export type Problem = (typeof PROBLEMS)[number];

export interface StationEntry {
  station: string;
  province: string;
  regency: string;
  /** null until a status message says either way. */
  online: boolean | null;
  offlineReason: 'lost' | 'shutdown' | null;
  /** When the dashboard last received anything from the station (its own clock, ms). */
  lastSeenMs: number | null;
  health: HealthPayload | null;
  /** When the health above arrived (ms): older than staleAfterMs it is shown as stale. */
  healthAtMs: number | null;
  /** The office's name and id from its status message (kept in memory: the retained status brings them back). */
  name?: string | null;
  office?: string;
  /** Each installation seen under this id (its status's installId) and when: two at once are two PCs. */
  installs?: Record<string, number>;
  /** When a Will (lost) arrived, and what the station was before it: a broker going down sends every Will. */
  will?: { atMs: number; online: boolean | null; offlineReason: 'lost' | 'shutdown' | null } | null;
  /** (ms, queued) of the last hour's health, oldest first: whether the queue grows faster than it prints. */
  queueSamples?: [number, number][];
}

/** Early trouble: what will stop a station soon though it has raised nothing (yet). */
export const TROUBLES = ['supply.ribbon.soon', 'supply.film.soon', 'supply.blanks.soon', 'ups.on_battery', 'jobs.queue_growing', 'not_seen', 'id_conflict'] as const;
/** Two installations (installId) under one station id within this long are two PCs, not one reinstalled. */
const CONFLICT_WINDOW_MS = 24 * 3_600_000;
export type Trouble = (typeof TROUBLES)[number];

/** What toRow needs beyond the entry: the province's lead times, and names for the codes. */
export interface RowContext {
  leadDays?: Record<WatchedKind, number>;
  names?: (code: string) => string | null;
}

/** A queue that rose by this many cards over at least QUEUE_WINDOW_MS grows faster than it prints. */
const QUEUE_GROWTH = 5;
const QUEUE_WINDOW_MS = 15 * 60_000;
const QUEUE_KEEP_MS = 60 * 60_000;
const QUEUE_SAMPLE_MS = 5 * 60_000;

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
  printer: { state: string; model: string | null } | null;
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
  let severity: StationRow['severity'] = 0;
  if (alerts.length > 0 || stale) severity = 1;
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
    printer: h ? { state: h.printer.state, model: h.printer.model } : null,
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
    problems: [...problems].sort(),
    severity,
  };
}

/** The days until the first of its supplies runs out (Infinity where none says). */
const soonest = (r: StationRow) => Math.min(...WATCHED_KINDS.map((k) => r.supplies[k].daysLeft ?? Infinity));

/** Worst first; among equals the supply that runs out soonest, then by id. */
export function compareRows(a: StationRow, b: StationRow): number {
  return compareBy(a, soonest(a), b, soonest(b));
}

function compareBy(a: StationRow, soonestA: number, b: StationRow, soonestB: number): number {
  if (a.severity !== b.severity) return b.severity - a.severity;
  const d = soonestA - soonestB;
  if (d !== 0 && !Number.isNaN(d)) return d;
  return a.station < b.station ? -1 : a.station > b.station ? 1 : 0;
}

/** What the topic says about where a station belongs: `{prefix}/{province}/{regency}/{station}/{kind}`. */
export interface TopicPlace {
  province: string;
  regency: string;
  station: string;
  kind: string;
}

export class Fleet {
  readonly entries = new Map<string, StationEntry>();
  /** Stations taken back after a seq that went back (see applyHealth). */
  restarts = 0;

  entry(place: TopicPlace): StationEntry {
    let e = this.entries.get(place.station);
    if (!e) {
      e = { station: place.station, province: place.province, regency: place.regency, online: null, offlineReason: null, lastSeenMs: null, health: null, healthAtMs: null };
      this.entries.set(place.station, e);
    }
    return e;
  }

  /** A message from a place the station has left (a retained copy under its old regency) is not about it now. */
  private elsewhere(e: StationEntry, place: TopicPlace): boolean {
    return e.health !== null && (e.province !== place.province || e.regency !== place.regency);
  }

  /**
   * retained: a copy the broker kept, handed over on subscribing; it is not a sign of life now,
   * and its age is the age of its own timestamp, not of its arrival.
   */
  applyStatus(place: TopicPlace, p: StatusPayload, atMs: number, retained = false): void {
    const e = this.entry(place);
    if (this.elsewhere(e, place)) return;
    e.will = !p.online && p.reason === 'lost' && !retained ? { atMs, online: e.online, offlineReason: e.offlineReason } : null;
    e.online = p.online;
    e.offlineReason = p.online ? null : p.reason;
    if (p.name !== undefined) e.name = p.name;
    if (p.office) e.office = p.office.id;
    if (p.installId) {
      const seen = Object.entries({ ...e.installs, [p.installId]: Math.max(e.installs?.[p.installId] ?? 0, atMs) }).filter(([, ms]) => atMs - ms < CONFLICT_WINDOW_MS);
      e.installs = Object.fromEntries(seen);
    }
    // The Will is sent by the broker, not the station: it is not a sign of life.
    if (p.online && !retained) e.lastSeenMs = atMs;
  }

  /**
   * False for a duplicate or an older sample than the one held (a replayed backlog). A station
   * gone stale that comes back live with a lower seq and a later time is taken as a restart on a
   * new count, so a forged high seq cannot pin its row for good (staleAfterMs: the table's own;
   * stale by its health, not its last sign of life: a restarted agent's status comes first). */
  applyHealth(place: TopicPlace, p: HealthPayload, atMs: number, retained = false, staleAfterMs = Infinity): boolean {
    const e = this.entry(place);
    const madeAt = Math.min(atMs, Date.parse(p.ts));
    const restarted = e.health !== null && !retained && p.seq <= e.health.seq && (e.healthAtMs === null || atMs - e.healthAtMs > staleAfterMs) && Date.parse(p.ts) > Date.parse(e.health.ts);
    if (restarted) this.restarts += 1;
    if (e.health && p.seq <= e.health.seq && !restarted) {
      if (!retained && !this.elsewhere(e, place)) e.lastSeenMs = Math.max(e.lastSeenMs ?? 0, atMs);
      return false;
    }
    // Only a newer health moves a station to another regency: the newest report says where it is.
    e.province = place.province;
    e.regency = place.regency;
    e.health = p;
    e.healthAtMs = retained ? madeAt : atMs;
    if (!retained && p.jobs.queued !== null) {
      // One sample per 5 minutes (the newest replaces a younger last one): 12 an hour per station, at 10,000 stations too.
      const kept = (e.queueSamples ?? []).filter(([ms]) => atMs - ms <= QUEUE_KEEP_MS);
      const prev = kept[kept.length - 2];
      if (prev && atMs - prev[0] < QUEUE_SAMPLE_MS) kept[kept.length - 1] = [atMs, p.jobs.queued];
      else kept.push([atMs, p.jobs.queued]);
      e.queueSamples = kept;
    }
    e.lastSeenMs = retained ? Math.max(e.lastSeenMs ?? 0, madeAt) : atMs;
    return true;
  }

  /**
   * The dashboard lost its broker at `lostAtMs`: Wills that came just before are the broker's
   * own going down (Mosquitto sends every client's Will as it stops), not the stations': they
   * are taken back. Returns the stations put back as they were.
   */
  revokeWillsSince(sinceMs: number): string[] {
    const back: string[] = [];
    for (const e of this.entries.values()) {
      if (!e.will || e.offlineReason !== 'lost' || e.will.atMs < sinceMs) continue;
      e.online = e.will.online;
      e.offlineReason = e.will.offlineReason;
      e.will = null;
      back.push(e.station);
    }
    return back;
  }

  seen(place: TopicPlace, atMs: number): void {
    const e = this.entry(place);
    if (!this.elsewhere(e, place)) e.lastSeenMs = atMs;
  }

  rows(nowMs: number, staleAfterMs: number, ctx: RowContext = {}): StationRow[] {
    // Each row's soonest supply worked out once, not at every comparison (10,000 rows: two thirds of the time went to it).
    return [...this.entries.values()]
      .map((e) => {
        const row = toRow(e, nowMs, staleAfterMs, ctx);
        return { row, soonest: soonest(row) };
      })
      .sort((a, b) => compareBy(a.row, a.soonest, b.row, b.soonest))
      .map((x) => x.row);
  }
}

/** Cards made today as a station says them: good cards, else (an agent before goodToday) cards printed. */
export function goodCards(h: HealthPayload): number | null {
  return typeof h.jobs.goodToday === 'number' ? h.jobs.goodToday : h.jobs.printedToday;
}
