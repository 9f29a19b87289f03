import { describe, expect, it } from 'vitest';
import { Api } from '../../dashboard/api.js';
import { Fleet, queueGrowing, toRow } from '../../dashboard/fleet.js';
import { regionNames } from '../../dashboard/regions.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, T0 } from '../support/dashboard-rig.js';

const cfg = dashboardSectionSchema().parse({ regencies: { '5303': { name: 'Kupang (kabupaten)', lat: -10.02, lon: 123.89 } } });
const place = (h: HealthPayload) => ({ province: h.province, regency: h.regency, station: h.station, kind: 'health' });
const MIN = 60_000;
const ctx = { leadDays: cfg.leadDays, names: regionNames(cfg.regencies) };

function rowOf(h: HealthPayload, at = T0, now = T0) {
  const f = new Fleet();
  f.applyHealth(place(h), h, at);
  return toRow(f.entries.get(h.station)!, now, 60_000, ctx);
}

describe('trouble seen before the station raises it', () => {
  it('a supply inside its lead time colours the row though no alert is raised; far from it, nothing', () => {
    const soon = rowOf(health('5371-01', '5371', (h) => {
      Object.assign(h.printer.supplies.find((s) => s.kind === 'ribbon')!, { levelPercent: 12, daysLeft: 0.6, status: 'ok' });
      h.alerts = [];
    }));
    expect(soon.trouble).toEqual(['supply.ribbon.soon']);
    expect(soon.severity).toBe(2);
    expect(soon.problems).toContain('supplies');
    const fine = rowOf(health('5371-02', '5371', (h) => {
      for (const s of h.printer.supplies) Object.assign(s, { daysLeft: 90, status: 'ok' });
      h.stock.daysLeft = 300;
      h.alerts = [];
    }));
    expect(fine.trouble).toEqual([]);
    expect(fine.severity).toBe(0);
  });

  it('on battery is trouble before ups.on_battery is raised; a growing queue is; not seen for three health periods is', () => {
    const battery = rowOf(health('5371-03', '5371', (h) => {
      Object.assign(h.ups, { status: 'on_battery', onBattery: true });
      for (const s of h.printer.supplies) Object.assign(s, { daysLeft: 90 });
      h.stock.daysLeft = 300;
      h.alerts = [];
    }));
    expect(battery.trouble).toEqual(['ups.on_battery']);

    const f = new Fleet();
    for (const [i, queued] of [10, 11, 13, 16, 18].entries()) {
      const h = health('5371-04', '5371', (x) => ((x.jobs.queued = queued), (x.alerts = [])), i + 1, T0 + i * 5 * MIN);
      f.applyHealth(place(h), h, T0 + i * 5 * MIN);
    }
    expect(queueGrowing(f.entries.get('5371-04')?.queueSamples)).toBe(true);
    expect(toRow(f.entries.get('5371-04')!, T0 + 20 * MIN, 60_000, ctx).trouble).toContain('jobs.queue_growing');
    // Steady, or too short a time to tell: not growing.
    expect(queueGrowing([[T0, 10], [T0 + 20 * MIN, 12]])).toBe(false);
    expect(queueGrowing([[T0, 10], [T0 + 5 * MIN, 30]])).toBe(false);

    const silent = rowOf(health('5371-05', '5371'), T0, T0 + 5 * MIN);
    expect(silent.stale).toBe(true);
    expect(silent.trouble).toContain('not_seen');
  });

  it('one queue sample per five minutes is kept per station, an hour at most', () => {
    const f = new Fleet();
    for (let i = 0; i < 720; i++) {
      const h = health('5371-06', '5371', (x) => (x.jobs.queued = i), i + 1, T0 + i * 10_000);
      f.applyHealth(place(h), h, T0 + i * 10_000);
    }
    const kept = f.entries.get('5371-06')?.queueSamples ?? [];
    expect(kept.length).toBeLessThanOrEqual(14);
    expect(kept[kept.length - 1]).toEqual([T0 + 719 * 10_000, 719]);
  });
});

