import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alertsSchema } from '../../agent/config/schema.js';
import { holdReason } from '../../agent/jobs/gate.js';
import { AlertBook, ALERT_RULES } from '../../agent/station/alerts.js';
import { PowerMachine, type UpsBody } from '../../agent/station/power.js';
import { LowBatteryCommand } from '../../agent/station/power-command.js';
import { batteryYear, upsVerdict } from '../../agent/diagnose/ups-verdict.js';
import { jobsSchema } from '../../agent/config/schema.js';
import { ManualClock } from '../../core/clock.js';
import { toReading } from '../../hal/ups/nut/codec.js';
import type { UpsReading } from '../../hal/ups/types.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const limits = { lowBatteryPercent: 20, lowRuntimeSeconds: 180, deadSeconds: 15 };
const answered = (over: Partial<UpsBody>): UpsBody => ({
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
  alarms: [],
  battery: null,
  ...over,
});
const silent: UpsBody = { ...answered({}), status: 'unknown', onBattery: null, chargePercent: null, runtimeSeconds: null, inputVoltage: null, loadPercent: null, error: 'upsd has no connection to the UPS driver', shutdownImminent: null, alarms: null };
const nut = (vars: Record<string, string>): UpsReading => toReading(new Map(Object.entries(vars)));

describe('a UPS that goes silent', () => {
  it('last seen on battery: comm lost for the dead time, then taken as on battery with the runtime unknown', () => {
    const m = new PowerMachine();
    expect(m.next(answered({ status: 'on_battery', onBattery: true, chargePercent: 40 }), limits, 0).state).toBe('on_battery');
    expect(m.next(silent, limits, 1_000).state).toBe('comm_lost');
    expect(m.next(silent, limits, 15_999).state).toBe('comm_lost');
    expect(m.next(silent, limits, 16_000)).toMatchObject({ state: 'comm_lost_on_battery', onBattery: true, why: 'the UPS stopped answering 15 s ago, last seen on battery at 40 %' });
    // The driver back, saying WAIT first: the judgement stands until the UPS says on line.
    expect(m.next(answered({ status: 'unknown', onBattery: null, error: 'ups.status "WAIT"' }), limits, 18_000)).toMatchObject({ state: 'comm_lost_on_battery', onBattery: true });
    // Back on mains: online at once.
    expect(m.next(answered({}), limits, 20_000).state).toBe('online');
    // On mains, an answer without a line status is unknown, not a lost link.
    expect(m.next(answered({ status: 'unknown', onBattery: null, error: 'ups.status "OFF"' }), limits, 21_000).state).toBe('unknown');
  });

  it('last seen on mains: comm lost however long (one bad part does not stop the rest)', () => {
    const m = new PowerMachine();
    m.next(answered({}), limits, 0);
    expect(m.next(silent, limits, 1_000).state).toBe('comm_lost');
    expect(m.next(silent, limits, 3_600_000).state).toBe('comm_lost');
  });

  it('the gate holds new cards, ups.comm_lost is raised again as critical, and the low-battery command runs once', async () => {
    const m = new PowerMachine();
    const book = new AlertBook(ALERT_RULES, alertsSchema().parse({}));
    const body = (u: UpsBody, now: number) => {
      const b = healthyBody();
      b.ups = { ...u, powerState: m.next(u, limits, now).state };
      b.alerts = book.codes();
      return b;
    };
    const raised: string[] = [];
    const step = (u: UpsBody, now: number) => {
      const b = body(u, now);
      for (const t of book.evaluate(b)) {
        book.commit(t, new Date(now));
        raised.push(`${t.code} ${t.state} ${t.severity}`);
      }
      return b;
    };
    step(answered({ status: 'on_battery', onBattery: true, chargePercent: 40 }), 0);
    const lost = step(silent, 2_000);
    expect(holdReason(lost, jobsSchema().parse({}), { hasSource: true, durable: true })).toBeNull();
    const dead = step(silent, 17_000);
    expect(holdReason(dead, jobsSchema().parse({}), { hasSource: true, durable: true })).toMatch(/stopped answering while on battery/);
    expect(raised).toEqual(['ups.on_battery raised warning', 'ups.comm_lost raised warning', 'ups.comm_lost raised critical']);
    const ran: string[] = [];
    const file = join(tempDir(), 'ran');
    const cmd = new LowBatteryCommand([process.execPath, '-e', `require('node:fs').appendFileSync(${JSON.stringify(file)}, 'x')`], quietLog, new ManualClock());
    const m2 = new PowerMachine();
    m2.next(answered({ status: 'on_battery', onBattery: true }), limits, 0);
    for (const t of [2_000, 17_000, 18_000, 19_000]) {
      const v = m2.next(silent, limits, t);
      cmd.observe(v);
      ran.push(v.state);
    }
    await cmd.settled();
    expect(ran).toEqual(['comm_lost', 'comm_lost_on_battery', 'comm_lost_on_battery', 'comm_lost_on_battery']);
    // Once, after the dead time, not at the first silence nor again at each poll.
    expect(readFileSync(file, 'utf8')).toBe('x');
    // Back with OL: the cards print again and the alert clears.
    const back = step(answered({}), 20_000);
    expect(holdReason(back, jobsSchema().parse({}), { hasSource: true, durable: true })).toBeNull();
    expect(raised.slice(-2)).toEqual(['ups.comm_lost cleared warning', 'ups.on_battery cleared warning']);
  });
});

