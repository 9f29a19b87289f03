import { createRequire, syncBuiltinESMExports } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { alertsSchema, intervalsSchema } from '../../agent/config/schema.js';
import { Station } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { quietLog, simPrinterHarness, simUpsHarness, tempDir } from '../support/sim.js';

/**
 * Every way Node starts a process, counted: the CommonJS module object is patched (what
 * systeminformation uses) and the ES module exports follow it (syncBuiltinESMExports).
 */
const cp = createRequire(import.meta.url)('node:child_process') as Record<string, (...args: unknown[]) => unknown>;
const NAMES = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
const spawned: string[] = [];
const originals = new Map<string, (...args: unknown[]) => unknown>();

// Patched before the host driver is imported (below, in the test): a module that keeps its own
// reference to child_process.execSync at load, as systeminformation does, gets the counting one.
{
  for (const name of NAMES) {
    const original = cp[name];
    if (!original) continue;
    originals.set(name, original);
    cp[name] = (...args: unknown[]) => {
      spawned.push(`${name} ${String(args[0])}`);
      return original(...args);
    };
  }
  syncBuiltinESMExports();
}
afterAll(() => {
  for (const [name, original] of originals) cp[name] = original;
  syncBuiltinESMExports();
});

describe('a routine poll starts no process and, with nothing changed, writes nothing', () => {
  it('the counting itself works: a process started by any module is seen', async () => {
    spawned.length = 0;
    const { spawnSync } = await import('node:child_process');
    spawnSync('true');
    expect(spawned).toEqual(['spawnSync true']);
  });

  it('the station loop polls printer, UPS and PC and stores health: no child process', async () => {
    const printer = simPrinterHarness();
    const clock = printer.clock;
    const ups = simUpsHarness({}, clock);
    const dir = tempDir();
    const store = await Store.open(dir, () => 0);
    try {
      const topics = stationTopics('ektp/v1', { id: 's1', province: 'p', regency: 'r' });
      const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
      await outbox.init();
      const telemetry = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), 's1', topics, clock, quietLog);
      const { SystemHost } = await import('../../hal/host/system.js');
      const host = new SystemHost(dir, { clock, log: quietLog });
      await host.start();
      const st = new Station({
        config: { station: { id: 's1', province: 'p', regency: 'r' }, intervals: intervalsSchema().parse({}), alerts: alertsSchema().parse({}) },
        printer: printer.driver,
        ups: ups.driver,
        host,
        telemetry,
        store,
        clock,
        log: quietLog,
        version: 'test',
      });
      spawned.length = 0;
      for (let i = 0; i < 10; i++) {
        clock.advance(2000);
        const body = await st.tick({ forceHealth: i % 5 === 0 });
        expect(body.host.uptimeSeconds).not.toBeNull();
      }
      expect(spawned).toEqual([]);
      // Between health periods, with nothing changed, a poll writes nothing to the database.
      const changes = async () => (await store.db.get<{ n: number }>('SELECT total_changes() AS n'))?.n ?? -1;
      clock.advance(10_000);
      await st.tick(); // a health period is due: published and stored
      const before = await changes();
      for (let i = 0; i < 4; i++) {
        clock.advance(2000);
        await st.tick();
      }
      expect(await changes()).toBe(before);
    } finally {
      await store.close();
    }
  });
});
