import { AgentError } from '../errors.js';
import type { Db } from './db.js';

/**
 * Versioned, forward-only schema migrations. The version lives in SQLite's own
 * `PRAGMA user_version`; each step runs in one transaction with its version bump, so a power
 * cut leaves the database at the old version or the new one, never between.
 * Append new steps; never edit a released one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'counters, key-value state, active alerts',
    sql: `
      CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
      INSERT INTO counters (name, value) VALUES ('seq', 0);
      CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL) STRICT;
      CREATE TABLE alerts_active (
        code TEXT PRIMARY KEY,
        severity TEXT NOT NULL,
        message TEXT NOT NULL,
        raised_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'telemetry outbox',
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        bytes INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX outbox_kind_seq ON outbox (kind, seq);
      INSERT INTO counters (name, value) VALUES ('dropped.health', 0), ('dropped.event', 0);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

export async function schemaVersion(db: Db): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

/** Bring the database up to SCHEMA_VERSION; returns the versions applied. */
export async function migrate(db: Db, file: string): Promise<number[]> {
  const current = await schemaVersion(db);
  if (current > SCHEMA_VERSION) {
    throw new AgentError(
      'store-newer-schema',
      `The database ${file} has schema version ${current}, newer than this agent understands (${SCHEMA_VERSION}).`,
      { hint: 'A newer agent wrote it. Install that version again (downgrades are refused so no data is damaged).' },
    );
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m.version);
  }
  return applied;
}
