import { createServer, type Server } from 'node:http';
import { note } from '../../agent/jobs/notes.js';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsSchema } from '../../agent/config/schema.js';
import { CARD_HEIGHT_PT, CARD_WIDTH_PT, jpegSize, renderCard } from '../../agent/card/render.js';
import { holdReason } from '../../agent/jobs/gate.js';
import { checkRecordId, JobRepo } from '../../agent/jobs/repo.js';
import { Utilisation } from '../../agent/jobs/utilisation.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { Store } from '../../agent/store/store.js';
import { httpRecordsSchema } from '../../hal/records/http/config.js';
import { HttpRecords } from '../../hal/records/http/driver.js';
import { syntheticRecord } from '../../hal/records/sim/driver.js';
import { systemClock } from '../../core/clock.js';
import { healthyBody } from '../support/health.js';
import { quietLog, tempDir } from '../support/sim.js';

describe('the card document', () => {
  it('is a one-page CR80 PDF with the NIK and name, and a cross-reference table that points at its objects', () => {
    const pdf = renderCard(syntheticRecord('R-1'));
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text).toContain(`/MediaBox [0 0 ${CARD_WIDTH_PT} ${CARD_HEIGHT_PT}]`);
    expect(text).toContain(`NIK : ${syntheticRecord('R-1').nik}`);
    expect(text).toContain(syntheticRecord('R-1').name);
    const xrefAt = Number(/startxref\n(\d+)/.exec(text)?.[1]);
    expect(text.slice(xrefAt, xrefAt + 4)).toBe('xref');
    const offsets = [...text.slice(xrefAt).matchAll(/(\d{10}) 00000 n/g)].map((m) => Number(m[1]));
    offsets.forEach((o, i) => expect(text.slice(o, o + 10)).toMatch(new RegExp(`^${i + 1} 0 obj`)));
  });

  it('embeds a JPEG portrait in the photo area, and escapes text that would break the PDF', () => {
    // The smallest well-formed JPEG header with an SOF0 of 2 x 3 pixels.
    const jpeg = Buffer.from('ffd8ffc0000b080003000201012200ffd9', 'hex');
    expect(jpegSize(jpeg)).toEqual({ width: 2, height: 3 });
    const pdf = renderCard({ ...syntheticRecord('R-2'), name: 'CONTOH (WARGA) \\ SATU', photoBase64: jpeg.toString('base64') }).toString('latin1');
    expect(pdf).toContain('/Subtype /Image /Width 2 /Height 3');
    expect(pdf).toContain('CONTOH \\(WARGA\\) \\\\ SATU');
  });
});

describe('the gate', () => {
  const cfg = jobsSchema().parse({ secondsPerCard: 30, batteryMarginSeconds: 120 });
  const ctx = { hasSource: true, durable: true };
  it('lets a card start on a healthy station', () => expect(holdReason(healthyBody(), cfg, ctx)).toBeNull());
  it('holds with the reason a person can act on', () => {
    expect(holdReason(healthyBody(), cfg, { ...ctx, durable: false })).toMatch(/database/);
    expect(holdReason(undefined, cfg, ctx)).toMatch(/first reading/);
    expect(holdReason(healthyBody({ printer: { state: 'unknown', error: 'timeout' } }), cfg, ctx)).toMatch(/cannot be read/);
    expect(holdReason(healthyBody({ film: { status: 'empty' } }), cfg, ctx)).toMatch(/film is empty/);
    // On mains but the battery still low (recharging after a cut): held, and said as it is.
    expect(holdReason(healthyBody({ ups: { status: 'low_battery', onBattery: false } }), cfg, ctx)).toMatch(/mains is back but the UPS battery is still low/);
    expect(holdReason(healthyBody({ ups: { status: 'low_battery', onBattery: true } }), cfg, ctx)).toMatch(/battery is low: printing waits for mains power/);
    // powerState on_battery as given: with alerts.lowRuntimeSeconds under the 150 s a card needs.
    const ob = (runtimeSeconds: number | null) => healthyBody({ ups: { status: 'on_battery', onBattery: true, runtimeSeconds, powerState: 'on_battery' } });
    expect(holdReason(ob(149), cfg, ctx)).toMatch(/149 s left/);
    expect(holdReason(ob(150), cfg, ctx)).toBeNull();
    expect(holdReason(ob(null), cfg, ctx)).toMatch(/unknown/);
    // With the default limits (180 s), 149 s on battery is already a low battery.
    expect(holdReason(healthyBody({ ups: { status: 'on_battery', onBattery: true, runtimeSeconds: 149 } }), cfg, ctx)).toMatch(/battery is low/);
    expect(holdReason(healthyBody({ ups: { status: 'on_battery', onBattery: true, shutdownImminent: true } }), cfg, ctx)).toMatch(/shutdown imminent/);
    // A UPS that cannot be read does not stop the printing (one bad part does not stop the rest).
    expect(holdReason(healthyBody({ ups: { status: 'unknown', onBattery: null, error: 'no answer' } }), cfg, ctx)).toBeNull();
  });
});

describe('record ids', () => {
  it('are opaque: a NIK is refused so it never reaches logs or telemetry', () => {
    expect(checkRecordId('PRR-5371-000123')).toBeUndefined();
    expect(checkRecordId('5371012345678901')?.en).toMatch(/NIK/);
    for (const written of ['5371.0123.4567.8901', '5371-0123-4567-8901', 'NIK5371012345678901']) expect(checkRecordId(written)?.en, written).toMatch(/NIK/);
    expect(checkRecordId('PRR-2026-11-000123')).toBeUndefined();
    expect(checkRecordId('a b')?.en).toMatch(/letters, digits/);
  });
});

