/**
 * The nation's tree: provinces → regencies → offices → stations, the worst first, each level the
 * sum of the offices below it; places the dashboard cannot vouch for (a regency code that does
 * not exist, a regency under another province, an office or a station claimed by two provinces)
 * flagged by name and never summed. Then the same on the agent's own ledgers through the API: the
 * nation's month, the allocation and the tree leave out an office a second province claims.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { receiveBlanks } from '../../agent/office/stack.js';
import { configSchema } from '../../agent/config/schema.js';
import { Fleet, type StationRow } from '../../dashboard/fleet.js';
import { NationApi } from '../../dashboard/nation-api.js';
import { nation, type Level } from '../../dashboard/nation.js';
import { OfficeApi, type OfficeStock } from '../../dashboard/office-api.js';
import { regionNames } from '../../dashboard/regions.js';
import type { HttpError } from '../../platform/http.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { OfficeWorld } from '../support/office-sim.js';

const names = regionNames();
const MONTH = { opening: 0, received: 0, borrowed: 0, lent: 0, printed: 0, spoiled: 0, corrections: 0, closing: 0, problems: 0 };

function stock(office: string, o: { blanks: number; rate: number; province?: string; regency?: string; low?: boolean; today?: number; printed?: number; problems?: number; stations?: string[] }): OfficeStock {
  const regency = o.regency ?? office.slice(0, 4);
  return {
    office, name: null, regency, province: o.province ?? regency.slice(0, 2), onHand: o.blanks, inTransit: 0, ratePerDay: o.rate, daysLeft: null, requestPoint: 0, requestOn: null,
    leadDays: 21, boxSize: 100, low: o.low ?? false, printedYesterday: 0, printedToday: o.today ?? 0, stations: o.stations ?? [`${office}-P1`],
    month: { ...MONTH, opening: o.blanks, printed: o.printed ?? 0, closing: o.blanks - (o.printed ?? 0), problems: o.problems ?? 0 }, silent: [], updatedAt: '2027-01-15',
  };
}

function row(station: string, o: { province?: string; regency?: string; up?: boolean; office?: string }): StationRow {
  const regency = o.regency ?? station.slice(0, 4);
  return { station, province: o.province ?? regency.slice(0, 2), regency, office: o.office ?? null, stale: o.up === false, online: o.up !== false, printedToday: 1, severity: o.up === false ? 3 : 0 } as StationRow;
}

const ids = (l: Level) => l.children.map((c) => c.id);

describe("the nation's tree", () => {
  it('sums each level from the offices below, worst first, and names the regencies printing under the threshold', () => {
    const stocks = [
      stock('5371-DINAS', { blanks: 9000, rate: 150, today: 40, printed: 600 }), // 2 months
      stock('5371-KEC-ALAK', { blanks: 300, rate: 60, low: true, today: 10, printed: 200, problems: 1 }),
      stock('5302-DINAS', { blanks: 4000, rate: 10, today: 3, printed: 90 }), // a regency printing 10 a day
      stock('6171-DINAS', { blanks: 50_000, rate: 100, today: 20, printed: 500 }), // 16.7 months: idle
    ];
    // P3 has sent no day yet: its status names its office.
    const rows = [...stocks.map((s) => row(`${s.office}-P1`, {})), row('5371-DINAS-P2', { up: false }), row('6171-DINAS-P3', { office: '6171-DINAS' })];
    stocks[0]!.stations.push('5371-DINAS-P2');
    const { nation: n, flags } = nation({ rows, stocks, claims: { offices: new Map(), stations: new Map() }, names, minCardsPerDay: 15 });
    expect(flags).toEqual([]);
    expect(n.children[1]?.children[0]?.children[0]?.stationRows?.map((r) => r.station)).toEqual(['6171-DINAS-P1', '6171-DINAS-P3']);
    expect(n).toMatchObject({ stations: { up: 5, total: 6 }, printedToday: 73, printedMonth: 1390, blanks: 63_300, ratePerDay: 320, regenciesSlow: ['5302'], officesLow: ['5371-KEC-ALAK'], unbalanced: ['5371-KEC-ALAK'] });
    expect(n.month.closing).toBe(63_300 - 1390);
    // Province 53 holds an office below its request point: it comes first.
    expect(ids(n)).toEqual(['53', '61']);
    const p53 = n.children[0]!;
    expect(p53).toMatchObject({ name: 'Nusa Tenggara Timur', blanks: 13_300, printedToday: 53, stations: { up: 3, total: 4 }, regenciesSlow: ['5302'] });
    expect(ids(p53)).toEqual(['5371', '5302']);
    expect(p53.children[0]).toMatchObject({ name: 'Kota Kupang', monthsOfStock: Math.round((9300 / 210 / 30) * 10) / 10 });
    expect(ids(p53.children[0]!)).toEqual(['5371-KEC-ALAK', '5371-DINAS']);
    const dinas = p53.children[0]!.children[1]!;
    expect(dinas.stationRows?.map((s) => [s.station, s.up])).toEqual([['5371-DINAS-P2', false], ['5371-DINAS-P1', true]]);
    // Every level's month is the sum of its children's.
    const check = (l: Level) => {
      if (l.children.length === 0) return;
      for (const k of Object.keys(MONTH) as (keyof typeof MONTH)[]) expect(l.month[k], `${l.id} ${k}`).toBe(l.children.reduce((s, c) => s + c.month[k], 0));
      l.children.forEach(check);
    };
    check(n);
  });

  it('flags by name, and leaves out of every sum, a regency that does not exist, a regency under another province, an office and a station two provinces claim', () => {
    const stocks = [
      stock('5371-DINAS', { blanks: 1000, rate: 50 }),
      stock('5399-DINAS', { blanks: 7777, rate: 10 }), // no regency 5399
      stock('5301-DINAS', { blanks: 5555, rate: 10, province: '61' }), // province 61 speaking for an office of province 53
      stock('6171-DINAS', { blanks: 3333, rate: 10 }), // also claimed by 53 (below)
    ];
    const rows = [row('5371-DINAS-P1', {}), row('5399-DINAS-P1', {}), row('5301-DINAS-P1', { province: '61' }), row('6171-DINAS-P1', {}), row('5371-09', {})];
    const claims = { offices: new Map([['6171-DINAS', ['53', '61']]]), stations: new Map([['5371-09', ['53', '61']]]) };
    const { nation: n, flags } = nation({ rows, stocks, claims, names, minCardsPerDay: 15 });
    expect(flags.map((f) => [f.kind, f.id, f.provinces])).toEqual([
      ['office_two_provinces', '6171-DINAS', ['53', '61']],
      ['regency_outside_province', '5301', ['61']],
      ['regency_unknown', '5399', ['53']],
      ['station_two_provinces', '5371-09', ['53', '61']],
    ]);
    expect(flags.find((f) => f.kind === 'regency_unknown')?.words.id).toMatch(/kode kabupaten\/kota 5399 tidak ada/);
    expect(n).toMatchObject({ blanks: 1000, stations: { total: 1 } });
    expect(ids(n)).toEqual(['53']);
    expect(ids(n.children[0]!)).toEqual(['5371']);
  });
});

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the nation through the API, on the agents\' ledgers', () => {
  it("an office a second province also reports is left out of the nation's month, tree and allocation, and named", async () => {
    world = await OfficeWorld.start('2027-01-01');
    const w = world;
    const printerOf = (office: string, id: string, regency: string) => configSchema().parse({ station: { id, province: regency.slice(0, 2), regency, office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });
    const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01'] } });
    await w.pc('A-01', { office: '5371-DINAS', regency: '5371' });
    const k = await w.pc('K-01', { office: '6171-DINAS', regency: '6171', store: { register: ['K-01'] }, printer: true });
    // A PC of province 53 that says it belongs to Pontianak's office.
    const x = await w.pc('X-01', { office: '6171-DINAS', regency: '5371', store: { register: ['X-01'] }, printer: true });
    await w.collect();
    await a.book!.receive('blanks', 3000, { batch: 'KMD-1' });
    await receiveBlanks(w.get('A-01').store, printerOf('5371-DINAS', 'A-01', '5371'), 1000, { transfer: (await a.book!.send('blanks', 1000, 'A-01')).transfer!, at: w.clock.now() });
    await k.book!.receive('blanks', 2000, { batch: 'KMD-2' });
    await x.book!.receive('blanks', 900, { batch: 'KMD-3' });
    for (let d = 0; d < 20; d++) {
      await w.print('A-01', 40);
      await w.endDay();
    }
    const cfg = dashboardSectionSchema().parse({});
    const now = () => w.clock.now();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const offices = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg, now, monotonic: () => w.clock.monotonic(), day });
    const api = new NationApi({ offices, accounts: w.accounts, rows: () => [], names, cfg, now, monotonic: () => w.clock.monotonic(), day });
    const get = (q: string) => api.handle('GET', new URL(`http://d${q}`)) as Promise<Record<string, unknown>>;

    const tree = (await get('/api/nation')) as { level: Level; flags: { kind: string; id: string }[] };
    expect(tree.flags.map((f) => [f.kind, f.id])).toEqual([['office_two_provinces', '6171-DINAS']]);
    expect(tree.level.blanks).toBe(3000 - 800);
    const month = await get('/api/reconciliation?nation&month=2027-01');
    expect(month).toMatchObject({ received: 3000, printed: 800, closing: 2200, offices: ['5371-DINAS'] });
    const allocation = (await get('/api/allocation')) as { flags: unknown[]; idle: { office: string }[] };
    expect(allocation.flags).toHaveLength(1);
    expect(allocation.idle.map((i) => i.office)).not.toContain('6171-DINAS');
    const refused = (await get('/api/nation?office=6171-DINAS').catch((e: unknown) => e)) as HttpError;
    expect(refused.status).toBe(404);
    expect(refused.text.en).toMatch(/flagged and not counted: office 6171-DINAS is claimed by 2 provinces/);
    expect(refused.text.id).toMatch(/ditandai dan tidak dihitung: kantor 6171-DINAS diakui oleh 2 provinsi/);
    const page = (await get('/nation?province=53')) as unknown as { body: string };
    expect(page.body).toContain('Kota Kupang');
    expect(page.body).toContain('Ditandai, tidak dihitung');
  });
});

describe("the nation's tree, asked while it is made again", () => {
  it('answers the last tree while the next is made, up to a minute old; waits for one when there is none, or none under a minute old', async () => {
    let t = Date.UTC(2027, 0, 15, 3);
    let blanks = 1000;
    let made = 0;
    let release: (() => void) | undefined;
    const offices = {
      stocks: async () => {
        made++;
        // The second making is held until the test lets it go: what is asked meanwhile sees the last tree.
        if (made === 2) await new Promise<void>((r) => (release = r));
        return [stock('5371-DINAS', { blanks, rate: 10 })];
      },
    } as unknown as OfficeApi;
    const accounts = { claims: () => Promise.resolve({ offices: new Map(), stations: new Map() }) } as unknown as ConstructorParameters<typeof NationApi>[0]['accounts'];
    const api = new NationApi({ offices, accounts, rows: () => [], names, cfg: dashboardSectionSchema().parse({}), now: () => t, monotonic: () => t, day: () => '2027-01-15' });
    const blanksNow = async () => ((await api.handle('GET', new URL('http://d/api/nation'))) as { level: Level }).level.blanks;
    expect(await blanksNow()).toBe(1000);
    blanks = 1500;
    t += 6_000;
    // Six seconds on: the next is being made (held), the last one answers at once.
    expect(await blanksNow()).toBe(1000);
    expect(made).toBe(2);
    release?.();
    // Made in a few turns of the event loop (it lets messages in between): the new tree answers once it is.
    await expect.poll(() => blanksNow()).toBe(1500);
    expect(made).toBe(2);
    // A minute on with nobody asking: the question waits for a new one.
    blanks = 2000;
    t += 61_000;
    expect(await blanksNow()).toBe(2000);
    // Forgotten (a station retired): the question waits for a new one.
    blanks = 2500;
    api.forget();
    expect(await blanksNow()).toBe(2500);
  });
});
