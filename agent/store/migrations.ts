import { AgentError, EXIT } from '../../core/errors.js';
import type { Db } from '../../platform/db.js';
import { OUTBOX_MIGRATION } from '../../telemetry/storage.js';
import { NOTES_MIGRATION } from './migration-notes.js';

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
  { version: 2, ...OUTBOX_MIGRATION },
  {
    version: 3,
    name: 'print jobs, their audit trail, the blank-card ledger',
    sql: `
      -- One row per record id, ever: the at-most-once guard lives in the primary key.
      CREATE TABLE jobs (
        record_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('queued','fetching','ready','printing','printed','failed','spoiled','needs_verification','cancelled')),
        fetch_attempts INTEGER NOT NULL DEFAULT 0,
        next_fetch_at INTEGER NOT NULL DEFAULT 0,
        agent_job_id TEXT,
        printer_job_id TEXT,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX jobs_state ON jobs (state, seq);
      CREATE TABLE job_events (
        id INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        at INTEGER NOT NULL,
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX job_events_record ON job_events (record_id, id);
      CREATE INDEX job_events_to_at ON job_events (to_state, at);
      -- Append-only: every blank card received, printed, spoiled or adjusted after a count.
      CREATE TABLE ledger (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('receive','print','spoil','adjust')),
        qty INTEGER NOT NULL,
        batch TEXT,
        reason TEXT,
        record_id TEXT
      ) STRICT;
      CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'the ribbon and film ledger: rolls received, installed, taken out, cards counted',
    sql: `
      -- Append-only, like the blank-card ledger. Per kind (ribbon or film): rolls received onto
      -- the shelf (rolls +N), a roll installed (rolls -1 from the shelf, or 0 for a roll that was
      -- never shelved; its rated yield in cards), a roll taken out (the cards it gave), and one
      -- row per card through the printer, posted with the card's blank-ledger entry.
      CREATE TABLE supply_ledger (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('ribbon','film')),
        entry TEXT NOT NULL CHECK (entry IN ('receive','install','remove','card')),
        rolls INTEGER NOT NULL DEFAULT 0,
        cards INTEGER NOT NULL DEFAULT 0,
        yield INTEGER,
        yield_from TEXT CHECK (yield_from IN ('box','learned','default')),
        lot TEXT,
        reason TEXT,
        by TEXT NOT NULL CHECK (by IN ('person','printer','agent')),
        record_id TEXT
      ) STRICT;
      CREATE INDEX supply_ledger_kind ON supply_ledger (kind, entry, id);
      CREATE TRIGGER supply_ledger_no_update BEFORE UPDATE ON supply_ledger BEGIN SELECT RAISE(ABORT, 'the supply ledger is append-only'); END;
      CREATE TRIGGER supply_ledger_no_delete BEFORE DELETE ON supply_ledger BEGIN SELECT RAISE(ABORT, 'the supply ledger is append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'corrections in the blank-card ledger',
    sql: `
      -- A mistaken entry is never edited: a reversing entry names it here. Each entry is
      -- corrected at most once, and a correction is never corrected itself.
      ALTER TABLE ledger ADD COLUMN corrects INTEGER;
      CREATE UNIQUE INDEX ledger_corrects ON ledger (corrects) WHERE corrects IS NOT NULL;
      CREATE INDEX ledger_batch ON ledger (batch) WHERE batch IS NOT NULL;
      CREATE INDEX ledger_record ON ledger (record_id) WHERE record_id IS NOT NULL;
    `,
  },
  {
    version: 6,
    name: 'the office: movements with two ends in the ledgers, and the store room\'s book',
    sql: `
      -- The blank-card ledger gains 'return' (a stack sent back to the office's store), the
      -- transfer id of a movement with two ends, and the code of a spoiled card's reason. SQLite
      -- cannot change a CHECK, so the table is made anew with every row kept as it was.
      CREATE TABLE ledger_v6 (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('receive','print','spoil','adjust','return')),
        qty INTEGER NOT NULL,
        batch TEXT,
        reason TEXT,
        record_id TEXT,
        corrects INTEGER,
        transfer TEXT,
        reason_code TEXT
      ) STRICT;
      INSERT INTO ledger_v6 (id, at, kind, qty, batch, reason, record_id, corrects) SELECT id, at, kind, qty, batch, reason, record_id, corrects FROM ledger;
      DROP TABLE ledger;
      ALTER TABLE ledger_v6 RENAME TO ledger;
      CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
      CREATE UNIQUE INDEX ledger_corrects ON ledger (corrects) WHERE corrects IS NOT NULL;
      CREATE INDEX ledger_batch ON ledger (batch) WHERE batch IS NOT NULL;
      CREATE INDEX ledger_record ON ledger (record_id) WHERE record_id IS NOT NULL;
      CREATE INDEX ledger_transfer ON ledger (transfer) WHERE transfer IS NOT NULL;
      CREATE INDEX ledger_at ON ledger (at);
      -- Rolls that came from the office's store carry the transfer they came under.
      ALTER TABLE supply_ledger ADD COLUMN transfer TEXT;
      -- The office's store room: append-only like the ledgers. qty is the signed change to the
      -- store of that supply; a count keeps what was counted, a correction names what it reverses.
      CREATE TABLE office_book (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        day TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('delivery','transfer_out','transfer_in','loan_out','loan_in','count','correction')),
        supply TEXT NOT NULL CHECK (supply IN ('blanks','ribbon','film')),
        qty INTEGER NOT NULL,
        counted INTEGER,
        batch TEXT,
        document TEXT,
        lot TEXT,
        transfer TEXT,
        other TEXT,
        reason TEXT,
        corrects INTEGER,
        forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1))
      ) STRICT;
      CREATE UNIQUE INDEX office_book_corrects ON office_book (corrects) WHERE corrects IS NOT NULL;
      CREATE INDEX office_book_transfer ON office_book (transfer) WHERE transfer IS NOT NULL;
      CREATE INDEX office_book_day ON office_book (day);
      CREATE TRIGGER office_book_no_update BEFORE UPDATE ON office_book BEGIN SELECT RAISE(ABORT, 'the office book is append-only'); END;
      CREATE TRIGGER office_book_no_delete BEFORE DELETE ON office_book BEGIN SELECT RAISE(ABORT, 'the office book is append-only'); END;
      -- Transfers this PC has numbered (officeId-T1, -T2, ...).
      INSERT INTO counters (name, value) VALUES ('transfer', 0);
    `,
  },
  {
    version: 7,
    name: 'one card per record across stations: refused jobs, and the outcomes the record service is told',
    sql: `
      -- A record another station holds (the record service said so, when it was added or before
      -- its card) is 'refused', naming that station and since when. SQLite cannot change a
      -- CHECK, so the table is made anew with every row kept as it was.
      CREATE TABLE jobs_v7 (
        record_id TEXT PRIMARY KEY,
        state TEXT NOT NULL CHECK (state IN ('queued','fetching','ready','printing','printed','failed','spoiled','needs_verification','cancelled','refused')),
        fetch_attempts INTEGER NOT NULL DEFAULT 0,
        next_fetch_at INTEGER NOT NULL DEFAULT 0,
        agent_job_id TEXT,
        printer_job_id TEXT,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        claimed_by TEXT,
        claimed_at TEXT
      ) STRICT;
      INSERT INTO jobs_v7 (record_id, state, fetch_attempts, next_fetch_at, agent_job_id, printer_job_id, last_error, created_at, updated_at, seq)
        SELECT record_id, state, fetch_attempts, next_fetch_at, agent_job_id, printer_job_id, last_error, created_at, updated_at, seq FROM jobs;
      DROP TABLE jobs;
      ALTER TABLE jobs_v7 RENAME TO jobs;
      CREATE INDEX jobs_state ON jobs (state, seq);
      -- What became of each card, written in the same transaction as the job's move, to tell the
      -- record service in order (printed, spoiled, not_printed); a row leaves once it is told.
      CREATE TABLE record_outcomes (
        id INTEGER PRIMARY KEY,
        record_id TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('printed','spoiled','not_printed')),
        at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  NOTES_MIGRATION,
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
      { hint: 'A newer agent wrote it. Install that version again (downgrades are refused so no data is damaged).', exitCode: EXIT.dataError },
    );
  }
  const applied: number[] = [];
  // Before as well as after: version 7 copies the jobs table, agent_job_id included.
  await addAgentJobIdWhereMissing(db);
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.exec(`PRAGMA user_version = ${m.version}`);
    });
    applied.push(m.version);
  }
  await addAgentJobIdWhereMissing(db);
  return applied;
}

/**
 * Version 3 was edited once after it was first committed: abc44b9 added jobs.agent_job_id, so
 * the databases that 942c5c3 to 04c345f made at version 3 lack it, and every card sent to the
 * printer failed on them ("no such column: agent_job_id"). They get the column here; its
 * absence is the only sign of them, as their version number is the same. Never again: the
 * released migrations are pinned (test/unit/migrations-pinned.test.ts).
 */
async function addAgentJobIdWhereMissing(db: Db): Promise<void> {
  const columns = await db.all<{ name: string }>("SELECT name FROM pragma_table_info('jobs')");
  if (columns.length > 0 && !columns.some((c) => c.name === 'agent_job_id')) {
    await db.exec('ALTER TABLE jobs ADD COLUMN agent_job_id TEXT');
  }
}
