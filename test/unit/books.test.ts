/**
 * A regency's, a province's and the nation's month are added up from each station's part, kept
 * between questions (dashboard/books.ts): the answer must be exactly what the reconciliation
 * makes from every day and entry read afresh (dashboard/reconcile.ts), through a month's end, for
 * the running month and the last, before and after more days come in; and a station's part is made
 * again only when its own days changed. On the agents' own ledgers (test/support/office-sim.ts):
 * four offices in two provinces, a loan inside a regency at both ends, one to another regency at
 * one end, one to the other province at both ends, a transfer corrected, a transfer never
 * confirmed, a printer gone quiet, and a printer that moved to another office mid-month.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import type { DailyPayload } from '../../telemetry/payloads.js';
import { Fleet } from '../../dashboard/fleet.js';
import { OfficeApi } from '../../dashboard/office-api.js';
import { reconcile, type Scope } from '../../dashboard/reconcile.js';
import { rollsOf } from '../../dashboard/rolls.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { OfficeWorld } from '../support/office-sim.js';

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const printerOf = (office: string, id: string, regency: string) =>
  configSchema().parse({ station: { id, province: regency.slice(0, 2), regency, office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });

/** A printer's day as its agent sends it, for a station whose agent the world does not run (one that moved office). */
function printerDay(station: string, office: string, d: string, seq: number, good: number, onHandEnd: number, installed = 0): DailyPayload {
  const roll = { received: 0, transfersIn: 0, returned: 0, installed, corrections: 0, onHandEnd: 4 - installed };
  return { schema: 'station.daily/1', station, ts: `${d}T10:00:00.000Z`, seq, office, day: d, timeZone: 'Asia/Makassar', final: true, received: 0, transfersIn: 0, returned: 0, good, spoiled: 0, spoiledByCode: {}, corrections: 0, onHandEnd, needsVerification: null, ribbon: roll, film: installed ? roll : null, store: null };
}

async function country() {
  const w = (world = await OfficeWorld.start('2026-11-27'));
  const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01', 'A-02'] } });
  await w.pc('A-01', { office: '5371-DINAS', regency: '5371' });
  await w.pc('A-02', { office: '5371-DINAS', regency: '5371' });
  const b = await w.pc('B-01', { office: '5371-KEC-ALAK', regency: '5371', store: { register: ['B-01'] }, printer: true });
  await w.pc('C-GUDANG', { office: '5372-DINAS', regency: '5372', store: { register: ['C-01'] } });
  await w.pc('C-01', { office: '5372-DINAS', regency: '5372' });
  const d = await w.pc('D-01', { office: '6101-DINAS', regency: '6101', store: { register: ['D-01'] }, printer: true });
  await w.collect();
  const A = a.book!;
  await A.receive('blanks', 3000, { batch: 'KMD-11' });
  await d.book!.receive('blanks', 800, { batch: 'KMD-61' });
  const t1 = (await A.send('blanks', 500, 'A-01')).transfer!;
  await receiveBlanks(w.get('A-01').store, printerOf('5371-DINAS', 'A-01', '5371'), 500, { transfer: t1, at: w.clock.now() });
  const t2 = await A.send('blanks', 300, 'A-02');
  await A.correct(t2.entry, 'salah hitung'); // sent, then taken back
  await A.send('blanks', 200, 'A-02'); // never confirmed
  await w.print('A-01', 40, [{ code: 'jam', n: 1 }]);
  await w.endDay();
  const inside = (await A.lend('blanks', 200, '5371-KEC-ALAK')).transfer!;
  await b.book!.borrow('blanks', 200, '5371-DINAS', inside);
  await A.lend('blanks', 100, '5372-DINAS'); // recorded by the lender only
  const across = (await d.book!.lend('blanks', 150, '5371-DINAS')).transfer!;
  await A.borrow('blanks', 150, '6101-DINAS', across);
  // M-01 printed for 5371-KEC-ALAK in November and for 5372-DINAS from December.
  for (const [i, dd] of ['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'].entries()) {
    await w.accounts.addDay({ station: 'M-01', province: '53', regency: dd < '2026-12' ? '5371' : '5372' }, printerDay('M-01', dd < '2026-12' ? '5371-KEC-ALAK' : '5372-DINAS', dd, 100 + i, 5, 300 - 5 * (i + 1), i % 3 === 0 ? 1 : 0));
    // R-01 keeps ribbon and film rolls at 6101-DINAS, and puts a roll in every other day.
    await w.accounts.addDay({ station: 'R-01', province: '61', regency: '6101' }, printerDay('R-01', '6101-DINAS', dd, 100 + i, 3, 90 - 3 * (i + 1), i % 2));
  }
  for (let n = 0; n < 4; n++) {
    await w.print('A-01', 12, n === 2 ? [{ code: 'smudge', n: 2 }] : []);
    await w.print('B-01', 3);
    await w.print('D-01', 4);
    // C-01 quiet from 30 November.
    await w.endDay((pc) => !(pc.id === 'C-01' && n >= 2));
  }
  return w;
}

const SCOPES: Scope[] = [
  { kind: 'regency', id: '5371' },
  { kind: 'regency', id: '5372' },
  { kind: 'regency', id: '6101' },
  { kind: 'province', id: '53' },
  { kind: 'province', id: '61' },
  { kind: 'nation', id: 'nation' },
];

