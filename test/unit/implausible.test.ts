/**
 * Figures beyond what a printer can print or a room can hold are flagged, not used: the station's
 * row says which and why in both languages, and lending, the ranking and the sums leave them out.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import type { Allocation } from '../../dashboard/allocation.js';
import { Fleet, type StationRow } from '../../dashboard/fleet.js';
import { NationApi } from '../../dashboard/nation-api.js';
import type { Level } from '../../dashboard/nation.js';
import type { IncomingMessage } from 'node:http';
import { OfficeApi, type OfficeStock } from '../../dashboard/office-api.js';
import { metricsText, officeFigures } from '../../dashboard/prometheus.js';
import { PublicStock, type PublicList } from '../../dashboard/public-stock.js';
import type { Reconciliation } from '../../dashboard/reconcile.js';
import { regionNames } from '../../dashboard/regions.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { lending, ranking } from '../../dashboard/views.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, T0 } from '../support/dashboard-rig.js';
import { OfficeWorld } from '../support/office-sim.js';

const cfg = dashboardSectionSchema().parse({});

function rowsOf(healths: HealthPayload[]): StationRow[] {
  const f = new Fleet();
  for (const h of healths) f.applyHealth({ province: h.province, regency: h.regency, station: h.station, kind: 'health' }, h, T0);
  return f.rows(T0, 60_000);
}

/** A station's blanks: on hand, its rate, its days left, its printer's rated speed. */
const blanks = (id: string, o: { onHand: number; perDay: number | null; secondsPerCard?: number | null }) =>
  health(id, '5371', (h) => {
    h.stock.blanksOnHand = o.onHand;
    h.stock.cardsPerDay = o.perDay;
    h.stock.rateSource = 'own';
    h.stock.daysLeft = o.perDay ? o.onHand / o.perDay : null;
    h.printer.secondsPerCard = o.secondsPerCard === undefined ? 20 : o.secondsPerCard;
    h.alerts = o.onHand === 0 ? ['supply.blanks.empty'] : [];
  });

