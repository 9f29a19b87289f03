/**
 * Figures beyond what a printer can print or a room can hold are flagged, not used: the station's
 * row says which and why in both languages, and lending, the ranking and the sums leave them out.
 */
import { describe, expect, it } from 'vitest';
import { Fleet, type StationRow } from '../../dashboard/fleet.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { lending, ranking } from '../../dashboard/views.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health, T0 } from '../support/dashboard-rig.js';

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
