/**
 * Every office's stock (what /api/offices, /api/allocation, /metrics, the office's low and the
 * public list read) is computed from one read of the books for all offices; each office's figures
 * must be exactly what its own reconciliation and request say, read office by office as
 * /api/reconciliation and /api/request read them. Three offices, on figures the agent's own
 * ledgers make (test/support/office-sim.ts): deliveries, transfers (one never confirmed, one in
 * transit), a loan between offices recorded at both ends and one at one end, printing, a silent
 * printer; and an office known by its status but with no day yet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { dayIn } from '../../agent/office/days.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import { Fleet } from '../../dashboard/fleet.js';
import { OfficeApi } from '../../dashboard/office-api.js';
import type { Reconciliation } from '../../dashboard/reconcile.js';
import { rollsOf } from '../../dashboard/rolls.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { OfficeWorld } from '../support/office-sim.js';

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const printerOf = (office: string, id: string, regency: string) =>
  configSchema().parse({ station: { id, province: '53', regency, office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });

describe("the offices' stock, from one read of the books", () => {
  it('is, office by office, what its own reconciliation and request say', async () => {
    const w = (world = await OfficeWorld.start('2026-12-01'));
    const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01', 'A-02'] } });
    await w.pc('A-01', { office: '5371-DINAS', regency: '5371' });
    await w.pc('A-02', { office: '5371-DINAS', regency: '5371' });
    const b = await w.pc('B-01', { office: '5371-KEC-ALAK', regency: '5371', store: { register: ['B-01'] }, printer: true });
    await w.pc('C-GUDANG', { office: '5372-DINAS', regency: '5372', store: { register: ['C-01'] } });
    await w.pc('C-01', { office: '5372-DINAS', regency: '5372' });
    await w.collect();
    await w.accounts.noteOffice({ station: 'D-01', province: '53', regency: '5373' }, { id: '5373-DINAS', store: true, leadDays: 21, boxSize: 50 });
    const A = a.book!;
    await A.receive('blanks', 3000, { batch: 'KMD-12' });
    const t1 = (await A.send('blanks', 500, 'A-01')).transfer!;
    await A.send('blanks', 200, 'A-02'); // never confirmed
    await receiveBlanks(w.get('A-01').store, printerOf('5371-DINAS', 'A-01', '5371'), 500, { transfer: t1, at: w.clock.now() });
    await b.book!.receive('blanks', 400, { batch: 'KMD-ALAK-1' });
    await receiveBlanks(b.store, printerOf('5371-KEC-ALAK', 'B-01', '5371'), 100, { transfer: (await b.book!.send('blanks', 100, 'B-01')).transfer!, at: w.clock.now() });
    await w.print('A-01', 100, [{ code: 'jam', n: 2 }]);
    await w.print('B-01', 30);
    await w.endDay();
    const loan = (await A.lend('blanks', 200, '5371-KEC-ALAK')).transfer!;
    await b.book!.borrow('blanks', 200, '5371-DINAS', loan);
    await A.lend('blanks', 100, '5372-DINAS'); // recorded by the lender only
    for (let d = 2; d <= 9; d++) {
      await w.print('A-01', 15);
      await w.print('B-01', 5);
      // C-01 quiet from the 5th: nothing of it reaches the dashboard after that.
      await w.endDay((pc) => !(pc.id === 'C-01' && d >= 5));
    }
    await a.book!.send('blanks', 300, 'A-02'); // today: in transit

    await w.collect((pc) => pc.id !== 'C-01');
    const api = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg: dashboardSectionSchema().parse({}), now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day: (ms) => dayIn(ms, w.timeZone) });
    const stocks = await api.stocks();
    expect(stocks.map((s) => s.office).sort()).toEqual(['5371-DINAS', '5371-KEC-ALAK', '5372-DINAS']);
    const yesterday = dayIn(w.clock.now() - 86_400_000, w.timeZone);
    for (const s of stocks) {
      const scope = { kind: 'office' as const, id: s.office };
      const q = await api.request(scope, 3);
      const r = (await api.handle('GET', new URL(`http://dashboard/api/reconciliation?office=${s.office}`))) as Reconciliation;
      const today = dayIn(w.clock.now(), w.timeZone);
      const days = await w.accounts.days([s.office], today);
      expect(s, s.office).toMatchObject({ onHand: q.onHand, inTransit: q.inTransit, ratePerDay: q.ratePerDay, requestPoint: q.requestPoint, requestOn: q.requestOn, leadDays: q.leadDays, boxSize: q.boxSize, silent: r.silent });
      expect(s.month, s.office).toEqual({ opening: r.opening, received: r.received, borrowed: r.borrowed, lent: r.lent, printed: r.printed, spoiled: r.spoiled, corrections: r.corrections, closing: r.closing, problems: r.problems.length });
      const printedOn = (day: string) => days.filter((d) => d.day === day).reduce((n, d) => n + (d.figures.good ?? 0), 0);
      expect([s.printedYesterday, s.printedToday]).toEqual([printedOn(yesterday), printedOn(today)]);
      expect(s.stations).toEqual([...new Set(days.map((d) => d.station))].sort());
      expect(s.rolls).toEqual(rollsOf(days, today));
      expect(s.updatedAt).toBe(days.map((d) => d.day).sort().at(-1));
    }
    // What the books hold, so the comparison above is about something.
    expect(stocks.find((s) => s.office === '5371-DINAS')).toMatchObject({ inTransit: 300 });
    expect(stocks.find((s) => s.office === '5372-DINAS')?.silent).toEqual(['C-01']);
    expect(stocks.find((s) => s.office === '5371-KEC-ALAK')?.printedYesterday).toBe(5);
    // The lender's month names the transfer never confirmed and the loan its borrower never recorded; the borrower's, nothing.
    expect(stocks.find((s) => s.office === '5371-DINAS')?.month.problems).toBe(2);
    expect(stocks.find((s) => s.office === '5371-KEC-ALAK')?.month.problems).toBe(0);
  });

  it('answers from the last stock while the next is made, once the books changed; waits for it only when there is none, or none under a minute old', async () => {
    const w = (world = await OfficeWorld.start('2026-12-01'));
    const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: [] } });
    await w.collect();
    await a.book!.receive('blanks', 1000, { batch: 'KMD-1' });
    await w.collect();
    const api = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg: dashboardSectionSchema().parse({}), now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day: (ms) => dayIn(ms, w.timeZone) });
    const first = await api.stocks();
    expect(first.map((s) => s.onHand)).toEqual([1000]);
    // Seconds on with the books as they were (only healths came in, say): the same stock, not made again.
    w.clock.advance(6_000);
    for (let i = 0; i < 20; i++) {
      expect(await api.stocks()).toBe(first);
      await new Promise((r) => setTimeout(r, 5));
    }
    // The books changed (heard from the accounts, nobody says so): made again, the last one answering meanwhile.
    await a.book!.receive('blanks', 500, { batch: 'KMD-2' });
    await w.collect();
    w.clock.advance(6_000);
    const asked = [api.stocks(), api.stocks()];
    expect(await Promise.all(asked)).toEqual([first, first]);
    let next = first;
    for (let i = 0; i < 200 && next === first; i++) {
      await new Promise((r) => setTimeout(r, 5));
      next = await api.stocks();
    }
    expect(next.map((s) => s.onHand)).toEqual([1500]);
    // A minute on with nothing new, or a retirement decided: the question waits for a new one.
    w.clock.advance(61_000);
    const waited = await api.stocks();
    expect(waited).not.toBe(next);
    api.forget();
    expect(await api.stocks()).not.toBe(waited);
  });
});
