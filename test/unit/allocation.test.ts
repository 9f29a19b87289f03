/**
 * Idle stock found and moved: the allocation's rules on small cases, and a simulated quarter of a
 * country (3 provinces, 30 regencies, 100 offices, uneven rates, deliveries the ministry rations)
 * in which every stock-out the allocation could have prevented was suggested at least the lead
 * time ahead, and no suggestion moved stock its lender needed.
 */
import { describe, expect, it } from 'vitest';
import { allocation } from '../../dashboard/allocation.js';
import type { OfficeStock } from '../../dashboard/office-api.js';
import { request } from '../../dashboard/request.js';
import { rollsOf } from '../../dashboard/rolls.js';
import type { DayRow } from '../../dashboard/accounts.js';

const TODAY = '2027-01-15';
function office(id: string, o: { stock: number; rate: number; regency?: string; province?: string; lead?: number; updatedAt?: string; today?: string }): OfficeStock {
  const lead = o.lead ?? 21;
  const today = o.today ?? TODAY;
  const q = request({ days: [], today, onHand: o.stock, inTransit: 0, queued: 0, leadDays: lead, boxSize: 100, months: 3, printers: 1, expectedCardsPerDay: o.rate });
  return { office: id, name: null, regency: o.regency ?? id.slice(0, 4), province: o.province ?? id.slice(0, 2), onHand: o.stock, inTransit: 0, ratePerDay: o.rate, daysLeft: o.rate > 0 ? o.stock / o.rate : null, requestPoint: q.requestPoint, requestOn: q.requestOn, leadDays: lead, boxSize: 100, low: false, printedYesterday: 0, printedToday: 0, stations: [], month: { opening: 0, received: 0, borrowed: 0, lent: 0, printed: 0, spoiled: 0, corrections: 0, closing: 0, problems: 0 }, silent: [], updatedAt: o.updatedAt ?? today };
}

describe('the allocation', () => {
  it('moves whole boxes from the idle office nearest first, each lender keeping its own need; a silent office is left out', () => {
    const offices = [
      office('5371-A', { stock: 36_000, rate: 150 }), // 8 months: idle
      office('5371-B', { stock: 1_350, rate: 150 }), // 9 days: short
      office('5372-C', { stock: 60_000, rate: 100 }), // idle, another regency of the province
      office('6101-D', { stock: 90_000, rate: 100 }), // idle, another province
      office('5373-E', { stock: 99_000, rate: 50, updatedAt: '2027-01-01' }), // silent two weeks
    ];
    const a = allocation(offices, { today: TODAY, idleMonths: 6 });
    expect(a.silent).toEqual(['5373-E']);
    expect(a.short.map((s) => s.office)).toEqual(['5371-B']);
    expect(a.moves).toHaveLength(1);
    const m = a.moves[0]!;
    expect(m).toMatchObject({ from: '5371-A', to: '5371-B', kind: 'blanks' });
    expect(m.quantity % 100).toBe(0);
    // B needs its request point and its lead time's use: 150 × 28 + 150 × 21 − 1350 = 6000.
    expect(m.quantity).toBe(6_000);
    expect(m.words.id).toMatch(/pindahkan 6\.000 blangko dari 5371-A \(stok 8 bulan\) ke 5371-B, habis dalam 9 hari/);
    // A keeps its own need: its lead time and the 90-day horizon at its rate.
    expect(36_000 - m.quantity).toBeGreaterThanOrEqual(150 * (21 + 90));
    expect(a.short[0]?.left).toBe(0);
  });

  it('says what stays short when no one has spare', () => {
    const a = allocation([office('5371-B', { stock: 500, rate: 200 }), office('5371-F', { stock: 20_000, rate: 200 })], { today: TODAY, idleMonths: 6 });
    expect(a.moves).toEqual([]);
    expect(a.short[0]).toMatchObject({ office: '5371-B', left: a.short[0]?.shortfall });
  });
});

