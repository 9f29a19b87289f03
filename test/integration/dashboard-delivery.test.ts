/**
 * Messages lost under a burst, as the dashboard's health line shows them, against a real
 * Mosquitto: while the dashboard is away its queue at the broker overflows; the broker's own count
 * of what it dropped ($SYS) and the seqs the station skipped both reach /api/metrics, and the
 * station's own count its page.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import { reopenDashboard, startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { freePort, peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';

interface Metrics {
  ingest: { brokerDropped: number | null; seqGaps: { missing: number; stations: number; worst: { station: string; missing: number }[] } };
}

describe.skipIf(!peerAvailable('Mosquitto', 'mosquitto'))("broker drops and seq gaps on the dashboard's health line", () => {
  let mosq: Mosquitto | undefined;
  let dash: DashboardUnderTest | undefined;
  afterEach(async () => {
    await dash?.stop();
    await mosq?.stop();
    dash = mosq = undefined;
  });

  it("a burst while the dashboard is away overflows its queue: the broker's dropped count and the station's 80 missing seqs are shown", async () => {
    // $SYS every second, and a queue of 20 messages per client: a burst of 100 overflows it.
    mosq = await startMosquitto(['sys_interval 1', 'max_queued_messages 20']);
    dash = await startDashboard(mosq.url);
    const s = new SimStation(1, rng(3));
    const base = `ektp/v1/${s.identity.province}/${s.identity.regency}/${s.identity.id}`;
    const station = await mqtt.connectAsync(mosq.url, { clientId: 'burst-station' });
    try {
      await station.publishAsync(`${base}/health`, JSON.stringify(s.health(new Date().toISOString(), 1)), { qos: 1, retain: true });
      const d = dash;
      await waitUntil('the station on the dashboard', async () => (await d.api<unknown[]>('/api/stations')).length === 1);
      expect((await dash.api<Metrics>('/api/metrics')).ingest.seqGaps.missing).toBe(0);

      // The dashboard stops; its session and queue stay at the broker. A burst of 100 events meanwhile.
      const dir = dash.dir;
      await dash.stop();
      dash = undefined;
      for (let seq = 2; seq <= 101; seq++) {
        const event = { schema: 'station.event/1', station: s.identity.id, ts: new Date().toISOString(), seq, code: 'printer.error', state: seq % 2 ? 'cleared' : 'raised', severity: 'critical', message: 'burst' };
        await station.publishAsync(`${base}/event`, JSON.stringify(event), { qos: 1 });
      }
      dash = await reopenDashboard(dir, true);
      await station.publishAsync(`${base}/health`, JSON.stringify(s.health(new Date().toISOString(), 102)), { qos: 1, retain: true });

      const back = dash;
      let m: Metrics | undefined;
      await waitUntil('the drops on the health line', async () => {
        m = await back.api<Metrics>('/api/metrics');
        return (m.ingest.brokerDropped ?? 0) >= 80 && m.ingest.seqGaps.missing === 80;
      }, 15_000);
      expect(m?.ingest.seqGaps).toEqual({ missing: 80, stations: 1, worst: [{ station: s.identity.id, missing: 80 }] });
      expect((await dash.api<{ delivery: { missing: number } }>(`/api/stations/${s.identity.id}`)).delivery.missing).toBe(80);
    } finally {
      await station.endAsync();
    }
  }, 60_000);

  it("a broker whose ACL keeps $SYS from the dashboard's user: the stations still come and the health line leaves the broker's count out", async () => {
    const dir = tempDir('dash-acl-');
    writeFileSync(join(dir, 'acl'), 'user dash\ntopic read ektp/#\n\nuser station\ntopic write ektp/#\n');
    execFileSync('mosquitto_passwd', ['-c', '-b', join(dir, 'passwd'), 'dash', 'dash-secret-1']);
    execFileSync('mosquitto_passwd', ['-b', join(dir, 'passwd'), 'station', 'station-secret-1']);
    writeFileSync(join(dir, 'dash.pass'), 'dash-secret-1\n');
    mosq = await startMosquitto([`password_file ${join(dir, 'passwd')}`, `acl_file ${join(dir, 'acl')}`, 'sys_interval 1'], { anonymous: false });
    writeFileSync(join(dir, 'dashboard.yaml'), stringify({ dataDir: './data', mqtt: { url: mosq.url, username: 'dash', passwordFile: join(dir, 'dash.pass') }, log: { level: 'debug' }, dashboard: { listen: `127.0.0.1:${await freePort()}` } }));
    dash = await reopenDashboard(dir, true);
    const s = new SimStation(2, rng(4));
    const station = await mqtt.connectAsync(mosq.url, { username: 'station', password: 'station-secret-1' });
    try {
      await station.publishAsync(`ektp/v1/${s.identity.province}/${s.identity.regency}/${s.identity.id}/health`, JSON.stringify(s.health(new Date().toISOString(), 1)), { qos: 1 });
      const d = dash;
      await waitUntil('the station on the dashboard', async () => (await d.api<unknown[]>('/api/stations')).length === 1);
      // Two of the broker's $SYS periods: nothing of its count reached the dashboard.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await dash.api<Metrics>('/api/metrics')).ingest.brokerDropped).toBeNull();
      // Mosquitto 2.0 grants the subscription and delivers nothing the ACL denies: no refusal to log, and none of the stations'.
      expect(dash.proc.output).not.toMatch(/subscription refused: check the broker ACL/);
    } finally {
      await station.endAsync();
    }
  }, 60_000);
});
