import sqlite3 from 'sqlite3';
import type { Text } from '../../../core/i18n.js';
import { HalError } from '../../errors.js';
import type { CardOutcomeWord, ClaimAnswer, ClaimHolder, OutcomeAnswer } from '../types.js';
import { claimRule, outcomeRule, type ClaimRow, type RowChange } from './rules.js';

/** How long one agent waits for another that is writing the file, before it says the centre is busy. */
const BUSY_MS = 5000;

const HINT: Text = {
  id: 'Periksa records.sim.shared: satu berkas di PC ini yang bisa ditulis setiap agen kantor yang menyebutnya.',
  en: 'Check records.sim.shared: one file on this PC that every agent of the office naming it can write.',
};

/**
 * The simulated centre's claims, in a small SQLite file that every agent naming it opens (the
 * demo and the tests of an office on one PC). Each decision reads and writes its row inside
 * BEGIN IMMEDIATE, which takes the file's write lock first: two agents claiming one record at
 * once are served one after the other, so exactly one is granted and no update is lost. The lock
 * is SQLite's on the file, so this holds across processes; over a network share it would not.
 */
export class SharedCentre {
  /** One decision at a time on this connection: a transaction's statements never interleave with another's. */
  private last: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: sqlite3.Database,
    readonly file: string,
  ) {}

  static async open(file: string): Promise<SharedCentre> {
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const d = new sqlite3.Database(file, sqlite3.OPEN_READWRITE | sqlite3.OPEN_CREATE, (err) => (err ? reject(err) : resolve(d)));
    }).catch((err: Error) => {
      throw trouble(file, err);
    });
    db.configure('busyTimeout', BUSY_MS);
    const centre = new SharedCentre(db, file);
    try {
      await centre.serial(async () => {
        await centre.exec('PRAGMA journal_mode = WAL');
        await centre.inTransaction(() =>
          centre.exec(
            'CREATE TABLE IF NOT EXISTS claims (record_id TEXT PRIMARY KEY, station TEXT NOT NULL, install_id TEXT, state TEXT NOT NULL CHECK (state IN (\'claimed\',\'printed\',\'spoiled\')), at TEXT NOT NULL) STRICT',
          ),
        );
      });
    } catch (err) {
      await centre.close();
      throw err;
    }
    return centre;
  }

  claim(recordId: string, holder: ClaimHolder, now: string): Promise<ClaimAnswer> {
    return this.decide(recordId, (row) => claimRule(row, holder, now));
  }

  outcome(recordId: string, station: string, outcome: CardOutcomeWord, now: string): Promise<OutcomeAnswer> {
    return this.decide(recordId, (row) => outcomeRule(row, station, outcome, now));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.db.close(() => resolve()));
  }

  private decide<A>(recordId: string, rule: (row: ClaimRow | undefined) => { answer: A; change: RowChange }): Promise<A> {
    return this.serial(() =>
      this.inTransaction(async () => {
        const row = await new Promise<ClaimRow | undefined>((resolve, reject) =>
          this.db.get<ClaimRow>('SELECT station, install_id AS installId, state, at FROM claims WHERE record_id = ?', [recordId], (err, r) => (err ? reject(err) : resolve(r))),
        );
        const { answer, change } = rule(row);
        if (change.kind === 'put') {
          const r = change.row;
          await this.run(
            'INSERT INTO claims (record_id, station, install_id, state, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET station = excluded.station, install_id = excluded.install_id, state = excluded.state, at = excluded.at',
            [recordId, r.station, r.installId, r.state, r.at],
          );
        } else if (change.kind === 'drop') {
          await this.run('DELETE FROM claims WHERE record_id = ?', [recordId]);
        }
        return answer;
      }),
    );
  }

  private serial<T>(body: () => Promise<T>): Promise<T> {
    const next = this.last.then(body, body);
    this.last = next.catch(() => undefined);
    return next.catch((err: Error) => {
      throw err instanceof HalError ? err : trouble(this.file, err);
    });
  }

  private async inTransaction<T>(body: () => Promise<T>): Promise<T> {
    await this.exec('BEGIN IMMEDIATE');
    try {
      const value = await body();
      await this.exec('COMMIT');
      return value;
    } catch (err) {
      await this.exec('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  private exec(sql: string): Promise<void> {
    return new Promise((resolve, reject) => this.db.exec(sql, (err) => (err ? reject(err) : resolve())));
  }

  private run(sql: string, params: unknown[]): Promise<void> {
    return new Promise((resolve, reject) => this.db.run(sql, params, (err: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** A file that stayed locked is a centre that did not answer in time; anything else, one that cannot be reached. */
function trouble(file: string, err: Error): HalError {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new HalError('timeout', `the simulated centre's file ${file} stayed locked by another agent for over ${BUSY_MS / 1000} s`, HINT);
  }
  return new HalError('unavailable', `the simulated centre's file ${file} cannot be used (${code || err.message})`, HINT);
}
