/**
 * The office's store-room book and a printer's end of its movements: what they take, and every
 * refusal, each in both languages, naming the field, each leaving the database byte-for-byte.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../agent/config/schema.js';
import { bookOf } from '../../agent/cli/office.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { OfficeBook } from '../../agent/office/book.js';
import { receiveBlanks, receiveRolls, returnBlanks } from '../../agent/office/stack.js';
import { DB_FILE, Store } from '../../agent/store/store.js';
import { AgentError } from '../../core/errors.js';
import { tempDir } from '../support/sim.js';

const T0 = Date.UTC(2026, 11, 7, 2, 0, 0);
const REGISTER = ['5371-01', '5371-02'];

function config(over: Record<string, unknown>): Config {
  return configSchema().parse({ station: { id: '5371-01', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, ...over });
}
const storeConfig = config({ station: { id: '5371-GUDANG', province: '53', regency: '5371' }, printer: { driver: 'none' }, office: { store: true, stations: REGISTER } });
const printerConfig = config({ office: { keptAtStore: true } });
const plainPrinter = config({});

/** A data folder with a store book holding 1,000 blanks and 2 ribbons, a printer's 500 from T1. */
async function prepared(): Promise<string> {
  const dir = tempDir('office-book-');
  const s = await Store.open(dir, () => T0);
  const book = new OfficeBook(s.db, { officeId: '5371-DINAS', register: REGISTER, timeZone: 'Asia/Makassar', now: () => T0 });
  await book.receive('blanks', 1000, { batch: 'KMD-1', document: 'BA-1' });
  await book.receive('ribbon', 2, { lot: 'R-1' });
  await book.send('blanks', 500, '5371-01');
  await book.borrow('blanks', 50, '5372-DINAS', '5372-DINAS-T3');
  await book.returned('blanks', 10, '5371-01', '5371-01-T1');
  await receiveBlanks(s, printerConfig, 500, { transfer: '5371-DINAS-T1', at: T0 });
  await receiveRolls(s, printerConfig, 'ribbon', 1, { transfer: '5371-DINAS-T2', at: T0 });
  await s.close();
  return dir;
}

const sha = (dir: string) => createHash('sha256').update(readFileSync(join(dir, DB_FILE))).digest('hex');

/** Run `act` on the store of `dir`; it must be refused with `exit`, in both languages, naming `field`; the file unchanged. */
async function refused(dir: string, act: (s: Store) => Promise<unknown>, exit: 1 | 64, field: RegExp): Promise<AgentError> {
  const before = sha(dir);
  const s = await Store.open(dir, () => T0);
  const err = await Promise.resolve()
    .then(() => act(s))
    .then(
    () => undefined,
    (e: unknown) => e,
  );
  await s.close();
  expect(err, 'refused').toBeInstanceOf(AgentError);
  const e = err as AgentError;
  expect(e.exitCode).toBe(exit);
  const { message, hint } = e.text;
  expect(message?.id.length && message.en.length).toBeGreaterThan(0);
  expect(message?.id).not.toBe(message?.en);
  expect(`${message?.id} ${hint?.id ?? ''}`).toMatch(field);
  expect(`${message?.en} ${hint?.en ?? ''}`).toMatch(field);
  // Indonesian first: the Indonesian text says it in Indonesian (e.g. "Tidak ada yang dicatat").
  expect(`${message?.id} ${hint?.id ?? ''}`).toMatch(/tidak|bukan|harus|perlu|sudah|berikan|hanya|diharapkan/i);
  expect(sha(dir)).toBe(before);
  return e;
}

const store = (s: Store) => bookOf(s, storeConfig);

