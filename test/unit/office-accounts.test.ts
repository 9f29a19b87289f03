/**
 * What the office's books send to the province: the day's figures balance with the ledger they
 * come from, in the station's zone; each entry goes into the outbox once, noted as sent in the
 * same transaction; accounts outlive the outbox's bounds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { postCard } from '../../agent/ledger/card.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { OfficeBook } from '../../agent/office/book.js';
import { dayFigures } from '../../agent/office/daily.js';
import { dayIn, dayStart } from '../../agent/office/days.js';
import { AccountsPublisher } from '../../agent/office/publish.js';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, tempDir } from '../support/sim.js';

const WITA = 'Asia/Makassar';
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
const validators = schemaValidators();

async function open(clock: ManualClock) {
  const store = await Store.open(tempDir('accounts-'), () => clock.now());
  stores.push(store);
  return store;
}

describe('days in the station\'s zone', () => {
  it('a stamp falls on the day the station counts: 23:30 WITA is still that day, 00:30 the next', () => {
    const start = dayStart('2026-12-07', WITA);
    expect(new Date(start).toISOString()).toBe('2026-12-06T16:00:00.000Z');
    expect(dayIn(start + 23.5 * 3_600_000, WITA)).toBe('2026-12-07');
    expect(dayIn(start + 24.5 * 3_600_000, WITA)).toBe('2026-12-08');
    expect(dayIn(start + 24.5 * 3_600_000, 'Asia/Jakarta')).toBe('2026-12-07');
  });
});

describe("a printer's day balances with its ledger", () => {
  it('opening + received + from the store − sent back − good − spoiled + corrections = closing, day after day; a card found bad the next day counts there', async () => {
    const day1 = dayStart('2026-12-07', WITA);
    const clock = new ManualClock(day1 + 8 * 3_600_000);
    const store = await open(clock);
    const ledger = new Ledger(store.db);
    const at = (h: number, d = 0) => day1 + d * 86_400_000 + h * 3_600_000;
    await ledger.receive(200, 'KMD-1', { at: at(8) });
    await ledger.receiveTransfer(500, '5371-DINAS-T1', { at: at(9) });
    await store.db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await postCard(tx, 'print', at(10), `R-${i}`);
      await postCard(tx, 'spoil', at(11), 'R-40', 'jam');
      await postCard(tx, 'spoil', at(11), 'R-41', 'smudge');
    });
    await ledger.sendBack(100, '5371-01', { at: at(15) });
    await ledger.count(550, 'evening count', at(23.5));
    // The next day: one of yesterday's cards found smudged, more printed.
    await store.db.transaction(async (tx) => {
      await Ledger.spoilPrinted(tx, 'R-3', 'tinta luntur', at(9, 1), 'smudge');
      for (let i = 0; i < 20; i++) await postCard(tx, 'print', at(10, 1), `S-${i}`);
    });
    const today = '2026-12-08';
    const d1 = await dayFigures(store.db, '2026-12-07', { timeZone: WITA, hasPrinter: true, store: false, today });
    const d2 = await dayFigures(store.db, '2026-12-08', { timeZone: WITA, hasPrinter: true, store: false, today });
    expect(d1).toMatchObject({ final: true, received: 200, transfersIn: 500, returned: 100, good: 40, spoiled: 2, spoiledByCode: { jam: 1, smudge: 1 }, corrections: -8, onHandEnd: 550, needsVerification: null });
    expect(d2).toMatchObject({ final: false, received: 0, transfersIn: 0, returned: 0, good: 19, spoiled: 1, spoiledByCode: { smudge: 1 }, corrections: 0, onHandEnd: 530, needsVerification: 0 });
    const close = (d: typeof d1, opening: number) => opening + (d.received ?? 0) + (d.transfersIn ?? 0) - (d.returned ?? 0) - (d.good ?? 0) - (d.spoiled ?? 0) + (d.corrections ?? 0);
    expect(close(d1, 0)).toBe(d1.onHandEnd);
    expect(close(d2, d1.onHandEnd ?? 0)).toBe(d2.onHandEnd);
    expect(d2.onHandEnd).toBe((await ledger.summary()).onHand);
  });
});

async function publisherRig(opts: { keepsStore: boolean; hasPrinter: boolean }) {
  const clock = new ManualClock(dayStart('2026-12-07', WITA) + 9 * 3_600_000);
  const store = await open(clock);
  const station = { id: '5371-GUDANG', province: '53', regency: '5371' };
  const topics = stationTopics('ektp/v1', station);
  const outbox = new Outbox(store, { maxMessages: 5, maxBytes: 2 ** 30, maxAgeSeconds: 60 }, clock);
  await outbox.init();
  const telemetry = new Telemetry(store, outbox, () => ({ connected: false, lastError: null, refused: 0 }), station.id, topics, clock, quietLog);
  const pub = new AccountsPublisher({ store, telemetry, topics, station: station.id, office: '5371-DINAS', timeZone: WITA, hasPrinter: opts.hasPrinter, keepsStore: opts.keepsStore, clock, log: quietLog });
  const book = new OfficeBook(store.db, { officeId: '5371-DINAS', register: ['5371-01'], timeZone: WITA, now: () => clock.now() });
  const messages = async () => (await outbox.page(0, Number.MAX_SAFE_INTEGER, 10_000)).map((m) => ({ topic: m.topic, kind: m.kind, payload: JSON.parse(m.payload) as Record<string, unknown> }));
  return { clock, store, outbox, pub, book, messages, topics };
}

describe('the accounts publisher', () => {
  it("sends each store entry once, with a day's totals; a second look sends nothing new; the outbox's bounds never drop them", async () => {
    const t = await publisherRig({ keepsStore: true, hasPrinter: false });
    await t.book.receive('blanks', 3000, { batch: 'KMD-1' });
    await t.book.send('blanks', 500, '5371-01');
    await t.pub.runOnce();
    await t.pub.runOnce();
    let m = await t.messages();
    expect(m.filter((x) => x.topic === t.topics.office).map((x) => [x.payload.entry, x.payload.kind, x.payload.quantity, x.payload.transfer])).toEqual([
      [1, 'delivery', 3000, null],
      [2, 'transfer_out', -500, '5371-DINAS-T1'],
    ]);
    const daily = m.filter((x) => x.topic === t.topics.daily);
    expect(daily).toHaveLength(1);
    expect(daily[0]?.payload).toMatchObject({ day: '2026-12-07', final: false, good: null, store: { blanks: { received: 3000, sent: 500, onHandEnd: 2500 } } });
    for (const x of m) expect(payloadErrors(validators, x.payload), String(x.topic)).toEqual([]);
    expect(m.every((x) => x.kind === 'account')).toBe(true);
    // A day later, past maxMessages (5) and maxAgeSeconds (60): a health flood drops health, never an account.
    t.clock.advance(86_400_000);
    for (let i = 0; i < 20; i++) await t.outbox.add('health', 'h', (seq) => ({ seq }));
    await t.pub.runOnce();
    m = await t.messages();
    expect(m.filter((x) => x.topic === t.topics.office)).toHaveLength(2);
    const days = m.filter((x) => x.topic === t.topics.daily).map((x) => [x.payload.day, x.payload.final]);
    expect(days).toEqual([
      ['2026-12-07', false],
      ['2026-12-07', true],
      ['2026-12-08', false],
    ]);
  });

  it('a failed write sends nothing and notes nothing: the entry is taken again, and sent once', async () => {
    const t = await publisherRig({ keepsStore: true, hasPrinter: false });
    await t.book.receive('blanks', 100, { batch: 'KMD-2' });
    // The database refuses the next outbox row once (as a full disk would).
    await t.store.db.exec("CREATE TEMP TRIGGER refuse_once BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    await t.pub.runOnce();
    expect(await t.messages()).toEqual([]);
    await t.store.db.exec('DROP TRIGGER refuse_once');
    await t.pub.runOnce();
    await t.pub.runOnce();
    expect((await t.messages()).filter((x) => x.topic === t.topics.office).map((x) => x.payload.entry)).toEqual([1]);
  });

  it("a printer sends its deliveries, the stacks it took and sent back, and each correction of them; not its cards", async () => {
    const t = await publisherRig({ keepsStore: false, hasPrinter: true });
    const ledger = new Ledger(t.store.db);
    await ledger.receiveTransfer(500, '5371-DINAS-T1');
    await t.store.db.transaction((tx) => postCard(tx, 'print', t.clock.now(), 'R-1'));
    const back = await ledger.sendBack(30, '5371-01');
    const wrong = await ledger.receive(100, 'KMD-9');
    await ledger.correct(wrong.entry, 'belongs to the store');
    await t.pub.runOnce();
    const office = (await t.messages()).filter((x) => x.topic === t.topics.office).map((x) => [x.payload.book, x.payload.kind, x.payload.quantity, x.payload.transfer ?? x.payload.batch]);
    expect(office).toEqual([
      ['blanks', 'transfer_in', 500, '5371-DINAS-T1'],
      ['blanks', 'transfer_out', -30, back.transfer],
      ['blanks', 'delivery', 100, 'KMD-9'],
      ['blanks', 'correction', -100, 'KMD-9'],
    ]);
  });
});
