/**
 * A station gone for good, retired at the national dashboard on real programs (Mosquitto, the
 * dashboard, two agents of two offices): `station-agent dashboard retire` takes its row, clears
 * its alert, drops its metrics, empties its retained topics at the broker, and its blanks leave
 * the nation's figures; after a restart of the dashboard it stays retired, and what it sends when
 * its agent comes back is counted and not applied.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { reopenDashboard, startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { MqttWatch } from '../support/mqtt-watch.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface NationAnswer {
  level: { blanks: number | null; stations: { up: number; total: number } };
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))('a station retired at the national dashboard', () => {
  const agents: AgentUnderTest[] = [];
  let mosq: Mosquitto | undefined;
  let dash: DashboardUnderTest | undefined;
  afterAll(async () => {
    for (const a of agents) await a.proc.stop();
    await dash?.stop();
    await mosq?.stop();
  });

  it('goes from the rows, the alerts, the metrics, the broker and the nation, and stays gone', async () => {
    mosq = await startMosquitto([]);
    const url = mosq.url;
    dash = await startDashboard(url, { scope: 'national', regencies: { '9901': { name: 'Kabupaten Uji', lat: -10, lon: 123 } } });
    const start = (id: string, office: string) => {
      const dir = tempDir(`retire-${id}-`);
      const config = testConfig(url, {
        station: { id, province: '99', regency: '9901', office: { id: office } },
        intervals: { pollSeconds: 0.5, healthSeconds: 1 },
        mqtt: { url, reconnect: { initialSeconds: 0.2, maxSeconds: 1 } },
        office: { store: true, stations: [id] },
      });
      const a = startAgent(config, dir);
      agents.push(a);
      return { a, config, dir };
    };
    const one = start('it-01', '9901-DINAS');
    const two = start('it-02', '9901-KEC');
    for (const { a } of [one, two]) await a.proc.waitForOutput(/station agent running/, 20_000);
    for (const [{ a }, n] of [[one, 1000], [two, 500]] as const) {
      const r = await runCli(['office', 'receive', String(n), '--batch', `KMD-SYN-${n}`, '--config', a.configFile]);
      expect(r.code, r.stderr).toBe(0);
    }
    const d = dash;
    await waitUntil('both offices in the nation', async () => {
      const n = await d.api<NationAnswer>('/api/nation').catch(() => null);
      return n?.level.blanks === 1500 && n.level.stations.total === 2;
    }, 30_000, 250);
    // The page of the national dashboard opens on the nation.
    const home = await fetch(`${d.url}/`, { redirect: 'manual' });
    expect([home.status, home.headers.get('location')]).toEqual([303, '/nation']);

    // it-02 runs out of film, then its PC is taken away for good.
    writeFileSync(two.a.printerFile, JSON.stringify({ film: { remaining: 0 } }));
    await waitUntil('film empty raised at it-02', async () => (await d.api<{ station: string; code: string; state: string }[]>('/api/alerts?station=it-02')).some((e) => e.code === 'supply.film.empty' && e.state === 'raised'), 20_000, 250);
    await waitUntil('film empty in /metrics', async () => (await (await fetch(`${d.url}/metrics`)).text()).includes('station="it-02"'), 10_000, 250);
    await two.a.proc.stop();

    const bad = await runCli(['dashboard', 'retire', 'it-02', '--reason', 'x', '--config', join(d.dir, 'dashboard.yaml')]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/reason: expected text of 3 to 200 characters/);
    const r = await runCli(['dashboard', 'retire', 'it-02', '--reason', 'PC diganti', '--config', join(d.dir, 'dashboard.yaml'), '--lang', 'id']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Stasiun it-02 dipensiunkan: barisnya, \d+ peringatannya dan metriknya dihapus; riwayatnya disimpan/);

    expect((await d.api<{ station: string }[]>('/api/stations')).map((s) => s.station)).toEqual(['it-01']);
    // Every alert it left raised is cleared by the retirement (newest first in the feed).
    const feed = await d.api<{ code: string; state: string; message: string }[]>('/api/alerts?station=it-02');
    const closed = feed.filter((e) => e.message === 'station retired: PC diganti');
    const before = feed.filter((e) => !closed.includes(e));
    const raised = new Set([...new Set(before.map((e) => e.code))].filter((code) => before.find((e) => e.code === code)?.state === 'raised'));
    expect(closed.every((e) => e.state === 'cleared')).toBe(true);
    expect(closed.map((e) => e.code).sort()).toEqual([...raised].sort());
    expect(raised).toContain('supply.film.empty');
    expect(r.stdout).toContain(`${raised.size} peringatannya`);
    expect(await (await fetch(`${d.url}/metrics`)).text()).not.toContain('station="it-02"');
    const nation = await d.api<NationAnswer>('/api/nation');
    expect(nation.level).toMatchObject({ blanks: 1000, stations: { total: 1 } });
    expect(await d.api('/api/reconciliation?nation&format=json')).toMatchObject({ received: 1000, offices: ['9901-DINAS'] });
    expect(await d.api('/api/retired')).toEqual([expect.objectContaining({ station: 'it-02', reason: 'PC diganti' })]);

    // The broker keeps nothing of it: a new subscriber gets it-01's retained status, and none of it-02's.
    const watch = await MqttWatch.start(url, 'ektp/v1/99/9901/+/+');
    try {
      await watch.waitFor("it-01's retained status", (m) => m.topic.endsWith('/it-01/status') && m.retain);
      expect(watch.messages.filter((m) => m.topic.includes('/it-02/'))).toEqual([]);
    } finally {
      await watch.stop();
    }

    // After a restart of the dashboard it stays retired; its agent coming back is counted, not applied.
    await d.stop();
    dash = await reopenDashboard(d.dir, true);
    const back = startAgent(two.config, two.dir);
    agents.push(back);
    const again = dash;
    await waitUntil("it-02's messages counted as a retired station's", async () => ((await again.api<{ ingest: { retired: number } }>('/api/metrics')).ingest.retired) > 0, 20_000, 250);
    expect((await again.api<{ station: string }[]>('/api/stations')).map((s) => s.station)).toEqual(['it-01']);
    expect((await again.api<NationAnswer>('/api/nation')).level.blanks).toBe(1000);
  });
});
