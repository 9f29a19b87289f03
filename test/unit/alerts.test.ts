import { describe, expect, it } from 'vitest';
import { AlertBook, ALERT_RULES, type AlertLimits, type AlertTransition } from '../../agent/station/alerts.js';
import { alertsSchema } from '../../agent/config/schema.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { healthyBody } from '../support/health.js';

const limits: AlertLimits = alertsSchema().parse({});
const at = new Date('2026-01-05T08:00:00Z');
/** evaluate + commit, as the station does once each event is stored. */
class Book extends AlertBook {
  override evaluate(h: StationBody): AlertTransition[] {
    const t = super.evaluate(h);
    for (const x of t) this.commit(x, at);
    return t;
  }
}
const book = (initial: StationBody[] = []) => {
  const b = new Book(ALERT_RULES, limits);
  for (const h of initial) b.evaluate(h);
  return b;
};
const film = (levelPercent: number | null, status: 'ok' | 'low' | 'empty' | 'unknown' = 'ok') =>
  healthyBody({ film: { levelPercent, remaining: levelPercent, status } });

describe('alert rules', () => {
  it('proposes without changing: a transition counts only once committed', () => {
    const b = new AlertBook(ALERT_RULES, limits);
    const first = b.evaluate(film(0, 'empty'));
    expect(b.evaluate(film(0, 'empty'))).toEqual(first);
    expect(b.codes()).toEqual([]);
    for (const t of first) b.commit(t, at);
    expect(b.codes()).toEqual(['supply.film.empty', 'supply.film.low']);
    expect(b.evaluate(film(0, 'empty'))).toEqual([]);
  });

  it('a healthy station raises nothing', () => {
    expect(book().evaluate(healthyBody())).toEqual([]);
  });

  it('a film level hovering on the low mark raises once and does not flap', () => {
    const b = book();
    const transitions = [11, 10, 11, 10, 12, 14, 15, 11].flatMap((lvl) => b.evaluate(film(lvl)));
    expect(transitions.map((t) => `${t.code} ${t.state}`)).toEqual(['supply.film.low raised']);
    expect(b.evaluate(film(16)).map((t) => `${t.code} ${t.state}`)).toEqual(['supply.film.low cleared']);
  });

  it("raises low at the printer's own word even above the configured mark", () => {
    const t = book().evaluate(film(25, 'low'));
    expect(t).toMatchObject([{ code: 'supply.film.low', state: 'raised', severity: 'warning' }]);
  });

  it('empty raises empty (critical) and low; a refill clears both', () => {
    const b = book();
    expect(b.evaluate(film(0, 'empty')).map((t) => `${t.code} ${t.state} ${t.severity}`)).toEqual([
      'supply.film.low raised warning',
      'supply.film.empty raised critical',
    ]);
    expect(b.codes()).toEqual(['supply.film.empty', 'supply.film.low']);
    expect(b.evaluate(film(100)).map((t) => `${t.code} ${t.state}`)).toEqual(['supply.film.low cleared', 'supply.film.empty cleared']);
  });

  it('an unreadable printer keeps supply alerts as they were, and raises printer.offline', () => {
    const b = book([film(0, 'empty')]);
    const t = b.evaluate(healthyBody({ printer: { state: 'unknown', supplies: [], error: 'timeout' } }));
    expect(t.map((x) => `${x.code} ${x.state}`)).toEqual(['printer.offline raised']);
    expect(t[0]?.message).toContain('timeout');
    expect(b.codes()).toContain('supply.film.empty');
  });

  it('a jam raises printer.error; supply reasons alone do not', () => {
    expect(book().evaluate(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam'] } })).map((t) => t.code)).toEqual(['printer.error']);
    expect(book().evaluate(healthyBody({ printer: { state: 'stopped', reasons: ['film-empty'] } })).map((t) => t.code)).not.toContain('printer.error');
  });

  it('mains lost raises ups.on_battery; low battery adds ups.low_battery; a lost link raises comm_lost only', () => {
    const b = book();
    expect(b.evaluate(healthyBody({ ups: { status: 'on_battery', onBattery: true, chargePercent: 90 } })).map((t) => t.code)).toEqual(['ups.on_battery']);
    expect(b.evaluate(healthyBody({ ups: { status: 'low_battery', onBattery: true } })).map((t) => t.code)).toEqual(['ups.low_battery']);
    const lost = b.evaluate(healthyBody({ ups: { status: 'unknown', onBattery: null, chargePercent: null, error: 'no answer' } }));
    expect(lost.map((t) => `${t.code} ${t.state}`)).toEqual(['ups.comm_lost raised']);
    expect(b.codes()).toEqual(['ups.comm_lost', 'ups.low_battery', 'ups.on_battery']);
    expect(b.evaluate(healthyBody()).map((t) => `${t.code} ${t.state}`)).toEqual([
      'ups.comm_lost cleared',
      'ups.on_battery cleared',
      'ups.low_battery cleared',
    ]);
  });

  it('low battery on mains (recharging after a cut) is low_battery, not "mains lost"', () => {
    const t = book().evaluate(healthyBody({ ups: { status: 'low_battery', onBattery: false, chargePercent: 15 } }));
    expect(t.map((x) => x.code)).toEqual(['ups.low_battery']);
  });

  it('cards needing verification and a held queue raise their alerts, with what to do', () => {
    const b = book();
    const jobs = (over: Partial<StationBody['jobs']>) => ({ ...healthyBody(), jobs: { ...healthyBody().jobs, queued: 2, needsVerification: 0, ...over } });
    const t = b.evaluate(jobs({ needsVerification: 2, held: 'film is empty: refill it and printing resumes by itself' }));
    expect(t.map((x) => `${x.code} ${x.state}`)).toEqual(['jobs.needs_verification raised', 'jobs.held raised']);
    expect(t[0]?.message).toMatch(/2 cards.*jobs verify/);
    expect(t[1]?.message).toMatch(/film is empty/);
    expect(b.evaluate(jobs({})).map((x) => `${x.code} ${x.state}`)).toEqual(['jobs.needs_verification cleared', 'jobs.held cleared']);
  });

  it('jobs.needs_verification names the records, and is raised again when the records it names change', () => {
    const b = book();
    const jobs = (n: number, ids: string[]) => ({ ...healthyBody(), jobs: { ...healthyBody().jobs, needsVerification: n, needsVerificationIds: ids } });
    const first = b.evaluate(jobs(1, ['SYN-0007']));
    expect(first.map((t) => `${t.code} ${t.state}`)).toEqual(['jobs.needs_verification raised']);
    expect(first[0]?.message).toMatch(/1 card may or may not have printed: SYN-0007\./);
    for (const t of first) b.commit(t, new Date());
    expect(b.evaluate(jobs(1, ['SYN-0007']))).toEqual([]);
    const grown = b.evaluate(jobs(23, Array.from({ length: 20 }, (_, i) => `SYN-${i}`)));
    expect(grown.map((t) => `${t.code} ${t.state}`)).toEqual(['jobs.needs_verification raised']);
    expect(grown[0]?.message).toMatch(/SYN-19 and 3 more/);
  });

  it('jobs.held is raised again when why printing is held changes, not when only its detail does', () => {
    const b = book();
    const held = (code: string, detail: string) => ({ ...healthyBody(), jobs: { ...healthyBody().jobs, held: detail, heldCode: code as never } });
    for (const t of b.evaluate(held('on_battery_short', 'on battery with 140 s left'))) b.commit(t, new Date());
    expect(b.evaluate(held('on_battery_short', 'on battery with 120 s left'))).toEqual([]);
    const changed = b.evaluate(held('printer_stopped', 'the printer is stopped (media-jam)'));
    expect(changed.map((t) => `${t.code} ${t.state}`)).toEqual(['jobs.held raised']);
    expect(changed[0]?.message).toMatch(/media-jam/);
  });

  it('jobs.held clears with words that do not claim printing resumed', () => {
    const b = book();
    const held = { ...healthyBody(), jobs: { ...healthyBody().jobs, held: 'the printer is stopped (media-jam-error)' } };
    for (const t of b.evaluate(held)) b.commit(t, new Date());
    const cleared = b.evaluate(healthyBody());
    expect(cleared.map((t) => `${t.code} ${t.state}`)).toEqual(['jobs.held cleared']);
    expect(cleared[0]?.message).toMatch(/reason printing was held is gone/);
  });

  it('on battery, low charge or runtime under the configured limits is low battery even without the UPS flag', () => {
    const ob = (over: Partial<StationBody['ups']>) => healthyBody({ ups: { status: 'on_battery', onBattery: true, chargePercent: 80, runtimeSeconds: 1200, ...over } });
    expect(book().evaluate(ob({ chargePercent: 20 })).map((t) => t.code)).toEqual(['ups.on_battery', 'ups.low_battery']);
    expect(book().evaluate(ob({ runtimeSeconds: 170 })).map((t) => t.code)).toEqual(['ups.on_battery', 'ups.low_battery']);
    expect(book().evaluate(ob({})).map((t) => t.code)).toEqual(['ups.on_battery']);
    // On mains, a low charge is the battery recharging, not an alarm.
    expect(book().evaluate(healthyBody({ ups: { status: 'online', onBattery: false, chargePercent: 10 } }))).toEqual([]);
  });

  it('no UPS configured raises nothing', () => {
    expect(book().evaluate(healthyBody({ ups: { driver: 'none', status: 'unknown', error: 'none' } }))).toEqual([]);
  });

  it('disk low raises under the limit and clears only 10 % above it', () => {
    const b = book();
    const mb = (n: number) => healthyBody({ host: { diskFreeBytes: n * 1_048_576 } });
    expect(b.evaluate(mb(1000)).map((t) => t.code)).toEqual(['host.disk_low']);
    expect(b.evaluate(mb(1100))).toEqual([]);
    expect(b.evaluate(mb(1200)).map((t) => t.state)).toEqual(['cleared']);
    expect(b.evaluate(healthyBody({ host: { diskFreeBytes: null } }))).toEqual([]);
  });

  it('starts from the alerts the store kept: no second raise, and a clear if the cause went away', () => {
    const kept = [{ code: 'supply.film.empty', severity: 'critical', message: 'x', raisedAt: at.toISOString() }];
    const stillEmpty = new Book(ALERT_RULES, limits, kept).evaluate(film(0, 'empty'));
    expect(stillEmpty.map((t) => t.code)).toEqual(['supply.film.low']);
    const refilled = new Book(ALERT_RULES, limits, kept).evaluate(film(100));
    expect(refilled.map((t) => `${t.code} ${t.state}`)).toEqual(['supply.film.empty cleared']);
  });
});

describe("a printer's stack where the office keeps a store book (office.keptAtStore)", () => {
  const stack = (daysLeft: number) => healthyBody({ stock: { blanksOnHand: 40, daysLeft, daysLeftReason: null, cardsPerDay: 150 } });
  it('a stack for a few hours is office.restock (a hint to fetch from the store), not supply.blanks.low: the office is not short', () => {
    const b = new Book(ALERT_RULES, { ...limits, restockHours: 8 });
    expect(b.evaluate(stack(2)).map((t) => `${t.code} ${t.state}`)).toEqual([]);
    const raised = b.evaluate(stack(0.25));
    expect(raised.map((t) => `${t.code} ${t.state} ${t.severity}`)).toEqual(['office.restock raised info']);
    expect(raised[0]?.message).toMatch(/fetch blanks from the office's store: the stack here \(40 cards\) lasts about 6 hours/);
    expect(b.evaluate(stack(5)).map((t) => `${t.code} ${t.state}`)).toEqual(['office.restock cleared']);
  });

  it('where the stock here is the office\'s, the same few days raise supply.blanks.low, and no restock', () => {
    expect(book().evaluate(stack(2)).map((t) => `${t.code} ${t.state}`)).toEqual(['supply.blanks.low raised']);
  });
});
