/**
 * The month's reconciliation, on figures the agent's own ledgers make (test/support/office-sim.ts):
 * two offices of one regency and one of another in the same province; deliveries, transfers (one
 * confirmed short, one never), printing and spoiling, a loan recorded at both ends and one at one
 * end, a card found bad the next month, a printer silent for days. Each scope balances both ways
 * and names every problem.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Ledger } from '../../agent/ledger/blanks.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import { configSchema } from '../../agent/config/schema.js';
import { reconcile, type Reconciliation, type Scope } from '../../dashboard/reconcile.js';
import { OfficeWorld } from '../support/office-sim.js';

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const printerOf = (office: string, id: string, regency = '5371') =>
  configSchema().parse({ station: { id, province: '53', regency, office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });

/** Both equations of the report, and the CSV's figures the same as the JSON's. */
function balances(r: Reconciliation): void {
  expect(r.closing, 'closing = opening + received + borrowed − lent − printed − spoiled + corrections').toBe(r.opening + r.received + r.borrowed - r.lent - r.printed - r.spoiled + r.corrections);
  const where = r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0) + r.where.inTransit;
  expect(where, 'store + Σ printers + inTransit = closing + Σ problems.difference').toBe(r.closing + r.problems.reduce((s, p) => s + (p.difference ?? 0), 0));
  expect(r.problems.filter((p) => p.kind === 'unexplained')).toEqual([]);
}

async function december() {
  world = await OfficeWorld.start('2026-12-01');
  const w = world;
  const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01', 'A-02'] } });
  await w.pc('A-01', { office: '5371-DINAS', regency: '5371' });
  await w.pc('A-02', { office: '5371-DINAS', regency: '5371' });
  const b = await w.pc('B-01', { office: '5371-KEC-ALAK', regency: '5371', store: { register: ['B-01'] }, printer: true });
  const c = await w.pc('C-GUDANG', { office: '5372-DINAS', regency: '5372', store: { register: [] } });
  // The agents' first look: their days are counted from here.
  await w.collect();
  const A = a.book!;
  await A.receive('blanks', 3000, { batch: 'KMD-12' });
  const t1 = (await A.send('blanks', 500, 'A-01')).transfer!;
  const t2 = (await A.send('blanks', 500, 'A-02')).transfer!;
  await A.send('blanks', 200, 'A-01'); // T3: never confirmed
  await receiveBlanks(w.get('A-01').store, printerOf('5371-DINAS', 'A-01'), 500, { transfer: t1, at: w.clock.now() });
  await receiveBlanks(w.get('A-02').store, printerOf('5371-DINAS', 'A-02'), 480, { transfer: t2, at: w.clock.now() });
  await w.print('A-01', 100, [{ code: 'jam', n: 2 }]);
  await w.print('A-02', 80);
  await b.book!.receive('blanks', 50, { batch: 'KMD-ALAK-1' });
  await receiveBlanks(b.store, printerOf('5371-KEC-ALAK', 'B-01'), 50, { transfer: (await b.book!.send('blanks', 50, 'B-01')).transfer!, at: w.clock.now() });
  await w.print('B-01', 30);
  await w.endDay();
  const loan = (await A.lend('blanks', 200, '5371-KEC-ALAK')).transfer!;
  await b.book!.borrow('blanks', 200, '5371-DINAS', loan);
  await A.lend('blanks', 100, '5372-DINAS'); // recorded by the lender only
  await w.print('A-01', 120, [{ code: 'smudge', n: 1 }]);
  await w.endDay();
  for (let d = 3; d <= 31; d++) {
    await w.print('A-02', 10);
    // A-01's agent gone quiet from the 28th: nothing of it reaches the dashboard after that.
    await w.endDay((pc) => !(pc.id === 'A-01' && d >= 28));
  }
  void c;
  return w;
}

async function report(w: OfficeWorld, scope: Scope, month: string, today: string): Promise<Reconciliation> {
  const offices = await w.accounts.offices();
  const ids = [...new Set([...offices.map((o) => o.office), '5371-DINAS', '5371-KEC-ALAK', '5372-DINAS'])];
  return reconcile({ scope, month, today, offices, days: await w.accounts.days(ids, `${month}-31`), entries: await w.accounts.entries(ids, `${month}-31`) });
}

