/**
 * A country's month on the agents' own ledgers (test/support/office-sim.ts): 3 provinces, 30
 * regencies, 100 offices (a store on a printing PC each), deliveries rationed unevenly, cards
 * printed, and the moves the nation's allocation suggests carried out as loans recorded at both
 * ends. The nation's reconciliation equals the sum of the offices' (the loans between them net
 * out), it balances with no problem, and the tree's figures are the offices' figures summed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { receiveBlanks } from '../../agent/office/stack.js';
import { Fleet } from '../../dashboard/fleet.js';
import { NationApi } from '../../dashboard/nation-api.js';
import type { Level } from '../../dashboard/nation.js';
import { OfficeApi } from '../../dashboard/office-api.js';
import type { Reconciliation } from '../../dashboard/reconcile.js';
import { regionNames } from '../../dashboard/regions.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { OfficeWorld } from '../support/office-sim.js';

let world: OfficeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const FLOWS = ['opening', 'received', 'printed', 'spoiled', 'corrections', 'closing'] as const;

describe("a country's month: 3 provinces, 30 regencies, 100 offices", () => {
  it("the nation's reconciliation is the sum of the offices', loans between them net out, and it balances", async () => {
    world = await OfficeWorld.start('2027-01-01');
    const w = world;
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const offices = Array.from({ length: 100 }, (_, i) => {
      const province = ['53', '61', '73'][i % 3] ?? '53';
      const regency = `${province}${String(1 + (Math.floor(i / 3) % 10)).padStart(2, '0')}`;
      // A fifth idle (a large delivery, little use), a fifth short, the rest between.
      const kind = i % 5;
      return { pc: `K${i}`, id: `${regency}-K${i}`, regency, atPrinter: 0, perWeek: kind === 0 ? 2 + Math.floor(rand() * 5) : 20 + Math.floor(rand() * 40), delivery: kind === 0 ? 6000 : kind === 1 ? 200 : 1000 + Math.floor(rand() * 10) * 100 };
    });
    const printerOf = (o: (typeof offices)[number]) => configSchema().parse({ station: { id: o.pc, province: o.regency.slice(0, 2), regency: o.regency, office: { id: o.id } }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, office: { keptAtStore: true } });
    for (const o of offices) await w.pc(o.pc, { office: o.id, regency: o.regency, store: { register: [o.pc] }, printer: true });
    await w.collect();
    for (const o of offices) {
      const book = w.get(o.pc).book!;
      await book.receive('blanks', o.delivery, { batch: `KMD-${o.pc}` });
      const stack = Math.min(o.delivery, 400);
      o.atPrinter = stack;
      await receiveBlanks(w.get(o.pc).store, printerOf(o), stack, { transfer: (await book.send('blanks', stack, o.pc)).transfer!, at: w.clock.now() });
    }
    const cfg = dashboardSectionSchema().parse({});
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const officeApi = new OfficeApi({ accounts: w.accounts, fleet: new Fleet(), cfg, now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day });
    const api = new NationApi({ offices: officeApi, accounts: w.accounts, rows: () => [], names: regionNames(), cfg, now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day });
    const get = async <T,>(q: string) => (await api.handle('GET', new URL(`http://d${q}`))) as T;
    let moved = 0;
    let loans = 0;
    for (let week = 0; week < 4; week++) {
      for (const o of offices) {
        // What the printer holds bounds what it prints; now and then a card jams.
        const spoiled = rand() < 0.2 && o.atPrinter > 0 ? 1 : 0;
        const good = Math.min(o.perWeek, o.atPrinter - spoiled);
        o.atPrinter -= good + spoiled;
        await w.print(o.pc, good, spoiled ? [{ code: 'jam', n: 1 }] : []);
      }
      w.clock.advance(6 * 86_400_000);
      await w.endDay();
      officeApi.forget();
      api.forget();
      // The allocation's moves, carried out as loans confirmed by the borrower.
      for (const m of (await get<{ moves: { from: string; to: string; quantity: number }[] }>('/api/allocation')).moves) {
        const from = offices.find((o) => o.id === m.from)!;
        const to = offices.find((o) => o.id === m.to)!;
        const transfer = (await w.get(from.pc).book!.lend('blanks', m.quantity, to.id)).transfer!;
        await w.get(to.pc).book!.borrow('blanks', m.quantity, from.id, transfer);
        moved += m.quantity;
        loans++;
      }
    }
    await w.endDay();
    officeApi.forget();
    api.forget();
    const month = '2027-01';
    const nation = await get<Reconciliation>(`/api/reconciliation?nation&month=${month}`);
    const ofOffice = async (q: string) => (await officeApi.handle('GET', new URL(`http://d/api/reconciliation?${q}&month=${month}`))) as Reconciliation;
    const each = await Promise.all(offices.map((o) => ofOffice(`office=${o.id}`)));
    const sum = (k: keyof Reconciliation) => each.reduce((s, r) => s + (r[k] as number), 0);
    expect(loans).toBeGreaterThan(0);
    expect(sum('lent')).toBe(moved);
    expect(sum('borrowed')).toBe(moved);
    expect(nation).toMatchObject({ lent: 0, borrowed: 0, problems: [] });
    for (const k of FLOWS) expect(nation[k], k).toBe(sum(k));
    expect(nation.closing).toBe(nation.opening + nation.received - nation.printed - nation.spoiled + nation.corrections);
    const tree = await get<{ level: Level }>('/api/nation');
    expect(tree.level.month.closing).toBe(nation.closing);
    expect(tree.level.children.map((c) => c.id).sort()).toEqual(['53', '61', '73']);
    const lines = [`| unit | opening | received | borrowed | lent | printed | spoiled | corrections | closing |`, '|---|---|---|---|---|---|---|---|---|'];
    for (const p of ['53', '61', '73']) {
      const r = await ofOffice(`province=${p}`);
      lines.push(`| province ${p} | ${r.opening} | ${r.received} | ${r.borrowed} | ${r.lent} | ${r.printed} | ${r.spoiled} | ${r.corrections} | ${r.closing} |`);
    }
    lines.push(`| Σ 100 offices | ${sum('opening')} | ${sum('received')} | ${sum('borrowed')} | ${sum('lent')} | ${sum('printed')} | ${sum('spoiled')} | ${sum('corrections')} | ${sum('closing')} |`);
    lines.push(`| nation | ${nation.opening} | ${nation.received} | ${nation.borrowed} | ${nation.lent} | ${nation.printed} | ${nation.spoiled} | ${nation.corrections} | ${nation.closing} |`);
    console.log(`${lines.join('\n')}\n${loans} loans suggested by the allocation and carried out, ${moved} blanks moved`);
  }, 300_000);
});
