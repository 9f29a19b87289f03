import { randomBytes } from 'node:crypto';
import { systemClock } from '../../core/clock.js';
import { existsSync, lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError, EXIT } from '../../core/errors.js';
import { Db, type Queryable } from '../../platform/db.js';
import { shareNewFile } from '../../platform/shared-folder.js';
import type { TelemetryStorage } from '../../telemetry/storage.js';
import { migrate, schemaVersion, SCHEMA_VERSION } from './migrations.js';
import { SeqGuard } from './seq-guard.js';

export const DB_FILE = 'station.db';

export interface ActiveAlert {
  code: string;
  severity: string;
  message: string;
  raisedAt: string;
}

/**
 * The station's one SQLite file in dataDir. WAL lets `station-agent status` read while the
 * daemon writes; synchronous=FULL because the job engine's "printing" mark must survive a
 * power cut before the printer is told: after a cut, a card that was sent is found as printing
 * and set aside for a person, never sent again (at most one good card per record).
 */
/** Where the database's random install id is kept (kv). */
export const INSTALL_ID_KEY = 'install.id';

export class Store implements TelemetryStorage {
  /** The file's identity when it was opened: a file deleted, replaced or cut short is seen. */
  private readonly identity: { dev: number; ino: number } | undefined;
  private lastCheckAt = -Infinity;
  /** Why the file can no longer be trusted (deleted, replaced, truncated); null while it can. */
  fileProblem: string | null = null;

  private constructor(
    readonly db: Db,
    readonly file: string,
    /** False for the in-memory stand-in: nothing written survives a restart. */
    private readonly onDisk = true,
    private readonly guard?: SeqGuard,
  ) {
    if (onDisk) {
      const st = statSync(file);
      this.identity = { dev: st.dev, ino: st.ino };
    }
  }

  /**
   * Whether what is written here survives a restart: false for the in-memory stand-in, and for a
   * file that was deleted, replaced or cut short while open (writes then go nowhere that lasts).
   * Printing waits while it is false, so that no record can be printed twice.
   */
  get durable(): boolean {
    return this.onDisk && this.fileProblem === null;
  }

  /**
   * Look at the file again (a stat, at most once a second): deleted, replaced by another file, or
   * cut below one page. Returns the problem, in words a technician acts on, or null.
   */
  /** `mono`: the clock's monotonic ms (the look is at most once a second). */
  checkFile(now: number): string | null {
    if (!this.identity || this.fileProblem !== null || now - this.lastCheckAt < 1000) return this.fileProblem;
    this.lastCheckAt = now;
    let st;
    try {
      st = statSync(this.file);
    } catch {
      this.fileProblem = `the database ${this.file} was deleted while the agent ran: nothing written since is kept.`;
    }
    if (st && (st.dev !== this.identity.dev || st.ino !== this.identity.ino)) this.fileProblem = `the database ${this.file} was replaced by another file while the agent ran.`;
    else if (st && st.size < 512) this.fileProblem = `the database ${this.file} was cut short (${st.size} bytes) while the agent ran.`;
    if (this.fileProblem !== null) {
      this.fileProblem += ' Printing waits, so that no record is printed twice. Stop the agent, restore station.db from a backup, and start it again.';
    }
    return this.fileProblem;
  }

  static async open(dataDir: string, now: () => number = () => systemClock.now(), clockFloor = 0, opts: { fresh?: boolean } = {}): Promise<Store> {
    try {
      mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new AgentError('store-dir', `Cannot create the data folder ${dataDir}: ${(err as Error).message}`, {
        hint: 'Set dataDir to a folder this user may write, or fix its permissions.',
      });
    }
    const file = join(dataDir, DB_FILE);
    // A database missing where one was kept: a new empty one would forget every card printed,
    // and the records would print again. Only a person may start afresh, knowingly.
    if (!opts.fresh && !existsSync(file) && SeqGuard.exists(dataDir)) {
      throw new AgentError('store-missing', `The database ${file} is missing, but this station has kept one before (${join(dataDir, 'seq.hwm')} is there).`, {
        hint: 'Restore station.db from a backup into the data folder (the agent stopped). Or start afresh with station-agent store init --fresh: the print history, the queue and both ledgers are forgotten, and records printed before could be printed again.',
        exitCode: EXIT.dataError,
      });
    }
    const creating = !existsSync(file);
    const db = await Db.open(file).catch((err: Error) => {
      throw openError(file, err);
    });
    try {
      // Before the first write makes its -wal and -shm, which copy its mode: in a group-shared
      // folder the agent and the clerks all write this file (platform/shared-folder.ts).
      if (creating) shareNewFile(dataDir, file);
      await db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;');
      await Store.prepare(db, file, now, clockFloor);
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err instanceof AgentError ? err : openError(file, err as Error);
    }
    const guard = SeqGuard.open(dataDir);
    // Seqs handed out while this file could not be written (or was stood in for) come first.
    await db.run("UPDATE counters SET value = MAX(value, ?) WHERE name = 'seq'", [guard.read()]).catch(() => undefined);
    return new Store(db, file, true, guard);
  }

  /**
   * A store in memory, for when the file cannot be used (damaged, disk full at start): the
   * agent keeps running and says so, instead of restarting in a loop. Nothing in it survives.
   */
  static async openInMemory(now: () => number = () => systemClock.now(), clockFloor = 0, dataDir?: string): Promise<Store> {
    const db = await Db.open(':memory:');
    await Store.prepare(db, ':memory:', now, clockFloor);
    const guard = dataDir === undefined ? undefined : SeqGuard.open(dataDir);
    if (guard) await db.run("UPDATE counters SET value = MAX(value, ?) WHERE name = 'seq'", [guard.read()]);
    return new Store(db, ':memory:', false, guard);
  }

