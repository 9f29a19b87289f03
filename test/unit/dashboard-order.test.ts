/**
 * A station's events in the order it made them: its installation, then its seq. The timestamp is
 * for people: a clock put right between a raise and its clear must not leave the alert raised at
 * the dashboard and at Alertmanager for ever, and a reinstalled PC, whose seq starts again at 1,
 * must not have its events dropped as duplicates of the old installation's.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActiveAlerts, type AlertChange } from '../../dashboard/active-alerts.js';
import { toAmAlert } from '../../dashboard/alertmanager.js';
import { DASHBOARD_DB, DashboardStore } from '../../dashboard/store.js';
import { Db } from '../../platform/db.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, ingestRig, openStores, T0 } from '../support/dashboard-rig.js';
import { tempDir } from '../support/sim.js';

afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

const ST = '5371-01';
const A = 'a1'.repeat(8);
const B = 'b2'.repeat(8);
const iso = (ms: number) => new Date(ms).toISOString();
const event = (seq: number, at: number, code: string, state: 'raised' | 'cleared', severity = 'critical') => ({ schema: 'station.event/1', station: ST, ts: iso(at), seq, code, state, severity, message: `${code} ${state}` });
const status = (installId: string, at: number) => ({ schema: 'station.status/1', station: ST, ts: iso(at), online: true, version: '0.1.0', installId });

/** The ingest on a real store, each event it keeps applied to the book of active alerts as the exporters do. */
async function alertRig() {
  const rig = await ingestRig();
  const book = new ActiveAlerts();
  const changes: AlertChange[] = [];
  let now = T0;
  rig.ingest.on('alert', (e) => changes.push(...book.apply(e, now)));
  const at = (ms: number) => {
    now = ms;
    rig.at(ms);
  };
  return { ...rig, book, changes, at, now: () => now };
}

describe("a station's events are ordered by seq, not by their stamps", () => {
  it('a raise stamped ahead of its clear (the clock put back between them): the alert is cleared and Alertmanager hears the end', async () => {
    const r = await alertRig();
    r.at(T0 + 3_600_000);
    await r.send(`5371/${ST}/status`, status(A, T0));
    // The PC's clock ran 5 minutes fast when it raised; NTP set it right before the clear.
    await r.send(`5371/${ST}/event`, event(10, T0 + 5 * 60_000, 'printer.offline', 'raised'));
    await r.send(`5371/${ST}/event`, event(11, T0 + 2 * 60_000, 'printer.offline', 'cleared'));
    expect(r.book.size).toBe(0);
    const end = r.changes.at(-1);
    expect(end?.kind).toBe('resolved');
    if (end?.kind !== 'resolved') throw new Error('no resolution');
    // What is posted to Alertmanager: an end that is already past, so it resolves the alert.
    const posted = toAmAlert(end.alert, end.endsAtMs);
    expect(posted.labels).toMatchObject({ alertname: 'printer.offline', station: ST });
    expect(Date.parse(posted.endsAt)).toBeLessThanOrEqual(r.now());
    expect(Date.parse(posted.endsAt)).toBeGreaterThanOrEqual(Date.parse(posted.startsAt));
    // The feed, newest first, shows the clear above its raise, each with the stamp the station gave.
    expect((await r.store.events(10, ST)).map((e) => [e.seq, e.state, e.ts])).toEqual([
      [11, 'cleared', iso(T0 + 2 * 60_000)],
      [10, 'raised', iso(T0 + 5 * 60_000)],
    ]);
    // And after a restart of the dashboard, the stored feed does not raise it again.
    const again = new ActiveAlerts();
    const loaded = again.load(await r.store.latestAlertEvents(), r.now(), r.now() - 3_600_000);
    expect(loaded.map((c) => c.kind)).toEqual(['resolved']);
    expect(again.size).toBe(0);
  });

  it('a graver raise stamped before the first (the clock put back between them) still replaces it', async () => {
    const r = await alertRig();
    r.at(T0 + 3_600_000);
    await r.send(`5371/${ST}/event`, event(30, T0 + 9 * 60_000, 'ups.comm_lost', 'raised', 'warning'));
    await r.send(`5371/${ST}/event`, event(31, T0 + 60_000, 'ups.comm_lost', 'raised', 'critical'));
    expect(r.book.list().map((a) => [a.code, a.severity, a.seq])).toEqual([['ups.comm_lost', 'critical', 31]]);
    expect(r.changes.map((c) => [c.kind, c.alert.severity])).toEqual([
      ['firing', 'warning'],
      ['resolved', 'warning'],
      ['firing', 'critical'],
    ]);
  });
});