describe("the store's book", () => {
  it('keeps every movement with its transfer id and balances: 1000 − 500 + 50 + 10 = 560 blanks', async () => {
    const dir = await prepared();
    const s = await Store.open(dir, () => T0);
    const book = store(s);
    expect(await book.onHand()).toEqual({ blanks: 560, ribbon: 2, film: 0 });
    const p = await book.send('blanks', 100, '5371-02');
    expect(p.transfer).toBe('5371-DINAS-T2');
    const lent = await book.lend('ribbon', 1, '5372-DINAS');
    expect(lent.transfer).toBe('5371-DINAS-T3');
    const c = await book.count('blanks', 455, 'monthly count');
    expect(c.difference).toBe(-5);
    const undone = await book.correct(c.entry, 'counted the wrong shelf');
    expect(undone.reversed.qty).toBe(-5);
    expect(undone.onHand.blanks).toBe(460);
    const forced = await book.send('film', 1, '5371-01', { force: true, reason: 'a roll found in the cupboard' });
    expect(forced.onHand.film).toBe(-1);
    const entries = await book.entries(100);
    expect(entries.map((e) => e.kind)).toEqual(['delivery', 'delivery', 'transfer_out', 'loan_in', 'transfer_in', 'transfer_out', 'loan_out', 'count', 'correction', 'transfer_out']);
    expect(entries.every((e) => e.day === '2026-12-07')).toBe(true);
    await expect(s.db.run('UPDATE office_book SET qty = 0')).rejects.toThrow(/append-only/);
    await expect(s.db.run('DELETE FROM office_book')).rejects.toThrow(/append-only/);
    await s.close();
  });

  const cases: [string, (s: Store) => Promise<unknown>, 1 | 64, RegExp][] = [
    ['a quantity of 0', (s) => store(s).receive('blanks', 0, { batch: 'KMD-9' }), 64, /N: .*0/],
    ['a negative quantity', (s) => store(s).send('blanks', -5, '5371-02'), 64, /N: .*-5/],
    ['a delivery of blanks without its batch', (s) => store(s).receive('blanks', 100, {}), 64, /--batch/],
    ['a batch taken twice (any case)', (s) => store(s).receive('blanks', 100, { batch: ' kmd-1 ' }), 1, /KMD-1|kmd-1/],
    ['a hand-over document taken twice', (s) => store(s).receive('blanks', 100, { batch: 'KMD-2', document: 'BA-1' }), 1, /BA-1/],
    ['a station not in the register', (s) => store(s).send('blanks', 10, '5371-09'), 64, /--to.*5371-09/],
    ['more than the store holds', (s) => store(s).send('blanks', 561, '5371-02'), 1, /560/],
    ['--force without a reason', (s) => store(s).send('blanks', 561, '5371-02', { force: true }), 64, /--reason/],
    ['a return whose transfer is another station\'s', (s) => store(s).returned('blanks', 10, '5371-02', '5371-01-T1'), 64, /--transfer.*5371-01-T1/],
    ['a return from a station not in the register', (s) => store(s).returned('blanks', 10, '5371-07', '5371-07-T1'), 64, /--from/],
    ['a return confirmed twice', (s) => store(s).returned('blanks', 10, '5371-01', '5371-01-t1'), 1, /5371-01-T1/],
    ['a loan to this office itself', (s) => store(s).lend('blanks', 10, '5371-dinas'), 64, /--to-office/],
    ['a loan to something that is not an office id', (s) => store(s).lend('blanks', 10, 'kantor sebelah'), 64, /--to-office/],
    ['a borrowed transfer that is not the lender\'s', (s) => store(s).borrow('blanks', 10, '5372-DINAS', '5373-DINAS-T3'), 64, /--transfer/],
    ['a loan confirmed twice', (s) => store(s).borrow('blanks', 50, '5372-DINAS', '5372-DINAS-T3'), 1, /5372-DINAS-T3/],
    ['a count without a reason', (s) => store(s).count('blanks', 500, '  '), 64, /--reason/],
    ['a correction of an entry that does not exist', (s) => store(s).correct(99, 'typo'), 64, /ENTRY.*99/],
    ['office commands at a PC that does not keep the book', (s) => bookOf(s, plainPrinter).receive('blanks', 10, { batch: 'X' }), 64, /office\.store/],
  ];
  for (const [what, act, exit, field] of cases) {
    it(`refuses ${what}: exit ${exit}, both languages, nothing written`, async () => {
      await refused(await prepared(), act, exit, field);
    });
  }

  it('refuses to correct a correction, or an entry twice', async () => {
    const dir = await prepared();
    const s = await Store.open(dir, () => T0);
    const { entry } = await store(s).correct(1, 'wrong batch');
    await s.close();
    await refused(dir, (x) => store(x).correct(entry, 'again'), 64, /ENTRY/);
    await refused(dir, (x) => store(x).correct(1, 'again'), 64, /ENTRY.*#1/);
  });
});

describe("a printer's end", () => {
  const cases: [string, (s: Store) => Promise<unknown>, 1 | 64, RegExp][] = [
    ['a delivery by batch where the office keeps a store book', (s) => receiveBlanks(s, printerConfig, 100, { batch: 'KMD-1' }), 64, /--batch.*keptAtStore/s],
    ['neither a batch nor a transfer', (s) => receiveBlanks(s, plainPrinter, 100, {}), 64, /--batch, --transfer/],
    ['both a batch and a transfer', (s) => receiveBlanks(s, plainPrinter, 100, { batch: 'B', transfer: '5371-DINAS-T9' }), 64, /--batch, --transfer/],
    ["a transfer of another office's store", (s) => receiveBlanks(s, printerConfig, 100, { transfer: '5372-DINAS-T1' }), 64, /--transfer.*5372-DINAS-T1/],
    ['a transfer that is not one', (s) => receiveBlanks(s, printerConfig, 100, { transfer: 'T1' }), 64, /--transfer/],
    ['a stack confirmed twice', (s) => receiveBlanks(s, printerConfig, 500, { transfer: '5371-dinas-t1' }), 1, /5371-DINAS-T1/],
    ['rolls confirmed twice', (s) => receiveRolls(s, printerConfig, 'ribbon', 1, { transfer: '5371-DINAS-T2' }), 1, /5371-DINAS-T2/],
    ['rolls delivered directly where the office keeps a store book', (s) => receiveRolls(s, printerConfig, 'film', 1, {}), 64, /keptAtStore/],
    ['sending back more than is here', (s) => returnBlanks(s, printerConfig, 501), 1, /500/],
    ['sending back nothing', (s) => returnBlanks(s, printerConfig, 0), 64, /N: /],
  ];
  for (const [what, act, exit, field] of cases) {
    it(`refuses ${what}: exit ${exit}, both languages, nothing written`, async () => {
      await refused(await prepared(), act, exit, field);
    });
  }

  it('a stack sent back is numbered under the station and leaves the ledger balanced', async () => {
    const dir = await prepared();
    const s = await Store.open(dir, () => T0);
    const r = await returnBlanks(s, printerConfig, 30);
    expect(r.transfer).toMatch(/^5371-01-T\d+$/);
    expect(r).toMatchObject({ received: 500, returned: 30, onHand: 470 });
    const again = await receiveBlanks(s, printerConfig, 500, { transfer: '5371-DINAS-T1', again: true });
    expect(again.onHand).toBe(970);
    expect((await new Ledger(s.db).entries(10)).map((e) => [e.kind, e.transfer])).toEqual([
      ['receive', '5371-DINAS-T1'],
      ['return', r.transfer],
      ['receive', '5371-DINAS-T1'],
    ]);
    await s.close();
  });
});