describe('the ledger', () => {
  it('balances: received + adjusted = printed + spoiled + on hand, and refuses to be rewritten', async () => {
    const store = await Store.open(tempDir(), () => 0);
    const ledger = new Ledger(store.db);
    expect((await ledger.summary()).kept).toBe(false);
    await ledger.receive(100, 'JKT-1');
    await store.db.transaction((tx) => Ledger.post(tx, { kind: 'print', qty: -1, at: 1 }));
    await store.db.transaction((tx) => Ledger.post(tx, { kind: 'spoil', qty: -1, at: 2 }));
    const { adjustment, summary } = await ledger.count(95, 'monthly count');
    expect(adjustment).toBe(-3);
    expect(summary).toEqual({ received: 100, printed: 1, spoiled: 1, adjusted: -3, returned: 0, onHand: 95, kept: true });
    expect(summary.received + summary.adjusted).toBe(summary.printed + summary.spoiled + summary.onHand);
    await expect(store.db.run('DELETE FROM ledger')).rejects.toThrow(/append-only/);
    await expect(store.db.run('UPDATE ledger SET qty = 0')).rejects.toThrow(/append-only/);
    await expect(ledger.receive(0, 'x')).rejects.toThrow(/above 0/);
    await store.close();
  });
});

describe('utilisation', () => {
  it('is the share of the time work waited that the printer printed, over the last hour', () => {
    const u = new Utilisation();
    const t0 = Date.UTC(2027, 0, 5, 8);
    u.record(t0, true, true);
    u.record(t0 + 30 * 60_000, true, false); // 30 min printing with work waiting
    u.record(t0 + 40 * 60_000, false, false); // 10 min work waiting, not printing
    u.record(t0 + 50 * 60_000, false, false); // 10 min idle, no work: not counted
    expect(u.share(t0 + 50 * 60_000)).toBe(0.75);
    expect(new Utilisation().share(t0)).toBeNull();
  });
});

describe('the HTTP record source', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function serve(handler: (path: string, auth: string | undefined) => { status: number; body?: unknown }): Promise<string> {
    server = createServer((req, res) => {
      const r = handler(req.url ?? '', req.headers.authorization);
      res.writeHead(r.status, { 'content-type': 'application/json' });
      res.end(r.body === undefined ? '' : JSON.stringify(r.body));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }

  const source = (url: string, over: Record<string, unknown> = {}) => new HttpRecords(httpRecordsSchema().parse({ url, timeoutSeconds: 1, ...over }), { clock: systemClock, log: quietLog });

  it('GETs {url}/records/{id} and validates the answer', async () => {
    const url = await serve((path) => (path === '/records/R-9' ? { status: 200, body: syntheticRecord('R-9') } : { status: 404 }));
    await expect(source(url).fetch('R-9')).resolves.toMatchObject({ recordId: 'R-9' });
    await expect(source(url).fetch('R-10')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('one request per fetch: a server error is unavailable (the queue retries it); a malformed record is named by field, never by value', async () => {
    let calls = 0;
    const url = await serve(() => (++calls < 2 ? { status: 503 } : { status: 200, body: { ...syntheticRecord('R-1'), nik: 'CONTOH' } }));
    await expect(source(url).fetch('R-1')).rejects.toMatchObject({ code: 'unavailable' });
    expect(calls).toBe(1);
    const err = (await source(url).fetch('R-1').catch((e: unknown) => e)) as Error & { code: string };
    expect(calls).toBe(2);
    expect(err.code).toBe('invalid');
    expect(err.message).toContain('nik');
    expect(err.message).not.toContain('CONTOH');
  });

  it('a 404 that is not the service JSON answer (a wrong base path) is not taken for "no such record"', async () => {
    server = createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not Found</h1>');
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const err = (await source(url, { retries: 0 }).fetch('R-1').catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(err.code).toBe('unavailable');
    expect(err.hint).toMatch(/records\.http\.url/);
  });

  it('an unreachable service says which setting to check', async () => {
    const err = (await source('http://127.0.0.1:1', { retries: 0 }).fetch('R-1').catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(err.code).toBe('unavailable');
    expect(err.hint).toMatch(/records\.http\.url/);
  });
});

describe('cards a database accounts for', () => {
  it('a start the printer refused sent no card; a batch number is the same batch whatever its case', async () => {
    const store = await Store.open(tempDir('accounted-'));
    try {
      const repo = new JobRepo(store.db, () => 1);
      await repo.add(['SYN-0001']);
      await store.db.transaction(async (tx) => {
        await JobRepo.move(tx, 'SYN-0001', ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, 'SYN-0001', ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, 'SYN-0001', ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, 'SYN-0001', ['printing'], 'ready', 4, note('legacy', { text: 'the printer is busy' }));
        await JobRepo.move(tx, 'SYN-0001', ['ready'], 'printing', 5, note('legacy', { text: 'test' }));
      });
      expect(await repo.cardsAccountedFor('SYN-0001')).toBe(1);
      const ledger = new Ledger(store.db);
      await ledger.receive(100, 'BAST-2026-001');
      await expect(ledger.receive(100, 'bast-2026-001')).rejects.toMatchObject({ code: 'stock-duplicate' });
    } finally {
      await store.close();
    }
  });
});
