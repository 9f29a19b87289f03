/**
 * The fleet as the dashboard knows it: one entry per station, built only from the contract's
 * payloads (status, health, event); the table row each entry shows is station-row.ts's. Pure: no clock of its
 * own, no I/O; the ingest feeds it and the store saves it.
 */
import type { HealthPayload, StatusPayload } from '../telemetry/payloads.js';
import { CONFLICT_WINDOW_MS, QUEUE_KEEP_MS, QUEUE_SAMPLE_MS, compareBy, soonest, toRow, type RowContext, type StationRow } from './station-row.js';

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
  /**
   * The installation speaking now (the installId of its last birth) and the dashboard's count of
   * them (0 before any installId; one more for each new one): a reinstalled PC counts its seq from
   * 1 again, so a station's messages are in the order (install, seq). `healthInstall`: the one
   * the health held came from.
   */
  installId?: string;
  install?: number;
  healthInstall?: number;
  /** The station's time zone, as its daily totals and book entries name it: its days are counted in it. */
  timeZone?: string;
  /** When a Will (lost) arrived, and what the station was before it: a broker going down sends every Will. */
  will?: { atMs: number; online: boolean | null; offlineReason: 'lost' | 'shutdown' | null } | null;
  /** (ms, queued) of the last hour's health, oldest first: whether the queue grows faster than it prints. */
  queueSamples?: [number, number][];
}

export * from './station-row.js';

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
      // A birth from another installation starts a new sequence. Not a Will or a clean stop: the
      // broker sends an old connection's Will after the new one took its place.
      if (p.online && p.installId !== e.installId) {
        e.installId = p.installId;
        e.install = (e.install ?? 0) + 1;
      }
    }
    // The Will is sent by the broker, not the station: it is not a sign of life.
    if (p.online && !retained) e.lastSeenMs = atMs;
  }

  /**
   * False for a duplicate or an older sample than the one held (a replayed backlog). The first
   * health of a newer installation (a reinstalled PC) replaces the old one's whatever its seq. A
   * station gone stale that comes back live with a lower seq and a later time is taken as a
   * restart on a new count, so a forged high seq cannot pin its row for good (staleAfterMs: the
   * table's own; stale by its health, not its last sign of life: a restarted agent's status
   * comes first). */
  applyHealth(place: TopicPlace, p: HealthPayload, atMs: number, retained = false, staleAfterMs = Infinity): boolean {
    const e = this.entry(place);
    const madeAt = Math.min(atMs, Date.parse(p.ts));
    // (A copy of the held health, retained at the broker, is not the new installation's.)
    const reinstalled = e.health !== null && (e.install ?? 0) > (e.healthInstall ?? 0) && (p.seq !== e.health.seq || p.ts !== e.health.ts);
    const restarted = e.health !== null && !retained && !reinstalled && p.seq <= e.health.seq && (e.healthAtMs === null || atMs - e.healthAtMs > staleAfterMs) && Date.parse(p.ts) > Date.parse(e.health.ts);
    if (restarted) this.restarts += 1;
    if (e.health && p.seq <= e.health.seq && !restarted && !reinstalled) {
      if (!retained && !this.elsewhere(e, place)) e.lastSeenMs = Math.max(e.lastSeenMs ?? 0, atMs);
      return false;
    }
    // Only a newer health moves a station to another regency: the newest report says where it is.
    e.province = place.province;
    e.regency = place.regency;
    e.health = p;
    e.healthInstall = e.install ?? 0;
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

  /**
   * The dashboard's wall clock stepped by `ms` (NTP, a person): every time of arrival kept here
   * moves with it, so each keeps its age. Set back an hour, a silent station would otherwise look
   * fresh for the hour; set forward, every station stale until it reports again.
   */
  shiftArrivals(ms: number): void {
    const by = (t: number | null) => (t === null ? null : t + ms);
    for (const e of this.entries.values()) {
      e.lastSeenMs = by(e.lastSeenMs);
      e.healthAtMs = by(e.healthAtMs);
      if (e.installs) e.installs = Object.fromEntries(Object.entries(e.installs).map(([id, t]) => [id, t + ms]));
      if (e.will) e.will = { ...e.will, atMs: e.will.atMs + ms };
      if (e.queueSamples) e.queueSamples = e.queueSamples.map(([t, q]) => [t + ms, q]);
    }
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
