/**
 * A simulated quarter for a regency of 3 offices and 12 printers at different rates, on the
 * agent's own ledgers (test/support/office-sim.ts): deliveries the offices ask for with the
 * request's own arithmetic and receive after the lead time, stacks carried to the printers, a
 * loan between offices. Every month balances for each office and for the regency; each request
 * comes at least the lead time before the day the stock would have run out without it.
 */
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import { reconcile, type Reconciliation, type Scope } from '../../dashboard/reconcile.js';
import { request } from '../../dashboard/request.js';
import { OfficeWorld } from '../support/office-sim.js';

const LEAD = 21;
const OFFICES = [
  { id: '5371-DINAS', rates: [90, 80, 70, 60, 50] },
  { id: '5371-KEC-ALAK', rates: [45, 40, 35, 30] },
  { id: '5371-KEC-OEBOBO', rates: [25, 20, 15] },
];
/** A fixed sequence of day-to-day swings (±20 %): the same quarter every run. */
const swing = (n: number) => 0.8 + ((n * 7919) % 41) / 100;

const printerConfig = (office: string, id: string) =>
  configSchema().parse({ station: { id, province: '53', regency: '5371', office: { id: office } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });

function balances(r: Reconciliation): void {
  expect(r.closing).toBe(r.opening + r.received + r.borrowed - r.lent - r.printed - r.spoiled + r.corrections);
  const where = r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0) + r.where.inTransit;
  expect(where).toBe(r.closing + r.problems.reduce((s, p) => s + (p.difference ?? 0), 0));
  expect(r.problems).toEqual([]);
}

describe('a simulated quarter of a regency: 3 offices, 12 printers', () => {
  it('every month balances for each office and the regency; every request comes the lead time ahead of a stock-out', async () => {
    const w = await OfficeWorld.start('2027-01-01');
    const stores = new Map<string, string>();
    for (const o of OFFICES) {
      const printers = o.rates.map((_, i) => `${o.id.replace('5371-', '')}-${i + 1}`);
      stores.set(o.id, `${o.id}-GUDANG`);
      await w.pc(`${o.id}-GUDANG`, { office: o.id, regency: '5371', store: { register: printers } });
      for (const p of printers) await w.pc(p, { office: o.id, regency: '5371' });
    }
    await w.collect();
    const book = (office: string) => w.get(stores.get(office) ?? '').book!;
    const rows = async (office: string, day: string) => w.accounts.days([office], day);
    const report = async (scope: Scope, month: string, today: string) => {
      const offices = await w.accounts.offices();
      const ids = offices.map((o) => o.office);
      return reconcile({ scope, month, today, offices, days: await w.accounts.days(ids, today), entries: await w.accounts.entries(ids, today) });
    };
    // Each office starts with about 40 days of its own use.
    let k = 0;
    for (const o of OFFICES) await book(o.id).receive('blanks', Math.ceil((o.rates.reduce((a, b) => a + b, 0) * 40) / 100) * 100, { batch: `KMD-${o.id}-0` });
    const arrivals: { day: number; office: string; n: number }[] = [];
    const requests: { day: number; office: string; stock: number; requestOn: string }[] = [];
    const used = new Map<string, number[]>();
    const table: string[] = [];
    for (let day = 0; day < 90; day++) {
      const today = new Date(w.clock.now()).toISOString().slice(0, 10);
      for (const a of arrivals.filter((x) => x.day === day)) await book(a.office).receive('blanks', a.n, { batch: `KMD-${a.office}-${day}` });
      if (day === 20) {
        const loan = (await book('5371-DINAS').lend('blanks', 500, '5371-KEC-OEBOBO')).transfer!;
        await book('5371-KEC-OEBOBO').borrow('blanks', 500, '5371-DINAS', loan);
      }
      for (const o of OFFICES) {
        // The office's figures reach the dashboard as the day runs (its running totals).
        await w.collect((pc) => pc.office === o.id);
        let officeUse = 0;
        for (const [i, rate] of o.rates.entries()) {
          const id = `${o.id.replace('5371-', '')}-${i + 1}`;
          const pc = w.get(id);
          const stack = (await pc.ledger.summary()).onHand;
          if (stack < rate * 2) {
            const n = Math.ceil((rate * 5) / 100) * 100;
            if ((await book(o.id).onHand()).blanks >= n) await receiveBlanks(pc.store, printerConfig(o.id, id), n, { transfer: (await book(o.id).send('blanks', n, id)).transfer!, at: w.clock.now() });
          }
          const have = (await pc.ledger.summary()).onHand;
          const cards = Math.min(have, Math.round(rate * swing(++k)));
          const spoiled = Math.min(cards, Math.round(cards / 100));
          await w.print(id, cards - spoiled, spoiled ? [{ code: 'jam', n: spoiled }] : []);
          officeUse += cards;
        }
        used.set(o.id, [...(used.get(o.id) ?? []), officeUse]);
        await w.collect((pc) => pc.office === o.id);
        // The office writes for blanks on its request day, and they come after the lead time.
        if (day >= 7 && !arrivals.some((a) => a.office === o.id && a.day > day)) {
          const r = await report({ kind: 'office', id: o.id }, today.slice(0, 7), today);
          const stockNow = r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0) + r.where.inTransit;
          const q = request({ days: await rows(o.id, today), today, onHand: stockNow - r.where.inTransit, inTransit: r.where.inTransit, queued: 0, leadDays: LEAD, boxSize: 100, months: 1, printers: o.rates.length });
          if (q.requestOn !== null && q.requestOn <= today) {
            requests.push({ day, office: o.id, stock: stockNow, requestOn: today });
            arrivals.push({ day: day + LEAD, office: o.id, n: q.quantity });
          }
        }
      }
      await w.endDay();
      const next = new Date(w.clock.now()).toISOString().slice(0, 10);
      if (next.endsWith('-01')) {
        const month = today.slice(0, 7);
        for (const scope of [...OFFICES.map((o) => ({ kind: 'office' as const, id: o.id })), { kind: 'regency' as const, id: '5371' }]) {
          const r = await report(scope, month, today);
          balances(r);
          const where = r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0) + r.where.inTransit;
          table.push(`| ${month} | ${scope.id} | ${r.opening} | ${r.received} | ${r.borrowed} | ${r.lent} | ${r.printed} | ${r.spoiled} | ${r.corrections} | ${r.closing} | ${where} |`);
        }
      }
    }
    // Each request against the day the office's stock would have run out without it.
    const lines: string[] = [];
    for (const q of requests) {
      let left = q.stock;
      const use = used.get(q.office) ?? [];
      let out: number | null = null;
      for (let d = q.day + 1; d < use.length && out === null; d++) if ((left -= use[d] ?? 0) <= 0) out = d;
      lines.push(`| ${q.office} | day ${q.day} (${q.requestOn}) | stock ${q.stock} | ${out === null ? `not within the quarter (day 89: ${left} left)` : `out on day ${out}: ${out - q.day} days after`} |`);
      if (out !== null) expect(out - q.day, `${q.office} asked on day ${q.day}`).toBeGreaterThanOrEqual(LEAD);
      else expect(left).toBeGreaterThan(0);
    }
    expect(requests.length).toBeGreaterThanOrEqual(3);
    console.log(['| month | unit | opening | received | borrowed | lent | printed | spoiled | corrections | closing | where |', '|---|---|---|---|---|---|---|---|---|---|---|', ...table].join('\n'));
    console.log(['| office | asked | stock then | without the delivery |', '|---|---|---|---|', ...lines].join('\n'));
    await w.close();
  }, 600_000);
});
