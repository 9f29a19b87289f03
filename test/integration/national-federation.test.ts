/**
 * The nation's view on real programs: two provinces (53 and 61), each with its Mosquitto, its
 * stations and an office publishing, its dashboard, and its Prometheus running the shipped
 * prometheus.yml with the shipped rules; a third Prometheus, the ministry's, running the shipped
 * national.yml, federates both. It must hold each province's sums as the stations and the office
 * sent them, and not one station's or office's own series; every query of the ministry's Grafana
 * dashboard (deploy/grafana/ektp-national.json) must answer there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startDashboard, type DashboardUnderTest } from '../support/dashboard.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { promQuery, startPrometheusWith, type MonitoringPeer, type PromSample } from '../support/prometheus.js';
import { startProvinceFeed, type FeedOffice, type FeedStation, type ProvinceFeed } from '../support/province-feed.js';

const ready = peerAvailable('Mosquitto', 'mosquitto') && peerAvailable('Prometheus', 'prometheus');
const ROOT = join(import.meta.dirname, '../..');
const PROM = join(ROOT, 'deploy/prometheus');
const GRAFANA = join(ROOT, 'deploy/grafana/ektp-national.json');
// The office's days (office-sim.ts) are WITA days; the dashboards count days in the same zone.
const ZONE = 'Asia/Makassar';
/** The national server's query lookback in the test (5 min by default): how long a silent province's last figures stay. */
const LOOKBACK_S = 10;
/** Days the offices have printed, up to yesterday. */
const DAYS = 3;

interface Province {
  code: string;
  stations: FeedStation[];
  office: FeedOffice;
}

const PROVINCES: Province[] = [
  {
    code: '53',
    stations: [
      { id: '5371-01', regency: '5371', blanks: 1200, printedToday: 40, alerts: ['supply.film.empty', 'supply.ribbon.low'] },
      { id: '5371-02', regency: '5371', blanks: 300, printedToday: 25 },
      { id: '5303-01', regency: '5303', blanks: 50, printedToday: 7 },
      { id: '5303-02', regency: '5303', blanks: 0, printedToday: 0, online: false },
    ],
    // 700 left at 100 a day: under its request point (the rate × 35 days).
    office: { office: '5371-DINAS', pc: '5371-GUDANG', regency: '5371', received: 1000, toPrinter: 600, printedPerDay: 100, days: DAYS },
  },
  {
    code: '61',
    stations: [
      { id: '6171-01', regency: '6171', blanks: 2000, printedToday: 60, alerts: ['supply.ribbon.low'] },
      { id: '6101-01', regency: '6101', blanks: 400, printedToday: 0 },
    ],
    office: { office: '6171-DINAS', pc: '6171-GUDANG', regency: '6171', received: 50_000, toPrinter: 500, printedPerDay: 10, days: DAYS },
  },
];

const reporting = (p: Province) => p.stations.filter((s) => s.online !== false);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const each = (f: (p: Province) => number) => Object.fromEntries(PROVINCES.map((p) => [p.code, f(p)]));
const byProvince = (rows: PromSample[]) => Object.fromEntries(rows.map((r) => [r.metric.province ?? '', Number(r.value[1])]));
const dayIn = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);

/**
 * The office's figures as request.ts and the month's reconciliation make them: its printers
 * printed printedPerDay on each of `days` days from the feed's first day; the rate is over the
 * days from that first day to today, the month's cards those of this month's days.
 */
