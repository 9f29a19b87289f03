/**
 * The dashboard's own SQLite file: the last state of every station (so a restart shows the
 * picture at once), a bounded history for the charts, cards printed per day, and the alert
 * feed with its acknowledgements. WAL with synchronous=NORMAL: a crash of the dashboard loses
 * nothing committed, a power cut may lose the last second, which the broker's retained
 * messages give back on the next start; acknowledgements are written at once.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Db, type Queryable } from '../platform/db.js';
import type { HealthPayload } from '../telemetry/payloads.js';
import { goodCards, type StationEntry } from './fleet.js';
import { Accounts } from './accounts.js';
import { createOrUpgrade, VERSION } from './store-schema.js';

export const DASHBOARD_DB = 'dashboard.db';

/** What the charts draw: a few numbers per sample, not the whole health. */
export interface Sample {
  ts: string;
  ribbon: number | null;
  film: number | null;
  blanks: number | null;
  blanksOnHand: number | null;
  printedToday: number | null;
  ups: string;
  chargePercent: number | null;
}

export interface StoredEvent {
  id: number;
  station: string;
  province: string;
  regency: string;
  ts: string;
  seq: number;
  code: string;
  state: 'raised' | 'cleared';
  severity: string;
  message: string;
  ackedAt: string | null;
  ackedBy: string | null;
  /** The PC's installId its status gave when the event came (null when it gave none): with `install`, its sequence. */
  installId: string | null;
  /**
   * The station's installations as this dashboard counted them (0 before any installId, then 1,
   * 2, ...: each new one heard is one more). A station's events are in the order (install, seq);
   * `ts` is the station's stamp, for people.
   */
  install: number;
}

/** What a new event needs: the installation is the station's first (0) when not given. */
export type NewEvent = Omit<StoredEvent, 'id' | 'ackedAt' | 'ackedBy' | 'installId' | 'install'> & { installId?: string | null; install?: number };

export function sampleOf(h: HealthPayload): Sample {
  const level = (kind: string) => h.printer.supplies.find((s) => s.kind === kind)?.levelPercent ?? null;
  return {
    ts: h.ts,
    ribbon: level('ribbon'),
    film: level('film'),
    blanks: level('blanks'),
    blanksOnHand: h.stock.blanksOnHand,
    printedToday: goodCards(h),
    ups: h.ups.status,
    chargePercent: h.ups.chargePercent,
  };
}

interface StationRowDb {
  station: string;
  province: string;
  regency: string;
  online: number | null;
  offline_reason: string | null;
  last_seen_ms: number | null;
  health: string | null;
  health_at_ms: number | null;
  install_id: string | null;
  install: number | null;
  health_install: number | null;
  time_zone: string | null;
  /** The highest installation of its stored events (in case its row was written before they were). */
  events_install: number | null;
}

/** The same, as SQLite names its columns. */
type EventRowDb = Omit<StoredEvent, 'ackedAt' | 'ackedBy' | 'installId'> & { acked_at: string | null; acked_by: string | null; install_id: string };

const toEvent = ({ acked_at, acked_by, install_id, ...r }: EventRowDb): StoredEvent => ({ ...r, ackedAt: acked_at, ackedBy: acked_by, installId: install_id === '' ? null : install_id });
const EVENT_COLUMNS = 'id, station, province, regency, ts, seq, code, state, severity, message, acked_at, acked_by, install_id, install';

export class DashboardStore {
  private readonly shared: Accounts;

  private constructor(
    private readonly db: Db,
    private readonly reader: Db | null,
  ) {
    this.shared = new Accounts(db, reader ?? db);
  }

  static async open(dataDir: string): Promise<DashboardStore> {
    mkdirSync(dataDir, { recursive: true });
    const file = join(dataDir, DASHBOARD_DB);
    const db = await Db.open(file);
    await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    const v = (await db.get<{ user_version: number }>('PRAGMA user_version'))?.user_version ?? 0;
    if (v > VERSION) {
      await db.close();
      throw new Error(`${file} was written by a newer dashboard (schema ${v}, this one knows ${VERSION}): upgrade the dashboard or start it on another dataDir`);
    }
    await createOrUpgrade(db, v);
    // The offices' books are read on a connection of their own (WAL lets it read beside the
    // writer): a nation's month read for a page does not hold up the messages being written.
    const reader = await Db.open(file);
    await reader.exec('PRAGMA busy_timeout = 5000; PRAGMA query_only = ON;');
    return new DashboardStore(db, reader);
  }

