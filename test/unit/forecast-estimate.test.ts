/**
 * A forecast from the first hour: until a station has a day of its own use, its rate is the
 * office's other printers' (their own rates, as the dashboard sees them), else the configured
 * first estimate, and every forecast made with it says where its rate came from (rateSource).
 */
import { describe, expect, it } from 'vitest';
import { alertsSchema, forecastSchema } from '../../agent/config/schema.js';
import { AlertBook, ALERT_RULES } from '../../agent/station/alerts.js';
import { ConsumablesForecast } from '../../agent/station/forecast.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2027-03-01T00:00:00Z');
const config = forecastSchema().parse({});

/** A station's body as the loop has it: the film counted at 300 cards left, blanks on hand. */
function body(onHand: number | null = 300): StationBody {
  return healthyBody({ film: { levelPercent: 20, remaining: 300, capacity: 1500 }, stock: { blanksOnHand: onHand } });
}

/** A station that has printed `perDay` cards a day since T0 (cards at 09:00), looked at `days` later at 10:00. */
function withHistory(f: ConsumablesForecast, perDay: number, days: number): number {
  let cards = 0;
  f.observe(T0, [], cards);
  for (let d = 0; d < days; d++) {
    cards += perDay;
    f.observe(T0 + d * DAY + 9 * HOUR, [], cards);
  }
  return T0 + days * DAY + 10 * HOUR;
}

describe('the rate a forecast counts with', () => {
  it('a new station with no other printer heard: the first estimate, forecast.expectedCardsPerDay (150), marked expected', () => {
    const f = new ConsumablesForecast(config);
    f.observe(T0, [], 0);
    const b = body();
    f.apply(b, T0 + HOUR);
    expect(b.stock).toMatchObject({ cardsPerDay: 150, rateSource: 'expected', daysLeft: 2, daysLeftReason: null });
    expect(b.printer.supplies.find((s) => s.kind === 'film')).toMatchObject({ daysLeft: 2, rateSource: 'expected' });
    // The configured figure, not a built-in one.
    const g = new ConsumablesForecast({ ...config, expectedCardsPerDay: 60 });
    g.observe(T0, [], 0);
    const c = body();
    g.apply(c, T0 + HOUR);
    expect(c.stock).toMatchObject({ cardsPerDay: 60, rateSource: 'expected', daysLeft: 5 });
  });

  it("a new station whose office's other printers are heard: their mean, marked office", () => {
    const asked: number[] = [];
    const f = new ConsumablesForecast(config, undefined, (now) => (asked.push(now), 100));
    f.observe(T0, [], 0);
    const b = body();
    f.apply(b, T0 + HOUR);
    expect(asked).toContain(T0 + HOUR);
    expect(b.stock).toMatchObject({ cardsPerDay: 100, rateSource: 'office', daysLeft: 3 });
    expect(b.printer.supplies.find((s) => s.kind === 'film')).toMatchObject({ daysLeft: 3, rateSource: 'office' });
    // None heard (null) or nothing printed there (0): the first estimate.
    for (const heard of [null, 0]) {
      const g = new ConsumablesForecast(config, undefined, () => heard);
      g.observe(T0, [], 0);
      expect(g.rate(T0 + HOUR)).toEqual({ perDay: 150, reason: null, source: 'expected' });
    }
  });

  it("a day of its own use: its own rate, marked own, whatever the office's printers print", () => {
    const f = new ConsumablesForecast(config, undefined, () => 100);
    const now = withHistory(f, 40, 3);
    expect(f.rate(now)).toMatchObject({ perDay: 40, source: 'own' });
    const b = body();
    f.apply(b, now);
    expect(b.stock).toMatchObject({ cardsPerDay: 40, rateSource: 'own', daysLeft: 7.5 });
    expect(b.printer.supplies.find((s) => s.kind === 'film')).toMatchObject({ daysLeft: 7.5, rateSource: 'own' });
    // Its own rate of nothing printed lately is its own too: no days left, and no estimate put in their place.
    const idle = new ConsumablesForecast(config, undefined, () => 100);
    const later = withHistory(idle, 0, 3);
    const c = body();
    idle.apply(c, later);
    expect(c.stock).toMatchObject({ cardsPerDay: 0, rateSource: 'own', daysLeft: null, daysLeftReason: expect.stringMatching(/no cards printed/) as string });
    expect(c.printer.supplies.find((s) => s.kind === 'film')).toMatchObject({ daysLeft: null, rateSource: null });
  });

  it('no forecast, no source: a PC that counts no cards (no print queue), or a level not known, has rateSource null', () => {
    const f = new ConsumablesForecast(config, undefined, () => 100);
    f.observe(T0, [], null);
    const b = body(null);
    b.printer.supplies = b.printer.supplies.map((s) => (s.kind === 'ribbon' ? { ...s, levelPercent: null, remaining: null } : s));
    f.apply(b, T0 + HOUR);
    expect(b.stock).toMatchObject({ cardsPerDay: null, rateSource: null, daysLeft: null });
    expect(b.printer.supplies.every((s) => s.rateSource === null && s.daysLeft === null)).toBe(true);
    const g = new ConsumablesForecast(config, undefined, () => 100);
    g.observe(T0, [], 0);
    const c = body(null);
    c.printer.supplies = c.printer.supplies.map((s) => (s.kind === 'ribbon' ? { ...s, levelPercent: null, remaining: null } : s));
    g.apply(c, T0 + HOUR);
    expect(c.printer.supplies.find((s) => s.kind === 'ribbon')).toMatchObject({ daysLeft: null, rateSource: null });
    expect(c.stock).toMatchObject({ cardsPerDay: 100, rateSource: 'office', daysLeft: null });
  });

  it('days left on an estimate are shown but raise no "order now": the same stock on its own rate does', () => {
    const limits = alertsSchema().parse({});
    const raisedWith = (f: ConsumablesForecast, now: number) => {
      const b = body(100);
      f.apply(b, now);
      return new AlertBook(ALERT_RULES, limits).evaluate(b).filter((t) => t.state === 'raised').map((t) => t.code);
    };
    const fresh = new ConsumablesForecast(config, undefined, () => 150);
    fresh.observe(T0, [], 0);
    expect(raisedWith(fresh, T0 + HOUR)).not.toContain('supply.blanks.low');
    const seasoned = new ConsumablesForecast(config);
    expect(raisedWith(seasoned, withHistory(seasoned, 150, 3))).toContain('supply.blanks.low');
  });
});
