import { afterEach, describe, expect, it } from 'vitest';
import { alertsSchema, intervalsSchema } from '../../agent/config/schema.js';
import { Station } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import { LOOP_SLACK_MS, notifyPlan, SystemdNotifier, systemdNotifyCommand, type NotifySend } from '../../agent/process/systemd-notify.js';
import { ManualClock } from '../../core/clock.js';
import type { HostDriver } from '../../hal/host/types.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry, type TelemetrySink } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { NotifySocket } from '../support/notify-socket.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { turn } from '../support/settle.js';
import { quietLog, simPrinterHarness, simUpsHarness, tempDir } from '../support/sim.js';

const PID = 4242;
const UNIT_WATCHDOG_USEC = '120000000'; // WatchdogSec=2min, as in deploy/linux/station-agent.service

/** A sender that records what it was asked to send. */
function recorder(): { send: NotifySend; sent: string[][] } {
  const sent: string[][] = [];
  return { sent, send: (fields) => Promise.resolve(void sent.push(fields)) };
}

describe('notifyPlan: what the environment systemd gives asks for', () => {
  it('nothing outside a Type=notify unit', () => {
    expect(notifyPlan({}, PID, 2000)).toEqual({ socket: null, watchdogMs: null, extendedFromMs: null, pingEveryMs: null });
    // A watchdog without a socket to ping it on is none.
    expect(notifyPlan({ WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000).watchdogMs).toBeNull();
  });

  it('readiness only, when the unit has no WatchdogSec', () => {
    expect(notifyPlan({ NOTIFY_SOCKET: '/run/systemd/notify' }, PID, 2000)).toEqual({ socket: '/run/systemd/notify', watchdogMs: null, extendedFromMs: null, pingEveryMs: null });
  });

  it("no pings from a process the watchdog is not for (WATCHDOG_PID is another's)", () => {
    expect(notifyPlan({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: UNIT_WATCHDOG_USEC, WATCHDOG_PID: '17' }, PID, 2000).watchdogMs).toBeNull();
    expect(notifyPlan({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: UNIT_WATCHDOG_USEC, WATCHDOG_PID: String(PID) }, PID, 2000).watchdogMs).toBe(120_000);
  });

  it("the unit's timeout at the default poll period, pinged every quarter of it", () => {
    expect(notifyPlan({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000)).toEqual({
      socket: '/run/systemd/notify',
      watchdogMs: 120_000,
      extendedFromMs: null,
      pingEveryMs: 30_000,
    });
  });

  it('a longer timeout when the poll period would outlast the unit\'s (pollSeconds: 300)', () => {
    const plan = notifyPlan({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 300_000);
    expect(plan).toEqual({ socket: '/run/systemd/notify', watchdogMs: 3 * (300_000 + LOOP_SLACK_MS), extendedFromMs: 120_000, pingEveryMs: (3 * (300_000 + LOOP_SLACK_MS)) / 4 });
    // The longest gap between two pings of a healthy loop stays well inside the timeout.
    expect((plan.pingEveryMs ?? 0) + 300_000 + LOOP_SLACK_MS).toBeLessThan((plan.watchdogMs ?? 0) / 1.5);
  });
});

describe('SystemdNotifier', () => {
  it('does nothing outside systemd', async () => {
    const r = recorder();
    const n = new SystemdNotifier(notifyPlan({}, PID, 2000), r.send, new ManualClock(), quietLog);
    n.ready();
    n.alive();
    n.stopping();
    await n.flush();
    expect(r.sent).toEqual([]);
  });

  it('READY=1 with a first ping, then a ping at most every quarter timeout however often the loop goes round', async () => {
    const clock = new ManualClock();
    const r = recorder();
    const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000), r.send, clock, quietLog);
    n.ready();
    for (let t = 0; t < 60_000; t += 2000) {
      clock.advance(2000);
      n.alive();
      await n.flush();
    }
    n.stopping();
    await n.flush();
    expect(r.sent).toEqual([['READY=1', 'WATCHDOG=1'], ['WATCHDOG=1'], ['WATCHDOG=1'], ['STOPPING=1']]);
  });

  it('asks for the longer timeout with READY=1 when the poll period needs it', async () => {
    const r = recorder();
    const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 300_000), r.send, new ManualClock(), quietLog);
    n.ready();
    await n.flush();
    expect(r.sent).toEqual([['READY=1', `WATCHDOG_USEC=${3 * (300_000 + LOOP_SLACK_MS) * 1000}`, 'WATCHDOG=1']]);
  });

  it('one ping at a time: while systemd has not taken one, the next is dropped, not queued', async () => {
    const clock = new ManualClock();
    let release: () => void = () => undefined;
    const sent: string[][] = [];
    const slow: NotifySend = (fields) => {
      sent.push(fields);
      return new Promise((resolve) => (release = resolve));
    };
    const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000), slow, clock, quietLog);
    // Before READY=1, the loop going round sends nothing: READY carries the first ping.
    n.alive();
    await turn();
    expect(sent).toEqual([]);
    n.ready();
    await turn();
    release();
    await n.flush();
    sent.length = 0;
    clock.advance(60_000);
    for (let i = 0; i < 5; i++) {
      n.alive();
      clock.advance(60_000);
    }
    await turn();
    expect(sent).toEqual([['WATCHDOG=1']]);
    release();
    await n.flush();
    n.alive();
    await turn();
    expect(sent).toHaveLength(2);
  });

  it('a failing systemd-notify is logged once, and pings go on', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const log = quietLog.child({});
    log.error = ((_o: unknown, msg: string) => void lines.push(msg)) as typeof log.error;
    let calls = 0;
    const failing: NotifySend = () => (calls++, Promise.reject(new Error('systemd-notify is not installed (it comes with systemd)')));
    const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000), failing, clock, log);
    n.ready();
    for (let i = 0; i < 3; i++) {
      clock.advance(30_000);
      n.alive();
      await n.flush();
    }
    expect(calls).toBe(4);
    expect(lines).toEqual(['systemd notification not sent: without pings systemd restarts the agent when its watchdog runs out']);
  });
});