/** Each unit as the API answers it (kept parts) and as reconcile makes it from every day and entry read afresh. */
async function compare(w: OfficeWorld, api: OfficeApi, month: string) {
  const today = new Date(w.clock.now()).toISOString().slice(0, 10);
  const offices = await w.accounts.offices();
  for (const scope of SCOPES) {
    const ids = offices.filter((o) => scope.kind === 'nation' || (scope.kind === 'regency' ? o.regency : o.province) === scope.id).map((o) => o.office);
    const fresh = reconcile({ scope, month, today, offices, days: await w.accounts.days(ids, `${month}-31`), entries: await w.accounts.entries(ids, `${month}-31`) });
    const kept = await api.reconciliationAnswer(new URL(`http://d/api/reconciliation?${scope.kind}=${scope.id}&month=${month}`), scope);
    expect(kept, `${scope.kind} ${scope.id} ${month}`).toEqual({ ...fresh, [scope.kind]: scope.id });
    // The same text, key order and all: what a script that diffs two answers sees.
    expect(JSON.stringify(kept)).toBe(JSON.stringify({ ...fresh, [scope.kind]: scope.id }));
  }
  // Every office's stock holds its own month as its reconciliation says it (a stock over a minute old is made again before it answers).
  w.clock.advance(61_000);
  for (const s of await api.stocks()) {
    const r = reconcile({ scope: { kind: 'office', id: s.office }, month: today.slice(0, 7), today, offices, days: await w.accounts.days([s.office], `${today.slice(0, 7)}-31`), entries: await w.accounts.entries([s.office], `${today.slice(0, 7)}-31`) });
    expect(s.month, s.office).toEqual({ opening: r.opening, received: r.received, borrowed: r.borrowed, lent: r.lent, printed: r.printed, spoiled: r.spoiled, corrections: r.corrections, closing: r.closing, problems: r.problems.length });
    // And its rolls, cards of today and yesterday, stations and last day, as its days say them.
    const days = await w.accounts.days([s.office], today);
    const yesterday = new Date(w.clock.now() - 86_400_000).toISOString().slice(0, 10);
    const printedOn = (d: string) => days.filter((x) => x.day === d).reduce((n, x) => n + (x.figures.good ?? 0), 0);
    expect(s, s.office).toMatchObject({ rolls: rollsOf(days, today), printedToday: printedOn(today), printedYesterday: printedOn(yesterday), stations: [...new Set(days.map((d) => d.station))].sort(), updatedAt: days.map((d) => d.day).sort().at(-1) ?? null });
  }
}

describe("units added up from their stations' kept parts", () => {
  it('give what the reconciliation makes from every day and entry, this month and the last, before and after more days come in', async () => {
    const w = await country();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const api = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg: dashboardSectionSchema().parse({}), now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day });
    await compare(w, api, '2026-12');
    await compare(w, api, '2026-11');
    const nation = (await api.reconciliationAnswer(new URL('http://d/api/reconciliation?nation&month=2026-12'), { kind: 'nation', id: 'nation' })) as { problems: { kind: string }[]; silent: string[]; offices: string[] };
    // What the comparison is about: the problems of each kind, the quiet printer, the moved one.
    expect(new Set(nation.problems.map((p) => p.kind))).toEqual(new Set(['transfer_unconfirmed', 'loan_unmatched', 'station_silent']));
    expect(nation.silent).toEqual(['C-01']);
    expect(nation.offices).toEqual(['5371-DINAS', '5371-KEC-ALAK', '5372-DINAS', '6101-DINAS']);
    expect((await api.stocks()).find((x) => x.office === '6101-DINAS')?.rolls?.ribbon).toEqual({ onHand: 3, perDay: 0.5 });
    // More days: a loan inside the regency at both ends, more printing, C-01 back with the days it had not sent.
    const back = (await w.get('B-01').book!.lend('blanks', 50, '5371-DINAS')).transfer!;
    await w.get('A-GUDANG').book!.borrow('blanks', 50, '5371-KEC-ALAK', back);
    await w.print('A-01', 7);
    await w.endDay();
    await compare(w, api, '2026-12');
    await compare(w, api, '2026-11');
    // The same day, its running figures sent again.
    await w.print('B-01', 5, [{ code: 'chip', n: 1 }]);
    await w.collect();
    await compare(w, api, '2026-12');
  });

  it("reads a station's days again only when they changed, and only today's where only today's changed", async () => {
    const w = await country();
    const read: [string[], string][] = [];
    const daysOf = w.accounts.daysOf.bind(w.accounts);
    w.accounts.daysOf = (stations, toDay, fromDay = '') => (read.push([[...stations], fromDay]), daysOf(stations, toDay, fromDay));
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const today = day(w.clock.now());
    const api = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg: dashboardSectionSchema().parse({}), now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day });
    const ask = () => api.reconciliationAnswer(new URL('http://d/api/reconciliation?nation'), { kind: 'nation', id: 'nation' });
    await ask();
    expect(read.flatMap(([s]) => s).sort()).toEqual(['A-01', 'A-02', 'A-GUDANG', 'B-01', 'C-01', 'C-GUDANG', 'D-01', 'M-01', 'R-01']);
    read.length = 0;
    await ask();
    expect(read).toEqual([]);
    // Today's running figures: today's day alone is read again.
    await w.print('D-01', 2);
    await w.collect((pc) => pc.id === 'D-01');
    await ask();
    expect(read).toEqual([[['D-01'], today]]);
    read.length = 0;
    // A day before today sent again (newer figures): the station's month is read again.
    await w.accounts.addDay({ station: 'B-01', province: '53', regency: '5371' }, printerDay('B-01', '5371-KEC-ALAK', '2026-11-28', 900_000_000_000_000, 6, 289));
    await ask();
    expect(read).toEqual([[['B-01'], '']]);
    await compare(w, api, '2026-12');
  });
});
