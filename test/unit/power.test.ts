import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LowBatteryCommand } from '../../agent/station/power-command.js';
import { PowerMachine, powerView, type PowerView, type UpsBody } from '../../agent/station/power.js';
import { toReading } from '../../hal/ups/nut/codec.js';
import { ManualClock } from '../../core/clock.js';
import { waitUntil } from '../support/peers.js';
import { settledYet, turn } from '../support/settle.js';
import { tempDir } from '../support/sim.js';

const limits = { lowBatteryPercent: 20, lowRuntimeSeconds: 180 };
const ups = (over: Partial<UpsBody>): UpsBody => ({
  driver: 'nut',
  status: 'online',
  onBattery: false,
  chargePercent: 100,
  runtimeSeconds: 3600,
  inputVoltage: 220,
  loadPercent: 30,
  model: null,
  error: null,
  shutdownImminent: false,
  ...over,
});
const OB = (over: Partial<UpsBody> = {}) => ups({ status: 'on_battery', onBattery: true, inputVoltage: 0, ...over });

describe('power state machine', () => {
  it('walks online → on battery → low battery → shutdown imminent, and back to online only with mains', () => {
    const m = new PowerMachine();
    const walk = (u: UpsBody) => m.next(u, limits, 0).state;
    expect(walk(ups({}))).toBe('online');
    expect(walk(OB({ chargePercent: 60 }))).toBe('on_battery');
    expect(walk(OB({ chargePercent: 20 }))).toBe('low_battery');
    // The load dropped and the charge reads higher: still the same outage, still low.
    expect(m.next(OB({ chargePercent: 26 }), limits, 0)).toMatchObject({ state: 'low_battery', why: 'the battery went low earlier in this outage' });
    expect(walk(OB({ status: 'low_battery', chargePercent: 12, shutdownImminent: true }))).toBe('shutdown_imminent');
    // Unreadable for a while: comm lost, with the outage remembered.
    expect(m.next(ups({ status: 'unknown', onBattery: null, error: 'driver gone', shutdownImminent: null }), limits, 0)).toMatchObject({ state: 'comm_lost', shutdownImminent: true, lowBattery: true });
    expect(walk(OB({ chargePercent: 15, shutdownImminent: false }))).toBe('shutdown_imminent');
    expect(walk(ups({ status: 'online', chargePercent: 16 }))).toBe('online');
    expect(walk(OB({ chargePercent: 80 }))).toBe('on_battery');
  });

  it("the UPS's own flag, a charge or a runtime under the limits each make a low battery on battery", () => {
    expect(powerView(OB({ status: 'low_battery', chargePercent: 50 }), limits)).toMatchObject({ state: 'low_battery', why: 'the UPS says its battery is low' });
    expect(powerView(OB({ chargePercent: 20 }), limits).why).toBe('charge 20 % is at or under 20 %');
    expect(powerView(OB({ runtimeSeconds: 180 }), limits).why).toBe('runtime 180 s is at or under 180 s');
    expect(powerView(OB({ chargePercent: 21, runtimeSeconds: 181 }), limits).state).toBe('on_battery');
  });

  it('on mains, a low charge is recharging; the UPS flag on mains is low battery, not latched', () => {
    const m = new PowerMachine();
    expect(m.next(ups({ chargePercent: 5 }), limits, 0).state).toBe('online');
    expect(m.next(ups({ status: 'low_battery', onBattery: false, chargePercent: 8 }), limits, 0)).toMatchObject({ state: 'low_battery', onBattery: false });
    expect(m.next(ups({ chargePercent: 30 }), limits, 0).state).toBe('online');
  });

  it('no UPS is none; an unreadable one is comm lost, never online', () => {
    expect(powerView(ups({ driver: 'none', status: 'unknown', onBattery: null }), { ...limits, hasUps: false }).state).toBe('none');
    expect(powerView(ups({ status: 'unknown', onBattery: null, chargePercent: null }), limits)).toMatchObject({ state: 'comm_lost', onBattery: null });
  });

  it("NUT's FSD is shutdown imminent; a status with no line state says nothing", () => {
    const r = (status: string) => toReading(new Map([['ups.status', status]]));
    expect(r('FSD OB LB').shutdownImminent).toBe(true);
    expect(r('OB LB').shutdownImminent).toBe(false);
    expect(r('WAIT').shutdownImminent).toBeNull();
  });
});

function capturingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

/** JavaScript for a command to mark `file` (it runs, it was signalled): what the test waits on. */
const touch = (file: string) => `require('node:fs').writeFileSync(${JSON.stringify(file)}, '')`;
/** The child-process pipes open in this process: back to the count from before, a command's 'close' has come. */
const pipes = () => process.getActiveResourcesInfo().filter((r) => r === 'PipeWrap').length;

const view = (state: PowerView['state'], onBattery: boolean | null): PowerView => ({ state, onBattery, lowBattery: false, shutdownImminent: false, why: 'test' });

