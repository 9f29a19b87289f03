import { describe, expect, it } from 'vitest';
import { startAgent, testConfig } from '../support/agent.js';
import { MqttWatch, type Seen } from '../support/mqtt-watch.js';
import { startNut, DUMMY_UPS, UPSD, type Nut } from '../support/nut.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { spawnSync } from 'node:child_process';

const POLL_MS = 500;
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

describe.skipIf(!hasNut)('power through NUT, end to end', () => {
  it('OL → OB → OB LB → OL and a killed driver: health.ups and the events follow within two poll periods, nothing stale shown as current', async () => {
    const nut = await startNut();
    const port = await freePort();
    const agent = startAgent(
      testConfig('embedded', { mqtt: { url: 'embedded', embedded: { port } }, ups: { driver: 'nut', port: nut.port, name: 'ups' }, intervals: { pollSeconds: POLL_MS / 1000, healthSeconds: 5 } }),
    );
    try {
      await agent.proc.waitForOutput(/station agent running/);
      const watch = await MqttWatch.start(`mqtt://127.0.0.1:${port}`, 'ektp/v1/99/9901/it-01/+');
      const ups = (m: Seen) => m.payload.ups as { status: string; chargePercent: number | null; onBattery: boolean | null; error: string | null; powerState: string; shutdownImminent: boolean | null };
      await watch.waitFor('health online', (m) => m.kind === 'health' && ups(m).status === 'online', 15_000);
      // The bound: two poll periods after upsd reports the change, plus a little for the broker.
      const within = 2 * POLL_MS + 500;
      const step = async (what: string, change: () => Promise<number>, pred: (m: Seen) => boolean) => {
        const from = watch.messages.length;
        const at = await change();
        const hit = await watch.waitFor(what, pred, 10_000, from);
        expect(hit.at - at, what).toBeLessThanOrEqual(within);
        return hit;
      };
      const event = (code: string, state: string) => (m: Seen) => m.kind === 'event' && m.payload.code === code && m.payload.state === state;

      await step('ups.on_battery raised', async () => (nut.setVars({ 'ups.status': 'OB DISCHRG', 'battery.charge': 70 }), upsdReports(nut, 'OB DISCHRG')), event('ups.on_battery', 'raised'));
      const ob = await watch.waitFor('health on battery', (m) => m.kind === 'health' && ups(m).status === 'on_battery');
      expect(ups(ob)).toMatchObject({ onBattery: true, chargePercent: 70 });
      await step('ups.low_battery raised', async () => (nut.setVars({ 'ups.status': 'OB DISCHRG LB', 'battery.charge': 15 }), upsdReports(nut, 'OB DISCHRG LB')), event('ups.low_battery', 'raised'));
      // upsmon on the NUT server forces the shutdown: the power state machine's last step.
      const fsd = await step(
        'health shutdown imminent',
        async () => (nut.setVars({ 'ups.status': 'FSD OB DISCHRG LB' }), upsdReports(nut, 'FSD OB DISCHRG LB')),
        (m) => m.kind === 'health' && ups(m).powerState === 'shutdown_imminent',
      );
      expect(ups(fsd)).toMatchObject({ shutdownImminent: true, onBattery: true, status: 'low_battery' });
      await step('ups.on_battery cleared', async () => (nut.setVars({ 'ups.status': 'OL CHRG', 'battery.charge': 16 }), upsdReports(nut, 'OL CHRG')), event('ups.on_battery', 'cleared'));
      await watch.waitFor('ups.low_battery cleared', event('ups.low_battery', 'cleared'));
      const beforeLoss = watch.messages.length;
      const lost = await step('ups.comm_lost raised', async () => (await nut.killDriver(), upsdFails(nut)), event('ups.comm_lost', 'raised'));
      expect(String(lost.payload.message)).toMatch(/NUT driver/);
      // Nothing stale shown as current: the health after the loss has no numbers, only the reason.
      const unknown = await watch.waitFor('health unknown', (m) => m.kind === 'health' && ups(m).status === 'unknown', 10_000, beforeLoss);
      expect(ups(unknown)).toMatchObject({ chargePercent: null, onBattery: null, powerState: 'comm_lost', shutdownImminent: null });
      expect(ups(unknown).error).toMatch(/NUT driver/);
      await step('ups.comm_lost cleared', async () => (await nut.startDriver(), upsdReports(nut, 'OL CHRG')), event('ups.comm_lost', 'cleared'));
      await watch.stop();
    } finally {
      await agent.proc.stop();
      await nut.stop();
    }
  }, 90_000);
});
