/**
 * The dashboard as the station-agent command starts it (with the heap ceiling of its
 * configuration), through a real Mosquitto: a flood of oversized healths, live and redelivered
 * from its kept session at restart, leaves it up and under that ceiling.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import { reopenDashboard, startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { rssMegabytes } from '../support/process.js';

const HEAP_MB = 256;
type Metrics = { stations: number; ingest: { invalid: Record<string, number> }; rssBytes: number };

/** `count` schema-shaped healths of about 230 KB (a thousand long alerts), one station each. */
async function floodBig(url: string, count: number, from: number): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId: `big-${from}` });
  const s = new SimStation(0, rng(9));
  const alerts = Array.from({ length: 1000 }, (_, i) => `x${i}${'y'.repeat(224)}`);
  for (let i = from; i < from + count; i++) {
    const h = { ...s.health(new Date().toISOString(), 1), station: `big-${i}`, alerts };
    await c.publishAsync(`ektp/v1/53/${h.regency}/big-${i}/health`, JSON.stringify(h), { qos: 1 });
  }
  await c.endAsync();
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('the dashboard under oversized floods', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq.stop();
  });

  it('runs with the heap its launcher gave it, stays under it through 700 healths of 230 KB live, as the probe sent, and 700 more redelivered at restart', async () => {
    const dash: DashboardUnderTest = await startDashboard(mosq.url, { heapMegabytes: HEAP_MB });
    let again: DashboardUnderTest | undefined;
    try {
      const heap = Number(/"heapMegabytes":(\d+)/.exec(dash.proc.output)?.[1]);
      expect(heap).toBeGreaterThanOrEqual(HEAP_MB);
      // Given what it asks for: nothing to say about its heap.
      expect(dash.proc.output).not.toMatch(/under dashboard\.heapMegabytes/);
      const pid = dash.proc.child.pid ?? 0;

      let peak = 0;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMegabytes(pid) ?? 0)), 50);
      await floodBig(mosq.url, 700, 0);
      await waitUntil('700 refused as too large', async () => (await dash.api<Metrics>('/api/metrics')).ingest.invalid['too-large'] === 700, 60_000);
      clearInterval(sampler);
      expect((await dash.api<Metrics>('/api/metrics')).stations).toBe(0);
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(HEAP_MB);

      // Down: the broker keeps what arrives for its session, and hands it over at the restart.
      dash.proc.child.kill('SIGTERM');
      expect((await dash.proc.exited).code).toBe(0);
      expect(dash.proc.output).toMatch(/signal received/);
      expect(dash.proc.output).not.toMatch(/took over .* ms; exiting anyway/);
      await floodBig(mosq.url, 700, 700);
      again = await reopenDashboard(dash.dir, true);
      const pid2 = again.proc.child.pid ?? 0;
      let peak2 = 0;
      const sampler2 = setInterval(() => (peak2 = Math.max(peak2, rssMegabytes(pid2) ?? 0)), 50);
      const reopened = again;
      await waitUntil('the 700 redelivered refused too', async () => (await reopened.api<Metrics>('/api/metrics')).ingest.invalid['too-large'] === 700, 60_000);
      clearInterval(sampler2);
      expect(peak2).toBeGreaterThan(0);
      expect(peak2).toBeLessThan(HEAP_MB);
      console.log(`dashboard flood: peak RSS ${peak.toFixed(0)} MB live, ${peak2.toFixed(0)} MB after restart (heap ceiling ${heap} MB)`);
    } finally {
      await dash.stop();
      await again?.stop();
    }
  }, 120_000);
});