  async close(): Promise<void> {
    await this.reader?.close();
    await this.db.close();
  }

  /** The offices' books, in the same file: one for the whole dashboard, so what is made from them hears every change. */
  accounts(): Accounts {
    return this.shared;
  }

  /** A retired station's row goes; its samples, days and alerts stay as history. */
  async forgetStation(station: string): Promise<void> {
    await this.db.run('DELETE FROM stations WHERE station = ?', [station]);
  }

  async loadStations(): Promise<StationEntry[]> {
    const rows = await this.db.all<StationRowDb>('SELECT s.*, (SELECT MAX(install) FROM events e WHERE e.station = s.station) AS events_install FROM stations s');
    return rows.map((r) => ({
      station: r.station,
      province: r.province,
      regency: r.regency,
      online: r.online === null ? null : r.online === 1,
      offlineReason: r.offline_reason === 'lost' || r.offline_reason === 'shutdown' ? r.offline_reason : null,
      lastSeenMs: r.last_seen_ms,
      health: r.health === null ? null : (JSON.parse(r.health) as HealthPayload),
      healthAtMs: r.health_at_ms,
      ...(r.install_id !== null ? { installId: r.install_id } : {}),
      install: Math.max(r.install ?? 0, r.events_install ?? 0),
      healthInstall: r.health_install ?? 0,
      ...(r.time_zone !== null ? { timeZone: r.time_zone } : {}),
    }));
  }

  /** One transaction for everything that changed since the last flush. */
  async flush(entries: StationEntry[], samples: { station: string; sample: Sample }[], daily: { station: string; day: string; printed: number }[]): Promise<void> {
    if (entries.length + samples.length + daily.length === 0) return;
    await this.db.transaction(async (tx) => {
      for (const e of entries) await DashboardStore.writeStation(tx, e);
      for (const s of samples) await tx.run('INSERT INTO samples VALUES (?, ?, ?)', [s.station, Date.parse(s.sample.ts), JSON.stringify(s.sample)]);
      for (const d of daily) {
        await tx.run('INSERT INTO daily VALUES (?, ?, ?) ON CONFLICT (station, day) DO UPDATE SET printed = printed + excluded.printed', [d.station, d.day, d.printed]);
      }
    });
  }

  /**
   * After a failed flush: each item in a transaction of its own, so the one that cannot be
   * written (whatever a station sent) is dropped and named, and every other station's is kept.
   */
  async flushEach(entries: StationEntry[], samples: { station: string; sample: Sample }[], daily: { station: string; day: string; printed: number }[]): Promise<{ station: string; what: string; error: string }[]> {
    const dropped: { station: string; what: string; error: string }[] = [];
    const one = async (station: string, what: string, write: (tx: Queryable) => Promise<unknown>) => {
      try {
        await this.db.transaction(write);
      } catch (err) {
        dropped.push({ station, what, error: (err as Error).message.slice(0, 200) });
      }
    };
    for (const e of entries) await one(e.station, 'station', (tx) => DashboardStore.writeStation(tx, e));
    for (const s of samples) await one(s.station, 'sample', (tx) => tx.run('INSERT INTO samples VALUES (?, ?, ?)', [s.station, Date.parse(s.sample.ts), JSON.stringify(s.sample)]));
    for (const d of daily) await one(d.station, 'cards a day', (tx) => tx.run('INSERT INTO daily VALUES (?, ?, ?) ON CONFLICT (station, day) DO UPDATE SET printed = printed + excluded.printed', [d.station, d.day, d.printed]));
    return dropped;
  }

  private static async writeStation(tx: Queryable, e: StationEntry): Promise<void> {
    await tx.run(
      `INSERT INTO stations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (station) DO UPDATE SET
         province = excluded.province, regency = excluded.regency, online = excluded.online, offline_reason = excluded.offline_reason,
         last_seen_ms = excluded.last_seen_ms, health = excluded.health, health_at_ms = excluded.health_at_ms,
         install_id = excluded.install_id, install = excluded.install, health_install = excluded.health_install, time_zone = excluded.time_zone`,
      [e.station, e.province, e.regency, e.online === null ? null : e.online ? 1 : 0, e.offlineReason, e.lastSeenMs, e.health ? JSON.stringify(e.health) : null, e.healthAtMs, e.installId ?? null, e.install ?? 0, e.healthInstall ?? 0, e.timeZone ?? null],
    );
  }

