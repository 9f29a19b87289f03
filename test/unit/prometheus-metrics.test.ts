import { describe, expect, it } from 'vitest';
import type { StationEntry } from '../../dashboard/fleet.js';
import { metricsText } from '../../dashboard/prometheus.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, T0 } from '../support/dashboard-rig.js';

function entry(station: string, h: HealthPayload | null, over: Partial<StationEntry> = {}): StationEntry {
  return { station, province: '53', regency: '5371', online: true, offlineReason: null, lastSeenMs: T0, health: h, healthAtMs: T0, ...over };
}

/** The sample lines (no comments), name{labels} → value. */
async function samples(entries: StationEntry[], extra: Partial<Parameters<typeof metricsText>[0]> = {}): Promise<Map<string, string>> {
  const body = (await metricsText({ entries, nowMs: T0 + 5000, staleAfterMs: 60_000, ...extra })).body.toString();
  const out = new Map<string, string>();
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

const names = (m: Map<string, string>, station: string) => [...m.keys()].filter((k) => k.includes(`station="${station}"`)).map((k) => k.slice(0, k.indexOf('{')));

describe('GET /metrics: the fleet in the Prometheus text format', () => {
  it("gives a live station's figures under the contract's names", async () => {
    const h = health('5371-01', '5371', (x) => {
      x.printer.supplies = [
        { kind: 'ribbon', name: 'YMCKO', levelPercent: 62, remaining: 310, capacity: 500, status: 'ok', daysLeft: 9.5, daysLeftReason: null, source: 'printer' },
        { kind: 'film', name: 'Film', levelPercent: 12, remaining: 60, capacity: 500, status: 'low', daysLeft: 1.5, daysLeftReason: null, source: 'counted' },
      ];
      Object.assign(x.stock, { blanksOnHand: 3210, daysLeft: 41, filmDaysLeft: 20.5, filmRolls: 2 });
      Object.assign(x.ups, { onBattery: true, chargePercent: 87, runtimeSeconds: 1500 });
      Object.assign(x.jobs, { queued: 412, printedToday: 37 });
      x.alerts = ['ups.on_battery', 'supply.film.low'];
    });
    const m = await samples([entry('5371-01', h)], { brokerConnected: true, severityOf: (_s, code) => (code === 'ups.on_battery' ? 'warning' : undefined) });
    expect(Object.fromEntries(m)).toMatchObject({
      'ektp_station_up{station="5371-01",province="53",regency="5371"}': '1',
      'ektp_station_info{station="5371-01",province="53",regency="5371"}': '1',
      'ektp_station_connection_lost{station="5371-01"}': '0',
      'ektp_station_health_age_seconds{station="5371-01"}': '5',
      'ektp_supply_level_percent{station="5371-01",kind="ribbon"}': '62',
      'ektp_supply_level_percent{station="5371-01",kind="film"}': '12',
      'ektp_supply_remaining_cards{station="5371-01",kind="film"}': '60',
      'ektp_supply_days_left{station="5371-01",kind="film"}': '20.5', // the office's days (roll and shelf), as the table shows
      'ektp_supply_days_left{station="5371-01",kind="blanks"}': '41',
      'ektp_stock_days_left{station="5371-01",kind="film"}': '20.5',
      'ektp_stock_rolls{station="5371-01",kind="film"}': '2',
      'ektp_blanks_on_hand{station="5371-01"}': '3210',
      'ektp_ups_on_battery{station="5371-01"}': '1',
      'ektp_ups_charge_percent{station="5371-01"}': '87',
      'ektp_cards_printed_today{station="5371-01"}': '37',
      'ektp_jobs_queued{station="5371-01"}': '412',
      'ektp_alert_active{station="5371-01",code="ups.on_battery",severity="warning"}': '1',
      // Not in the station's events (yet): the table's rule gives the severity.
      'ektp_alert_active{station="5371-01",code="supply.film.low",severity="warning"}': '1',
      ektp_dashboard_broker_connected: '1',
      ektp_dashboard_stations: '1',
    });
  });

  it('leaves unknown figures out, never 0', async () => {
    const h = health('5371-02', '5371', (x) => {
      x.printer.supplies = [{ kind: 'film', name: 'Film', levelPercent: null, remaining: null, capacity: null, status: 'unknown', daysLeft: null, daysLeftReason: 'no level', source: 'printer' }];
      Object.assign(x.stock, { blanksOnHand: null, daysLeft: null, ribbonRolls: null, filmRolls: null, ribbonDaysLeft: null, filmDaysLeft: null });
      Object.assign(x.ups, { onBattery: null, chargePercent: null, runtimeSeconds: null });
      Object.assign(x.jobs, { queued: null, printedToday: null, needsVerification: null });
      x.alerts = [];
    });
    // online unknown too: no status message said either way.
    const m = await samples([entry('5371-02', h, { online: null })]);
    expect(names(m, '5371-02')).toEqual(['ektp_station_info', 'ektp_station_health_age_seconds']);
    for (const [k, v] of m) if (k.includes('5371-02') && !k.startsWith('ektp_station_')) expect(v, k).not.toBe('0');
  });

  it("an offline or stale station keeps up, its connection and the health's age, not its old figures", async () => {
    const h = health('5303-01', '5303', (x) => Object.assign(x.jobs, { queued: 5 }));
    const lost = entry('5303-01', h, { online: false, offlineReason: 'lost', regency: '5303' });
    const silent = entry('5303-02', { ...h, station: '5303-02' }, { regency: '5303', healthAtMs: T0 - 120_000 });
    const shut = entry('5303-03', { ...h, station: '5303-03' }, { regency: '5303', online: false, offlineReason: 'shutdown' });
    const m = await samples([lost, silent, shut]);
    expect(m.get('ektp_station_up{station="5303-01",province="53",regency="5303"}')).toBe('0');
    expect(m.get('ektp_station_connection_lost{station="5303-01"}')).toBe('1');
    expect(m.get('ektp_station_connection_lost{station="5303-03"}')).toBe('0');
    expect(m.get('ektp_station_health_age_seconds{station="5303-02"}')).toBe('125');
    for (const s of ['5303-01', '5303-02', '5303-03']) expect(names(m, s).filter((n) => !n.startsWith('ektp_station_'))).toEqual([]);
    // The live figure is there for a fresh health: the rule above is about staleness, not the station.
    expect(names(await samples([entry('5303-04', { ...h, station: '5303-04' })]), '5303-04')).toContain('ektp_jobs_queued');
  });

  it("while the dashboard has lost its broker, stations are judged as of then: its own outage does not blank them", async () => {
    const h = health('5371-01', '5371', (x) => Object.assign(x.jobs, { queued: 9 }));
    const e = entry('5371-01', h);
    const later = { nowMs: T0 + 300_000 };
    expect((await samples([e], later)).has('ektp_jobs_queued{station="5371-01"}')).toBe(false);
    const m = await samples([e], { ...later, judgedAtMs: T0 + 10_000, brokerConnected: false });
    expect([m.get('ektp_jobs_queued{station="5371-01"}'), m.get('ektp_station_health_age_seconds{station="5371-01"}'), m.get('ektp_dashboard_broker_connected')]).toEqual(['9', '300', '0']);
  });

  it('escapes label values (a station id or code from a topic may hold quotes, backslashes, line breaks)', async () => {
    const odd = 'a"b\\c\nd';
    const h = health(odd, '5371', (x) => (x.alerts = ['x"y']));
    const body = (await metricsText({ entries: [entry(odd, h)], nowMs: T0, staleAfterMs: 60_000 })).body.toString();
    expect(body).toContain('ektp_station_info{station="a\\"b\\\\c\\nd",province="53",regency="5371"} 1\n');
    expect(body).toContain('ektp_alert_active{station="a\\"b\\\\c\\nd",code="x\\"y",severity="warning"} 1\n');
    // No raw line break inside a sample line.
    for (const line of body.split('\n')) if (line.startsWith('ektp_')) expect(line, line).toMatch(/^ektp_[a-z_]+(\{.*\})? [-\d.e+]+$/);
  });

  it('a new registry on every scrape: a figure that went unknown is gone at the next one', async () => {
    const h = health('5371-01', '5371', (x) => Object.assign(x.jobs, { queued: 7 }));
    expect((await samples([entry('5371-01', h)])).get('ektp_jobs_queued{station="5371-01"}')).toBe('7');
    const after = structuredClone(h);
    after.jobs.queued = null;
    expect((await samples([entry('5371-01', after)])).has('ektp_jobs_queued{station="5371-01"}')).toBe(false);
  });
});