describe('rolls of ribbon and film, and the nearest lender', () => {
  it('moves whole rolls where offices report them, each lender keeping its own need; an office that reports none is not counted', () => {
    const a = office('5371-A', { stock: 9000, rate: 50 });
    const b = office('5371-B', { stock: 9000, rate: 50 });
    const c = office('5371-C', { stock: 9000, rate: 50 });
    a.rolls = { ribbon: { onHand: 40, perDay: 0.2 }, film: null }; // 200 days: idle
    b.rolls = { ribbon: { onHand: 2, perDay: 0.5 }, film: { onHand: 3, perDay: 0.1 } }; // ribbon for 4 days
    const r = allocation([a, b, c], { today: TODAY, idleMonths: 6 });
    const ribbon = r.moves.filter((m) => m.kind === 'ribbon');
    // A keeps 0.2 × (21 + 90) = 22.2, so 23 rolls; 17 spare. B needs ⌈0.5 × 28⌉ + 0.5 × 21 − 2 = 22.5, so 23.
    expect(ribbon).toEqual([expect.objectContaining({ from: '5371-A', to: '5371-B', quantity: 17 })]);
    expect(ribbon[0]?.words).toEqual({ id: 'pindahkan 17 gulungan pita dari 5371-A (stok 7 bulan) ke 5371-B, habis dalam 4 hari', en: 'move 17 ribbon rolls from 5371-A (7 months of stock) to 5371-B, runs out in 4 days' });
    expect(r.short.find((s) => s.kind === 'ribbon')).toMatchObject({ office: '5371-B', shortfall: 23, left: 6 });
    expect(r.moves.filter((m) => m.kind === 'film')).toEqual([]);
    expect(r.idle.filter((i) => i.kind !== 'blanks').map((i) => i.office)).toEqual(['5371-A']);
  });

  it('within a province, the nearer regency lends first where dashboard.regencies places them', () => {
    const want = office('5301-W', { stock: 500, rate: 100 });
    const far = office('5320-F', { stock: 90_000, rate: 50 });
    const near = office('5302-N', { stock: 60_000, rate: 50 });
    const place: Record<string, [number, number]> = { '5301': [-10.2, 123.6], '5302': [-9.9, 124.3], '5320': [-8.6, 119.9] };
    const km = (x: string, y: string) => (place[x] && place[y] ? Math.hypot(place[x][0] - place[y][0], place[x][1] - place[y][1]) * 111 : null);
    const r = allocation([want, far, near], { today: TODAY, idleMonths: 6, distance: km });
    expect(r.moves[0]?.from).toBe('5302-N');
    // Without places, the larger surplus lends first.
    expect(allocation([want, far, near], { today: TODAY, idleMonths: 6 }).moves[0]?.from).toBe('5320-F');
  });

  it("an office's rolls from its stations' days: shelves and the store as the last day ended, and the rolls put in a day", () => {
    const day = (station: string, d: string, figures: object) => ({ station, day: d, province: '53', regency: '5371', office: '5371-DINAS', figures: figures as DayRow['figures'] });
    const days = [
      day('A-01', '2027-01-10', { ribbon: { received: 0, transfersIn: 2, returned: 0, installed: 1, corrections: 0, onHandEnd: 3 } }),
      day('A-01', '2027-01-14', { ribbon: { received: 0, transfersIn: 0, returned: 0, installed: 1, corrections: 0, onHandEnd: 2 } }),
      day('A-GUDANG', '2027-01-14', { store: { ribbon: { received: 10, sent: 2, returned: 0, lent: 0, borrowed: 0, corrections: 0, onHandEnd: 8 } } }),
    ];
    expect(rollsOf(days, '2027-01-15')).toEqual({ ribbon: { onHand: 10, perDay: 1 }, film: null });
  });
});

