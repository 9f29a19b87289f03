/**
 * The samples in deploy/prometheus/ and deploy/alertmanager/ are what the province copies: they
 * must pass the tools' own checks, and read only metrics the dashboard gives.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { StationEntry } from '../../dashboard/fleet.js';
import { metricsText } from '../../dashboard/prometheus.js';
import { health, T0 } from '../support/dashboard-rig.js';
import { peerAvailable } from '../support/peers.js';
import { runTool } from '../support/prometheus.js';
import { tempDir } from '../support/sim.js';

const ROOT = join(import.meta.dirname, '../..');
const PROM = join(ROOT, 'deploy/prometheus');
const NATIONAL_GRAFANA = join(ROOT, 'deploy/grafana/ektp-national.json');
// An office with use: every office metric is on the page (a point and days left only at use).
const OFFICES = [{ office: '5371-DINAS', province: '53', regency: '5371', onHand: 700, daysLeft: 7, requestPoint: 3500, ratePerDay: 100, printedMonth: 900 }];
const AM_CONFIG = join(ROOT, 'deploy/alertmanager/alertmanager.yml');
const hasPromtool = peerAvailable('promtool (Debian package prometheus)', 'promtool');
const entry = (station: string, h: ReturnType<typeof health>): StationEntry => ({ station, province: '53', regency: '5371', online: true, offlineReason: null, lastSeenMs: T0, health: h, healthAtMs: T0 });
const hasAmtool = peerAvailable('amtool (Debian package prometheus-alertmanager)', 'amtool');

describe.skipIf(!hasPromtool)('deploy/prometheus against promtool', () => {
  it('the rules pass promtool check rules', () => {
    const r = runTool('promtool', ['check', 'rules', join(PROM, 'ektp-rules.yml')]);
    // 7 alerting rules and 18 recording rules (9 figures, by regency and by province).
    expect(r.output).toContain('SUCCESS: 25 rules found');
    expect(r.code, r.output).toBe(0);
  });

  it('the rules fire on the series the dashboard gives, and only where they should (promtool test rules)', () => {
    const r = runTool('promtool', ['test', 'rules', join(ROOT, 'test/fixtures/prometheus/ektp-rules.test.yml')]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it("Prometheus's own parser takes the text (promtool check metrics): only the contract's day units are linted", async () => {
    const h = health('5371-01', '5371', (x) => {
      Object.assign(x.stock, { blanksOnHand: 100, daysLeft: 10, filmDaysLeft: 4 });
      x.alerts = ['supply.film.low'];
    });
    const { body } = await metricsText({ entries: [entry('5371-01', h), entry('q"\\x', h)], nowMs: T0, staleAfterMs: 60_000, brokerConnected: false, alertmanager: { up: false, pending: 3 }, offices: OFFICES });
    const r = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    const complaints = `${r.stdout}${r.stderr}`.split('\n').filter(Boolean);
    // Exit 3 is lint only; a text it cannot parse exits 1 with "error while linting".
    expect(r.status === 0 || r.status === 3, complaints.join('\n')).toBe(true);
    for (const c of complaints) expect(c).toMatch(/^ektp_(supply|stock|office)_days_left use base unit "seconds" instead of "days"$/);
  });

  it('prometheus.yml passes promtool check config (with its rule file)', () => {
    const r = runTool('promtool', ['check', 'config', join(PROM, 'prometheus.yml')]);
    expect(r.code, r.output).toBe(0);
  });

  it("national.yml, the ministry's, passes promtool check config", () => {
    const r = runTool('promtool', ['check', 'config', join(PROM, 'national.yml')]);
    expect(r.code, r.output).toBe(0);
  });
});

describe.skipIf(!hasAmtool)('deploy/alertmanager against amtool', () => {
  it('alertmanager.yml passes amtool check-config (on 0.25, with the Telegram token inline, the one thing 0.25 lacks)', () => {
    const asIs = runTool('amtool', ['check-config', AM_CONFIG]);
    if (asIs.code === 0) return; // Alertmanager 0.26 or later: bot_token_file is known.
    // Debian 12's 0.25 does not know bot_token_file; that must be the only complaint.
    expect(asIs.output).toMatch(/field bot_token_file not found/);
    const text = readFileSync(AM_CONFIG, 'utf8');
    expect(text.match(/bot_token_file:/g)).toHaveLength(1);
    const copy = join(tempDir('amtool-'), 'alertmanager.yml');
    writeFileSync(copy, text.replace(/bot_token_file: .*/, 'bot_token: "123456:ABC-DEF"'));
    const r = runTool('amtool', ['check-config', copy]);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/2 receivers/);
  });
});

