/**
 * The province's own monitoring against the real thing: Mosquitto, two agents on simulated
 * hardware, the dashboard, Debian's Prometheus scraping its /metrics (with the sample rules of
 * deploy/prometheus/ loaded) and Debian's Alertmanager receiving the stations' alerts from it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent, testConfig, type AgentUnderTest } from '../support/agent.js';
import { startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { tempDir } from '../support/sim.js';
import { amAlerts, promQuery, startAlertmanager, startPrometheus, type MonitoringPeer } from '../support/prometheus.js';

const ready = peerAvailable('Mosquitto', 'mosquitto') && peerAvailable('Prometheus', 'prometheus') && peerAvailable('Alertmanager', 'prometheus-alertmanager');
const TOKEN = 'c0ffee5a1d2b3c4d5e6f708192a3b4c5';
const RULES = join(import.meta.dirname, '../../deploy/prometheus/ektp-rules.yml');
const STATIONS = [
  { id: '5371-01', regency: '5371' },
  { id: '5303-01', regency: '5303' },
];

describe.skipIf(!ready)('Prometheus scrapes the dashboard, Alertmanager receives the stations\' alerts', () => {
  let mosq: Mosquitto;
  let am: MonitoringPeer;
  let prom: MonitoringPeer;
  let dash: DashboardUnderTest;
  const agents = new Map<string, AgentUnderTest>();

  beforeAll(async () => {
    mosq = await startMosquitto();
    am = await startAlertmanager();
    dash = await startDashboard(mosq.url, { provinces: ['53'], regencies: { '5371': { name: 'Kota Kupang', lat: -10.17, lon: 123.61 } }, alertmanager: { url: am.url, resendSeconds: 5 } });
    prom = await startPrometheus({ targets: [new URL(dash.url).host], ruleFiles: [RULES] });
    for (const s of STATIONS) agents.set(s.id, startAgent(testConfig(mosq.url, { station: { id: s.id, province: '53', regency: s.regency } })));
  }, 40_000);

  afterAll(async () => {
    await Promise.all([...agents.values()].map((a) => a.proc.stop()));
    await dash?.stop();
    await Promise.all([prom?.stop(), am?.stop(), mosq?.stop()]);
  });

  it("Prometheus's query API has each station's supply levels, up with its regency, and the rules evaluate", async () => {
    let levels: Awaited<ReturnType<typeof promQuery>> = [];
    await waitUntil(
      'ektp_supply_level_percent of both stations in Prometheus',
      async () => {
        levels = await promQuery(prom.url, 'ektp_supply_level_percent');
        return STATIONS.every((s) => levels.some((r) => r.metric.station === s.id && r.metric.kind === 'film'));
      },
      25_000,
      250,
    );
    for (const s of STATIONS) {
      for (const kind of ['ribbon', 'film']) {
        const r = levels.find((x) => x.metric.station === s.id && x.metric.kind === kind);
        expect(Number(r?.value[1]), `${s.id} ${kind}`).toBeGreaterThan(0);
        expect(r?.metric).toMatchObject({ job: 'ektp-dashboard' });
      }
    }
    const up = await promQuery(prom.url, 'ektp_station_up');
    expect(up.map((r) => [r.metric.station, r.metric.province, r.metric.regency, r.value[1]]).sort()).toEqual([
      ['5303-01', '53', '5303', '1'],
      ['5371-01', '53', '5371', '1'],
    ]);
    expect((await promQuery(prom.url, 'ektp_dashboard_broker_connected'))[0]?.value[1]).toBe('1');
    // Every query of the sample Grafana dashboard is valid PromQL here, and the level panels have both stations (days left stay unknown while a new station learns its rate).
    const grafana = JSON.parse(readFileSync(join(import.meta.dirname, '../../deploy/prometheus/grafana-dashboard.json'), 'utf8')) as { panels: { title: string; type: string; targets: { expr: string }[] }[] };
    for (const p of grafana.panels) {
      for (const t of p.targets) {
        const result = await promQuery(prom.url, t.expr.replaceAll('$regency', '.*'));
        if (/^(Film|Ribbon) /.test(p.title)) expect(result.length, `${p.title}: ${t.expr}`).toBeGreaterThanOrEqual(2);
      }
    }
    // The sample rules are loaded and every one evaluates on the real series (no join errors).
    await waitUntil('the rules evaluated once', async () => {
      const rules = (await (await fetch(`${prom.url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
      const all = rules.data.groups.flatMap((g) => g.rules);
      const bad = all.filter((r) => r.health !== 'ok');
      if (bad.some((r) => r.health === 'err')) throw new Error(`rules in error: ${JSON.stringify(bad)}`);
      // 7 alerting rules and the 18 recording rules the ministry federates.
      return all.length === 25 && bad.length === 0;
    }, 10_000, 250);
  });

  it('/metrics follows the token rule of /api/: open on loopback without a token; with one, Prometheus scrapes with it', async () => {
    expect((await fetch(`${dash.url}/metrics`)).status).toBe(200);
    // Without a token, a name other than loopback's (DNS rebinding) is refused.
    const rebound = await new Promise<number | undefined>((resolve, reject) =>
      httpGet(`${dash.url}/metrics`, { headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      }).on('error', reject),
    );
    expect(rebound).toBe(403);
    const dir = tempDir('dash-metrics-tok-');
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    const guarded = await startDashboard(mosq.url, { provinces: ['53'], tokenFile: 'token' }, dir);
    const scraper = await startPrometheus({ targets: [new URL(guarded.url).host], tokenFile: join(dir, 'token') });
    try {
      const bare = await fetch(`${guarded.url}/metrics`);
      const refused = (await bare.json()) as { error: { id: string; en: string } };
      expect(bare.status).toBe(401);
      expect(refused.error.en).toMatch(/Authorization: Bearer TOKEN/);
      expect(refused.error.id).toMatch(/perlu token/);
      expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer 0123456789abcdef0123456789abcdef' } })).status).toBe(401);
      const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect([ok.status, ok.headers.get('content-type')]).toEqual([200, 'text/plain; version=0.0.4; charset=utf-8']);
      expect(await ok.text()).toMatch(/^ektp_dashboard_stations \d+$/m);
      await waitUntil('Prometheus scraping with the token', async () => (await promQuery(scraper.url, 'up{job="ektp-dashboard"} == 1')).length === 1, 10_000, 250);
    } finally {
      await scraper.stop();
      await guarded.stop();
    }
  });

  it('an injected film-empty reaches Alertmanager with the station\'s labels, and is resolved once the film is refilled', async () => {
    const a = agents.get('5371-01');
    if (!a) throw new Error('no agent');
    writeFileSync(a.printerFile, JSON.stringify({ film: { remaining: 0 } }));
    const film = (alerts: Awaited<ReturnType<typeof amAlerts>>) => alerts.find((x) => x.labels.alertname === 'supply.film.empty');
    let alerts: Awaited<ReturnType<typeof amAlerts>> = [];
    await waitUntil('supply.film.empty in Alertmanager', async () => film((alerts = await amAlerts(am.url))) !== undefined, 15_000, 200);
    const f = film(alerts);
    expect(f?.labels).toEqual({ alertname: 'supply.film.empty', station: '5371-01', province: '53', regency: '5371', severity: 'critical' });
    expect(f?.annotations).toMatchObject({ summary: 'Film habis / Film empty: 5371-01 (Kota Kupang)', summary_id: 'Film habis: stasiun 5371-01 (Kota Kupang)', summary_en: 'Film empty: station 5371-01 (Kota Kupang)' });
    expect(f?.annotations.description).toMatch(/empty/);
    expect(f?.status.state).toBe('active');
    // Posted as active for four resend periods (20 s): a resolution sooner than that is the clear's, not a timeout.
    expect(Date.parse(f?.endsAt ?? '')).toBeGreaterThan(Date.now() + 12_000);
    // Only the station that ran out.
    expect(alerts.filter((x) => x.labels.station === '5303-01' && (x.labels.alertname ?? '').startsWith('supply.film'))).toEqual([]);
    // Prometheus sees it too, with the station's severity.
    await waitUntil('ektp_alert_active in Prometheus', async () => (await promQuery(prom.url, 'ektp_alert_active{code="supply.film.empty",station="5371-01",severity="critical"}')).length === 1, 10_000, 250);

    // The simulator keeps a pinned count once it leaves the file: refilling is setting it full again.
    writeFileSync(a.printerFile, JSON.stringify({ film: { remaining: 1000 } }));
    await waitUntil('supply.film.empty resolved in Alertmanager', async () => film(await amAlerts(am.url)) === undefined, 10_000, 200);
    // And Prometheus no longer has it active.
    await waitUntil('ektp_alert_active gone', async () => (await promQuery(prom.url, 'ektp_alert_active{code="supply.film.empty"}')).length === 0, 10_000, 250);
  });

  it("a clear stamped before its raise (the station's clock put right between them), and a reinstalled PC's alerts from seq 1, reach Alertmanager", async () => {
    const ST = '5371-09';
    const base = `ektp/v1/53/5371/${ST}`;
    const c = await mqtt.connectAsync(mosq.url, { clientId: `synthetic-${ST}` });
    const iso = (ms: number) => new Date(ms).toISOString();
    const status = (installId: string) => c.publishAsync(`${base}/status`, JSON.stringify({ schema: 'station.status/1', station: ST, ts: iso(Date.now()), online: true, version: '0.1.0', installId }), { qos: 1 });
    const event = (seq: number, at: number, code: string, state: 'raised' | 'cleared') =>
      c.publishAsync(`${base}/event`, JSON.stringify({ schema: 'station.event/1', station: ST, ts: iso(at), seq, code, state, severity: 'critical', message: `${code} ${state}` }), { qos: 1 });
    const firing = async (code: string) => (await amAlerts(am.url)).some((a) => a.labels.station === ST && a.labels.alertname === code);
    try {
      await status('a1'.repeat(8));
      const t = Date.now();
      // The PC's clock ran 4 minutes fast when it raised, and was set right before the clear.
      await event(1, t + 4 * 60_000, 'printer.offline', 'raised');
      await waitUntil('printer.offline firing in Alertmanager', () => firing('printer.offline'), 15_000, 200);
      await event(2, t + 1000, 'printer.offline', 'cleared');
      // Resolved by the clear, well before the four resend periods (20 s) an unrefreshed alert would take.
      await waitUntil('printer.offline resolved in Alertmanager', async () => !(await firing('printer.offline')), 10_000, 200);

      // Reinstalled (a new database): a new installId, its seq from 1 again.
      await status('b2'.repeat(8));
      await event(1, Date.now(), 'supply.ribbon.empty', 'raised');
      await waitUntil("the reinstalled PC's supply.ribbon.empty firing in Alertmanager", () => firing('supply.ribbon.empty'), 15_000, 200);
      await event(2, Date.now(), 'supply.ribbon.empty', 'cleared');
      await waitUntil("the reinstalled PC's supply.ribbon.empty resolved in Alertmanager", async () => !(await firing('supply.ribbon.empty')), 10_000, 200);
    } finally {
      await c.endAsync();
    }
  });
});
