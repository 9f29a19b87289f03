import { afterEach, describe, expect, it } from 'vitest';
import { Fleet, toRow, type StationRow } from '../../dashboard/fleet.js';
import { Ingest } from '../../dashboard/ingest.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { DashboardStore } from '../../dashboard/store.js';
import { lending, ranking } from '../../dashboard/views.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, ingestRig, openStores, T0 } from '../support/dashboard-rig.js';
import { waitUntil } from '../support/peers.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, tempDir } from '../support/sim.js';

const validators = schemaValidators();
const cfg = dashboardSectionSchema().parse({ regencies: { '5371': { lat: -10.17, lon: 123.61 }, '5303': { lat: -10.02, lon: 123.89 }, '5310': { lat: -8.62, lon: 122.21 } } });
afterEach(async () => {
  for (const s of openStores.splice(0)) await s.close();
});

function supply(h: HealthPayload, kind: 'ribbon' | 'film', levelPercent: number | null, daysLeft: number | null, status: 'ok' | 'low' | 'empty' | 'unknown' = 'ok') {
  const s = h.printer.supplies.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind}`);
  Object.assign(s, { levelPercent, daysLeft, status, remaining: null });
}

const rig = () => ingestRig();

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
    // Not seen for three health periods colours the row as a warning does (trouble before the alarm).
    expect(byId(rowsOf(fleet, T0 + 120_000), '5303-01')).toMatchObject({ stale: true, problems: ['stale'], trouble: ['not_seen'], severity: 2 });
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
    openStores.push(again);
    const [e] = await again.loadStations();
    expect(e).toMatchObject({ station: '5371-01', health: { jobs: { printedToday: 42 } }, healthAtMs: T0 });
    // 02:00 UTC is 10:00 in Kupang (WITA): the day is the office's day.
    expect((await again.daily('2026-11-01')).get('5371-01')?.get('2026-11-20')).toBe(42);
    expect(await again.dailyOf('5371-01', '2026-11-01')).toEqual([{ day: '2026-11-20', printed: 42 }]);
    expect(await again.samples('5371-01', 0)).toHaveLength(1);
  });
});

describe('output ranking', () => {
  it('flags a station under the cards-a-day threshold and one whose queue would take too long; a silent day counts as none printed', async () => {
    const { fleet } = await rig();
    const place = (id: string) => ({ province: '53', regency: id.slice(0, 4), station: id, kind: 'health' });
    fleet.applyHealth(place('5371-01'), health('5371-01', '5371', (h) => (h.jobs.queued = 100)), T0);
    fleet.applyHealth(place('5303-01'), health('5303-01', '5303', (h) => (h.jobs.queued = 2000)), T0);
    fleet.applyHealth(place('5310-01'), health('5310-01', '5310', (h) => (h.jobs.queued = 0)), T0);
    fleet.applyHealth(place('5310-02'), health('5310-02', '5310', (h) => (h.jobs.queued = 0)), T0);
    const days = ['2026-11-20', '2026-11-19', '2026-11-18', '2026-11-17'];
    const daily = new Map([
      ['5371-01', new Map([['2026-11-20', 150], ['2026-11-19', 140], ['2026-11-18', 160], ['2026-11-17', 150]])],
      ['5303-01', new Map([['2026-11-20', 12], ['2026-11-19', 9]])],
      // Printed 40 four days ago, then nothing heard: 10 a day, not 40.
      ['5310-01', new Map([['2026-11-17', 40]])],
    ]);
    const r = ranking(rowsOf(fleet), daily, days, cfg);
    expect(r.map((x) => [x.station, x.today, x.week, x.days, x.perDay, x.flags])).toEqual([
      ['5371-01', 150, 600, 4, 150, []],
      ['5310-01', null, 40, 4, 10, ['below_threshold']],
      ['5303-01', 12, 21, 2, 10.5, ['below_threshold', 'backlog']],
      // Never reported a count: unknown, not zero, and not flagged on a guess.
      ['5310-02', null, null, 0, null, []],
    ]);
  });

  it('counts the rise of printedToday per local day: a reset starts again, a replayed backlog is not counted twice', async () => {
    const { send, ingest, at: clock } = await rig();
    clock(Date.parse('2026-11-20T07:00:00Z')); // the dashboard's clock, after every sample below
    const at = (iso: string, printed: number, seq: number) => health('5371-01', '5371', (h) => (h.jobs.printedToday = printed), seq, Date.parse(iso));
    // 2026-11-19 in WITA: 10, then 25 (15 more).
    await send('5371/5371-01/health', at('2026-11-19T02:00:00Z', 10, 1));
    await send('5371/5371-01/health', at('2026-11-19T08:00:00Z', 25, 2));
    // Next day, the station's counter started again at its midnight: 4.
    await send('5371/5371-01/health', at('2026-11-20T01:00:00Z', 4, 3));
    // Back from an outage: the live report first (30), then the backlog replayed (seq 4, 5).
    await send('5371/5371-01/health', at('2026-11-20T06:00:00Z', 30, 6));
    await send('5371/5371-01/health', at('2026-11-20T03:00:00Z', 12, 4));
    await send('5371/5371-01/health', at('2026-11-20T04:00:00Z', 20, 5));
    expect([...(ingest.daily.get('5371-01')?.entries() ?? [])]).toEqual([
      ['2026-11-19', 25],
      ['2026-11-20', 30],
    ]);
  });
});

describe('stations that move, retained copies, blanks', () => {
  it('a station moved to another regency stays there: old retained messages from the old topic do not move it back or turn it offline', async () => {
    const { send, fleet } = await rig();
    await send('5303/5371-01/health', health('5371-01', '5303', () => undefined, 10));
    await send('5303/5371-01/status', { schema: 'station.status/1', station: '5371-01', ts: new Date(T0).toISOString(), online: true });
    await send('5371/5371-01/status', { schema: 'station.status/1', station: '5371-01', ts: new Date(T0 - 86_400_000).toISOString(), online: false, reason: 'shutdown' }, true);
    await send('5371/5371-01/health', health('5371-01', '5371', () => undefined, 3, T0 - 86_400_000), true);
    expect(byId(rowsOf(fleet), '5371-01')).toMatchObject({ regency: '5303', online: true });
  });

  it('a retained health a week old is stale at once, and its station was last seen a week ago', async () => {
    const { send, fleet, at } = await rig();
    const weekAgo = T0 - 7 * 86_400_000;
    at(T0);
    await send('5371/5371-01/health', health('5371-01', '5371', () => undefined, 1, weekAgo), true);
    await send('5371/5371-01/status', { schema: 'station.status/1', station: '5371-01', ts: new Date(weekAgo).toISOString(), online: true }, true);
    expect(byId(rowsOf(fleet), '5371-01')).toMatchObject({ stale: true, lastSeen: new Date(weekAgo).toISOString() });
  });

  it('blanks run out when the office stock does, not when the hopper is empty with thousands on the shelf', async () => {
    const { send, fleet } = await rig();
    const hopperEmpty = (h: HealthPayload) => {
      Object.assign(h.printer.supplies.find((x) => x.kind === 'blanks')!, { levelPercent: 0, remaining: 0, status: 'empty' });
    };
    await send('5371/5371-01/health', health('5371-01', '5371', (h) => (hopperEmpty(h), (h.stock.blanksOnHand = 4000), (h.stock.daysLeft = 50))));
    await send('5371/5371-02/health', health('5371-02', '5371', (h) => ((h.stock.blanksOnHand = 0), (h.stock.daysLeft = 0))));
    const rows = rowsOf(fleet);
    expect(byId(rows, '5371-01')?.supplies.blanks).toEqual({ levelPercent: 0, daysLeft: 50, status: 'ok' });
    expect(byId(rows, '5371-02')?.supplies.blanks.status).toBe('empty');
    const blanks = lending(rows, cfg).filter((x) => x.kind === 'blanks');
    expect(blanks.map((x) => [x.station, x.lenders.map((l) => l.station)])).toEqual([['5371-02', ['5371-01']]]);
  });

  it('a clean stop needs a look (severity 2); a lost connection is an outage (3)', async () => {
    const { send, fleet } = await rig();
    for (const [id, reason] of [['5371-01', 'shutdown'], ['5371-02', 'lost']] as const) {
      await send(`5371/${id}/health`, health(id, '5371'));
      await send(`5371/${id}/status`, { schema: 'station.status/1', station: id, ts: new Date(T0).toISOString(), online: false, reason });
    }
    expect(rowsOf(fleet).map((r) => [r.station, r.severity])).toEqual([
      ['5371-02', 3],
      ['5371-01', 2],
    ]);
  });
});

describe('lending suggestions', () => {
  function fleetOf(healths: HealthPayload[], now = T0): StationRow[] {
    const f = new Fleet();
    for (const h of healths) f.applyHealth({ province: h.province, regency: h.regency, station: h.station, kind: 'health' }, h, now);
    return f.rows(now, 60_000);
  }
  const model = 'FARGO HDP5000 (simulated)';
  /** A station printing 40 cards a day with this much film: in the printer (cards) and rolls on the shelf. */
  const filmStation = (id: string, regency: string, o: { inPrinter: number; shelf: number | null; daysLeft: number | null; status?: 'ok' | 'low' | 'empty'; model?: string }) =>
    health(id, regency, (h) => {
      Object.assign(h.printer.supplies.find((x) => x.kind === 'film')!, { remaining: o.inPrinter, capacity: 1500, levelPercent: Math.round((o.inPrinter / 1500) * 100), daysLeft: o.daysLeft, status: o.status ?? 'ok' });
      h.stock.filmRolls = o.shelf;
      h.stock.cardsPerDay = 40;
      h.printer.model = o.model ?? model;
    });

  it('offers rolls from lenders\' shelves, counted beyond their own lead-time need, never the roll in their printer; nearest first, same model only', () => {
    const rows = fleetOf([
      filmStation('5371-01', '5371', { inPrinter: 0, shelf: 0, daysLeft: 0, status: 'empty' }),
      // 40 a day over 7 + 14 days = 840 cards: its printer roll covers that, so both shelf rolls are spare.
      filmStation('5310-01', '5310', { inPrinter: 1400, shelf: 2, daysLeft: 60 }),
      // Needs one of its two shelf rolls itself (200 in the printer): one to spare.
      filmStation('5303-01', '5303', { inPrinter: 200, shelf: 2, daysLeft: 40 }),
      // A full roll in its printer, nothing on the shelf: nothing to lend.
      filmStation('5371-02', '5371', { inPrinter: 1500, shelf: 0, daysLeft: 37 }),
      // Plenty, but another printer's film does not fit.
      filmStation('5371-03', '5371', { inPrinter: 1500, shelf: 5, daysLeft: 200, model: 'Datacard CD800 (simulated)' }),
      // Plenty, but in another province.
      { ...filmStation('5271-01', '5271', { inPrinter: 1500, shelf: 5, daysLeft: 200 }), province: '52' },
    ]);
    const film = lending(rows, cfg).find((s) => s.station === '5371-01' && s.kind === 'film');
    // It needs 840 cards over its lead time and reserve: one roll of 1500.
    expect(film).toMatchObject({ unit: 'rolls', need: 1, short: 0 });
    expect(film?.lenders.map((l) => [l.station, l.distanceKm, l.give, l.spare, l.sameModel])).toEqual([['5303-01', 35, 1, 1, true]]);
  });

  it('spreads the spare: a lender\'s rolls are handed out once, most urgent first, then the next lender is named', () => {
    const rows = fleetOf([
      filmStation('5371-01', '5371', { inPrinter: 0, shelf: 0, daysLeft: 0, status: 'empty' }),
      filmStation('5371-02', '5371', { inPrinter: 100, shelf: 0, daysLeft: 2, status: 'low' }),
      filmStation('5371-03', '5371', { inPrinter: 150, shelf: 0, daysLeft: 3, status: 'low' }),
      filmStation('5303-01', '5303', { inPrinter: 1500, shelf: 2, daysLeft: 90 }),
      filmStation('5310-01', '5310', { inPrinter: 1500, shelf: 1, daysLeft: 70 }),
    ]);
    const film = lending(rows, cfg).filter((s) => s.kind === 'film');
    expect(film.map((s) => [s.station, s.lenders.map((l) => `${l.station}:${l.give}`), s.short])).toEqual([
      ['5371-01', ['5303-01:1'], 0],
      ['5371-02', ['5303-01:1'], 0],
      ['5371-03', ['5310-01:1'], 0],
    ]);
    // Every roll offered exists on a shelf: 3 offered, 3 spare in all.
    expect(film.flatMap((s) => s.lenders).reduce((a, l) => a + l.give, 0)).toBe(3);
  });

  it('a station whose shelf covers its lead time asks for nothing; a capacity of 0 is no capacity', () => {
    const rows = fleetOf([
      // Its roll is almost done, but two rolls wait on its shelf: the office lasts.
      filmStation('5371-01', '5371', { inPrinter: 20, shelf: 2, daysLeft: 0.5, status: 'low' }),
      filmStation('5303-01', '5303', { inPrinter: 1500, shelf: 3, daysLeft: 90 }),
    ]);
    expect(lending(rows, cfg).filter((s) => s.kind === 'film')).toEqual([]);
    const zero = fleetOf([
      health('5371-02', '5371', (h) => {
        Object.assign(h.printer.supplies.find((x) => x.kind === 'film')!, { remaining: 0, capacity: 0, levelPercent: 0, daysLeft: 0, status: 'empty' });
        h.stock.filmRolls = 0;
        h.stock.cardsPerDay = 40;
        h.printer.model = model;
      }),
      filmStation('5303-01', '5303', { inPrinter: 1500, shelf: 3, daysLeft: 90 }),
    ]);
    const s = lending(zero, cfg).find((x) => x.kind === 'film');
    expect(s).toMatchObject({ need: 1, short: 0 });
    expect(s?.lenders.map((l) => l.give)).toEqual([1]);
  });

  it('blanks in cards: a lender keeps its own need; one whose use is not known lends none; a stale one none', () => {
    const blanks = (id: string, o: { onHand: number; perDay: number | null; daysLeft: number | null }) =>
      health(id, '5371', (h) => {
        h.stock.blanksOnHand = o.onHand;
        h.stock.cardsPerDay = o.perDay;
        h.stock.daysLeft = o.daysLeft;
        h.alerts = o.onHand === 0 ? ['supply.blanks.empty'] : [];
      });
    const rows = fleetOf([blanks('5371-01', { onHand: 0, perDay: 40, daysLeft: 0 }), blanks('5371-02', { onHand: 2000, perDay: 40, daysLeft: 50 }), blanks('5371-03', { onHand: 5000, perDay: null, daysLeft: null })]);
    const s = lending(rows, cfg).find((x) => x.kind === 'blanks' && x.station === '5371-01');
    // Needs 40 × (28 + 14) = 1680 cards; 5371-02 keeps 1680 of its 2000: 320 to lend.
    expect(s).toMatchObject({ unit: 'cards', need: 1680, short: 1360 });
    expect(s?.lenders.map((l) => [l.station, l.give])).toEqual([['5371-02', 320]]);
    const stale = toRow({ ...new Fleet().entry({ province: '53', regency: '5371', station: '5371-09', kind: 'health' }), health: blanks('5371-09', { onHand: 9000, perDay: 40, daysLeft: 200 }), healthAtMs: T0 - 3600_000 }, T0, 60_000);
    expect(lending([...rows, stale], cfg).find((x) => x.kind === 'blanks')?.lenders.map((l) => l.station)).toEqual(['5371-02']);
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
    let taken = 0;
    const open = (read: boolean) =>
      new Promise<import('node:net').Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`));
        s.once('data', () => {
          if (!read) s.pause();
          resolve(s);
        });
        if (read) s.on('data', (b: Buffer) => void (taken += b.length));
      });
    const asleep = await open(false);
    const awake = await open(true);
    try {
      expect(server.clients).toBe(2);
      const big = 'x'.repeat(1024 * 1024);
      const start = taken;
      for (let i = 1; i <= 40 && server.clients > 1; i++) {
        server.broadcast('rows', big);
        // The reading page takes each update before the next, as a live page does.
        await waitUntil('the reading page to take the update', () => taken - start >= i * big.length);
      }
      expect(server.clients).toBe(1);
    } finally {
      asleep.destroy();
      awake.destroy();
      await server.stop();
    }
  });
});

