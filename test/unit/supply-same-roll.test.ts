/**
 * Issue 31, "one roll, one record": a person's `supply replace` and the printer's own sign of a
 * new roll (a level that jumps, an empty that clears) within SAME_ROLL_WINDOW_MS of each other
 * are one roll, whichever comes first; the lot stays with it and the shelf gives one roll.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SupplyLedger } from '../../agent/ledger/supplies.js';
import { sameRollWords } from '../../agent/ledger/same-roll-words.js';
import { RollWatch } from '../../agent/station/rolls.js';
import { Store } from '../../agent/store/store.js';
import { postCard } from '../../agent/ledger/card.js';
import { dayFigures } from '../../agent/office/daily.js';
import type { PrinterReading, SupplyReading } from '../../hal/printer/types.js';

const YIELDS = { ribbon: 500, film: 1500 };
const MIN = 60_000;
const T0 = Date.parse('2027-01-05T08:00:00Z');
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

/** A ledger with a ribbon roll in the printer that has given 100 cards, and 2 spare rolls on the shelf. */
async function ledger(): Promise<{ store: Store; l: SupplyLedger; cards: (n: number) => Promise<void> }> {
  const store = await Store.openInMemory();
  stores.push(store);
  const l = new SupplyLedger(store.db, YIELDS);
  let next = 0;
  const cards = (n: number) =>
    store.db.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await postCard(tx, 'print', T0, `SYN-${next++}`);
    });
  await l.receive('ribbon', 3, { at: T0 - 60 * MIN });
  await l.replace('ribbon', { at: T0 - 60 * MIN });
  await cards(100);
  return { store, l, cards };
}

describe('one roll, one record', () => {
  it('person first: the printer seeing the new roll 5 minutes later records nothing more; the roll keeps its lot', async () => {
    const { l, cards } = await ledger();
    expect((await l.replace('ribbon', { lot: 'L1', by: 'person', at: T0 })).onShelf).toBe(1);
    await cards(3);
    const c = await l.replace('ribbon', { by: 'printer', at: T0 + 5 * MIN });
    expect(c).toMatchObject({ onShelf: 1, cardsSince: 3 });
    expect(c.rolls).toHaveLength(2);
    expect(c.rolls[0]).toMatchObject({ cards: 100, removed: 'used-up' });
    expect(c.rolls[1]).toMatchObject({ lot: 'L1', removed: null, cards: 3, recordedBy: 'person' });
  });

  it('printer first: the clerk recording the roll 10 minutes later names that roll (its lot and box yield), takes nothing more from the shelf, and closes nothing with 0 cards', async () => {
    const { store, l, cards } = await ledger();
    expect(await l.replace('ribbon', { by: 'printer', at: T0 })).toMatchObject({ onShelf: 1 });
    await cards(2);
    const c = await l.replace('ribbon', { lot: 'L1', yield: 450, by: 'person', at: T0 + 10 * MIN });
    expect(c).toMatchObject({ onShelf: 1, cardsSince: 2, yield: 450, yieldFrom: 'box', remaining: 448 });
    expect(c.rolls).toHaveLength(2);
    expect(c.rolls[0]).toMatchObject({ cards: 100, removed: 'used-up' });
    expect(c.rolls[1]).toMatchObject({ lot: 'L1', removed: null, cards: 2 });
    // The clerk is told it was the printer's roll, in both languages (page and command line).
    expect(sameRollWords('ribbon', c)).toEqual({
      id: 'gulungan pita ini sudah dicatat printer pukul 08:00 UTC: dicatat sebagai gulungan yang sama, lot L1, diperkirakan 450 kartu; tidak ada lagi yang diambil dari rak (di rak: 1)',
      en: 'the printer recorded this ribbon roll at 08:00 UTC: recorded as that same roll, lot L1, expected to give 450 cards; nothing more taken from the shelf (on the shelf: 1)',
    });
    // The office's day counts the roll once: the one put in at 07:00 and this one.
    const day = await dayFigures(store.db, '2027-01-05', { timeZone: 'UTC', hasPrinter: true, store: false, today: '2027-01-06' });
    expect(day.ribbon).toMatchObject({ installed: 2, onHandEnd: 1 });
    // Named once: a second replace by a person is another roll, as a person says it.
    const again = await l.replace('ribbon', { lot: 'L2', by: 'person', at: T0 + 12 * MIN });
    expect(again.rolls).toHaveLength(3);
    expect(again.onShelf).toBe(0);
  });

  it('printer first, having taken the last roll from the shelf: the clerk naming it is not asked for a yield', async () => {
    const { l } = await ledger();
    await l.replace('ribbon', { by: 'printer', at: T0 - 25 * MIN });
    await l.replace('ribbon', { by: 'printer', at: T0 });
    const c = await l.replace('ribbon', { lot: 'L1', by: 'person', at: T0 + 1 * MIN });
    expect(c).toMatchObject({ onShelf: 0, yield: 500 });
    expect(c.rolls.at(-1)).toMatchObject({ lot: 'L1' });
  });

  it('printer first, the clerk says the old roll came out early: it is not learned from', async () => {
    const { l } = await ledger();
    await l.replace('ribbon', { by: 'printer', at: T0 });
    const c = await l.replace('ribbon', { lot: 'L1', early: true, by: 'person', at: T0 + 10 * MIN });
    expect(c.rolls.map((r) => r.removed)).toEqual(['removed', null]);
  });

  it('more than 30 minutes apart, in either order, they are two rolls (as before)', async () => {
    const a = await ledger();
    await a.l.replace('ribbon', { lot: 'L1', by: 'person', at: T0 });
    const pa = await a.l.replace('ribbon', { by: 'printer', at: T0 + 31 * MIN });
    expect(pa).toMatchObject({ onShelf: 0 });
    expect(pa.rolls).toHaveLength(3);
    const b = await ledger();
    await b.l.replace('ribbon', { by: 'printer', at: T0 });
    const pb = await b.l.replace('ribbon', { lot: 'L1', by: 'person', at: T0 + 31 * MIN });
    expect(pb).toMatchObject({ onShelf: 0 });
    expect(pb.rolls).toHaveLength(3);
    expect(pb.rolls[2]).toMatchObject({ lot: 'L1' });
  });

  it('a wall clock stepped back a few minutes between the two still makes one roll', async () => {
    const { l } = await ledger();
    await l.replace('ribbon', { lot: 'L1', by: 'person', at: T0 });
    const c = await l.replace('ribbon', { by: 'printer', at: T0 - 3 * MIN });
    expect(c.rolls).toHaveLength(2);
    expect(c.onShelf).toBe(1);
  });
});