  private static async prepare(db: Db, file: string, now: () => number, clockFloor: number): Promise<void> {
    const applied = await migrate(db, file);
    if (applied.includes(1)) {
      // A new database starts its seq at the clock (ms since 1970), not at 1, so a station
      // whose database was replaced (reinstall, a damaged file) still counts upwards. A clock
      // below the floor is known to be wrong and is not trusted.
      await db.run("UPDATE counters SET value = ? WHERE name = 'seq'", [Math.max(0, Math.floor(now()), clockFloor)]);
    }
  }

  /** Note a seq handed out that the database does not hold (disk full, or the stand-in). */
  guardSeq(seq: number): void {
    this.guard?.write(seq);
  }

  /** Open an existing store without changing it (for `status` while the daemon runs). */
  static async openReadOnly(dataDir: string): Promise<Store | undefined> {
    const file = join(dataDir, DB_FILE);
    if (!existsSync(file)) return undefined;
    const db = await Db.open(file, { readOnly: true }).catch((err: Error) => {
      throw openError(file, err);
    });
    await db.exec('PRAGMA busy_timeout = 5000');
    const version = await schemaVersion(db).catch(async (err: Error) => {
      await db.close().catch(() => undefined);
      throw openError(file, err);
    });
    if (version > SCHEMA_VERSION || version === 0) {
      await db.close();
      throw new AgentError('store-schema', `The database ${file} has schema version ${version}; this agent reads ${SCHEMA_VERSION}.`, {
        hint: version === 0 ? 'Start the agent once so it creates its tables.' : 'Use the agent version that wrote it.',
        exitCode: version === 0 ? EXIT.failure : EXIT.dataError,
      });
    }
    return new Store(db, file);
  }

  /** The next per-station sequence number; call inside the transaction that uses it. */
  async nextSeq(tx: Queryable): Promise<number> {
    const row = await tx.get<{ value: number }>("UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value");
    if (!row) throw new Error('the seq counter row is missing from the counters table');
    return row.value;
  }

  writeProblemHint(err: Error): string | undefined {
    return openError(this.file, err).hint;
  }

  /** Keep a small piece of state (last health, agent lifecycle); `tx` to write it inside a transaction. */
  async setState(key: string, value: unknown, at: Date = new Date(systemClock.now()), tx: Queryable = this.db): Promise<void> {
    await tx.run(
      'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [key, JSON.stringify(value), at.toISOString()],
    );
  }

  /**
   * A random id for this database, made the first time it is asked for and kept: the status
   * carries it, so two PCs claiming one station id show as two, and a reinstalled PC as new.
   */
  async installId(): Promise<string> {
    const kept = await this.getState<string>(INSTALL_ID_KEY);
    if (typeof kept?.value === 'string' && /^[0-9a-f]{16,64}$/.test(kept.value)) return kept.value;
    const id = randomBytes(16).toString('hex');
    await this.db.run('INSERT OR IGNORE INTO kv (key, value, updated_at) VALUES (?, ?, ?)', [INSTALL_ID_KEY, JSON.stringify(id), new Date(systemClock.now()).toISOString()]);
    return (await this.getState<string>(INSTALL_ID_KEY))?.value ?? id;
  }

  async getState<T>(key: string): Promise<{ value: T; updatedAt: string } | undefined> {
    const row = await this.db.get<{ value: string; updated_at: string }>('SELECT value, updated_at FROM kv WHERE key = ?', [key]);
    return row ? { value: JSON.parse(row.value) as T, updatedAt: row.updated_at } : undefined;
  }

  async activeAlerts(): Promise<ActiveAlert[]> {
    const rows = await this.db.all<{ code: string; severity: string; message: string; raised_at: string }>(
      'SELECT code, severity, message, raised_at FROM alerts_active ORDER BY raised_at, code',
    );
    return rows.map((r) => ({ code: r.code, severity: r.severity, message: r.message, raisedAt: r.raised_at }));
  }

  static async raiseAlert(tx: Queryable, a: ActiveAlert): Promise<void> {
    await tx.run('INSERT OR REPLACE INTO alerts_active (code, severity, message, raised_at) VALUES (?, ?, ?, ?)', [
      a.code,
      a.severity,
      a.message,
      a.raisedAt,
    ]);
  }

  static async clearAlert(tx: Queryable, code: string): Promise<void> {
    await tx.run('DELETE FROM alerts_active WHERE code = ?', [code]);
  }

  close(): Promise<void> {
    this.guard?.close();
    return this.db.close();
  }
}

/** SQLite's own codes, turned into what a technician can act on. */
export function openError(file: string, err: Error & { code?: string }): AgentError {
  const code = err.code ?? '';
  let link = false;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch {
    // no file: not a link
  }
  if (link) {
    return new AgentError('store-open', `Cannot use the database ${file}: it is a symbolic link, which the agent does not follow in its data folder.`, {
      hint: 'Put the database file itself in the data folder (or set dataDir to where it is).',
      cause: err,
    });
  }
  const hint =
    code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM'
      ? 'Check that the data folder exists and that the agent\'s user may read and write it (dataDir in the configuration).'
      : code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT'
        ? `The file is damaged or is not the agent's database. Keep a copy for support and restore station.db from a backup; if there is none, move it aside (for example to ${file}.damaged) and run station-agent store init --fresh, which forgets which records were printed (they could print again).`
        : code === 'SQLITE_FULL'
          ? 'The disk holding the data folder is full: free space there.'
          : code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED'
            ? 'Another program holds the database: is a second agent running with the same data folder?'
            : 'See the error above; check the data folder (dataDir).';
  return new AgentError('store-open', `Cannot use the database ${file}: ${err.message}`, { hint, cause: err });
}
