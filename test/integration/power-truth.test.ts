import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { startNut, DUMMY_UPS, UPSD, type Nut } from '../support/nut.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

const POLL_MS = 500;
const DEAD_SECONDS = 3;
const hasNut = peerAvailable('NUT upsd', UPSD) && peerAvailable('NUT dummy-ups', DUMMY_UPS);

/** When upsd itself reports `status` (dummy-ups takes a moment to re-read its file). */
async function upsdReports(nut: Nut, status: string): Promise<number> {
  await waitUntil(`upsd to report ${status}`, () => spawnSync('upsc', [`ups@127.0.0.1:${nut.port}`, 'ups.status'], { encoding: 'utf8' }).stdout.trim() === status, 10_000, 100);
  return Date.now();
}
async function upsdFails(nut: Nut): Promise<number> {
  await waitUntil('upsd to lose the driver', () => spawnSync('upsc', [`ups@127.0.0.1:${nut.port}`, 'ups.status'], { encoding: 'utf8' }).status !== 0, 10_000, 100);
  return Date.now();
}
const ups = (m: Seen) => m.payload.ups as { status: string; powerState: string; error: string | null; alarms: string[] | null; chargePercent: number | null };
const event = (code: string, state: string) => (m: Seen) => m.kind === 'event' && m.payload.code === code && m.payload.state === state;

