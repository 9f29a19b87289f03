import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockDataDir } from '../../agent/process/data-lock.js';
import { AgentError, describeError } from '../../core/errors.js';
import { lockFolder, type FolderLock } from '../../platform/folder-lock.js';
import { tempDir } from '../support/sim.js';

const held = (l: FolderLock) => {
  if (l.state !== 'held') throw new Error(`expected the lock held, got ${JSON.stringify(l)}`);
  return l;
};

describe('one program per folder', () => {
  it('a second taker is refused with the holder\'s PID; once released, the folder is free again and the PID file gone', async () => {
    const dir = tempDir('lock-');
    const first = held(await lockFolder(dir, 'agent'));
    expect(readFileSync(join(dir, 'agent.pid'), 'latin1').trim()).toBe(String(process.pid));
    expect(await lockFolder(dir, 'agent')).toEqual({ state: 'taken', file: join(dir, 'agent.lock'), pid: process.pid });
    // Another name in the same folder is another lock.
    await held(await lockFolder(dir, 'other')).release();
    await first.release();
    expect(existsSync(join(dir, 'agent.pid'))).toBe(false);
    await held(await lockFolder(dir, 'agent')).release();
  });

  it('a PID file naming no living process is not passed off as the holder', async () => {
    const dir = tempDir('lock-');
    const first = held(await lockFolder(dir, 'agent'));
    writeFileSync(join(dir, 'agent.pid'), '999999999\n');
    expect(await lockFolder(dir, 'agent')).toMatchObject({ state: 'taken', pid: null });
    writeFileSync(join(dir, 'agent.pid'), 'not a number\n');
    expect(await lockFolder(dir, 'agent')).toMatchObject({ state: 'taken', pid: null });
    await first.release();
  });

  it('a symbolic link planted as the PID file is not followed: its target is not written, and the lock holds', async () => {
    const dir = tempDir('lock-');
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, join(dir, 'agent.pid'));
    const lock = held(await lockFolder(dir, 'agent'));
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(await lockFolder(dir, 'agent')).toMatchObject({ state: 'taken', pid: null });
    await lock.release();
  });

  it('a folder that cannot be made is no lock and no refusal: the agent is told why, and runs', async () => {
    const dir = tempDir('lock-');
    writeFileSync(join(dir, 'file'), '');
    const r = await lockDataDir(join(dir, 'file', 'data'));
    expect(r.unlocked?.why).toMatch(/ENOTDIR|not a directory/);
    await r.release();
  });

  it('the refusal names the folder and the PID in the reader\'s language, says what to do, and exits 75', async () => {
    const dir = tempDir('lock-');
    const first = await lockDataDir(dir);
    expect(first.unlocked).toBeNull();
    const err = await lockDataDir(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    await first.release();
    expect(err).toBeInstanceOf(AgentError);
    expect(err).toMatchObject({ code: 'data-dir-in-use', exitCode: 75 });
    const en = describeError(err, 'en');
    const id = describeError(err, 'id');
    for (const said of [en, id]) {
      expect(said).toContain(dir);
      expect(said).toContain(`PID ${process.pid}`);
      expect(said).toMatch(/systemctl stop station-agent/);
      expect(said).toMatch(/Stop-Service station-agent/);
    }
    expect(en).toMatch(/^Another station agent is already running on the data folder/);
    expect(id).toMatch(/^Agen stasiun lain sudah berjalan dengan folder data/);
    expect(id).toMatch(/Yang perlu dilakukan: .*folder data lain/);
  });
});
