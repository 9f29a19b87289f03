/**
 * A data folder shared with a group. On a Linux station /var/lib/station-agent is 2770, owned
 * station-agent:station-agent, and the clerks' accounts are in that group, so they run `jobs`,
 * `stock` and `supply` without sudo (scripts/install-linux.sh, docs/technician.md). The setgid
 * bit gives every file made there the folder's group; this module makes such a file writable by
 * that group too, whoever made it and whatever their umask (a clerk's is usually 022): else the
 * agent, or the next clerk, could not write a database a clerk happened to create.
 *
 * A umask alone would not do: SQLite creates a database 0644 less the umask, never group-writable.
 * Its -wal, -shm and -journal files copy the database's mode, so the database is the one to fix.
 */
import { chmodSync, fchmodSync, fstatSync, statSync } from 'node:fs';

const SETGID = 0o2000;
/** Read and write for the owner and the group; nothing for anyone else. */
export const SHARED_FILE_MODE = 0o660;

/** Whether `dir` is a group-shared folder: its setgid bit is set (never on Windows). */
export function isGroupShared(dir: string): boolean {
  try {
    return (statSync(dir).mode & SETGID) !== 0;
  } catch {
    return false;
  }
}

/**
 * Make a file just created in `dir` the group's to read and write, where `dir` is shared.
 * `file` is its path or an open descriptor. A file another user owns is left to them: two
 * programs may both find the database missing, and the one that made it changes its mode.
 */
export function shareNewFile(dir: string, file: string | number): void {
  if (!isGroupShared(dir)) return;
  const st = typeof file === 'number' ? fstatSync(file) : statSync(file);
  if (st.uid !== process.getuid?.()) return;
  if (typeof file === 'number') fchmodSync(file, SHARED_FILE_MODE);
  else chmodSync(file, SHARED_FILE_MODE);
}