describe("a station's row", () => {
  it('10^9 cards a day against a printer of 20 s a card (4,320 a day) is implausible, said in both languages; a real rate is not', () => {
    const [absurd, fine] = ['5371-01', '5371-02'].map((id) => rowsOf([blanks('5371-01', { onHand: 100, perDay: 1e9 }), blanks('5371-02', { onHand: 2000, perDay: 150 })]).find((r) => r.station === id));
    expect(absurd?.implausible).toEqual([
      {
        what: 'stock.cardsPerDay',
        value: 1e9,
        limit: 4320,
        day: null,
        words: {
          id: "kartu per hari 1.000.000.000 melebihi batas 4.320 (86.400 detik sehari ÷ 20 detik per kartu, kecepatan printernya): tidak masuk akal, tidak dihitung",
          en: "cards a day 1,000,000,000 is over the limit of 4,320 (86,400 seconds a day ÷ 20 seconds a card, its printer's rated speed): implausible, not counted",
        },
      },
    ]);
    expect(absurd?.problems).toContain('implausible');
    expect(absurd?.severity).toBeGreaterThanOrEqual(1);
    expect(fine?.implausible).toEqual([]);
  });

  it('where the printer does not say its speed, a card a second is the limit; negative stock, a million rolls and a roll of a million cards are implausible', () => {
    const h = blanks('5371-03', { onHand: -5, perDay: 90_000, secondsPerCard: null });
    h.stock.filmRolls = 1_000_000;
    Object.assign(h.printer.supplies.find((s) => s.kind === 'ribbon') ?? {}, { capacity: 1_000_000 });
    const [r] = rowsOf([h]);
    expect(r?.implausible.map((x) => [x.what, x.value, x.limit])).toEqual([
      ['stock.cardsPerDay', 90_000, 86_400],
      ['stock.blanksOnHand', -5, 0],
      ['stock.filmRolls', 1_000_000, 1000],
      ['ribbon.capacity', 1_000_000, 10_000],
    ]);
    expect(r?.implausible[0]?.words.en).toMatch(/86,400 seconds a day ÷ 1 second a card, faster than any card printer: its printer's speed is not known/);
    // A printer that says it prints a card in a millisecond is not believed either.
    const [fast] = rowsOf([blanks('5371-04', { onHand: 100, perDay: 90_000, secondsPerCard: 0.001 })]);
    expect(fast?.implausible.map((x) => x.what)).toEqual(['printer.secondsPerCard', 'stock.cardsPerDay']);
  });
});

describe('lending', () => {
  it('10^9 cards a day draws no spare: the station is left out of lending as a want and as a lender; the real need is served', () => {
    const rows = rowsOf([
      blanks('5371-01', { onHand: 0, perDay: 1e9 }),
      blanks('5371-02', { onHand: 20_000, perDay: 40 }),
      blanks('5371-03', { onHand: 20_000, perDay: 40 }),
      blanks('5371-04', { onHand: 0, perDay: 40 }),
      // A stack of 10^12 cards is no spare either.
      blanks('5371-05', { onHand: 1e12, perDay: 40 }),
    ]);
    const s = lending(rows, cfg).filter((x) => x.kind === 'blanks');
    expect(s.map((x) => x.station)).toEqual(['5371-04']);
    // It needs 40 × (28 + 14) = 1680; the nearest lender with the most spare (the lower id of two equal) gives it.
    expect(s[0]).toMatchObject({ need: 1680, short: 0 });
    expect(s[0]?.lenders.map((l) => [l.station, l.give])).toEqual([['5371-02', 1680]]);
    expect(s.flatMap((x) => x.lenders).reduce((n, l) => n + l.give, 0)).toBeLessThan(20_000);
  });
});

describe('the ranking', () => {
  it("a day counted past the printer's day is left out of today, the week and the rate, and the station flagged; within it, kept", () => {
    const rows = rowsOf([blanks('5371-01', { onHand: 500, perDay: 100 }), blanks('5371-02', { onHand: 500, perDay: 100, secondsPerCard: null })]);
    const days = ['2026-11-20', '2026-11-19', '2026-11-18'];
    const daily = new Map([
      ['5371-01', new Map([['2026-11-20', 1_000_000_000], ['2026-11-19', 120], ['2026-11-18', 100]])],
      // 5,000 a day is past 20 s a card, within a card a second (its printer does not say its speed).
      ['5371-02', new Map([['2026-11-20', 5000], ['2026-11-19', 4000]])],
    ]);
    const r = ranking(rows, daily, days, cfg);
    expect(r.map((x) => [x.station, x.today, x.week, x.perDay, x.excludedDays, x.flags])).toEqual([
      ['5371-02', 5000, 9000, 4500, [], []],
      ['5371-01', null, 220, 220 / 3, ['2026-11-20'], ['implausible']],
    ]);
  });
});

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe("the offices' books and the nation's sums", () => {
  it('a day of 10^9 good cards in an office\'s books: the office is marked, left out of the nation\'s sums and of the allocation, and each says so', async () => {
    const w = (world = await OfficeWorld.start('2027-01-01'));
    const printerOf = (office: string, id: string, regency: string) => configSchema().parse({ station: { id, province: '53', regency, office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });
    // Kupang's office holds years of blanks; Kupang regency's (5301) is about to run out.
    const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01'] } });
    await w.pc('A-01', { office: '5371-DINAS', regency: '5371' });
    const b = await w.pc('B-01', { office: '5301-DINAS', regency: '5301', store: { register: ['B-01'] }, printer: true });
    await w.collect();
    await a.book!.receive('blanks', 30_000, { batch: 'KMD-1' });
    await receiveBlanks(w.get('A-01').store, printerOf('5371-DINAS', 'A-01', '5371'), 2000, { transfer: (await a.book!.send('blanks', 2000, 'A-01')).transfer!, at: w.clock.now() });
    await b.book!.receive('blanks', 1500, { batch: 'KMD-2' });
    for (let d = 0; d < 20; d++) {
      await w.print('A-01', 40);
      await w.print('B-01', 60);
      await w.endDay();
    }
    // A third office's PC (a broken agent, or someone sending as it) says it printed 10^9 good cards today.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const today = day(w.clock.now());
    const x = { station: 'X-01', province: '53', regency: '5302' };
    await w.accounts.noteOffice(x, { id: '5302-DINAS', store: true, leadDays: 28, boxSize: 100 });
    await w.accounts.addDay(x, {
      schema: 'station.daily/1', station: 'X-01', ts: new Date(w.clock.now()).toISOString(), seq: 1, office: '5302-DINAS', day: today, timeZone: 'Asia/Makassar', final: false,
      received: 0, transfersIn: 0, returned: 0, good: 1_000_000_000, spoiled: 0, spoiledByCode: {}, corrections: 0, onHandEnd: 100, needsVerification: 0, ribbon: null, film: null, store: null,
    });

    const cfg = dashboardSectionSchema().parse({});
    const now = () => w.clock.now();
    const offices = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg, now, monotonic: () => w.clock.monotonic(), day });
    const api = new NationApi({ offices, accounts: w.accounts, rows: () => [], names: regionNames(), cfg, now, monotonic: () => w.clock.monotonic(), day });
    const get = <T>(q: string) => api.handle('GET', new URL(`http://d${q}`)) as Promise<T>;

    // The allocation: the real shortage is served; the office of 10^9 cards a day draws nothing and is named.
    const alloc = await get<Allocation>('/api/allocation');
    expect(alloc.moves.filter((m) => m.to === '5302-DINAS')).toEqual([]);
    expect(alloc.moves.map((m) => [m.from, m.to])).toEqual([['5371-DINAS', '5301-DINAS']]);
    expect(alloc.implausible).toEqual([
      {
        office: '5302-DINAS',
        station: 'X-01',
        what: 'daily.cards',
        words: {
          id: `kartu tercetak dan rusak sehari (${today}) 1.000.000.000 melebihi batas 86.400 (86.400 detik sehari ÷ 1 detik per kartu, lebih cepat dari printer kartu mana pun: kecepatan printernya tidak diketahui): tidak masuk akal, tidak dihitung`,
          en: `cards printed and spoiled in the day (${today}) 1,000,000,000 is over the limit of 86,400 (86,400 seconds a day ÷ 1 second a card, faster than any card printer: its printer's speed is not known): implausible, not counted`,
        },
      },
    ]);

    // The nation's tree: the office stays, marked, with its own figures; every level above leaves it out and says so.
    const tree = await get<{ level: Level }>('/api/nation');
    expect(tree.level).toMatchObject({ printedMonth: 20 * 40 + 20 * 60, leftOut: ['5302-DINAS'] });
    expect(tree.level.implausible.map((i) => [i.station, i.what, i.value])).toEqual([['X-01', 'daily.cards', 1e9]]);
    const office = await get<{ level: Level }>('/api/nation?office=5302-DINAS');
    expect(office.level).toMatchObject({ printedMonth: 1e9, leftOut: [] });
    expect(office.level.implausible).toHaveLength(1);
    const stocks = (await offices.handle('GET', new URL('http://d/api/offices'))) as OfficeStock[];
    expect(stocks.find((o) => o.office === '5302-DINAS')?.implausible?.map((i) => i.what)).toEqual(['daily.cards']);
    expect(stocks.find((o) => o.office === '5371-DINAS')?.implausible).toEqual([]);

    // The nation's and the province's month leave it out; the office's own counts it and lists it.
    for (const q of ['nation', 'province=53']) {
      const month = await get<Reconciliation>(`/api/reconciliation?${q}&month=2027-01`).then((r) => r ?? (offices.handle('GET', new URL(`http://d/api/reconciliation?${q}&month=2027-01`)) as Promise<Reconciliation>));
      expect(month, q).toMatchObject({ printed: 2000, leftOut: ['5302-DINAS'], offices: ['5301-DINAS', '5371-DINAS'] });
      expect(month.implausible.map((i) => i.station)).toEqual(['X-01']);
    }
    const own = (await offices.handle('GET', new URL('http://d/api/reconciliation?office=5302-DINAS&month=2027-01'))) as Reconciliation;
    expect(own).toMatchObject({ printed: 1e9, leftOut: [] });
    expect(own.implausible.map((i) => i.what)).toEqual(['daily.cards']);

    // The public list shows its figures as unknown, being checked, rather than the 10^9 as sent; the others as they are.
    const pub = new PublicStock({ stocks: () => offices.stocks(), regencyName: () => undefined, trustProxy: false, clock: w.clock });
    const asked = (q: string) => pub.answer({ headers: {}, socket: { remoteAddress: '192.0.2.7' } } as unknown as IncomingMessage, new URL(`http://d${q}`));
    const list = JSON.parse((await asked('/public/stock.json')).body) as PublicList;
    const line = (office: string) => list.regencies.flatMap((r) => r.offices).find((o) => o.office === office);
    expect(line('5302-DINAS')).toMatchObject({ blanksOnHand: null, daysLeft: null, printedYesterday: null, implausible: true });
    expect(line('5371-DINAS')).toMatchObject({ blanksOnHand: stocks.find((o) => o.office === '5371-DINAS')!.onHand, implausible: false });
    expect((await asked('/public/stock')).body).toMatch(/<tr><td>5302-DINAS<\/td><td>–<\/td><td>–<\/td><td>–<\/td><td>angka sedang diperiksa<\/td><\/tr>/);
    expect((await asked('/public/stock?lang=en')).body).toContain('<td>figures being checked</td>');

    // /metrics: flagged, and none of its figures, so that the province's and the nation's sums leave it out as the API's do.
    const metrics = (await metricsText({ entries: [], nowMs: w.clock.now(), staleAfterMs: 60_000, offices: stocks.map(officeFigures) })).body.toString();
    expect(metrics).toContain('ektp_office_figures_implausible{office="5302-DINAS",province="53",regency="5302"} 1');
    expect(metrics).toContain('ektp_office_figures_implausible{office="5371-DINAS",province="53",regency="5371"} 0');
    expect(metrics).not.toMatch(/ektp_office_[a-z_]+\{office="5302-DINAS"[^}]*\} (?!1$)/m);
    expect(metrics).toMatch(/^ektp_office_blanks_on_hand\{office="5371-DINAS",province="53",regency="5371"\} \d+$/m);
  });
});
