import { afterEach, describe, expect, it } from 'vitest';
import { Fleet, toRow, type StationRow } from '../../dashboard/fleet.js';
import { Ingest } from '../../dashboard/ingest.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { DashboardStore } from '../../dashboard/store.js';
import { lending, ranking } from '../../dashboard/views.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, tempDir } from '../support/sim.js';

const validators = schemaValidators();
const cfg = dashboardSectionSchema.parse({ regencies: { '5371': { lat: -10.17, lon: 123.61 }, '5303': { lat: -10.02, lon: 123.89 }, '5310': { lat: -8.62, lon: 122.21 } } });
const T0 = Date.parse('2026-11-20T02:00:00.000Z');
const stores: DashboardStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A valid health from the fleet model, then changed for the case at hand. */
function health(id: string, regency: string, patch: (h: HealthPayload) => void = () => undefined, seq = 1, at = T0): HealthPayload {
  const h = new SimStation(0, rng(7)).health(new Date(at).toISOString(), seq);
  h.station = id;
  h.regency = regency;
  h.province = '53';
  patch(h);
  return h;
}

function supply(h: HealthPayload, kind: 'ribbon' | 'film', levelPercent: number | null, daysLeft: number | null, status: 'ok' | 'low' | 'empty' | 'unknown' = 'ok') {
  const s = h.printer.supplies.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind}`);
  Object.assign(s, { levelPercent, daysLeft, status, remaining: null });
}

async function rig() {
  const store = await DashboardStore.open(tempDir());
  stores.push(store);
  const fleet = new Fleet();
  let now = T0;
  const ingest = new Ingest({ prefix: 'ektp/v1', fleet, store, validators, log: quietLog, now: () => now, timeZone: 'Asia/Makassar' });
  const send = (topic: string, body: unknown, retained = false) => ingest.handle(`ektp/v1/53/${topic}`, Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), retained);
  return { store, fleet, ingest, send, at: (ms: number) => (now = ms) };
}

const rowsOf = (fleet: Fleet, now = T0) => fleet.rows(now, 60_000);
const byId = (rows: StationRow[], id: string) => rows.find((r) => r.station === id);

describe('the fleet simulator speaks the contract', () => {
  it('every health and event it makes over two simulated months validates against the JSON Schemas', () => {
    const s = new SimStation(3, rng(11));
    let seq = 1;
    const codes = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      for (const e of s.step(3600, 10)) {
        codes.add(e.code);
        expect(payloadErrors(validators, { schema: 'station.event/1', station: s.identity.id, ts: new Date(T0).toISOString(), seq: seq++, ...e })).toEqual([]);
      }
      expect(payloadErrors(validators, s.health(new Date(T0 + i * 10_000).toISOString(), seq++))).toEqual([]);
    }
    // Over two months it ran out of something and lost mains at least once.
    expect([...codes].some((c) => c.endsWith('.empty'))).toBe(true);
    expect(codes.has('ups.on_battery')).toBe(true);
  });
});

describe('ingest', () => {
  it('refuses what is not JSON, fails the schema, or names another station than its topic; counts and never shows it', async () => {
    const { send, fleet, ingest } = await rig();
    await send('5371/5371-01/health', '{not json');
    await send('5371/5371-01/health', { ...health('5371-01', '5371'), printer: 'broken' });
    await send('5371/5371-01/health', health('5371-02', '5371'));
    await send('5371/5371-01/status', health('5371-01', '5371'));
    expect(ingest.metrics().invalid).toEqual({ 'not-json': 1, schema: 1, 'wrong-station': 1, 'wrong-topic': 1 });
    expect(fleet.entries.get('5371-01')?.health ?? null).toBeNull();
    await send('5371/5371-01/health', health('5371-01', '5371'));
    expect(fleet.entries.get('5371-01')?.health?.station).toBe('5371-01');
    expect(ingest.metrics().applied).toBe(1);
  });

  it('an older or repeated health does not replace the newer one, and a retained copy is not counted as lag', async () => {
    const { send, fleet, ingest, at } = await rig();
    at(T0 + 300);
    await send('5371/5371-01/health', health('5371-01', '5371', () => undefined, 5), true);
    expect(ingest.metrics().lagMs.samples).toBe(0);
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => (h.jobs.queued = 1), 4));
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => (h.jobs.queued = 2), 5));
    expect(fleet.entries.get('5371-01')?.health?.seq).toBe(5);
    expect(ingest.metrics().duplicates).toBe(2);
    await send('5371/5371-01/health', health('5371-01', '5371', () => undefined, 6));
    expect(ingest.metrics().lagMs).toMatchObject({ samples: 1, max: 300 });
  });

  it('the Will turns a station offline and worst-first; a stale health is shown as stale, never as current', async () => {
    const { send, fleet } = await rig();
    await send('5371/5371-01/status', { schema: 'station.status/1', station: '5371-01', ts: new Date(T0).toISOString(), online: true });
    await send('5371/5371-01/health', health('5371-01', '5371'));
    await send('5303/5303-01/status', { schema: 'station.status/1', station: '5303-01', ts: new Date(T0).toISOString(), online: true });
    await send('5303/5303-01/health', health('5303-01', '5303'));
    expect(rowsOf(fleet).map((r) => [r.station, r.online, r.stale])).toEqual([
      ['5303-01', true, false],
      ['5371-01', true, false],
    ]);
    await send('5371/5371-01/status', { schema: 'station.status/1', station: '5371-01', ts: new Date(T0).toISOString(), online: false, reason: 'lost' });
    const rows = rowsOf(fleet);
    expect(rows[0]).toMatchObject({ station: '5371-01', online: false, offlineReason: 'lost', severity: 3, problems: ['offline'], stale: true });
    // Two minutes without a report: the last health is stale, not the station's present.
    expect(byId(rowsOf(fleet, T0 + 120_000), '5303-01')).toMatchObject({ stale: true, problems: ['stale'], severity: 1 });
  });

  it('an unknown level stays null in the row, never 0', async () => {
    const { send, fleet } = await rig();
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => supply(h, 'film', null, null, 'unknown')));
    expect(byId(rowsOf(fleet), '5371-01')?.supplies.film).toEqual({ levelPercent: null, daysLeft: null, status: 'unknown' });
  });

  it('events are kept once per seq (QoS 1 duplicates dropped) and can be acknowledged', async () => {
    const { send, store, ingest } = await rig();
    const raised: number[] = [];
    ingest.on('alert', (e) => raised.push(e.id));
    const ev = { schema: 'station.event/1', station: '5371-01', ts: new Date(T0).toISOString(), seq: 9, code: 'supply.film.empty', state: 'raised', severity: 'critical', message: 'film is empty' };
    await send('5371/5371-01/event', ev);
    await send('5371/5371-01/event', ev);
    expect(raised).toHaveLength(1);
    const [stored] = await store.events(10);
    expect(stored).toMatchObject({ code: 'supply.film.empty', ackedAt: null });
    const acked = await store.ack(stored!.id, 'IT-53', new Date(T0).toISOString());
    expect(acked).toMatchObject({ ackedBy: 'IT-53', ackedAt: new Date(T0).toISOString() });
  });

  it('a restart shows the picture at once: stations, days and history come back from the file', async () => {
    const dir = tempDir();
    const store = await DashboardStore.open(dir);
    const fleet = new Fleet();
    const ingest = new Ingest({ prefix: 'ektp/v1', fleet, store, validators, log: quietLog, now: () => T0, timeZone: 'Asia/Makassar' });
    await ingest.handle('ektp/v1/53/5371/5371-01/health', Buffer.from(JSON.stringify(health('5371-01', '5371', (h) => (h.jobs.printedToday = 42)))));
    await ingest.flush();
    await store.close();
    const again = await DashboardStore.open(dir);
    stores.push(again);
    const [e] = await again.loadStations();
    expect(e).toMatchObject({ station: '5371-01', health: { jobs: { printedToday: 42 } }, healthAtMs: T0 });
    // 02:00 UTC is 10:00 in Kupang (WITA): the day is the office's day.
    expect((await again.daily('2026-11-01')).get('5371-01')?.get('2026-11-20')).toBe(42);
    expect(await again.samples('5371-01', 0)).toHaveLength(1);
  });
});

describe('output ranking', () => {
  it('flags a station under the cards-a-day threshold and one whose queue would take too long', async () => {
    const { fleet } = await rig();
    const place = (id: string) => ({ province: '53', regency: id.slice(0, 4), station: id, kind: 'health' });
    fleet.applyHealth(place('5371-01'), health('5371-01', '5371', (h) => (h.jobs.queued = 100)), T0);
    fleet.applyHealth(place('5303-01'), health('5303-01', '5303', (h) => (h.jobs.queued = 2000)), T0);
    const days = ['2026-11-20', '2026-11-19', '2026-11-18'];
    const daily = new Map([
      ['5371-01', new Map([['2026-11-20', 150], ['2026-11-19', 140], ['2026-11-18', 160]])],
      ['5303-01', new Map([['2026-11-20', 12], ['2026-11-19', 9]])],
    ]);
    const r = ranking(rowsOf(fleet), daily, days, cfg);
    expect(r.map((x) => [x.station, x.week, x.perDay, x.flags])).toEqual([
      ['5371-01', 450, 150, []],
      ['5303-01', 21, 10.5, ['below_threshold', 'backlog']],
    ]);
  });
});

describe('lending suggestions', () => {
  function fleetOf(healths: HealthPayload[], now = T0): StationRow[] {
    const f = new Fleet();
    for (const h of healths) f.applyHealth({ province: h.province, regency: h.regency, station: h.station, kind: 'health' }, h, now);
    return f.rows(now, 60_000);
  }

  it('offers stations of the same province with spare film beyond their own needs, nearest regency first, same printer model only', () => {
    const model = 'FARGO HDP5000 (simulated)';
    const rows = fleetOf([
      health('5371-01', '5371', (h) => {
        supply(h, 'film', 0, 0, 'empty');
        h.printer.model = model;
      }),
      health('5310-01', '5310', (h) => {
        supply(h, 'film', 90, 60);
        h.printer.model = model;
      }),
      health('5303-01', '5303', (h) => {
        supply(h, 'film', 80, 40);
        h.printer.model = model;
      }),
      // Not enough beyond its own lead time (7) and reserve (14).
      health('5371-02', '5371', (h) => {
        supply(h, 'film', 30, 15);
        h.printer.model = model;
      }),
      // Plenty, but another printer's film does not fit.
      health('5371-03', '5371', (h) => {
        supply(h, 'film', 95, 90);
        h.printer.model = 'Datacard CD800 (simulated)';
      }),
      // Plenty, but in another province.
      { ...health('5271-01', '5271', (h) => supply(h, 'film', 95, 90)), province: '52' },
    ]);
    const film = lending(rows, cfg).find((s) => s.station === '5371-01' && s.kind === 'film');
    expect(film?.lenders.map((l) => [l.station, l.distanceKm, l.spareDays, l.basis, l.sameModel])).toEqual([
      ['5303-01', 35, 19, 'forecast', true],
      ['5310-01', 231, 39, 'forecast', true],
    ]);
  });

  it('a lender whose own use is not known yet is offered only when well stocked, after the forecast ones; a stale one not at all', () => {
    const rows = fleetOf([
      health('5371-01', '5371', (h) => supply(h, 'ribbon', 5, 2, 'low')),
      health('5371-02', '5371', (h) => supply(h, 'ribbon', 70, null)),
      health('5371-03', '5371', (h) => supply(h, 'ribbon', 30, null)),
      health('5371-04', '5371', (h) => supply(h, 'ribbon', 90, 100)),
    ]);
    const ribbon = lending(rows, cfg).find((s) => s.station === '5371-01' && s.kind === 'ribbon');
    expect(ribbon?.lenders.map((l) => [l.station, l.basis])).toEqual([
      ['5371-04', 'forecast'],
      ['5371-02', 'level'],
    ]);
    const stale = toRow({ ...new Fleet().entry({ province: '53', regency: '5371', station: 'x', kind: 'health' }), health: health('x', '5371', (h) => supply(h, 'ribbon', 90, 100)), healthAtMs: T0 - 3600_000 }, T0, 60_000);
    expect(lending([...rows.filter((r) => r.station !== '5371-04'), { ...stale, station: '5371-09' }], cfg).find((s) => s.kind === 'ribbon')?.lenders.map((l) => l.station)).toEqual(['5371-02']);
  });
});

describe('the live stream', () => {
  it('cuts off a page that stopped reading instead of holding the province\'s updates in memory; a reading page stays', async () => {
    const { DashboardServer } = await import('../../dashboard/server.js');
    const { connect } = await import('node:net');
    const api = { handle: () => Promise.resolve([]) } as unknown as ConstructorParameters<typeof DashboardServer>[0]['api'];
    const server = new DashboardServer({ host: '127.0.0.1', port: 0, token: null, api, log: quietLog });
    await server.start();
    const port = Number(new URL(server.address).port);
    const open = (read: boolean) =>
      new Promise<import('node:net').Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write('GET /api/stream HTTP/1.1\r\nHost: x\r\n\r\n'));
        s.once('data', () => {
          if (!read) s.pause();
          resolve(s);
        });
        if (read) s.on('data', () => undefined);
      });
    const asleep = await open(false);
    const awake = await open(true);
    try {
      expect(server.clients).toBe(2);
      const big = 'x'.repeat(1024 * 1024);
      for (let i = 0; i < 40 && server.clients > 1; i++) {
        server.broadcast('rows', big);
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(server.clients).toBe(1);
    } finally {
      asleep.destroy();
      awake.destroy();
      await server.stop();
    }
  });
});

describe('cards per day in memory', () => {
  it('forgets days older than the ranking reads, keeps the rest', async () => {
    const { ingest, send } = await rig();
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => (h.jobs.printedToday = 5), 1, T0 - 10 * 86_400_000));
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => (h.jobs.printedToday = 7), 2, T0));
    expect([...(ingest.daily.get('5371-01')?.keys() ?? [])]).toEqual(['2026-11-10', '2026-11-20']);
    ingest.forgetDaysBefore('2026-11-12');
    expect([...(ingest.daily.get('5371-01')?.entries() ?? [])]).toEqual([['2026-11-20', 7]]);
  });
});
