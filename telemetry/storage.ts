/**
 * What telemetry needs from the station's database, declared here and implemented by the
 * agent's store (telemetry imports no storage, as MQTT.js takes its store through IStore):
 * SQLite statements and transactions, the per-station seq counter, whether writes survive a
 * restart, and the outbox table, whose migration is telemetry's own (the store runs it as its
 * version 2, after its version 1 made the `counters` table the outbox keeps its counts in).
 */

export type SqlParams = Record<string, unknown> | unknown[];

/** The statements a transaction body may run. */
export interface SqlQueryable {
  run(sql: string, params?: SqlParams): Promise<{ changes: number; lastID: number }>;
  get<T>(sql: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(sql: string, params?: SqlParams): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** One SQLite connection whose calls are queued, with transactions that nothing slips into. */
export interface SqlDatabase extends SqlQueryable {
  /** Run `body` inside one transaction; any throw rolls it back and rethrows. */
  transaction<T>(body: (tx: SqlQueryable) => Promise<T>): Promise<T>;
}

export interface TelemetryStorage {
  readonly db: SqlDatabase;
  /** Where it is, for messages ("cannot store telemetry in ..."). */
  readonly file: string;
  /** False for a stand-in (in memory): nothing written survives a restart. */
  readonly durable: boolean;
  /** The next per-station seq; call inside the transaction that uses it. */
  nextSeq(tx: SqlQueryable): Promise<number>;
  /** Note a seq handed out that the database does not hold (disk full, or the stand-in). */
  guardSeq(seq: number): void;
  /** Keep a small piece of state (the last health), in the caller's transaction. */
  setState(key: string, value: unknown, at: Date, tx: SqlQueryable): Promise<void>;
  /** A piece of state kept with setState, if any. */
  getState<T>(key: string): Promise<{ value: T } | undefined>;
  /** What a technician should do about a failed write (disk full, a damaged file, ...), if known. */
  writeProblemHint(err: Error): string | undefined;
}

/** The outbox table and its counters; released as the store's version 2, never to be edited. */
export const OUTBOX_MIGRATION = {
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
} as const;