describe('the samples read only what /metrics gives', () => {
  it('every ektp_ metric in the rules and the Grafana dashboard is one the dashboard exposes', async () => {
    const body = (await metricsText({ entries: [], nowMs: 0, staleAfterMs: 60_000, brokerConnected: true, alertmanager: { up: true, pending: 0 }, offices: OFFICES })).body.toString();
    const exposed = new Set([...body.matchAll(/^# HELP (ektp_[a-z_]+) /gm)].map((m) => m[1]));
    const grafana = JSON.parse(readFileSync(join(PROM, 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };
    const exprs = grafana.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThan(10);
    const read = [...exprs, readFileSync(join(PROM, 'ektp-rules.yml'), 'utf8')].flatMap((t) => [...t.matchAll(/\bektp_[a-z_]+/g)].map((m) => m[0]));
    const unknown = [...new Set(read)].filter((n) => !exposed.has(n));
    expect(unknown).toEqual([]);
    // The contract's names are all there.
    for (const n of ['ektp_station_up', 'ektp_supply_level_percent', 'ektp_supply_remaining_cards', 'ektp_supply_days_left', 'ektp_blanks_on_hand', 'ektp_ups_on_battery', 'ektp_ups_charge_percent', 'ektp_cards_printed_today', 'ektp_jobs_queued', 'ektp_alert_active']) {
      expect(exposed.has(n), n).toBe(true);
    }
  });
});

describe("the ministry's samples read only the provinces' recording rules", () => {
  const recorded = new Set([...readFileSync(join(PROM, 'ektp-rules.yml'), 'utf8').matchAll(/^\s*- record: (\S+)$/gm)].map((m) => m[1]));

  it('every query of ektp-national.json reads recording rules of ektp-rules.yml (or up), never a metric of /metrics', () => {
    const grafana = JSON.parse(readFileSync(NATIONAL_GRAFANA, 'utf8')) as { panels: { targets: { expr: string }[] }[]; templating: { list: { query: { query: string } }[] } };
    const exprs = [...grafana.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...grafana.templating.list.map((v) => v.query.query)];
    const names = exprs.flatMap((e) => [...e.replaceAll(/\{[^}]*\}/g, '').matchAll(/\bektp[:_][a-z_:]+/g)].map((m) => m[0]));
    // The only other series: whether each province's server answers.
    const others = exprs.filter((e) => !/\bektp:/.test(e));
    expect(others.length).toBeGreaterThan(0);
    for (const e of others) expect(e.replaceAll(/\bup\{job="ektp-provinces",province=~"\$province"\}/g, ''), e).not.toMatch(/[a-z_]+\{/);
    expect([...new Set(names)].filter((n) => !recorded.has(n))).toEqual([]);
    // Each figure recorded by province is on the dashboard.
    expect([...recorded].filter((r) => r?.endsWith(':sum_by_province') && !names.includes(r))).toEqual([]);
  });

  it('national.yml federates only ektp:... and has one target for each province, labelled with its code', () => {
    const c = parse(readFileSync(join(PROM, 'national.yml'), 'utf8')) as { scrape_configs: { honor_labels: boolean; metrics_path: string; params: Record<string, string[]>; static_configs: { targets: string[]; labels: { province: string } }[] }[] };
    const regions = JSON.parse(readFileSync(join(ROOT, 'dashboard/regions.json'), 'utf8')) as { provinces: Record<string, string> };
    expect(c.scrape_configs).toHaveLength(1);
    const [job] = c.scrape_configs;
    expect(job).toMatchObject({ honor_labels: true, metrics_path: '/federate', params: { 'match[]': ['{__name__=~"ektp:.*"}'] } });
    expect(job?.static_configs.map((s) => s.labels.province)).toEqual(Object.keys(regions.provinces));
    expect(job?.static_configs.every((s) => s.targets.length === 1)).toBe(true);
  });
});