function officeFigures(o: FeedOffice, firstDay: string, nowMs: number): { perDay: number; month: number; onHand: number } {
  const today = dayIn(nowMs);
  const printDays = Array.from({ length: o.days }, (_, i) => new Date(Date.parse(`${firstDay}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
  const perDay = Math.round(((o.days * o.printedPerDay) / (daysBetween(firstDay, today) + 1)) * 10) / 10;
  return { perDay, month: o.printedPerDay * printDays.filter((d) => d.slice(0, 7) === today.slice(0, 7)).length, onHand: o.received - o.days * o.printedPerDay };
}

/** The shipped province config, for the test: its dashboard, 1 s intervals, the shipped rule file, no Alertmanager. */
function provinceConfig(dashboard: string): Record<string, unknown> {
  const c = parse(readFileSync(join(PROM, 'prometheus.yml'), 'utf8')) as { rule_files: string[]; scrape_configs: Record<string, unknown>[]; alerting?: unknown };
  expect(c.rule_files).toEqual(['ektp-rules.yml']);
  const job = c.scrape_configs.find((j) => j.job_name === 'ektp-dashboard');
  if (!job) throw new Error('prometheus.yml has no ektp-dashboard job');
  const { alerting: _alerting, ...rest } = c;
  return {
    ...rest,
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: c.rule_files.map((f) => join(PROM, f)),
    scrape_configs: [{ ...job, scrape_interval: '1s', static_configs: [{ targets: [dashboard] }] }],
  };
}

type StaticConfig = { targets: string[]; labels: { province: string } };

/** The shipped national config with the test's two provinces' entries pointed at their servers (the others left out), 1 s intervals; the rest as shipped. */
function nationalConfig(servers: Record<string, string>): Record<string, unknown> {
  const c = parse(readFileSync(join(PROM, 'national.yml'), 'utf8')) as { global: Record<string, unknown>; scrape_configs: (Record<string, unknown> & { static_configs: StaticConfig[] })[] };
  const job = c.scrape_configs.find((j) => j.job_name === 'ektp-provinces');
  if (!job) throw new Error('national.yml has no ektp-provinces job');
  expect(job).toMatchObject({ honor_labels: true, metrics_path: '/federate', params: { 'match[]': ['{__name__=~"ektp:.*"}'] } });
  const ours = job.static_configs.filter((s) => s.labels.province in servers).map((s) => ({ ...s, targets: [servers[s.labels.province] ?? ''] }));
  expect(ours.map((s) => s.labels.province)).toEqual(Object.keys(servers));
  return {
    ...c,
    global: { ...c.global, scrape_interval: '1s', evaluation_interval: '1s' },
    scrape_configs: [{ ...job, scrape_interval: '1s', scrape_timeout: '1s', static_configs: ours }],
  };
}

describe.skipIf(!ready)("the ministry's Prometheus federates the provinces' recording rules", () => {
  const brokers: Mosquitto[] = [];
  const dashboards: DashboardUnderTest[] = [];
  const feeds: ProvinceFeed[] = [];
  const proms: MonitoringPeer[] = [];
  let national: MonitoringPeer;
  const firstDay = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);

  beforeAll(async () => {
    for (const p of PROVINCES) {
      const mosq = await startMosquitto();
      brokers.push(mosq);
      dashboards.push(await startDashboard(mosq.url, { provinces: [p.code], timeZone: ZONE }));
      feeds.push(await startProvinceFeed(mosq.url, p.code, p.stations, p.office, firstDay));
    }
    // The offices' figures are in before the first scrape (the dashboard keeps the offices' stock a minute).
    for (const [i, p] of PROVINCES.entries()) {
      const dash = dashboards[i];
      if (!dash) throw new Error('no dashboard');
      await waitUntil(
        `${p.office.office}'s days at the dashboard of ${p.code}`,
        async () => {
          const q = await dash.api<{ ratePerDay: number; onHand: number; inTransit: number }>(`/api/request?office=${p.office.office}`).catch(() => null);
          return q !== null && q.ratePerDay > 0 && q.onHand + q.inTransit === p.office.received - p.office.days * p.office.printedPerDay;
        },
        20_000,
        200,
      );
    }
    for (const dash of dashboards) proms.push(await startPrometheusWith(provinceConfig(new URL(dash.url).host)));
    national = await startPrometheusWith(nationalConfig(Object.fromEntries(PROVINCES.map((p, i) => [p.code, new URL(proms[i]?.url ?? '').host]))), [`--query.lookback-delta=${LOOKBACK_S}s`]);
  }, 80_000);

  afterAll(async () => {
    await Promise.all([national?.stop(), ...proms.map((p) => p.stop())]);
    await Promise.all(feeds.map((f) => f.stop()));
    await Promise.all(dashboards.map((d) => d.stop()));
    await Promise.all(brokers.map((b) => b.stop()));
  });

  it("the national query returns each province's sums as its stations and office sent them", async () => {
    const wanted = () => {
      const office = (p: Province) => officeFigures(p.office, firstDay, Date.now());
      return {
        blanks_on_hand: each((p) => sum(reporting(p).map((s) => s.blanks))),
        cards_printed_today: each((p) => sum(reporting(p).map((s) => s.printedToday))),
        stations_known: each((p) => p.stations.length + 1),
        // The office's store PC says it is online too.
        stations_up: each((p) => reporting(p).length + 1),
        stations_alert_critical: { '53': 1, '61': 0 },
        office_blanks_on_hand: each((p) => office(p).onHand),
        office_blanks_per_day: each((p) => office(p).perDay),
        office_cards_printed_month: each((p) => office(p).month),
        offices_at_request_point: { '53': 1, '61': 0 },
      };
    };
    let want = wanted();
    let got: Record<string, Record<string, number>> = {};
    await waitUntil(
      'every province sum at the national Prometheus',
      async () => {
        want = wanted();
        got = {};
        for (const what of Object.keys(want)) got[what] = byProvince(await promQuery(national.url, `ektp:${what}:sum_by_province`));
        return isDeepStrictEqual(got, want);
      },
      30_000,
      500,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\nwanted ${JSON.stringify(want)}\ngot    ${JSON.stringify(got)}`);
    });
    expect(got).toEqual(want);
    // The 53 office's 700 blanks at 100 a day, the 61 one's 49,970 at 10: the figures the rules sum.
    expect(got.office_blanks_on_hand).toEqual({ '53': 700, '61': 49_970 });
    // Per regency as well: 5371's two stations, 5303's one that reports; each office in its regency.
    const rows = async (q: string) => (await promQuery(national.url, q)).map((r) => [r.metric.province, r.metric.regency, Number(r.value[1])]).sort();
    expect(await rows('ektp:blanks_on_hand:sum_by_regency')).toEqual([
      ['53', '5303', 50],
      ['53', '5371', 1500],
      ['61', '6101', 400],
      ['61', '6171', 2000],
    ]);
    expect(await rows('ektp:office_blanks_on_hand:sum_by_regency')).toEqual([
      ['53', '5371', 700],
      ['61', '6171', 49_970],
    ]);
  }, 45_000);

  it('the national server holds no per-station (or per-office) series, and nothing but the recording rules', async () => {
    await waitUntil('the federation scraped', async () => (await promQuery(national.url, 'ektp:stations_known:sum_by_province')).length === 2, 30_000, 250);
    // The province servers do hold them: the checks below are not empty by accident.
    expect((await promQuery(proms[0]?.url ?? '', 'count({station!=""})')).length).toBe(1);
    expect((await promQuery(proms[0]?.url ?? '', 'count({office!=""})')).length).toBe(1);
    expect(await promQuery(national.url, 'count({station!=""})')).toEqual([]);
    expect(await promQuery(national.url, 'count({office!=""})')).toEqual([]);
    expect(await promQuery(national.url, 'count({__name__=~"ektp_.+"})')).toEqual([]);
    const names = (await (await fetch(`${national.url}/api/v1/label/__name__/values`)).json()) as { data: string[] };
    expect(names.data.filter((n) => !n.startsWith('ektp:') && !n.startsWith('scrape_') && n !== 'up')).toEqual([]);
    // Every federated series keeps its province (and regency) and the national job, nothing else.
    const series = (await (await fetch(`${national.url}/api/v1/series?match[]=${encodeURIComponent('{__name__=~"ektp:.*"}')}`)).json()) as { data: Record<string, string>[] };
    expect(series.data.length).toBeGreaterThanOrEqual(2 * 9);
    expect([...new Set(series.data.flatMap((s) => Object.keys(s)))].sort()).toEqual(['__name__', 'job', 'province', 'regency']);
    expect(new Set(series.data.map((s) => s.job))).toEqual(new Set(['ektp-provinces']));
    // up says which province's server answers, by the province's label on its target.
    const up = await promQuery(national.url, 'up{job="ektp-provinces"}');
    expect(up.map((r) => [r.metric.province, r.value[1]]).sort()).toEqual(PROVINCES.map((p) => [p.code, '1']));
  }, 45_000);

  it('every query of ektp-national.json answers at the national Prometheus, for all and for one province and regency', async () => {
    await waitUntil('the federation scraped', async () => (await promQuery(national.url, 'ektp:office_blanks_per_day:sum_by_regency')).length === 2, 30_000, 250);
    const grafana = JSON.parse(readFileSync(GRAFANA, 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[]; templating: { list: { name: string; allValue: string; query: { query: string } }[] } };
    const exprs = grafana.panels.flatMap((p) => p.targets.map((t) => ({ title: p.title, expr: t.expr })));
    expect(exprs.length).toBeGreaterThanOrEqual(30);
    const regencies = [...new Set(PROVINCES.flatMap((p) => [...p.stations.map((s) => s.regency), p.office.regency]))].sort();
    // As Grafana writes the variables into a query: its allValue, every value picked (a regex of them), one value.
    const choices = [
      { province: '.*', regency: '.*', only: null },
      { province: `(${PROVINCES.map((p) => p.code).join('|')})`, regency: `(${regencies.join('|')})`, only: null },
      { province: '53', regency: '5371', only: { province: '53', regency: '5371' } },
    ];
    for (const v of grafana.templating.list) expect(v.allValue, v.name).toBe('.*');
    for (const c of choices) {
      for (const { title, expr } of exprs) {
        const result = await promQuery(national.url, expr.replaceAll('$province', c.province).replaceAll('$regency', c.regency));
        expect(result.length, `${title}: ${expr} with ${JSON.stringify(c)}`).toBeGreaterThan(0);
        if (c.only) for (const r of result) for (const k of ['province', 'regency'] as const) if (r.metric[k] !== undefined) expect(r.metric[k], `${title}: ${k}`).toBe(c.only[k]);
      }
    }
    // The variables' label_values(...) list both provinces and every regency with a station or an office.
    for (const v of grafana.templating.list) {
      const m = /^label_values\((.+), (\w+)\)$/.exec(v.query.query);
      if (!m?.[1] || !m[2]) throw new Error(`variable ${v.name}: ${v.query.query}`);
      const label = m[2];
      const values = new Set((await promQuery(national.url, m[1].replaceAll('$province', '.*'))).map((r) => r.metric[label]));
      expect([...values].sort(), v.name).toEqual(v.name === 'province' ? PROVINCES.map((p) => p.code) : regencies);
    }
  }, 45_000);

  // Last: it stops a province's server for good.
  it("a province whose server stops answering: its up is 0 at once, its last figures go after the lookback (here 10 s, 5 min as shipped)", async () => {
    await waitUntil('both provinces federated', async () => (await promQuery(national.url, 'ektp:stations_known:sum_by_province')).length === 2, 30_000, 250);
    await proms[1]?.stop();
    const gone = PROVINCES[1]?.code ?? '';
    const known = async () => byProvince(await promQuery(national.url, 'ektp:stations_known:sum_by_province'));
    const stoppedAt = Date.now();
    // Federated samples carry the province's own timestamps, which Prometheus 2.42 does not mark
    // stale when a scrape fails: the last figures stay for the lookback, not a scrape longer.
    expect(gone in (await known())).toBe(true);
    await waitUntil(`province ${gone}'s up at 0`, async () => byProvince(await promQuery(national.url, 'up{job="ektp-provinces"}'))[gone] === 0, 20_000, 250);
    await waitUntil(`province ${gone}'s figures gone`, async () => !(gone in (await known())), 20_000, 250);
    // The last sample is the province's evaluation up to a second or two before the stop.
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(LOOKBACK_S * 1000 - 4000);
    expect(byProvince(await promQuery(national.url, 'ektp:stations_known:sum_by_province'))).toEqual({ [PROVINCES[0]?.code ?? '']: (PROVINCES[0]?.stations.length ?? 0) + 1 });
    // Each rule's last sample is from its own evaluation: the rest go within a few seconds.
    await waitUntil(`every figure of province ${gone} gone`, async () => (await promQuery(national.url, `{__name__=~"ektp:.*",province="${gone}"}`)).length === 0, 10_000, 250);
  }, 45_000);
});