describe('the watchdog is pinged by the station loop', () => {
  const stores: Store[] = [];
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
  });

  it('a loop that hangs (a health that never finishes) stops the pings', async () => {
    const printer = simPrinterHarness();
    const clock = printer.clock;
    const ups = simUpsHarness({}, clock);
    const store = await Store.open(tempDir(), () => 0);
    stores.push(store);
    const station = { id: 'wd-01', province: '00', regency: '0000' };
    const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
    await outbox.init();
    const real = new Telemetry(store, outbox, () => ({ connected: true, lastError: null, refused: 0 }), station.id, stationTopics('ektp/v1', station), clock, quietLog);
    let hang = false;
    let hanging = false;
    let published = 0;
    const telemetry = {
      health: (body) => {
        if (!hang) return real.health(body).finally(() => void (published += 1));
        hanging = true;
        return new Promise(() => undefined);
      },
      event: (body, tx) => real.event(body, tx),
    } satisfies TelemetrySink;
    const host: HostDriver = { driver: 'fake', start: () => Promise.resolve(), stop: () => Promise.resolve(), read: () => Promise.resolve({ cpuPercent: 1, memUsedPercent: 1, diskFreeBytes: 2 ** 30, diskTotalBytes: 2 ** 31, uptimeSeconds: 1 }) };
    const r = recorder();
    const notifier = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: '/s', WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000), r.send, clock, quietLog);
    // Wired as agent/process/daemon.ts wires it.
    const s = new Station({
      config: { station, intervals: intervalsSchema().parse({ pollSeconds: 2, healthSeconds: 2 }), alerts: alertsSchema().parse({}) },
      printer: printer.driver,
      ups: ups.driver,
      host,
      telemetry,
      store,
      clock,
      log: quietLog,
      version: 'test',
      onSnapshot: () => notifier.alive(),
    });
    await printer.driver.start();
    await ups.driver.start();
    const pings = () => r.sent.filter((f) => f.includes('WATCHDOG=1')).length;
    /**
     * Simulated time in poll steps; each step's poll has published its health (its reads and
     * writes done, the loop back on its clock) or hangs on it before the clock moves again.
     */
    const run = async (ms: number) => {
      for (let t = 0; t < ms; t += 2000) {
        const before = published;
        clock.advance(2000);
        await waitUntil('the poll to publish its health, or hang on it', () => published > before || hanging);
      }
      await notifier.flush();
    };
    notifier.ready();
    await s.start();
    await run(120_000);
    const healthy = pings();
    expect(healthy).toBeGreaterThanOrEqual(4); // the first with READY=1, then every 30 s
    hang = true;
    await run(240_000);
    // At most the one sent from the poll that then hung; none in the four minutes after.
    expect(pings() - healthy).toBeLessThanOrEqual(1);
    hang = false; // let stop()'s last poll finish
  }, 30_000);
});

describe.runIf(peerAvailable('python3 (a unix datagram socket for the test)', 'python3') && peerAvailable('systemd-notify', 'systemd-notify'))(
  'systemd-notify sends to a real notification socket',
  () => {
    let sock: NotifySocket | undefined;
    afterEach(async () => {
      await sock?.stop();
      sock = undefined;
    });

    it('READY=1, WATCHDOG=1 and STOPPING=1 arrive, each as one datagram', async () => {
      sock = await NotifySocket.start();
      const env = { ...process.env, NOTIFY_SOCKET: sock.path };
      const n = new SystemdNotifier(notifyPlan({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: UNIT_WATCHDOG_USEC }, PID, 2000), systemdNotifyCommand(env), new ManualClock(), quietLog);
      n.ready();
      n.stopping();
      await n.flush();
      await sock.waitFor('STOPPING=1', (m) => m === 'STOPPING=1');
      expect(sock.messages).toEqual(['READY=1\nWATCHDOG=1', 'STOPPING=1']);
    });

    it('a socket nobody listens on is a failure systemdNotifyCommand reports', async () => {
      const send = systemdNotifyCommand({ ...process.env, NOTIFY_SOCKET: `${tempDir('no-notify-')}/none.sock` });
      await expect(send(['WATCHDOG=1'])).rejects.toThrow(/systemd-notify WATCHDOG=1: /);
    });
  },
);