/** A country's quarter on a model of stock and use: deliveries rationed, some offices idle, some short. */
function quarter(apply: boolean) {
  let seed = 20261207;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const LEAD = 21;
  const offices = Array.from({ length: 100 }, (_, i) => {
    const province = ['53', '61', '73'][i % 3] ?? '53';
    const regency = `${province}${String(1 + (i % 10)).padStart(2, '0')}`;
    // Uneven: a fifth idle (little use, much stock), a fifth short, the rest in between.
    const kind = i % 5;
    const rate = kind === 0 ? 10 + Math.floor(rand() * 20) : 60 + Math.floor(rand() * 200);
    const stock = kind === 0 ? 20_000 + Math.floor(rand() * 40_000) : kind === 1 ? 500 + Math.floor(rand() * 3000) : rate * (40 + Math.floor(rand() * 80));
    return { id: `${regency}-K${i}`, province, regency, rate, stock, transit: [] as { day: number; n: number }[] };
  });
  const dayOf = (d: number) => new Date(Date.parse('2027-01-01T00:00:00Z') + d * 86_400_000).toISOString().slice(0, 10);
  const firstSuggested = new Map<string, number>();
  /** Whether some office of the country held spare over its own need, by day. */
  const spareOn: boolean[] = [];
  const outs: { office: string; day: number; preventable: boolean }[] = [];
  const rows: string[] = [];
  let lenderShort = 0;
  for (let d = 0; d < 90; d++) {
    const today = dayOf(d);
    for (const o of offices) for (const t of o.transit.filter((x) => x.day === d)) o.stock += t.n;
    const stocks = offices.map((o) => office(o.id, { stock: o.stock, rate: o.rate, regency: o.regency, province: o.province, lead: LEAD, today }));
    // The ministry rations: on the first of each month each office gets half of what it would ask.
    if (d % 30 === 0 && d > 0) {
      for (const [i, o] of offices.entries()) o.stock += Math.floor(request({ days: [], today, onHand: stocks[i]?.onHand ?? 0, inTransit: 0, queued: 0, leadDays: LEAD, boxSize: 100, months: 1, printers: 1, expectedCardsPerDay: o.rate }).quantity / 200) * 100;
    }
    const a = allocation(stocks, { today, idleMonths: 6 });
    spareOn.push(a.idle.some((x) => x.surplus > 0));
    for (const m of a.moves) {
      const from = offices.find((o) => o.id === m.from)!;
      const to = offices.find((o) => o.id === m.to)!;
      // The lender keeps its lead time and the horizon: no move takes what it needs.
      if (from.stock - m.quantity < from.rate * (LEAD + 90)) lenderShort++;
      if (!firstSuggested.has(to.id)) firstSuggested.set(to.id, d);
      if (!apply) continue;
      from.stock -= m.quantity;
      to.transit.push({ day: d + 3, n: m.quantity });
    }
    if (d % 30 === 0) rows.push(`| ${apply ? 'moved' : 'not moved'} | ${today} | ${a.idle.length} idle (${a.idle.reduce((s2, x) => s2 + x.surplus, 0)} spare) | ${a.short.length} short | ${a.moves.length} moves, ${a.moves.reduce((s2, x) => s2 + x.quantity, 0)} blanks |`);
    for (const o of offices) {
      const before = o.stock;
      o.stock = Math.max(0, o.stock - Math.round(o.rate * (0.8 + rand() * 0.4)));
      if (before > 0 && o.stock === 0) outs.push({ office: o.id, day: d, preventable: d - LEAD >= 0 && (spareOn[d - LEAD] ?? false) });
    }
  }
  return { outs, firstSuggested, rows, lenderShort, LEAD };
}

describe('a simulated quarter of a country: 3 provinces, 30 regencies, 100 offices', () => {
  it('every stock-out the allocation could have prevented was suggested the lead time ahead; no move took what its lender needed', () => {
    // Suggestions made and not acted on: where offices would have run out.
    const idle = quarter(false);
    const preventable = idle.outs.filter((o) => o.preventable);
    const warned = preventable.filter((o) => {
      const asked = idle.firstSuggested.get(o.office);
      return asked !== undefined && o.day - asked >= idle.LEAD;
    });
    // And acted on: what is left.
    const moved = quarter(true);
    console.log(
      [
        '| | day | idle | short | suggested |',
        '|---|---|---|---|---|',
        ...idle.rows,
        ...moved.rows,
        `without the moves: ${idle.outs.length} stock-outs, ${preventable.length} of them preventable (spare elsewhere the lead time before), ${warned.length} suggested the lead time ahead; with the moves: ${moved.outs.length} stock-outs, ${moved.outs.filter((o) => o.preventable).length} preventable`,
      ].join('\n'),
    );
    expect(preventable.length).toBeGreaterThan(5);
    expect(warned.length).toBe(preventable.length);
    expect(idle.lenderShort + moved.lenderShort).toBe(0);
    expect(moved.outs.filter((o) => o.preventable).length).toBeLessThan(preventable.length);
  });
});
