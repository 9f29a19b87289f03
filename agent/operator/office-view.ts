/**
 * What the station page shows of the office: where this PC's stock comes from (the store's book
 * here, or stacks from the store), and at the store PC the book itself: what is in the store, the
 * transfers sent (with what their hand-over slips say), the register and the latest entries.
 * A batch an older version kept with a control or direction character in it is shown with that
 * character as a visible escape, so it cannot reorder what the clerk reads.
 */
import type { Config } from '../config/schema.js';
import { OfficeBook } from '../office/book.js';
import { officeOf } from '../office/config.js';
import { zoneOf } from '../office/days.js';
import type { Store } from '../store/store.js';
import { shownSafely } from '../../core/typed-text.js';

export async function officeView(store: Store, config: Pick<Config, 'station' | 'office'>, now: number) {
  const office = officeOf(config.station);
  const base = { id: office.id, name: office.name ?? null, store: config.office.store, keptAtStore: config.office.keptAtStore, register: config.office.stations };
  if (!config.office.store) return { ...base, onHand: null, sent: [], entries: [] };
  const book = new OfficeBook(store.db, { officeId: office.id, register: config.office.stations, timeZone: zoneOf(config.station), now: () => now });
  const sent = await book.sentWithin(config.office.transitDays + 14);
  const entries = await book.entries(15);
  return {
    ...base,
    onHand: await book.onHand(),
    sent: sent.reverse().map((e) => ({ transfer: e.transfer, day: e.day, supply: e.supply, quantity: -e.qty, to: e.other, loan: e.kind === 'loan_out' })),
    entries: entries.reverse().map((e) => ({ id: e.id, day: e.day, kind: e.kind, supply: e.supply, qty: e.qty, transfer: e.transfer, other: e.other, batch: e.batch === null ? null : shownSafely(e.batch), corrected: e.correctedBy !== null, correction: e.corrects !== null })),
  };
}
