import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import { AGENT_NODE_FLAGS } from '../../agent/process/runtime-flags.js';
import { CLI, runCli } from '../support/agent.js';
import { reopenDashboard, startDashboard } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { childrenOf } from '../support/process.js';
import { quietLog, tempDir } from '../support/sim.js';
import { startEmbeddedBroker } from '../../telemetry/broker.js';

const hasMosquitto = peerAvailable('Mosquitto', 'mosquitto');
const TOKEN = 'f3a9c2d47e8b1a6059cd2e7f81b4a3d6';

async function publish(url: string, topic: string, payload: string, retain = false): Promise<void> {
  const c = await mqtt.connectAsync(url);
  await c.publishAsync(topic, payload, { qos: 1, retain });
  await c.endAsync();
}

describe.skipIf(!hasMosquitto)('the dashboard API and its guard', () => {
  let mosq: Mosquitto;
  beforeAll(async () => {
    mosq = await startMosquitto();
  });
  afterAll(async () => {
    await mosq.stop();
  });

  it('speaks MQTT 3.1.1 to a broker that refuses 5 (the fleet simulator\'s embedded one), and ingests', async () => {
    const port = await freePort();
    const broker = await startEmbeddedBroker('127.0.0.1', port, quietLog);
    const dash = await startDashboard(`mqtt://127.0.0.1:${port}`);
    try {
      expect(dash.proc.output).toMatch(/does not speak MQTT 5; using MQTT 3\.1\.1/);
      const s = new SimStation(1, rng(5));
      await publish(`mqtt://127.0.0.1:${port}`, `ektp/v1/53/${s.identity.regency}/${s.identity.id}/health`, JSON.stringify(s.health(new Date().toISOString(), 1)));
      await waitUntil('the station over 3.1.1', async () => (await dash.api<unknown[]>('/api/stations')).length === 1);
    } finally {
      await dash.stop();
      await broker.close();
    }
  });

  it("reaches its broker the way a station does: mqtt.reconnect's back-off, the reason logged once", async () => {
    const dir = tempDir('dash-backoff-');
    // Nothing listens there: every attempt is refused.
    const nobody = await freePort();
    writeFileSync(
      join(dir, 'dashboard.yaml'),
      `dataDir: ./data\nlog: { level: debug }\nmqtt: { url: "mqtt://127.0.0.1:${nobody}", reconnect: { initialSeconds: 0.1, maxSeconds: 0.4 } }\ndashboard: { listen: "127.0.0.1:${await freePort()}" }\n`,
    );
    const dash = await reopenDashboard(dir, false);
    try {
      await dash.proc.waitForOutput(/"attempt":5[^\n]*MQTT reconnect scheduled/, 10_000);
      const waits = [...dash.proc.output.matchAll(/"delayMs":(\d+)[^\n]*MQTT reconnect scheduled/g)].map((m) => Number(m[1]));
      // Doubling from 0.1 s up to 0.4 s, half of each random.
      expect(waits.slice(0, 5).every((ms, i) => ms >= Math.min(400, 100 * 2 ** i) / 2 && ms <= Math.min(400, 100 * 2 ** i))).toBe(true);
      expect(dash.proc.output.match(/MQTT: nothing accepts connections at/g)).toHaveLength(1);
    } finally {
      await dash.stop();
    }
  });

  it("started under the station agent's 128 MB heap (its flags, or the program's shebang) it runs there, and its log says so and how to give it its own", async () => {
    const dash = await startDashboard(mosq.url, {}, tempDir('dash-heap-'), AGENT_NODE_FLAGS);
    try {
      // One process, which serves: nothing started again behind it.
      expect(childrenOf(dash.proc.child.pid ?? 0)).toEqual([]);
      expect(await dash.api<unknown[]>('/api/stations')).toEqual([]);
      const said = dash.proc.output.split('\n').find((l) => l.includes('under dashboard.heapMegabytes')) ?? '';
      expect(JSON.parse(said)).toMatchObject({ level: 40, wantMegabytes: 512 });
      expect(Number((JSON.parse(said) as { heapMegabytes: number }).heapMegabytes)).toBeLessThan(512);
      expect(said).toContain(`STATION_DASHBOARD_HEAP_MB=512 station-agent dashboard, or node --max-old-space-size=512 ${CLI} dashboard`);
    } finally {
      await dash.stop();
    }
  });

  it('refuses to listen beyond loopback without a token, naming the setting (exit 78)', async () => {
    const dir = tempDir('dash-cfg-');
    const file = join(dir, 'd.yaml');
    writeFileSync(file, `mqtt: { url: "${mosq.url}" }\ndashboard: { listen: "0.0.0.0:${await freePort()}" }\n`);
    const r = await runCli(['dashboard', '--config', file]);
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/dashboard\.tokenFile: listening beyond this PC needs dashboard\.tokenFile/);
  });

  it('with a token file every API call and the page need the token; the login page sets it', async () => {
    const dir = tempDir('dash-tok-');
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    const dash = await startDashboard(mosq.url, { tokenFile: 'token' }, dir);
    try {
      expect((await fetch(`${dash.url}/api/stations`)).status).toBe(401);
      expect((await fetch(`${dash.url}/api/stations`, { headers: { authorization: 'Bearer 0123456789abcdef0123456789abcdef' } })).status).toBe(401);
      expect((await fetch(`${dash.url}/api/stations`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
      const page = await fetch(`${dash.url}/`, { redirect: 'manual' });
      expect([page.status, page.headers.get('location')]).toEqual([303, '/login']);
      const wrong = await fetch(`${dash.url}/login`, { method: 'POST', body: new URLSearchParams({ token: 'nope' }), redirect: 'manual' });
      expect(wrong.status).toBe(401);
      const login = await fetch(`${dash.url}/login`, { method: 'POST', body: new URLSearchParams({ token: TOKEN }), redirect: 'manual' });
      const cookie = login.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
      const withCookie = await fetch(`${dash.url}/`, { headers: { cookie: cookie.split(';')[0] ?? '' } });
      expect(withCookie.status).toBe(200);
      expect(await withCookie.text()).toContain('<script type="module" src="/app.js">');
    } finally {
      await dash.stop();
    }
  });

  it('counts bad messages and never shows them; a bad query names the parameter; a restart without the broker shows the picture at once', async () => {
    const dash = await startDashboard(mosq.url, { provinces: ['53'] });
    const s = new SimStation(0, rng(3));
    const id = s.identity.id;
    const base = `ektp/v1/53/${s.identity.regency}/${id}`;
    await publish(mosq.url, `${base}/health`, '{"schema":"station.health/1","station":"x"}');
    await publish(mosq.url, `${base}/health`, 'garbage');
    await publish(mosq.url, `ektp/v1/53/${s.identity.regency}/other/health`, JSON.stringify(s.health(new Date().toISOString(), 1)));
    await publish(mosq.url, `${base}/health`, JSON.stringify(s.health(new Date().toISOString(), 2)), true);
    await waitUntil('the good health', async () => (await dash.api<unknown[]>('/api/stations')).length === 1);
    const m = await dash.api<{ ingest: { invalid: Record<string, number> } }>('/api/metrics');
    expect(m.ingest.invalid).toEqual({ schema: 1, 'not-json': 1, 'wrong-station': 1 });
    expect((await dash.api<{ station: string }[]>('/api/stations')).map((r) => r.station)).toEqual([id]);
    expect(dash.proc.output).toMatch(/message refused: not shown on the dashboard/);

    const bad = await fetch(`${dash.url}/api/stations?problem=fire`);
    expect(bad.status).toBe(400);
    const said = ((await bad.json()) as { error: { id: string; en: string } }).error;
    expect(said.en).toMatch(/problem: expected one of offline, power/);
    expect(said.id).toMatch(/problem: harus salah satu dari offline, power/);

    // SIGTERM: a clean stop, exit 0.
    dash.proc.child.kill('SIGTERM');
    expect((await dash.proc.exited).code).toBe(0);
    await mosq.stop();
    try {
      // The same folder, its broker gone: it must serve what its database holds.
      const again = await reopenDashboard(dash.dir, false);
      try {
        const rows = await again.api<{ station: string; online: boolean | null; healthTs: string | null }[]>('/api/stations');
        expect(rows.map((r) => r.station)).toEqual([id]);
        // What it knew, no more: no status was ever sent, so online stays unknown.
        expect(rows[0]).toMatchObject({ online: null, healthTs: expect.any(String) as string });
        // No broker yet: lost since it started, a time of today.
        const link = await again.api<{ connected: boolean; lostSince: string }>('/api/link');
        expect(link.connected).toBe(false);
        expect(Math.abs(Date.parse(link.lostSince) - Date.now())).toBeLessThan(60_000);
      } finally {
        await again.stop();
      }
    } finally {
      mosq = await startMosquitto([], { port: mosq.port, dir: mosq.dir });
    }
  });
});