describe('dashboard configuration', () => {
  it('listening beyond loopback needs a token, and only an address, not a look-alike name, counts as loopback', async () => {
    const { dashboardConfigSchema } = await import('../../dashboard/config.js');
    const needsToken = (listen: string) => !dashboardConfigSchema.safeParse({ dashboard: { listen } }).success;
    expect(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080'].map(needsToken)).toEqual([false, false, false]);
    expect(['0.0.0.0:8080', '10.1.2.3:8080', '127.example.com:8080'].map(needsToken)).toEqual([true, true, true]);
    expect(dashboardConfigSchema.safeParse({ dashboard: { listen: '0.0.0.0:8080', tokenFile: '/etc/t' } }).success).toBe(true);
  });

  it('the example configuration loads', async () => {
    const { loadDashboardConfig } = await import('../../dashboard/config.js');
    const c = loadDashboardConfig(new URL('../../docs/dashboard.example.yaml', import.meta.url).pathname);
    expect(c.dashboard.provinces).toEqual(['53']);
    expect(Object.keys(c.dashboard.regencies)).toHaveLength(22);
  });
});

describe('the page without a token', () => {
  it('answers only to this PC\'s own names: a page elsewhere that points its name at 127.0.0.1 gets nothing', async () => {
    const { DashboardServer } = await import('../../dashboard/server.js');
    const { request } = await import('node:http');
    const api = { handle: () => Promise.resolve(['fleet']) } as unknown as ConstructorParameters<typeof DashboardServer>[0]['api'];
    const server = new DashboardServer({ host: '127.0.0.1', port: 0, token: null, api, log: quietLog });
    await server.start();
    const port = Number(new URL(server.address).port);
    const get = (host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/stations', headers: { host } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get(`127.0.0.1:${port}`)).toBe(200);
      expect(await get(`localhost:${port}`)).toBe(200);
      expect(await get(`attacker.example:${port}`)).toBe(403);
      expect(await get(`127.attacker.example:${port}`)).toBe(403);
    } finally {
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