describe('the month reconciled, for an office, a regency and the province', () => {
  it('an office: every figure, both equations, the short and the unconfirmed transfer, the loan the borrower never recorded, the silent printer', async () => {
    const w = await december();
    const r = await report(w, { kind: 'office', id: '5371-DINAS' }, '2026-12', '2027-01-05');
    expect(r).toMatchObject({ opening: 0, received: 3000, borrowed: 0, lent: 300, printed: 220 + 80 + 290, spoiled: 3, spoiledByCode: { jam: 2, smudge: 1 }, corrections: 0 });
    expect(r.where).toEqual({ store: 1500, printers: { 'A-01': 500 - 223, 'A-02': 480 - 80 - 290 }, inTransit: 0 });
    expect(r.problems.map((p) => [p.kind, p.transfer, p.difference])).toEqual(
      expect.arrayContaining([
        ['transfer_short', '5371-DINAS-T2', -20],
        ['transfer_unconfirmed', '5371-DINAS-T3', -200],
        ['loan_unmatched', '5371-DINAS-T5', 0],
        ['station_silent', null, null],
      ]),
    );
    expect(r.silent).toEqual(['A-01']);
    expect(r.problems.find((p) => p.kind === 'transfer_short')?.words.id).toMatch(/dikirim 500, dikonfirmasi 480 di A-02/);
    balances(r);
  });

  it('a regency: the loan between its own offices nets out; the province: the loan to the other regency is its own, recorded at one end', async () => {
    const w = await december();
    const regency = await report(w, { kind: 'regency', id: '5371' }, '2026-12', '2027-01-05');
    expect(regency).toMatchObject({ received: 3050, lent: 100, borrowed: 0 });
    balances(regency);
    const province = await report(w, { kind: 'province', id: '53' }, '2026-12', '2027-01-05');
    expect(province).toMatchObject({ received: 3050, lent: 0, borrowed: 0 });
    expect(province.problems.find((p) => p.transfer === '5371-DINAS-T5')).toMatchObject({ kind: 'loan_unmatched', difference: -100 });
    balances(province);
    // The nation's month is the sum of its offices': every flow but the loans between them, which net out.
    const nation = await report(w, { kind: 'nation', id: 'nation' }, '2026-12', '2027-01-05');
    balances(nation);
    const offices = await Promise.all(['5371-DINAS', '5371-KEC-ALAK', '5372-DINAS'].map((id) => report(w, { kind: 'office', id }, '2026-12', '2027-01-05')));
    const sum = (k: 'opening' | 'received' | 'printed' | 'spoiled' | 'corrections' | 'closing') => offices.reduce((s, r) => s + r[k], 0);
    for (const k of ['opening', 'received', 'printed', 'spoiled', 'corrections'] as const) expect(nation[k], k).toBe(sum(k));
    // 300 lent and 200 borrowed among themselves: the nation's closing differs from the offices' sum by the loan recorded at one end only, and names it.
    expect(nation.closing - sum('closing')).toBe(100);
    expect(nation.problems.find((p) => p.kind === 'loan_unmatched')?.difference).toBe(-100);
  });

  it('the next month opens at the last one\'s closing; a December card found bad in January counts in January (printed −1, spoiled +1)', async () => {
    const w = await december();
    const dec = await report(w, { kind: 'office', id: '5371-DINAS' }, '2026-12', '2027-01-05');
    const p1 = w.get('A-01');
    await p1.store.db.transaction((tx) => Ledger.spoilPrinted(tx, 'SIM-A-01-5', 'tinta luntur', w.clock.now(), 'smudge'));
    await w.endDay();
    const jan = await report(w, { kind: 'office', id: '5371-DINAS' }, '2027-01', '2027-01-02');
    expect(jan.opening).toBe(dec.closing);
    expect(jan).toMatchObject({ printed: -1, spoiled: 1, spoiledByCode: { smudge: 1 } });
    balances(jan);
  });

  it('a transfer sent within the transit days is in transit, not a problem', async () => {
    world = await OfficeWorld.start('2026-12-30');
    const a = await world.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: ['A-01'], transitDays: 2 } });
    await world.pc('A-01', { office: '5371-DINAS', regency: '5371' });
    await world.collect();
    await a.book!.receive('blanks', 1000, { batch: 'KMD-1' });
    await a.book!.send('blanks', 300, 'A-01');
    await world.endDay();
    const r = await report(world, { kind: 'office', id: '5371-DINAS' }, '2026-12', '2026-12-31');
    expect(r.where).toEqual({ store: 700, printers: { 'A-01': 0 }, inTransit: 300 });
    expect(r.problems).toEqual([]);
    balances(r);
  });
});