describe('ups.lowBatteryCommand', () => {
  it('runs once per outage when, on battery, the battery goes low; again only after mains came back', async () => {
    const file = join(tempDir(), 'ran');
    const { log, lines } = capturingLog();
    const cmd = new LowBatteryCommand([process.execPath, '-e', `require('fs').appendFileSync(${JSON.stringify(file)}, 'x'); console.log('shutting down')`], log, new ManualClock());
    for (const v of [view('online', false), view('on_battery', true), view('low_battery', true), view('shutdown_imminent', true), view('comm_lost', null), view('low_battery', true)]) {
      cmd.observe(v);
      await cmd.settled();
    }
    expect(readFileSync(file, 'utf8')).toBe('x');
    // Low on mains (recharging) is not a reason to shut down.
    cmd.observe(view('low_battery', false));
    cmd.observe(view('on_battery', true));
    cmd.observe(view('low_battery', true));
    await cmd.settled();
    expect(readFileSync(file, 'utf8')).toBe('xx');
    const done = lines.filter((l) => l.msg === 'ups.lowBatteryCommand finished');
    expect(done).toHaveLength(2);
    expect(done[0]).toMatchObject({ exitCode: 0, output: 'shutting down' });
  });

  it('is never run through a shell, and its failure is logged with the exit code', async () => {
    const dir = tempDir();
    const { log, lines } = capturingLog();
    const cmd = new LowBatteryCommand([process.execPath, '-e', 'process.exit(3)', `; touch ${join(dir, 'pwned')}`], log, new ManualClock());
    cmd.observe(view('low_battery', true));
    await cmd.settled();
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    expect(lines.find((l) => l.msg === 'ups.lowBatteryCommand failed (exit 3)')).toMatchObject({ exitCode: 3 });
  });

  it('a program that does not exist is logged, with what to check', async () => {
    const { log, lines } = capturingLog();
    const cmd = new LowBatteryCommand(['/nonexistent/shutdown-now'], log, new ManualClock());
    const before = pipes();
    cmd.observe(view('shutdown_imminent', true));
    await cmd.settled();
    expect(String(lines.find((l) => l.level === 50)?.msg)).toMatch(/could not be started \(ENOENT\): check that \/nonexistent\/shutdown-now exists/);
    // Once: the 'close' that follows a failed start (its pipes closed) is not a second failure.
    await waitUntil("the failed start's pipes to close", () => pipes() === before);
    await turn();
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
  });

  it('a command that hangs is stopped after its timeout (SIGTERM), and the log says it timed out', async () => {
    const { log, lines } = capturingLog();
    const clock = new ManualClock();
    const ready = join(tempDir(), 'ready');
    const cmd = new LowBatteryCommand([process.execPath, '-e', `console.log('waiting'); ${touch(ready)}; setInterval(() => {}, 1000)`], log, clock, { timeoutMs: 300, killGraceMs: 5000 });
    cmd.observe(view('low_battery', true));
    await waitUntil('the command to run', () => existsSync(ready));
    clock.advance(299);
    expect(await settledYet(cmd.settled())).toBe(false);
    clock.advance(1);
    // SIGTERM ends it: the clock never reaches the grace before SIGKILL.
    await cmd.settled();
    expect(String(lines.find((l) => l.timeoutSeconds === 0.3)?.msg)).toMatch(/still running after 0\.3 s: stopping it \(SIGTERM, then SIGKILL.*raise ups\.lowBatteryCommandTimeoutSeconds/);
    expect(lines.find((l) => String(l.msg).startsWith('ups.lowBatteryCommand failed'))).toMatchObject({ msg: 'ups.lowBatteryCommand failed (stopped after its timeout, signal SIGTERM)', signal: 'SIGTERM', timedOut: true });
  });

  it('one that ignores SIGTERM is killed (SIGKILL) after the grace time', async () => {
    const { log, lines } = capturingLog();
    const clock = new ManualClock();
    const dir = tempDir();
    const [ready, termed] = [join(dir, 'ready'), join(dir, 'termed')];
    const cmd = new LowBatteryCommand([process.execPath, '-e', `process.on('SIGTERM', () => { ${touch(termed)} }); ${touch(ready)}; setInterval(() => {}, 1000)`], log, clock, { timeoutMs: 500, killGraceMs: 200 });
    cmd.observe(view('shutdown_imminent', true));
    await waitUntil('the command to run', () => existsSync(ready));
    clock.advance(500);
    await waitUntil('the command to be asked to stop', () => existsSync(termed));
    clock.advance(199);
    expect(await settledYet(cmd.settled())).toBe(false);
    clock.advance(1);
    await cmd.settled();
    expect(lines.find((l) => String(l.msg).startsWith('ups.lowBatteryCommand failed'))).toMatchObject({ signal: 'SIGKILL', timedOut: true });
  });

  it('off when not configured', async () => {
    const { log, lines } = capturingLog();
    const cmd = new LowBatteryCommand(undefined, log, new ManualClock());
    cmd.observe(view('low_battery', true));
    await cmd.settled();
    expect(lines).toEqual([]);
  });
});
