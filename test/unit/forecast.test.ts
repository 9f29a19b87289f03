import { describe, expect, it } from 'vitest';
import { AlertBook, ALERT_RULES } from '../../agent/station/alerts.js';
import { alertsSchema, forecastSchema } from '../../agent/config/schema.js';
import { ConsumablesForecast } from '../../agent/station/forecast.js';
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2027-01-04T00:00:00Z');
const limits = alertsSchema().parse({});
const config = forecastSchema().parse({});

/**
 * A simulated office: cards printed in working hours at `perDay`, a ribbon and a film whose
 * real yields differ from the configured defaults (the forecast must learn them), replaced the
 * moment they run out, and a shelf of blanks. The printer reports levels in whole percent only,
 * as IPP printers do.
 */
class Office {
  used = { ribbon: 0, film: 0 };
  cards = 0;
  now = T0;
  readonly emptyAt: Record<string, number[]> = { ribbon: [], film: [], blanks: [] };
  constructor(
    readonly perDay: number,
    readonly yields: { ribbon: number; film: number },
    public onHand: number,
    start: { ribbon?: number; film?: number } = {},
  ) {
    this.used.ribbon = start.ribbon ?? 0;
    this.used.film = start.film ?? 0;
  }

  level(kind: 'ribbon' | 'film'): number {
    return Math.max(0, Math.ceil((100 * (this.yields[kind] - this.used[kind])) / this.yields[kind]));
  }

  /** One hour: cards in 08:00-16:00 only. */
  hour(): void {
    const h = new Date(this.now).getUTCHours();
    if (h >= 8 && h < 16 && this.onHand > 0) {
      const n = Math.min(this.onHand, Math.round(this.perDay / 8));
      this.cards += n;
      this.onHand -= n;
      if (this.onHand === 0) this.emptyAt.blanks?.push(this.now);
      for (const k of ['ribbon', 'film'] as const) {
        this.used[k] += n;
        if (this.used[k] >= this.yields[k]) {
          this.emptyAt[k]?.push(this.now);
          this.used[k] = 0; // a technician puts a new one in at once
        }
      }
    }
    this.now += HOUR;
  }

  body(): StationBody {
    const supply = (kind: 'ribbon' | 'film'): SupplyPayload => {
      const level = this.level(kind);
      return { kind, name: kind === 'ribbon' ? 'YMCKO ribbon' : 'Retransfer film', levelPercent: level, remaining: null, capacity: null, status: level === 0 ? 'empty' : level <= 10 ? 'low' : 'ok', daysLeft: null, daysLeftReason: null };
    };
    const b = healthyBody({ stock: { blanksOnHand: this.onHand } });
    b.printer.supplies = [supply('ribbon'), supply('film'), { kind: 'blanks', name: 'Hopper', levelPercent: null, remaining: null, capacity: null, status: 'unknown', daysLeft: null, daysLeftReason: null }];
    return b;
  }
}

/** Run the office for `days`, as the station loop would: observe, forecast, alert. */
function run(office: Office, days: number, f = new ConsumablesForecast(config), book = new AlertBook(ALERT_RULES, limits)) {
  const raised: { code: string; at: number; message: string }[] = [];
  let last: StationBody | undefined;
  for (let i = 0; i < days * 24; i++) {
    office.hour();
    const body = office.body();
    f.observe(office.now, body.printer.supplies, office.cards);
    f.apply(body, office.now);
    for (const t of book.evaluate(body)) {
      book.commit(t, new Date(office.now));
      if (t.state === 'raised') raised.push({ code: t.code, at: office.now, message: t.message });
    }
    last = body;
  }
  return { raised, last, f, book };
}