describe('UPS statuses and alarms', () => {
  it('NUT tokens: RB, OVER, BYPASS and OFF are alarms; no OL or OB is an unknown status with the raw status as the reason', () => {
    expect(nut({ 'ups.status': 'OL RB' })).toMatchObject({ status: 'online', alarms: ['replace_battery'], statusReason: null });
    expect(nut({ 'ups.status': 'OL OVER CHRG' }).alarms).toEqual(['overload']);
    expect(nut({ 'ups.status': 'OL BYPASS' }).alarms).toEqual(['bypass']);
    expect(nut({ 'ups.status': 'OFF', 'battery.charge': '90' })).toMatchObject({
      status: 'unknown',
      onBattery: null,
      chargePercent: 90,
      alarms: ['output_off'],
      statusReason: 'the UPS says neither on line (OL) nor on battery (OB): ups.status "OFF"',
    });
    expect(nut({ 'ups.status': 'TRIM' }).statusReason).toMatch(/"TRIM"/);
    expect(nut({ 'ups.status': 'OL', 'battery.mfr.date': '2019/03/12', 'ups.test.result': 'Done and passed' }).battery).toEqual({ date: '2019/03/12', testResult: 'Done and passed' });
  });

  it('a UPS that answers without a line status is power "unknown", not a lost link; alarms raise and clear their alerts', () => {
    const m = new PowerMachine();
    const book = new AlertBook(ALERT_RULES, alertsSchema().parse({}));
    const run = (u: UpsBody) => {
      const b = healthyBody();
      b.ups = { ...u, powerState: m.next(u, limits, 0).state };
      const t = book.evaluate(b);
      for (const x of t) book.commit(x, new Date(0));
      return { b, t: t.map((x) => `${x.code} ${x.state} ${x.severity}`) };
    };
    const off = run(answered({ status: 'unknown', onBattery: null, error: 'ups.status "OFF"', alarms: ['ups.output_off'] }));
    expect(off.b.ups.powerState).toBe('unknown');
    expect(off.t).toEqual(['ups.output_off raised critical']);
    expect(run(answered({ alarms: ['ups.replace_battery'] })).t).toEqual(['ups.replace_battery raised warning', 'ups.output_off cleared critical']);
    expect(run(answered({ alarms: ['ups.replace_battery', 'ups.overload'] })).t).toEqual(['ups.overload raised warning']);
    // Unreadable: the alarms are unknown, and kept as they were.
    expect(run(silent).t).toEqual(['ups.comm_lost raised warning']);
    expect(run(answered({})).t).toEqual(['ups.comm_lost cleared warning', 'ups.replace_battery cleared warning', 'ups.overload cleared warning']);
  });
});

describe('diagnose judges power as the gate does', () => {
  const cfg = { alerts: alertsSchema().parse({}) };
  const now = new Date('2026-11-25T00:00:00Z');

  it('on battery at 15 % (under the 20 % limit) fails with the low-battery hint, though the UPS does not say LB', () => {
    const v = upsVerdict('nut', nut({ 'ups.status': 'OB DISCHRG', 'battery.charge': '15' }), cfg, now);
    expect(v.status).toBe('fail');
    expect(v.facts).toMatchObject({ status: 'on_battery', powerState: 'low_battery' });
    expect(v.hint?.en).toMatch(/UPS battery low \(charge 15 % is at or under 20 %\): save work; printing waits for mains power/);
    expect(v.hint?.id).toMatch(/Baterai UPS lemah/);
  });

  it('replace battery and an old battery warn with the next step; output off fails', () => {
    expect(upsVerdict('nut', nut({ 'ups.status': 'OL RB' }), cfg, now)).toMatchObject({ status: 'warn', hint: { en: expect.stringMatching(/needs replacing/) as string } });
    expect(upsVerdict('nut', nut({ 'ups.status': 'OL', 'battery.date': '03/12/19' }), cfg, now).hint?.en).toBe('The UPS battery is from 2019: plan a replacement (batteries last 3 to 5 years).');
    expect(upsVerdict('nut', nut({ 'ups.status': 'OL', 'battery.date': '2025/01/10' }), cfg, now).status).toBe('pass');
    const off = upsVerdict('nut', nut({ 'ups.status': 'OFF' }), cfg, now);
    expect(off.status).toBe('fail');
    expect(off.hint?.en).toMatch(/neither on mains nor on battery.*output is off/s);
  });

  it('reads battery dates as UPSes write them', () => {
    expect(['2019/03/12', '2019-03-12', '03/12/19', '3/12/2019', '', 'unknown'].map((d) => batteryYear(d))).toEqual([2019, 2019, 2019, 2019, null, null]);
  });
});
