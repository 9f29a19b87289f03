/**
 * The tables of the dashboard's own SQLite file (dashboard/store.ts), and how a file written by
 * an older dashboard is brought up to them. Version 3 orders a station's events by its
 * installation and seq (the PC's `installId`, and the dashboard's count of the installations it
 * heard): a reinstalled PC, whose seq starts again at 1, is a new sequence, not duplicates of
 * the old one's. It keeps each station's installation and time zone with its row.
 */
import type { Db } from '../platform/db.js';
import { ACCOUNTS_SCHEMA } from './accounts.js';

/** 2: the offices' books (accounts.ts); 3: events by installation and seq, a station's installation and zone. */
export const VERSION = 3;

const EVENTS = `
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, station TEXT NOT NULL, province TEXT NOT NULL, regency TEXT NOT NULL,
  ts TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,
  message TEXT NOT NULL, acked_at TEXT, acked_by TEXT, install_id TEXT NOT NULL DEFAULT '', install INTEGER NOT NULL DEFAULT 0,
  UNIQUE (station, install_id, seq));
CREATE INDEX IF NOT EXISTS events_by_time ON events (ts);
CREATE INDEX IF NOT EXISTS events_in_order ON events (station, install, seq);
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS stations (
  station TEXT PRIMARY KEY, province TEXT NOT NULL, regency TEXT NOT NULL,
  online INTEGER, offline_reason TEXT, last_seen_ms INTEGER, health TEXT, health_at_ms INTEGER,
  install_id TEXT, install INTEGER, health_install INTEGER, time_zone TEXT);
CREATE TABLE IF NOT EXISTS samples (
  station TEXT NOT NULL, ts_ms INTEGER NOT NULL, sample TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS samples_by_station ON samples (station, ts_ms);
CREATE INDEX IF NOT EXISTS samples_by_time ON samples (ts_ms);
CREATE TABLE IF NOT EXISTS daily (
  station TEXT NOT NULL, day TEXT NOT NULL, printed INTEGER NOT NULL, PRIMARY KEY (station, day));
${EVENTS}`;

/** The tables as this version has them, from an empty file or one of an older version (`from`). */
export async function createOrUpgrade(db: Db, from: number): Promise<void> {
  await db.transaction(async (tx) => {
    if (from > 0 && from < 3) {
      // Events were one per (station, seq): the feed is copied into a table keyed by installation too.
      await tx.exec('ALTER TABLE events RENAME TO events_v2; DROP INDEX IF EXISTS events_by_time;');
      await tx.exec(EVENTS);
      await tx.exec(`INSERT INTO events (id, station, province, regency, ts, seq, code, state, severity, message, acked_at, acked_by)
        SELECT id, station, province, regency, ts, seq, code, state, severity, message, acked_at, acked_by FROM events_v2; DROP TABLE events_v2;`);
      for (const column of ['install_id TEXT', 'install INTEGER', 'health_install INTEGER', 'time_zone TEXT']) await tx.exec(`ALTER TABLE stations ADD COLUMN ${column}`);
    }
    await tx.exec(SCHEMA);
    await tx.exec(ACCOUNTS_SCHEMA);
    await tx.exec(`PRAGMA user_version = ${VERSION}`);
  });
}
