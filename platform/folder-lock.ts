/**
 * One program per folder: an exclusive lock that the operating system holds for the process and
 * drops when it ends, however it ends (a clean stop, a crash, kill -9, a power cut), so nothing
 * is left to clean up. Node has no flock; SQLite has the same kind of lock on every system it
 * runs on (POSIX record locks on Linux, LockFileEx on Windows), so the lock is an exclusive
 * transaction on a small SQLite file of its own, kept open for the holder's life and never
 * written. Nothing else opens that file: the program's own database is free for its other
 * readers and writers (a clerk's command beside the running agent).
 *
 * The holder writes its PID to a file beside the lock, so that whoever is refused can name it.
 */
import { closeSync, constants, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Db } from './db.js';
import { shareNewFile } from './shared-folder.js';

export type FolderLock =
  /** Taken: `release` drops it (once everything the lock guards is closed). */
  | { state: 'held'; file: string; release: () => Promise<void> }
  /** Another process holds it; its PID when its file names a living process, else null. */
  | { state: 'taken'; file: string; pid: number | null }
  /** The lock file cannot be opened or locked here (a folder that cannot be written): why. */
  | { state: 'unavailable'; file: string; why: string };

/** SQLite's answers when another connection holds the lock. */
const HELD_ELSEWHERE = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);

/** Take `<dir>/<name>.lock` for this process, without waiting; `<dir>/<name>.pid` says who holds it. */
export async function lockFolder(dir: string, name: string): Promise<FolderLock> {
  const file = join(dir, `${name}.lock`);
  const pidFile = join(dir, `${name}.pid`);
  let db: Db;
  try {
    mkdirSync(dir, { recursive: true });
    db = await Db.open(file);
  } catch (err) {
    // Not this user's to take; but whether another holds it can still be seen by reading it.
    if (await heldByAnother(file)) return { state: 'taken', file, pid: holderPid(pidFile) };
    return { state: 'unavailable', file, why: (err as Error).message };
  }
  try {
    // Where clerks share the folder, whoever runs the program next must be able to open it too.
    shareNewFile(dir, file);
  } catch {
    // Another's file, or a mode that cannot be changed: whoever cannot open it is told then.
  }
  try {
    // No wait for the other holder; no journal file, as nothing is ever written.
    await db.exec('PRAGMA busy_timeout = 0; PRAGMA journal_mode = MEMORY; BEGIN EXCLUSIVE');
  } catch (err) {
    await db.close().catch(() => undefined);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && HELD_ELSEWHERE.has(code)) return { state: 'taken', file, pid: holderPid(pidFile) };
    return { state: 'unavailable', file, why: (err as Error).message };
  }
  writePid(dir, pidFile);
  return {
    state: 'held',
    file,
    release: async () => {
      // Still held here, so no other holder can have written its own PID meanwhile.
      if (holderPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
      // Closing the connection ends its transaction, and with it the lock.
      await db.close();
    },
  };
}

/** Whether a read of the lock file (as any reader may) finds it held: a holder's exclusive lock bars even readers. */
async function heldByAnother(file: string): Promise<boolean> {
  const db = await Db.open(file, { readOnly: true }).catch(() => undefined);
  if (!db) return false;
  try {
    await db.exec('PRAGMA busy_timeout = 0; BEGIN; SELECT count(*) FROM sqlite_master; COMMIT');
    return false;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && HELD_ELSEWHERE.has(code);
  } finally {
    await db.close().catch(() => undefined);
  }
}

/** The PID in the holder's file, if it names a process that exists (EPERM: it does, under another user). */
function holderPid(pidFile: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'latin1').trim(), 10);
  } catch {
    return null;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}

/**
 * Best effort, written in place without following a symbolic link (a link planted in the folder
 * must not make the program overwrite what it points at): the lock holds without it.
 */
function writePid(dir: string, pidFile: string): void {
  let fd: number | undefined;
  try {
    // Anyone may read it: a PID is no secret, and whoever is refused names it. O_NOFOLLOW is
    // Unix's; on Windows it is undefined, which the | takes as 0.
    fd = openSync(pidFile, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    shareNewFile(dir, fd);
    writeSync(fd, `${process.pid}\n`, 0, 'latin1');
  } catch {
    // The refusal then says the PID could not be read.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
