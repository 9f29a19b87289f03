/**
 * Two clocks: wall time stamps and names days; monotonic time runs every period. A wall clock
 * stepped back or forward by hours (NTP correcting a fast PC, a clerk fixing the time) must not
 * silence the station, stop the watchdog's pings or the province's commands.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertsSchema, intervalsSchema } from '../../agent/config/schema.js';
import { notifyPlan, SystemdNotifier } from '../../agent/process/systemd-notify.js';
import { Station } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import { every, ManualClock } from '../../core/clock.js';
import { CommandHandler } from '../../telemetry/commands.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { fakeHost, quietLog, simPrinterHarness, simUpsHarness, tempDir } from '../support/sim.js';

const REPO = join(import.meta.dirname, '../..');
const HOUR = 3_600_000;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return f === 'web' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

describe('the clock is injected everywhere time passes', () => {
  it('no setTimeout, setInterval, Date.now, performance.now or AbortSignal.timeout outside core/clock.ts (agent, hal, telemetry, platform, the dashboard)', () => {
    const offenders: string[] = [];
    for (const folder of ['agent', 'hal', 'telemetry', 'platform', 'dashboard', 'core']) {
      for (const file of sources(join(REPO, folder))) {
        const rel = relative(REPO, file).split(sep).join('/');
        if (rel === 'core/clock.ts') continue;
        readFileSync(file, 'utf8')
          .split('\n')
          .forEach((line, i) => {
            // AbortSignal.timeout is a real timer too, hidden in a signal: an AbortController aborted by a clock timer instead.
            if (/\b(setTimeout|setInterval)\s*\(|\bDate\.now\b|\bperformance\.now\b|new Date\(\)|\bAbortSignal\.timeout\b/.test(line.replace(/\/\/.*$/, ''))) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
          });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('ManualClock: a wall step moves no timer; advancing moves both clocks', () => {
    const clock = new ManualClock(Date.UTC(2027, 0, 5, 8));
    const fired: number[] = [];
    const stop = every(clock, 1000, () => fired.push(clock.monotonic()));
    clock.stepWall(-HOUR);
    expect(fired).toEqual([]);
    expect(clock.now()).toBe(Date.UTC(2027, 0, 5, 7));
    clock.advance(3000);
    expect(fired).toEqual([1000, 2000, 3000]);
    expect(clock.now()).toBe(Date.UTC(2027, 0, 5, 7, 0, 3));
    stop();
    clock.advance(5000);
    expect(fired).toHaveLength(3);
  });
});

async function station() {
  const printer = simPrinterHarness();
  const clock = printer.clock;
  const ups = simUpsHarness({}, clock);
  const store = await Store.open(tempDir(), () => clock.now());
  const station = { id: 'clock-01', province: '00', regency: '0000' };
  const topics = stationTopics('ektp/v1', station);
  const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
  await outbox.init();
  const health: { ts: string; uptime: number }[] = [];
  outbox.onAppend((m) => {
    if (m.kind !== 'health') return;
    const p = JSON.parse(m.payload) as { ts: string; agent: { uptimeSeconds: number } };
    health.push({ ts: p.ts, uptime: p.agent.uptimeSeconds });
  });
  const telemetry = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), station.id, topics, clock, quietLog);
  const s = new Station({
    config: { station, intervals: intervalsSchema().parse({ pollSeconds: 2, healthSeconds: 10 }), alerts: alertsSchema().parse({}) },
    printer: printer.driver,
    ups: ups.driver,
    host: fakeHost,
    telemetry,
    store,
    clock,
    log: quietLog,
    version: 'test',
  });
  await printer.driver.start();
  await ups.driver.start();
  return { s, clock, store, health };
}

describe('a wall clock that steps while the agent runs', () => {
  for (const [what, step] of [
    ['back an hour', -HOUR],
    ['back a day', -24 * HOUR],
    ['forward a day', 24 * HOUR],
  ] as const) {
    it(`stepped ${what}: health keeps its period, its stamps follow the wall, the uptime never runs back`, async () => {
      const t = await station();
      for (let i = 0; i < 6; i++) {
        await t.s.tick();
        t.clock.advance(2000);
      }
      t.clock.stepWall(step);
      for (let i = 0; i < 10; i++) {
        await t.s.tick();
        t.clock.advance(2000);
      }
      // 32 s of polls every 2 s with health every 10 s: at 0, 10, 20 and 30 s, whatever the wall did.
      expect(t.health).toHaveLength(4);
      const stamps = t.health.map((h) => Date.parse(h.ts));
      expect(stamps[2]! - stamps[1]!).toBe(10_000 + step);
      expect(t.health.map((h) => h.uptime)).toEqual([0, 10, 20, 30]);
      await t.store.close();
    });
  }

  for (const [what, step] of [
    ['back ten minutes', -10 * 60_000],
    ['back a day', -24 * HOUR],
    ['forward a day', 24 * HOUR],
  ] as const) {
    it(`the systemd watchdog keeps its pings through a step ${what}`, async () => {
      const clock = new ManualClock();
      const sent: string[][] = [];
      const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: '120000000' }, 4242, 2000), (f) => Promise.resolve(void sent.push(f)), clock, quietLog);
      n.ready();
      for (let t = 0; t < 120_000; t += 2000) {
        if (t === 20_000) clock.stepWall(step);
        clock.advance(2000);
        n.alive();
        await n.flush();
      }
      // READY with its ping, then one every quarter of the 2-minute timeout: none lost to the step, none added.
      expect(sent.filter((f) => f.includes('WATCHDOG=1'))).toHaveLength(5);
    });
  }

  for (const [what, step] of [
    ['back an hour', -HOUR],
    ['back a day', -24 * HOUR],
    ['forward a day', 24 * HOUR],
  ] as const) {
    it(`the province's commands are answered after the wall steps ${what}, and the rate limit holds (it runs on monotonic time)`, async () => {
      const clock = new ManualClock();
      const topics = stationTopics('ektp/v1', { id: 's1', province: 'p', regency: 'r' });
      let runs = 0;
      const handler = new CommandHandler(topics, 's1', { snapshot: () => (runs++, Promise.resolve({ seq: 1 })) }, clock, quietLog);
      const transport = { publish: () => Promise.resolve() };
      const burst = async (n: number) => {
        for (let i = 0; i < n; i++) await handler.handle(topics.cmd('snapshot'), Buffer.from('{}'), false, transport);
      };
      await burst(50);
      const afterBurst = runs;
      clock.stepWall(step);
      clock.advance(10_000);
      await burst(50);
      // Ten seconds refill the whole burst (2 a second, up to 10): the step takes none of it away.
      expect(runs - afterBurst).toBe(10);
    });
  }
});
