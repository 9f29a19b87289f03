import { afterEach, describe, expect, it } from 'vitest';
import { alertsSchema, forecastSchema, jobsSchema } from '../../agent/config/schema.js';
import { holdReason } from '../../agent/jobs/gate.js';
import { postCard } from '../../agent/ledger/card.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { SupplyLedger, type RollKind } from '../../agent/ledger/supplies.js';
import { AlertBook, ALERT_RULES } from '../../agent/station/alerts.js';
import { ConsumablesForecast } from '../../agent/station/forecast.js';
import { RollWatch } from '../../agent/station/rolls.js';
import { withCounted } from '../../agent/station/snapshot.js';
import { Store } from '../../agent/store/store.js';
import type { PrinterReading, SupplyReading } from '../../hal/printer/types.js';
import { AgentError, EXIT } from '../../core/errors.js';
import { healthyBody } from '../support/health.js';

const YIELDS = { ribbon: 500, film: 1500 };
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
async function ledger(): Promise<{ store: Store; l: SupplyLedger }> {
  const store = await Store.openInMemory();
  stores.push(store);
  return { store, l: new SupplyLedger(store.db, YIELDS) };
}
const cards = (store: Store, n: number, outcome: 'print' | 'spoil' = 'print') =>
  store.db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await postCard(tx, outcome, 1000 + i, `SYN-${i}`);
  });
async function usage(p: Promise<unknown>): Promise<AgentError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgentError);
  expect((err as AgentError).exitCode).toBe(EXIT.usage);
  return err as AgentError;
}

