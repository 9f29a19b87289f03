/**
 * Typed text on the station page and in the ledgers (issue 32, defect 6): a batch with an
 * invisible or control character is refused by name over the page's real POST, and a batch typed
 * in another normal form is the batch already received, also against rows an older version wrote.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { OfficeBook } from '../../agent/office/book.js';
import { OperatorPage } from '../../agent/operator/server.js';
import { Store } from '../../agent/store/store.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { systemClock } from '../../core/clock.js';
import { AgentError } from '../../core/errors.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

const NFC = 'SYN-\u0160-1'; // Š as one character
const NFD = 'SYN-S\u030C-1'; // S and a combining caron: the same letter on the screen

const stores: Store[] = [];
const pages: OperatorPage[] = [];
afterAll(async () => {
  for (const p of pages) await p.stop();
  for (const s of stores) await s.close();
});

async function openStore(): Promise<Store> {
  const store = await Store.open(tempDir('typed-text-'));
  stores.push(store);
  return store;
}

/** The page's server in this process, as the clerk's browser reaches it: session, token, Origin. */
async function page(over: Record<string, unknown> = {}) {
  const config = configSchema().parse({ station: { id: '5371-01', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' }, ...over });
  const store = await openStore();
  const printer = { printedFor: () => Promise.resolve([]) } as unknown as PrinterDriver;
  const p = new OperatorPage({
    host: '127.0.0.1',
    port: 0,
    token: null,
    deps: { store, printer, snapshot: () => healthyBody(), snapshotAt: () => systemClock.monotonic(), staleSeconds: 30, yields: { ribbon: 500, film: 1000 }, station: { id: config.station.id }, config, language: undefined, clock: systemClock, claims: undefined, kick: () => undefined, log: quietLog },
  });
  await p.start();
  pages.push(p);
  const base = p.address;
  const opened = await fetch(`${base}/`);
  const cookie = (opened.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /<meta name="csrf" content="([^"]+)">/.exec(await opened.text())?.[1] ?? '';
  return {
    store,
    view: async () => (await fetch(`${base}/api/view`)).json(),
    async post(action: string, body: Record<string, unknown>) {
      const r = await fetch(`${base}/api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, cookie, origin: base }, body: JSON.stringify(body) });
      return { status: r.status, body: (await r.json()) as { field?: string; message?: { id: string; en: string } } };
    },
  };
}

const ledgerRows = (store: Store) => store.db.all<{ kind: string; batch: string | null; reason: string | null }>('SELECT kind, batch, reason FROM ledger ORDER BY id');

describe('the station page refuses invisible and control characters by name', () => {
  it('a zero-width space, U+0085 and a right-to-left override: 400 beside the field, the character and its place named in both languages, nothing written', async () => {
    const p = await page();
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ['stock-receive', { n: 10, batch: 'S1\u200b' }, 'batch', /Batch number: invisible character U\+200B ZERO WIDTH SPACE at position 3/],
      ['stock-receive', { n: 10, batch: 'S1\u0085' }, 'batch', /Batch number: line break \(this field is one line\) U\+0085 NEXT LINE at position 3/],
      ['stock-count', { n: 0, reason: 'hitung \u202eanalub' }, 'reason', /Reason: text-direction character \(it can reorder what is read\) U\+202E RIGHT-TO-LEFT OVERRIDE at position 8/],
      ['stock-count', { n: 0, reason: 'x\u001b[2Jy' }, 'reason', /Reason: control character U\+001B ESCAPE at position 2/],
      ['supply-receive', { kind: 'film', n: 1, lot: '\ufeffL-1' }, 'lot', /Lot number: invisible character U\+FEFF ZERO WIDTH NO-BREAK SPACE at position 1/],
    ];
    for (const [action, body, field, en] of cases) {
      const r = await p.post(action, body);
      expect([r.status, r.body.field], `${action} ${JSON.stringify(body)}`).toEqual([400, field]);
      expect(r.body.message?.en).toMatch(en);
      expect(r.body.message?.en).toMatch(/type it again by hand.*Nothing was recorded\.$/);
      expect(r.body.message?.id).toMatch(/`U\+[0-9A-F]{4} [A-Z -]+` pada posisi \d+\. Hapus isian itu.*Tidak ada yang dicatat\.$/);
    }
    expect(await ledgerRows(p.store)).toEqual([]);
    expect(await p.store.db.all('SELECT * FROM supply_ledger')).toEqual([]);
  });

  it('a batch typed in another normal form is the batch already received: the second is refused as a duplicate', async () => {
    const p = await page();
    expect((await p.post('stock-receive', { n: 10, batch: NFC })).status).toBe(200);
    const again = await p.post('stock-receive', { n: 10, batch: NFD });
    expect(again.status).toBe(409);
    expect(again.body.message?.en).toMatch(/was already received: entry #1/);
    expect(await ledgerRows(p.store)).toEqual([{ kind: 'receive', batch: NFC, reason: null }]);
  });

  it("a batch an older version kept with a right-to-left override is shown on the store PC's page with the override as a visible escape", async () => {
    const p = await page({ office: { store: true, stations: ['5371-01'] } });
    await p.store.db.run("INSERT INTO office_book (at, day, kind, supply, qty, batch, forced) VALUES (1, '2026-01-01', 'delivery', 'blanks', 50, ?, 0)", ['B-\u202e71']);
    const view = (await p.view()) as { office: { entries: { batch: string | null }[] } };
    expect(view.office.entries.map((e) => e.batch)).toEqual(['B-\\u202e71']);
  });
});

describe('batch and document numbers are compared after normalising both sides', () => {
  it('the blank-card ledger: NFD after NFC, and a row an older version kept with a zero-width space, un-normalised or in another case', async () => {
    const store = await openStore();
    const ledger = new Ledger(store.db);
    await ledger.receive(10, NFC, { at: 1 });
    await expect(ledger.receive(10, NFD, { at: 2 })).rejects.toMatchObject({ code: 'stock-duplicate' });
    // Rows as an older version wrote them: nothing normalised, invisible characters kept.
    await store.db.run("INSERT INTO ledger (at, kind, qty, batch) VALUES (3, 'receive', 5, ?)", ['S1\u200b']);
    await store.db.run("INSERT INTO ledger (at, kind, qty, batch) VALUES (4, 'receive', 5, ?)", ['OLD-E\u0301']);
    await expect(ledger.receive(5, 's1', { at: 5 })).rejects.toMatchObject({ code: 'stock-duplicate' });
    await expect(ledger.receive(5, 'old-\u00e9', { at: 6 })).rejects.toMatchObject({ code: 'stock-duplicate' });
    expect((await ledger.summary()).received).toBe(20);
    // What is kept is NFC.
    await ledger.receive(5, 'NEW-E\u0301', { at: 7 });
    expect((await ledgerRows(store)).at(-1)?.batch).toBe('NEW-\u00c9');
  });

  it("the office's store book: the batch and the hand-over document, against old rows too", async () => {
    const store = await openStore();
    const book = new OfficeBook(store.db, { officeId: '5371-DINAS', register: [], timeZone: 'Asia/Jakarta', now: () => 1_800_000_000_000 });
    await book.receive('blanks', 100, { batch: NFC, document: 'BA-1' });
    const dup = await book.receive('blanks', 100, { batch: NFD }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(AgentError);
    expect((dup as AgentError).code).toBe('office-duplicate');
    await store.db.run("INSERT INTO office_book (at, day, kind, supply, qty, batch, document, forced) VALUES (1, '2026-01-01', 'delivery', 'blanks', 50, 'B-OLD', ?, 0)", ['BA-\u202e7']);
    await expect(book.receive('blanks', 50, { batch: 'B-NEW', document: 'ba-7' })).rejects.toMatchObject({ code: 'office-duplicate' });
    expect((await book.onHand()).blanks).toBe(150);
  });
});