describe('consumables forecast', () => {
  it('a forecast without data says so: null with the reason, not a guess (the first estimate off)', () => {
    const f = new ConsumablesForecast({ ...config, expectedCardsPerDay: 0 });
    const body = healthyBody({ film: { levelPercent: 50, remaining: null, capacity: null } });
    f.observe(T0, body.printer.supplies, null);
    f.apply(body, T0);
    expect(body.printer.supplies.find((s) => s.kind === 'film')).toMatchObject({ daysLeft: null, daysLeftReason: expect.stringMatching(/card count/) as string });
    expect(body.stock).toMatchObject({ daysLeft: null, daysLeftReason: expect.stringMatching(/ledger/) as string, cardsPerDay: null });
    f.observe(T0 + HOUR, body.printer.supplies, 10);
    f.observe(T0 + 2 * HOUR, body.printer.supplies, 20);
    f.apply(body, T0 + 2 * HOUR);
    expect(body.printer.supplies.find((s) => s.kind === 'film')?.daysLeftReason).toMatch(/less than a full day/);
  });

  it('learns cards per percent from the levels and the rate from the cards, and both survive a restart', () => {
    const office = new Office(80, { ribbon: 1000, film: 2500 }, 5000);
    const { f } = run(office, 5);
    expect(f.perCardPercent('ribbon', null)).toBeCloseTo(100 / 1000, 2);
    expect(f.perCardPercent('film', null)).toBeCloseTo(100 / 2500, 2);
    const restarted = new ConsumablesForecast(config, f.takeChanges());
    expect(restarted.perCardPercent('film', null)).toBeCloseTo(100 / 2500, 2);
    const rate = restarted.rate(office.now);
    expect(rate.perDay).toBeGreaterThan(70);
    expect(rate.perDay).toBeLessThan(90);
    // And the days left follow: the film at 84 % of 2500 cards is ~2100 cards, ~26 days at 80 a day.
    const body = office.body();
    restarted.apply(body, office.now);
    const film = body.printer.supplies.find((s) => s.kind === 'film');
    expect(film?.remaining).toBeGreaterThan(2000);
    expect(film?.daysLeft).toBeGreaterThan(24);
    expect(film?.daysLeft).toBeLessThan(29);
  });

  for (const perDay of [40, 80, 120]) {
    it(`simulated months at ${perDay} cards a day: every supply is warned of at least its lead time before it runs out, and not much sooner`, () => {
      const office = new Office(perDay, { ribbon: 1200, film: 3000 }, 4000);
      const { raised } = run(office, Math.ceil(4000 / perDay) + 3);
      let checked = 0;
      for (const kind of ['ribbon', 'film', 'blanks'] as const) {
        const out = office.emptyAt[kind]?.[0];
        if (out === undefined) continue;
        const warned = raised.find((r) => r.code === `supply.${kind}.low` && r.at <= out);
        expect(warned, `${kind} ran out at day ${((out - T0) / DAY).toFixed(1)} unwarned`).toBeDefined();
        const aheadDays = (out - (warned?.at ?? out)) / DAY;
        // Learning takes the first day; a supply that lasts longer than that plus its lead is warned in time.
        expect(aheadDays).toBeGreaterThanOrEqual(limits.leadDays[kind]);
        expect(aheadDays).toBeLessThanOrEqual(limits.leadDays[kind] + 2.5);
        checked++;
      }
      expect(checked).toBe(3);
    });
  }

  it('the Kupang case: film nearly gone while thousands of blanks wait raises the imbalance warning naming both', () => {
    // 40 cards a day; the film has ~150 cards left, the shelf 4,000 blanks (100 days).
    const office = new Office(40, { ribbon: 1000, film: 2500 }, 4000, { film: 2350 });
    const { raised, last } = run(office, 2);
    const imbalance = raised.find((r) => r.code === 'supply.imbalance');
    expect(imbalance?.message).toMatch(/retransfer film runs out in about \d+ days?, long before the blank cards \(about \d+ days\): order film now/);
    expect(raised.map((r) => r.code)).toContain('supply.film.low');
    expect(last?.stock.daysLeft).toBeGreaterThan(90);
    // Balanced supplies raise nothing of the kind.
    const calm = run(new Office(40, { ribbon: 1000, film: 2500 }, 2400), 3);
    expect(calm.raised.filter((r) => r.code === 'supply.imbalance')).toEqual([]);
  });
});
