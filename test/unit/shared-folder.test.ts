import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { openLogFile } from '../../platform/log.js';
import { isGroupShared } from '../../platform/shared-folder.js';
import { tempDir } from '../support/sim.js';

const linux = process.platform === 'linux';
const mode = (path: string) => lstatSync(path).mode & 0o7777;

/** A data folder as the installer makes it: setgid, the group's to write, nothing for others. */
function sharedFolder(): string {
  const dir = tempDir('shared-');
  chmodSync(dir, 0o2770);
  return dir;
}

describe.runIf(linux)('a group-shared data folder (the clerks\' accounts write the database too)', () => {
  it('the database, its -wal and -shm, and seq.hwm are made group-writable, whatever the umask (SQLite alone makes 0644 less the umask)', async () => {
    const dir = sharedFolder();
    expect(isGroupShared(dir)).toBe(true);
    const store = await Store.open(dir);
    try {
      await store.setState('probe', 1);
      // While it is open, the write-ahead log and the shared memory are there, copying the database's mode.
      const names = readdirSync(dir).sort();
      expect(names).toEqual(['seq.hwm', 'station.db', 'station.db-shm', 'station.db-wal']);
      for (const name of names) expect(mode(join(dir, name)).toString(8), name).toBe('660');
    } finally {
      await store.close();
    }
  });

  it('an ordinary folder keeps what SQLite and the umask make: never group-writable', async () => {
    const dir = tempDir('private-');
    expect(isGroupShared(dir)).toBe(false);
    const store = await Store.open(dir);
    await store.close();
    expect(mode(join(dir, 'station.db')) & 0o020).toBe(0);
    expect(mode(join(dir, 'seq.hwm')) & 0o020).toBe(0);
  });

  it('a database already there is left as it is', async () => {
    const dir = sharedFolder();
    await (await Store.open(dir)).close();
    chmodSync(join(dir, 'station.db'), 0o600);
    await (await Store.open(dir)).close();
    expect(mode(join(dir, 'station.db')).toString(8)).toBe('600');
  });

  it("log files are the agent's alone to write, under systemd's umask 0007 too", async () => {
    const dir = tempDir('log-mode-');
    const stream = await openLogFile({ path: join(dir, 'agent.log'), maxMegabytes: 1, keepFiles: 2 });
    try {
      expect(mode(stream.file) & 0o026).toBe(0);
    } finally {
      stream.end();
    }
  });
});