describe('a flicker of empty', () => {
  const reading = (ribbon: Partial<SupplyReading>, reasons: string[] = []): PrinterReading => ({
    state: 'idle',
    reasons,
    supplies: [{ kind: 'ribbon', name: 'Ribbon', levelPercent: null, remaining: null, capacity: null, status: 'unknown', ...ribbon }],
    model: null,
    printedTotal: null,
  });
  /** The roll changes seen over a run of polls. */
  const seen = (readings: PrinterReading[]) => {
    const watch = new RollWatch();
    return readings.flatMap((r) => watch.see(r).map((c) => c.kind));
  };
  const empty = (level: number | null) => reading({ levelPercent: level, status: 'empty' }, ['ribbon-empty']);

  it('empty for a poll or two that clears with no level change records nothing', () => {
    expect(seen([reading({ levelPercent: 35 }), empty(0), reading({ levelPercent: 35 })])).toEqual([]);
    expect(seen([reading({ levelPercent: 35 }), empty(null), empty(null), reading({ levelPercent: 36 })])).toEqual([]);
    expect(seen([reading({}), empty(null), reading({})])).toEqual([]);
    expect(seen([reading({}), empty(null), empty(null), reading({})])).toEqual([]);
  });

  it('an empty that lasted, or that clears with the level up, is a new roll', () => {
    expect(seen([reading({ levelPercent: 3 }), empty(0), reading({ levelPercent: 98 })])).toEqual(['ribbon']);
    expect(seen([reading({}), empty(null), empty(null), empty(null), reading({})])).toEqual(['ribbon']);
    expect(seen([reading({ levelPercent: 30 }), reading({ levelPercent: 97 })])).toEqual(['ribbon']);
  });
});