describe('names instead of codes', () => {
  it('regency and province names by Kemendagri code, the configuration winning; the station name from its status', () => {
    const names = regionNames(cfg.regencies);
    expect(names('5371')).toBe('Kota Kupang');
    expect(names('53')).toBe('Nusa Tenggara Timur');
    expect(names('5303')).toBe('Kupang (kabupaten)');
    expect(names('9999')).toBeNull();
    expect(names('__proto__')).toBeNull();
    const f = new Fleet();
    const h = health('5371-01', '5371');
    f.applyHealth(place(h), h, T0);
    f.applyStatus({ ...place(h), kind: 'status' }, { schema: 'station.status/1', station: '5371-01', ts: new Date(T0).toISOString(), online: true, name: 'Dukcapil Kota Kupang' }, T0);
    expect(toRow(f.entries.get('5371-01')!, T0, 60_000, ctx)).toMatchObject({ name: 'Dukcapil Kota Kupang', regencyName: 'Kota Kupang', provinceName: 'Nusa Tenggara Timur' });
  });
});

describe("the dashboard's own link", () => {
  it('while it has lost the broker, stations are judged as of then: none turns stale for the dashboard\'s outage', () => {
    const f = new Fleet();
    const h = health('5371-01', '5371');
    f.applyHealth(place(h), h, T0);
    let now = T0 + 30_000;
    const link = { connected: true, lostSince: null as number | null };
    const api = new Api({ fleet: f, ingest: { day: () => '', daily: new Map(), diagnostics: new Map() } as never, store: {} as never, cfg, now: () => now, monotonic: () => now, staleAfterMs: 60_000, started: T0, link: () => link, rowContext: ctx });
    link.connected = false;
    link.lostSince = now;
    now = T0 + 3600_000;
    api.invalidate();
    expect(api.rows()[0]?.stale).toBe(false);
    expect(api.linkState()).toEqual({ connected: false, lostSince: new Date(T0 + 30_000).toISOString() });
    link.connected = true;
    link.lostSince = null;
    api.invalidate();
    expect(api.rows()[0]?.stale).toBe(true);
  });

  it("Wills that arrive just before the dashboard loses its broker (the broker going down) are taken back; an older one stands", () => {
    const f = new Fleet();
    const status = (id: string, online: boolean, at: number) => {
      const h = health(id, '5371');
      f.applyStatus({ ...place(h), kind: 'status' }, online ? { schema: 'station.status/1', station: id, ts: new Date(at).toISOString(), online } : { schema: 'station.status/1', station: id, ts: new Date(at).toISOString(), online, reason: 'lost' }, at);
    };
    status('5371-01', true, T0);
    status('5371-02', true, T0);
    status('5371-01', false, T0 + 60_000); // a real outage, a minute before
    status('5371-02', false, T0 + 119_000); // the broker's shutdown
    expect(f.revokeWillsSince(T0 + 120_000 - 5000)).toEqual(['5371-02']);
    expect(f.entries.get('5371-02')).toMatchObject({ online: true, offlineReason: null });
    expect(f.entries.get('5371-01')).toMatchObject({ online: false, offlineReason: 'lost' });
  });
});

describe('two PCs under one station id', () => {
  const status = (installId: string, at: number) => ({ schema: 'station.status/1' as const, station: '5371-01', ts: new Date(at).toISOString(), online: true as const, version: '0.1.0', installId });
  const PLACE = { province: '53', regency: '5371', station: '5371-01', kind: 'status' };
  const A = 'a'.repeat(16);
  const B = 'b'.repeat(16);

  it('two installations within a day are a conflict shown on the row; a reinstalled PC (the old one not heard for a day) is not', () => {
    const f = new Fleet();
    const h = health('5371-01', '5371');
    f.applyHealth(place(h), h, T0);
    f.applyStatus(PLACE, status(A, T0), T0);
    expect(toRow(f.entries.get('5371-01')!, T0, 60_000, ctx).trouble).not.toContain('id_conflict');
    // The two PCs take the broker session from each other: each says its status on connecting.
    f.applyStatus(PLACE, status(B, T0 + 5_000), T0 + 5_000);
    f.applyStatus(PLACE, status(A, T0 + 9_000), T0 + 9_000);
    const row = toRow(f.entries.get('5371-01')!, T0 + 9_000, 60_000, ctx);
    expect(row.trouble).toContain('id_conflict');
    expect(row.installIds).toEqual([A, B]);
    expect(row.severity).toBeGreaterThanOrEqual(2);
    // A reinstall: the old database's id was last heard more than a day ago.
    const g = new Fleet();
    g.applyStatus(PLACE, status(A, T0), T0);
    g.applyStatus(PLACE, status(B, T0 + 25 * 3_600_000), T0 + 25 * 3_600_000);
    const reinstalled = toRow(g.entries.get('5371-01')!, T0 + 25 * 3_600_000, 60_000, ctx);
    expect(reinstalled.trouble).not.toContain('id_conflict');
    expect(reinstalled.installIds).toEqual([B]);
  });
});