describe('the ribbon and film ledger', () => {
  it('rolls go from the shelf into the printer; every card printed or spoiled counts against the roll in it', async () => {
    const { store, l } = await ledger();
    expect(await l.count('film')).toMatchObject({ installedAt: null, remaining: null, onShelf: null, expectedYield: 1500 });
    await l.receive('film', 2, { lot: 'LOT-CONTOH' });
    expect((await l.replace('film')).onShelf).toBe(1);
    await cards(store, 3);
    await cards(store, 2, 'spoil');
    expect(await l.count('film')).toMatchObject({ yield: 1500, yieldFrom: 'default', cardsSince: 5, remaining: 1495, onShelf: 1 });
    // No ribbon was recorded: nothing is counted against it, and it stays unknown.
    expect(await l.count('ribbon')).toMatchObject({ installedAt: null, cardsSince: null, remaining: null });
    // Both ledgers agree: the five cards are off the blank ledger too.
    expect(await new Ledger(store.db).summary()).toMatchObject({ printed: 3, spoiled: 2 });
  });

  it('a roll not on the shelf takes the yield from its box; the count goes on past it without going below zero', async () => {
    const { store, l } = await ledger();
    const c = await l.replace('film', { yield: 20 });
    expect(c).toMatchObject({ yield: 20, yieldFrom: 'box', onShelf: 0, remaining: 20 });
    await cards(store, 22);
    expect(await l.count('film')).toMatchObject({ cardsSince: 22, remaining: 0 });
  });

  it('refuses bad input with what to type instead, and writes nothing', async () => {
    const { store, l } = await ledger();
    const noShelf = await usage(l.replace('film'));
    expect(noShelf.message).toMatch(/no film roll is on the shelf/);
    expect(noShelf.hint).toMatch(/station-agent supply replace film --yield 1500.*supply receive film N/);
    expect(noShelf.text?.hint?.id).toMatch(/station-agent supply replace film --yield 1500.*catat dulu penerimaannya dengan station-agent supply receive film N/);
    await usage(l.replace('film', { yield: 0 }));
    await usage(l.replace('film', { yield: -5 }));
    await usage(l.receive('film', 0));
    expect((await usage(l.receive('tape' as RollKind, 1))).message).toMatch(/expected ribbon or film/);
    expect((await store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM supply_ledger'))?.n).toBe(0);
  });

  it('learns the yield from the rolls used up: the default weighs as one roll beside the last five', async () => {
    const { store, l } = await ledger();
    await l.receive('film', 10);
    await l.replace('film');
    for (let i = 0; i < 3; i++) {
      await cards(store, 1310);
      await l.replace('film');
    }
    // "Our rolls give 1,310 cards, not 1,500": (1500 + 3 × 1310) / 4.
    expect(await l.count('film')).toMatchObject({ expectedYield: 1358, expectedFrom: 'learned', learnedFrom: 3, yieldFrom: 'learned' });
    // The roll in the printer was expected, when it went in, to give what two rolls had taught: (1500 + 2 × 1310) / 3.
    expect((await l.count('film')).yield).toBe(1373);
    // A roll taken out early, or with less than half its yield given, teaches nothing.
    await cards(store, 100);
    await l.replace('film', { early: true });
    await l.replace('film');
    const c = await l.count('film');
    expect(c).toMatchObject({ expectedYield: 1358, learnedFrom: 3 });
    expect(c.rolls.map((r) => [r.cards, r.removed])).toEqual([
      [1310, 'used-up'],
      [1310, 'used-up'],
      [1310, 'used-up'],
      [100, 'removed'],
      [0, 'used-up'],
      [0, null],
    ]);
  });

  it('is append-only', async () => {
    const { store, l } = await ledger();
    await l.receive('ribbon', 1);
    await expect(store.db.run("UPDATE supply_ledger SET rolls = 5 WHERE kind = 'ribbon'")).rejects.toThrow(/append-only/);
    await expect(store.db.run('DELETE FROM supply_ledger')).rejects.toThrow(/append-only/);
  });
});

describe('counted supplies in health', () => {
  const unknown = (kind: SupplyReading['kind']): SupplyReading => ({ kind, name: kind, levelPercent: null, remaining: null, capacity: null, status: 'unknown' });
  const count = async (film: { yield: number; cards: number }) => {
    const { store, l } = await ledger();
    await l.replace('film', { yield: film.yield });
    await cards(store, film.cards);
    return { ribbon: await l.count('ribbon'), film: await l.count('film') };
  };

  it('where the printer gives no level, ribbon and film come from the count: low by the same mark, never empty', async () => {
    const counted = await count({ yield: 20, cards: 19 });
    const s = withCounted([unknown('ribbon'), unknown('film'), unknown('blanks')], [], counted, 10);
    expect(s.find((x) => x.kind === 'film')).toMatchObject({ remaining: 1, capacity: 20, levelPercent: 5, status: 'low', source: 'counted' });
    expect(s.find((x) => x.kind === 'ribbon')).toMatchObject({ status: 'unknown', source: 'printer' });
    const gone = withCounted([unknown('film')], [], await count({ yield: 20, cards: 25 }), 10);
    expect(gone[0]).toMatchObject({ remaining: 0, status: 'low', source: 'counted' });
    // Only the printer's own word says empty.
    expect(withCounted([unknown('film')], ['film-empty'], counted, 10)[0]).toMatchObject({ status: 'empty', source: 'counted' });
  });

  it("the printer's level wins where it gives one", async () => {
    const counted = await count({ yield: 20, cards: 19 });
    const film: SupplyReading = { kind: 'film', name: 'Film', levelPercent: 60, remaining: null, capacity: null, status: 'ok' };
    expect(withCounted([film], [], counted, 10)[0]).toMatchObject({ levelPercent: 60, status: 'ok', source: 'printer' });
  });

  it('a count at zero raises low "by count", never empty, and never holds the queue', async () => {
    const body = healthyBody();
    const counted = await count({ yield: 20, cards: 30 });
    body.printer.supplies = withCounted([unknown('ribbon'), unknown('film'), unknown('blanks')], [], counted, 10);
    body.stock = { ...body.stock, filmRolls: counted.film.onShelf };
    const book = new AlertBook(ALERT_RULES, alertsSchema().parse({}));
    const t = book.evaluate(body);
    expect(t.find((x) => x.code === 'supply.film.low')?.message).toMatch(/the film roll is low: about 0 cards left of 20 by count, no spare roll on the shelf/);
    expect(t.map((x) => x.code)).not.toContain('supply.film.empty');
    expect(holdReason(body, jobsSchema().parse({}), { hasSource: true, durable: true })).toBeNull();
  });
});

describe('roll changes the printer shows', () => {
  const reading = (film: Partial<SupplyReading>, reasons: string[] = []): PrinterReading => ({
    state: 'idle',
    reasons,
    supplies: [{ kind: 'film', name: 'Film', levelPercent: null, remaining: null, capacity: null, status: 'unknown', ...film }],
    model: null,
    printedTotal: null,
  });

  const changes = (...readings: PrinterReading[]) => {
    const w = new RollWatch();
    return readings.map((r) => w.see(r)).at(-1);
  };

  it('a level that jumps up, or an empty that lasted and clears, is a new roll; a wobble or a first reading is not', () => {
    expect(changes(reading({ levelPercent: 90 }))).toEqual([]);
    expect(changes(reading({ levelPercent: 8 }), reading({ levelPercent: 97 }))).toEqual([{ kind: 'film', why: "the printer's film level rose from 8 % to 97 %" }]);
    expect(changes(reading({ levelPercent: 50 }), reading({ levelPercent: 52 }))).toEqual([]);
    const empty = reading({}, ['film-empty']);
    expect(changes(reading({}), empty, empty, empty, reading({}))).toEqual([{ kind: 'film', why: 'the printer no longer says film-empty' }]);
    expect(changes(empty, empty, empty, empty)).toEqual([]);
  });
});

describe('a simulated month on a printer that reports nothing', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  const T0 = Date.parse('2027-01-04T00:00:00Z');
  const limits = alertsSchema().parse({});

  for (const { perDay, shelf } of [
    { perDay: 40, shelf: 0 },
    { perDay: 80, shelf: 0 },
    { perDay: 60, shelf: 1 },
  ]) {
    it(`${perDay} cards a day, ${shelf} spare roll${shelf === 1 ? '' : 's'} of each on the shelf: every ribbon and film run-out is warned of its lead time ahead, from the count alone`, async () => {
      const { store, l } = await ledger();
      // The rolls give what their boxes say; a person records each new one (from the shelf or with --yield).
      const real: Record<RollKind, number> = { ribbon: 500, film: 1500 };
      for (const kind of ['ribbon', 'film'] as const) {
        await l.replace(kind, { yield: real[kind] });
        if (shelf > 0) await l.receive(kind, shelf);
      }
      const used: Record<RollKind, number> = { ribbon: 0, film: 0 };
      const left: Record<RollKind, number> = { ribbon: shelf, film: shelf };
      const runOut: Record<RollKind, number[]> = { ribbon: [], film: [] };
      const raised: { code: string; at: number; message: string }[] = [];
      const f = new ConsumablesForecast(forecastSchema().parse({}));
      const book = new AlertBook(ALERT_RULES, limits);
      let total = 0;
      let now = T0;
      const unknown = (kind: SupplyReading['kind']): SupplyReading => ({ kind, name: kind, levelPercent: null, remaining: null, capacity: null, status: 'unknown' });
      for (let h = 0; h < 30 * 24; h++) {
        now += HOUR;
        const hour = new Date(now).getUTCHours();
        if (hour >= 8 && hour < 16) {
          const n = Math.round(perDay / 8);
          await cards(store, n);
          total += n;
          for (const kind of ['ribbon', 'film'] as const) {
            used[kind] += n;
            if (used[kind] >= real[kind]) {
              used[kind] -= real[kind];
              // The office stops when its last roll runs out; a new roll then comes (a delivery).
              if (left[kind] === 0) runOut[kind].push(now);
              if (left[kind] > 0) {
                left[kind] -= 1;
                await l.replace(kind);
              } else await l.replace(kind, { yield: real[kind] });
            }
          }
        }
        const counted = { ribbon: await l.count('ribbon'), film: await l.count('film') };
        const body = healthyBody();
        body.printer.supplies = withCounted([unknown('ribbon'), unknown('film'), unknown('blanks')], [], counted, limits.supplyLowPercent);
        body.stock = { ...body.stock, ribbonRolls: counted.ribbon.onShelf, filmRolls: counted.film.onShelf };
        f.observe(now, body.printer.supplies, total);
        f.apply(body, now, counted);
        for (const t of book.evaluate(body)) {
          book.commit(t, new Date(now));
          if (t.state === 'raised') raised.push({ code: t.code, at: now, message: t.message });
        }
      }
      let checked = 0;
      const ahead: string[] = [];
      for (const kind of ['ribbon', 'film'] as const) {
        for (const out of runOut[kind]) {
          // Learning the rate takes the first day: a run-out sooner than that plus the lead time cannot be warned in time.
          if (out - T0 < (limits.leadDays[kind] + 1) * DAY) continue;
          const warned = raised.filter((r) => r.code === `supply.${kind}.low` && r.at <= out).at(-1);
          expect(warned, `${kind} ran out at day ${((out - T0) / DAY).toFixed(1)} unwarned`).toBeDefined();
          const days = (out - (warned?.at ?? out)) / DAY;
          expect(days, `${kind}: ${warned?.message}`).toBeGreaterThanOrEqual(limits.leadDays[kind]);
          ahead.push(`${kind} out on day ${((out - T0) / DAY).toFixed(1)} warned ${days.toFixed(1)} days ahead`);
          checked++;
        }
      }
      console.log(`counted supplies, ${perDay} cards a day, ${shelf} spare: ${ahead.join('; ')}`);
      expect(checked).toBeGreaterThanOrEqual(1);
      // A roll running low while a spare waits is no shortage: no alert names the shelf as empty then.
      if (shelf > 0) expect(raised.some((r) => /spare roll.* on the shelf/.test(r.message) && /about \d+ days? left with the shelf/.test(r.message))).toBe(true);
    });
  }
});