describe.skipIf(!hasNut)('power that tells the truth, against upsd and dummy-ups', () => {
  let nut: Nut | undefined;
  let agent: AgentUnderTest | undefined;
  let watch: MqttWatch | undefined;
  afterEach(async () => {
    await watch?.stop();
    await agent?.proc.stop();
    await nut?.stop();
    nut = agent = watch = undefined;
  });

  async function start(over: Record<string, unknown> = {}) {
    nut = await startNut();
    const port = await freePort();
    const dir = tempDir('power-truth-');
    const ran = join(dir, 'low-battery-ran');
    agent = startAgent(
      testConfig('embedded', {
        mqtt: { url: 'embedded', embedded: { port } },
        ups: { driver: 'nut', port: nut.port, name: 'ups', deadSeconds: DEAD_SECONDS, lowBatteryCommand: [process.execPath, '-e', `require('node:fs').appendFileSync(${JSON.stringify(ran)}, 'x')`] },
        printer: { driver: 'sim', sim: { stateFile: 'printer-state.json', secondsPerCard: 0.2 } },
        records: { driver: 'sim', sim: { latencyMs: 10 } },
        intervals: { pollSeconds: POLL_MS / 1000, healthSeconds: 2 },
        log: { level: 'info' },
        ...over,
      }),
      dir,
    );
    await agent.proc.waitForOutput(/station agent running/);
    watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/v1/99/9901/it-01/+');
    await watch.waitFor('health online', (m) => m.kind === 'health' && ups(m).status === 'online', 15_000);
    const cfg = join(dir, 'agent.yaml');
    const jobs = async () => Object.fromEntries((JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout) as { recordId: string; state: string }[]).map((j) => [j.recordId, j.state]));
    return { nut, agent, watch, cfg, ran, jobs };
  }

  it('on battery at 40 %, then the NUT driver killed: within the dead time and two polls new cards wait, ups.comm_lost is critical, the low-battery command runs once; OL again and they print', async () => {
    const { nut, watch, cfg, ran, jobs } = await start();
    nut.setVars({ 'ups.status': 'OB DISCHRG', 'battery.charge': 40 });
    await upsdReports(nut, 'OB DISCHRG');
    await watch.waitFor('ups.on_battery raised', event('ups.on_battery', 'raised'));
    await nut.killDriver();
    const lostAt = await upsdFails(nut);
    const warning = await watch.waitFor('ups.comm_lost raised as a warning first', event('ups.comm_lost', 'raised'));
    expect(warning.payload.severity).toBe('warning');
    const critical = await watch.waitFor('ups.comm_lost raised again, critical', (m) => event('ups.comm_lost', 'raised')(m) && m.payload.severity === 'critical', 15_000);
    expect(critical.at - lostAt).toBeLessThanOrEqual(DEAD_SECONDS * 1000 + 2 * POLL_MS + 500);
    expect(String(critical.payload.message)).toMatch(/stopped answering while on battery/);
    const held = await watch.waitFor('health dead on battery', (m) => m.kind === 'health' && ups(m).powerState === 'comm_lost_on_battery');
    expect((held.payload.jobs as { held: string | null }).held).toBeNull(); // nothing waits yet
    // Cards added now wait: fetched, never started.
    expect((await runCli(['jobs', 'add', 'PT-0001', 'PT-0002', '--config', cfg])).code).toBe(0);
    const waiting = await watch.waitFor('printing held', (m) => m.kind === 'health' && /stopped answering while on battery/.test(String((m.payload.jobs as { held: string | null }).held)), 10_000);
    expect(ups(waiting)).toMatchObject({ status: 'unknown', chargePercent: null, powerState: 'comm_lost_on_battery' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(Object.values(await jobs()).every((s) => s === 'queued' || s === 'ready')).toBe(true);
    await waitUntil('the low-battery command to run', () => existsSync(ran), 10_000, 100);
    await new Promise((r) => setTimeout(r, 3 * POLL_MS));
    expect(readFileSync(ran, 'utf8')).toBe('x');
    // The driver back, on mains: the cards print.
    nut.setVars({ 'ups.status': 'OL CHRG', 'battery.charge': 41 });
    await nut.startDriver();
    await upsdReports(nut, 'OL CHRG');
    await watch.waitFor('ups.comm_lost cleared', event('ups.comm_lost', 'cleared'), 10_000);
    await waitUntil('both cards printed', async () => Object.values(await jobs()).every((s) => s === 'printed'), 20_000, 250);
    expect(readFileSync(ran, 'utf8')).toBe('x');
  }, 90_000);

  it('OL RB, OL OVER and OFF: alarms raised and cleared with their tokens; OFF reads as unknown with its reason, not a lost link; diagnose at OB 15 % fails as the gate holds', async () => {
    const { nut, watch, cfg } = await start();
    for (const [token, code] of [
      ['RB', 'ups.replace_battery'],
      ['OVER', 'ups.overload'],
    ] as const) {
      nut.setVars({ 'ups.status': `OL ${token}` });
      await upsdReports(nut, `OL ${token}`);
      await watch.waitFor(`${code} raised`, event(code, 'raised'));
      const h = await watch.waitFor(`health with ${code}`, (m) => m.kind === 'health' && (ups(m).alarms ?? []).includes(code));
      expect(ups(h).powerState).toBe('online');
      nut.setVars({ 'ups.status': 'OL' });
      await upsdReports(nut, 'OL');
      await watch.waitFor(`${code} cleared`, event(code, 'cleared'));
    }
    const before = watch.messages.length;
    nut.setVars({ 'ups.status': 'OFF', 'battery.charge': 88 });
    await upsdReports(nut, 'OFF');
    const off = await watch.waitFor('health with the output off', (m) => m.kind === 'health' && ups(m).powerState === 'unknown', 10_000, before);
    expect(ups(off)).toMatchObject({ status: 'unknown', chargePercent: 88, alarms: ['ups.output_off'], error: expect.stringMatching(/neither on line \(OL\) nor on battery \(OB\): ups.status "OFF"/) as string });
    await watch.waitFor('ups.output_off raised', event('ups.output_off', 'raised'));
    nut.setVars({ 'ups.status': 'OL' });
    await upsdReports(nut, 'OL');
    await watch.waitFor('ups.output_off cleared', event('ups.output_off', 'cleared'));
    expect(watch.messages.some(event('ups.comm_lost', 'raised'))).toBe(false);

    nut.setVars({ 'ups.status': 'OB DISCHRG', 'battery.charge': 15 });
    await upsdReports(nut, 'OB DISCHRG');
    const gate = await watch.waitFor('the gate holds for the same reason', (m) => m.kind === 'health' && ups(m).powerState === 'low_battery');
    expect(ups(gate).status).toBe('on_battery');
    // The agent runs: diagnose reads the UPS as the agent last saw it, so once the agent has seen it.
    const r = await runCli(['diagnose', '--json', '--config', cfg]);
    const check = (JSON.parse(r.stdout) as { checks: { id: string; status: string; facts: Record<string, unknown>; hint: string | null }[] }).checks.find((c) => c.id === 'ups');
    expect(check).toMatchObject({ status: 'fail', facts: { source: 'agent', status: 'on_battery', powerState: 'low_battery' } });
    expect(check?.hint).toMatch(/UPS battery low \(charge 15 % is at or under 20 %\)/);
  }, 90_000);
});
