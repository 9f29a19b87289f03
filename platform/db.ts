import { AsyncLocalStorage } from 'node:async_hooks';
import sqlite3 from 'sqlite3';
import { OneAtATime } from '../core/one-at-a-time.js';

/** SQLite's flag (3.31+) to refuse a path that is a symbolic link; node-sqlite3 passes flags through. */
const SQLITE_OPEN_NOFOLLOW = 0x01000000;

/** Which Db's transaction body is running, to catch a call that would wait on itself forever. */
const inTransaction = new AsyncLocalStorage<Db>();

export type Params = Record<string, unknown> | unknown[];

/** The statements a transaction body may run. */
export interface Queryable {
  run(sql: string, params?: Params): Promise<{ changes: number; lastID: number }>;
  get<T>(sql: string, params?: Params): Promise<T | undefined>;
  all<T>(sql: string, params?: Params): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/**
 * A promise face on one sqlite3 connection. Every call is queued behind the previous one, so
 * a transaction body (which bypasses the queue) never has another caller's statement slip
 * between its BEGIN and COMMIT.
 */
export class Db implements Queryable {
  private readonly queue = new OneAtATime();
  private readonly direct: Queryable;

  private constructor(private readonly raw: sqlite3.Database) {
    this.direct = {
      run: (sql, params = []) =>
        new Promise((resolve, reject) => {
          raw.run(sql, params, function (this: sqlite3.RunResult, err: Error | null) {
            if (err) reject(err);
            else resolve({ changes: this.changes, lastID: this.lastID });
          });
        }),
      get: <T>(sql: string, params: Params = []) =>
        new Promise<T | undefined>((resolve, reject) => {
          raw.get(sql, params, (err: Error | null, row: T | undefined) => (err ? reject(err) : resolve(row)));
        }),
      all: <T>(sql: string, params: Params = []) =>
        new Promise<T[]>((resolve, reject) => {
          raw.all(sql, params, (err: Error | null, rows: T[]) => (err ? reject(err) : resolve(rows)));
        }),
      exec: (sql) => new Promise<void>((resolve, reject) => raw.exec(sql, (err) => (err ? reject(err) : resolve()))),
    };
  }

  static open(file: string, opts: { readOnly?: boolean } = {}): Promise<Db> {
    // SQLITE_OPEN_NOFOLLOW: a symbolic link planted in place of the database is refused, not followed.
    const mode = (opts.readOnly ? sqlite3.OPEN_READONLY : sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE) | (file === ':memory:' ? 0 : SQLITE_OPEN_NOFOLLOW);
    return new Promise((resolve, reject) => {
      const raw = new sqlite3.Database(file, mode, (err) => (err ? reject(err) : resolve(new Db(raw))));
    });
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    if (inTransaction.getStore() === this) {
      // Queued behind the transaction it is part of, it would never run: fail loudly instead.
      return Promise.reject(new Error('database call inside a transaction body: use the tx handle the body was given'));
    }
    return this.queue.run(op);
  }

  run(sql: string, params?: Params) {
    return this.enqueue(() => this.direct.run(sql, params));
  }
  get<T>(sql: string, params?: Params) {
    return this.enqueue(() => this.direct.get<T>(sql, params));
  }
  all<T>(sql: string, params?: Params) {
    return this.enqueue(() => this.direct.all<T>(sql, params));
  }
  exec(sql: string) {
    return this.enqueue(() => this.direct.exec(sql));
  }

  /** Run `body` inside BEGIN IMMEDIATE ... COMMIT; any throw rolls back and rethrows. */
  transaction<T>(body: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.enqueue(async () => {
      await this.direct.exec('BEGIN IMMEDIATE');
      try {
        const value = await inTransaction.run(this, () => body(this.direct));
        await this.direct.exec('COMMIT');
        return value;
      } catch (err) {
        await this.direct.exec('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  close(): Promise<void> {
    return this.enqueue(() => new Promise<void>((resolve, reject) => this.raw.close((err) => (err ? reject(err) : resolve()))));
  }
}
