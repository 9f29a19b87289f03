import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AgentError } from '../../core/errors.js';
import { describe, expect, it } from 'vitest';
import { Db } from '../../platform/db.js';
import { SCHEMA_VERSION } from '../../agent/store/migrations.js';
import { DB_FILE, Store } from '../../agent/store/store.js';
import { tempDir } from '../support/sim.js';

describe('store', () => {
  it('creates the database in WAL mode at the current schema version', async () => {
    const dir = tempDir();
    const store = await Store.open(dir);
    expect(await store.db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    expect(await store.db.get('PRAGMA user_version')).toEqual({ user_version: SCHEMA_VERSION });
    await store.close();
  });

  it('runs migrations once: reopening keeps the data', async () => {
    const dir = tempDir();
    const a = await Store.open(dir);
    await a.setState('k', { v: 1 });
    await a.close();
    const b = await Store.open(dir);
    expect((await b.getState<{ v: number }>('k'))?.value).toEqual({ v: 1 });
    await b.close();
  });

  it('a new store starts seq at the clock, so a replaced database still counts upwards', async () => {
    const store = await Store.open(tempDir(), () => 1_767_600_000_000);
    expect(await store.db.transaction((tx) => store.nextSeq(tx))).toBe(1_767_600_000_001);
    await store.close();
  });

  it('seq strictly increases across restarts', async () => {
    const dir = tempDir();
    const seen: number[] = [];
    for (let run = 0; run < 3; run++) {
      const store = await Store.open(dir, () => 0);
      for (let i = 0; i < 4; i++) seen.push(await store.db.transaction((tx) => store.nextSeq(tx)));
      await store.close();
    }
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('concurrent transactions each get their own seq; a rolled-back one gives its number back', async () => {
    const store = await Store.open(tempDir(), () => 0);
    const got = await Promise.all(Array.from({ length: 20 }, () => store.db.transaction((tx) => store.nextSeq(tx))));
    expect(new Set(got).size).toBe(20);
    await expect(
      store.db.transaction(async (tx) => {
        await store.nextSeq(tx);
        throw new Error('publish failed');
      }),
    ).rejects.toThrow('publish failed');
    expect(await store.db.transaction((tx) => store.nextSeq(tx))).toBe(21);
    await store.close();
  });

  it('a call on the queue from inside a transaction body fails at once instead of deadlocking', async () => {
    const store = await Store.open(tempDir(), () => 0);
    await expect(store.db.transaction(() => store.setState('k', 1))).rejects.toThrow(/use the tx handle/);
    await store.setState('k', 2);
    expect((await store.getState<number>('k'))?.value).toBe(2);
    await store.close();
  });

  it('refuses a database written by a newer agent instead of damaging it', async () => {
    const dir = tempDir();
    const db = await Db.open(join(dir, DB_FILE));
    await db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    await db.close();
    await expect(Store.open(dir)).rejects.toMatchObject({ code: 'store-newer-schema' });
  });

  it('a file that is not a database is named, with what to do, not a bare SQLite code', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, DB_FILE), 'this is not a database, it is a text file that happens to have the name');
    const err = (await Store.open(dir).catch((e: unknown) => e)) as AgentError;
    expect(err).toBeInstanceOf(AgentError);
    expect(err.code).toBe('store-open');
    expect(err.message).toContain(join(dir, DB_FILE));
    expect(err.hint).toMatch(/move it aside/);
  });

  it('keeps active alerts for the next start', async () => {
    const dir = tempDir();
    const a = await Store.open(dir);
    await a.db.transaction((tx) => Store.raiseAlert(tx, { code: 'supply.film.low', severity: 'warning', message: 'low', raisedAt: '2026-01-05T08:00:00.000Z' }));
    await a.db.transaction((tx) => Store.raiseAlert(tx, { code: 'ups.on_battery', severity: 'warning', message: 'ob', raisedAt: '2026-01-05T08:00:01.000Z' }));
    await a.db.transaction((tx) => Store.clearAlert(tx, 'ups.on_battery'));
    await a.close();
    const b = await Store.open(dir);
    expect((await b.activeAlerts()).map((x) => x.code)).toEqual(['supply.film.low']);
    await b.close();
  });

  it('a read-only open sees what the daemon wrote, and reports an absent store as undefined', async () => {
    const dir = tempDir();
    expect(await Store.openReadOnly(dir)).toBeUndefined();
    const w = await Store.open(dir);
    await w.setState('health.last', { seq: 7 });
    const r = await Store.openReadOnly(dir);
    expect((await r?.getState<{ seq: number }>('health.last'))?.value.seq).toBe(7);
    await r?.close();
    await w.close();
  });
});