describe('a reinstalled PC starts a new sequence the dashboard keeps', () => {
  const healthOf = (seq: number, at: number, alerts: string[]) =>
    health(ST, '5371', (h: HealthPayload) => {
      h.alerts = alerts;
    }, seq, at);

  it('its events from seq 1 are kept and shown, its alerts raised and cleared; what the old installation left raised is closed', async () => {
    const r = await alertRig();
    r.at(T0);
    await r.send(`5371/${ST}/status`, status(A, T0));
    await r.send(`5371/${ST}/event`, event(1, T0, 'printer.offline', 'raised'));
    await r.send(`5371/${ST}/event`, event(2, T0 + 1000, 'supply.ribbon.low', 'raised', 'warning'));
    await r.send(`5371/${ST}/event`, event(3, T0 + 2000, 'printer.offline', 'cleared'));
    await r.send(`5371/${ST}/health`, healthOf(4, T0 + 3000, ['supply.ribbon.low']));
    expect(r.book.list().map((a) => a.code)).toEqual(['supply.ribbon.low']);

    // The PC is reinstalled (a new database): its status says so, and its count starts again.
    const later = T0 + 2 * 3_600_000;
    r.at(later);
    await r.send(`5371/${ST}/status`, status(B, later));
    await r.send(`5371/${ST}/event`, event(1, later, 'supply.film.low', 'raised', 'warning'));
    await r.send(`5371/${ST}/health`, healthOf(2, later + 1000, ['supply.film.low']));
    await r.send(`5371/${ST}/event`, event(3, later + 2000, 'printer.offline', 'raised'));
    await r.send(`5371/${ST}/event`, event(4, later + 3000, 'printer.offline', 'cleared'));
    // A QoS 1 duplicate of the new installation's is still dropped.
    await r.send(`5371/${ST}/event`, event(4, later + 3000, 'printer.offline', 'cleared'));

    // Only the duplicate was dropped, none of the new installation's events.
    expect(r.ingest.metrics().duplicates).toBe(1);
    // Kept and shown: the feed has both installations' events, the new one's first.
    const feed = (await r.store.events(20, ST)).filter((e) => e.message.endsWith('raised') || e.message.endsWith('cleared'));
    expect(feed.map((e) => [e.installId, e.seq, e.code, e.state])).toEqual([
      [B, 4, 'printer.offline', 'cleared'],
      [B, 3, 'printer.offline', 'raised'],
      [B, 1, 'supply.film.low', 'raised'],
      [A, 3, 'printer.offline', 'cleared'],
      [A, 2, 'supply.ribbon.low', 'raised'],
      [A, 1, 'printer.offline', 'raised'],
    ]);
    // The row shows the new installation's health, though its seq is lower.
    expect(r.fleet.entries.get(ST)?.health?.seq).toBe(2);
    // Raised and cleared as the new PC says; the old one's ribbon alert, which the new PC does not
    // have, is closed (Alertmanager hears its end) rather than left firing for ever.
    expect(r.book.list().map((a) => a.code)).toEqual(['supply.film.low']);
    const ribbon = r.changes.filter((c) => c.alert.code === 'supply.ribbon.low').map((c) => c.kind);
    expect(ribbon).toEqual(['firing', 'resolved']);
    const closed = (await r.store.events(20, ST)).find((e) => e.code === 'supply.ribbon.low' && e.state === 'cleared');
    expect(closed?.message).toMatch(/reinstalled/);

    // A restart of the dashboard: the book made from the stored feed agrees.
    await r.ingest.flush();
    await r.store.close();
    openStores.splice(openStores.indexOf(r.store), 1);
    const store = await DashboardStore.open(r.dir);
    openStores.push(store);
    const again = new ActiveAlerts();
    again.load(await store.latestAlertEvents(), later + 10_000, later);
    expect(again.list().map((a) => a.code)).toEqual(['supply.film.low']);
    expect((await store.loadStations()).find((e) => e.station === ST)).toMatchObject({ installId: B });
  });
});

describe("a dashboard's file from before the installations", () => {
  it('is brought up to them: the feed, its acknowledgements and the stations kept, the old events as the first installation', async () => {
    const dir = tempDir('dash-v2-');
    const old = await Db.open(join(dir, DASHBOARD_DB));
    // The tables of version 2 (the events one per station and seq), with a station and its feed.
    await old.exec(`
      CREATE TABLE stations (station TEXT PRIMARY KEY, province TEXT NOT NULL, regency TEXT NOT NULL,
        online INTEGER, offline_reason TEXT, last_seen_ms INTEGER, health TEXT, health_at_ms INTEGER);
      CREATE TABLE events (id INTEGER PRIMARY KEY, station TEXT NOT NULL, province TEXT NOT NULL, regency TEXT NOT NULL,
        ts TEXT NOT NULL, seq INTEGER NOT NULL, code TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL,
        message TEXT NOT NULL, acked_at TEXT, acked_by TEXT, UNIQUE (station, seq));
      CREATE INDEX events_by_time ON events (ts);
      INSERT INTO stations VALUES ('${ST}', '53', '5371', 1, NULL, ${T0}, NULL, NULL);
      INSERT INTO events VALUES (7, '${ST}', '53', '5371', '${iso(T0)}', 40, 'printer.offline', 'raised', 'critical', 'printer.offline raised', '${iso(T0)}', 'IT-53');
      PRAGMA user_version = 2;`);
    await old.close();
    const store = await DashboardStore.open(dir);
    openStores.push(store);
    expect(await store.events(10)).toEqual([
      { id: 7, station: ST, province: '53', regency: '5371', ts: iso(T0), seq: 40, code: 'printer.offline', state: 'raised', severity: 'critical', message: 'printer.offline raised', ackedAt: iso(T0), ackedBy: 'IT-53', installId: null, install: 0 },
    ]);
    expect((await store.loadStations())[0]).toMatchObject({ station: ST, online: true, install: 0 });
    // The same seq from a newer installation is another event; from the same one, a duplicate.
    expect(await store.addEvent({ ...event(40, T0, 'printer.offline', 'cleared'), province: '53', regency: '5371', installId: B, install: 1 })).not.toBeNull();
    expect(await store.addEvent({ ...event(40, T0, 'printer.offline', 'cleared'), province: '53', regency: '5371', installId: B, install: 1 })).toBeNull();
  });
});