  /** Null for a message already held (a QoS 1 duplicate, or a replay of one already seen): one per station, installation and seq. */
  async addEvent(e: NewEvent): Promise<StoredEvent | null> {
    const installId = e.installId ?? null;
    const install = e.install ?? 0;
    const r = await this.db.run('INSERT OR IGNORE INTO events (station, province, regency, ts, seq, code, state, severity, message, install_id, install) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      e.station,
      e.province,
      e.regency,
      e.ts,
      e.seq,
      e.code,
      e.state,
      e.severity,
      e.message,
      installId ?? '',
      install,
    ]);
    return r.changes === 0 ? null : { ...e, installId, install, id: r.lastID, ackedAt: null, ackedBy: null };
  }

  /**
   * The feed, newest first: one station's in the order it made them (installation, then seq),
   * whatever its clock said; every station's in the order they came.
   */
  async events(limit: number, station?: string): Promise<StoredEvent[]> {
    const rows = station
      ? await this.db.all<EventRowDb>(`SELECT ${EVENT_COLUMNS} FROM events WHERE station = ? ORDER BY install DESC, seq DESC LIMIT ?`, [station, limit])
      : await this.db.all<EventRowDb>(`SELECT ${EVENT_COLUMNS} FROM events ORDER BY id DESC LIMIT ?`, [limit]);
    return rows.map(toEvent);
  }

  /**
   * The newest raise and the newest clear of every (station, code) in the feed, of one station
   * or all, newest by (installation, seq): what was active when the dashboard stopped, for
   * Alertmanager to hear again on the next start.
   */
  async latestAlertEvents(station?: string): Promise<StoredEvent[]> {
    const rows = await this.db.all<EventRowDb>(
      `SELECT ${EVENT_COLUMNS} FROM
         (SELECT *, ROW_NUMBER() OVER (PARTITION BY station, code, state ORDER BY install DESC, seq DESC) AS rn FROM events ${station === undefined ? '' : 'WHERE station = ?'})
       WHERE rn = 1`,
      station === undefined ? [] : [station],
    );
    return rows.map(toEvent);
  }

  async ack(id: number, by: string, at: string): Promise<StoredEvent | null> {
    await this.db.run('UPDATE events SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL', [at, by, id]);
    const row = await this.db.get<EventRowDb>(`SELECT ${EVENT_COLUMNS} FROM events WHERE id = ?`, [id]);
    return row ? toEvent(row) : null;
  }

  async samples(station: string, sinceMs: number): Promise<Sample[]> {
    const rows = await this.db.all<{ sample: string }>('SELECT sample FROM samples WHERE station = ? AND ts_ms >= ? ORDER BY ts_ms', [station, sinceMs]);
    return rows.map((r) => JSON.parse(r.sample) as Sample);
  }

  async daily(sinceDay: string): Promise<Map<string, Map<string, number>>> {
    const rows = await this.db.all<{ station: string; day: string; printed: number }>('SELECT station, day, printed FROM daily WHERE day >= ?', [sinceDay]);
    const out = new Map<string, Map<string, number>>();
    for (const r of rows) {
      let m = out.get(r.station);
      if (!m) out.set(r.station, (m = new Map<string, number>()));
      m.set(r.day, r.printed);
    }
    return out;
  }

  async dailyOf(station: string, sinceDay: string): Promise<{ day: string; printed: number }[]> {
    return this.db.all('SELECT day, printed FROM daily WHERE station = ? AND day >= ? ORDER BY day', [station, sinceDay]);
  }

  /** Keep historyDays of samples, days and events. */
  async prune(beforeMs: number): Promise<void> {
    const day = new Date(beforeMs).toISOString().slice(0, 10);
    const iso = new Date(beforeMs).toISOString();
    // In slices, each its own statement: ingest's writes queue between them instead of
    // waiting behind one delete of a day's worth of samples for thousands of stations.
    const slice = async (table: string, where: string, value: unknown) => {
      for (;;) {
        const r = await this.db.run(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE ${where} LIMIT 5000)`, [value]);
        if (r.changes < 5000) return;
      }
    };
    await slice('samples', 'ts_ms < ?', beforeMs);
    await slice('daily', 'day < ?', day);
    await slice('events', 'ts < ?', iso);
  }
}
