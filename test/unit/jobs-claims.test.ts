/**
 * One card per record across the stations of an office: two print queues on simulated parts,
 * each on its own manual clock, sharing the simulated centre's claims file.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../agent/config/schema.js';
import { addClaimed } from '../../agent/jobs/add.js';
import { jobWords } from '../../agent/jobs/words.js';
import { ACTIONS } from '../../agent/operator/actions.js';
import { HalError } from '../../hal/errors.js';
import { httpRecordsSchema } from '../../hal/records/http/config.js';
import { HttpRecords } from '../../hal/records/http/driver.js';
import { simRecordsSchema } from '../../hal/records/sim/config.js';
import { SimRecords } from '../../hal/records/sim/driver.js';
import type { RecordSource } from '../../hal/records/types.js';
import { startRecordService } from '../support/record-service.js';
import { quietLog, tempDir } from '../support/sim.js';
import { type Rig, stationRig, stationRigs } from '../support/station-rig.js';

const made = stationRigs();

async function rig(station: string, shared: string, opts: Parameters<typeof stationRig>[0] = {}): Promise<Rig> {
  const r = await made({ station, records: { latencyMs: 1000, shared }, ...opts });
  await r.engine.start();
  return r;
}
const cards = (r: Rig, id: string) => {
  try {
    return readdirSync(r.outputDir).filter((f) => f.startsWith(`${id}--`)).length;
  } catch {
    return 0;
  }
};
const state = async (r: Rig, id: string) => (await r.engine.repo.get(id))?.state;
/** Both queues, a simulated second at a time each, until `cond`. */
async function both(a: Rig, b: Rig, what: string, cond: () => Promise<boolean>, maxSteps = 600): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (await cond()) return;
    await a.run(1000);
    await b.run(1000);
  }
  throw new Error(`not within ${maxSteps} steps: ${what}`);
}

describe('one card per record across the stations of an office', () => {
  it('the same record queued at two stations prints exactly once; the other is refused before its card, naming the first', async () => {
    const shared = join(tempDir('office-'), 'claims.db');
    const a = await rig('5371-01', shared);
    const b = await rig('5371-02', shared);
    // Queued at both without asking the centre (as when it could not say at the time).
    await a.engine.repo.add(['KPG1-0001']);
    await b.engine.repo.add(['KPG1-0001']);
    await both(a, b, 'one printed, one refused', async () => [await state(a, 'KPG1-0001'), await state(b, 'KPG1-0001')].sort().join() === 'printed,refused');
    await a.run(30_000);
    await b.run(30_000);
    const [winner, loser] = (await state(a, 'KPG1-0001')) === 'printed' ? [a, b] : [b, a];
    const winnerId = winner === a ? '5371-01' : '5371-02';
    expect(cards(winner, 'KPG1-0001') + cards(loser, 'KPG1-0001')).toBe(1);
    expect(await loser.engine.repo.get('KPG1-0001')).toMatchObject({ state: 'refused', claimedBy: winnerId });
    expect((await loser.engine.repo.history('KPG1-0001')).at(-1)?.note).toMatchObject({ code: 'refused_held', by: winnerId });
  });

  it("a spoiled card's reprint is allowed to the station that spoiled it, and still refused to the other", async () => {
    const shared = join(tempDir('office-'), 'claims.db');
    const a = await rig('5371-01', shared);
    const b = await rig('5371-02', shared);
    await a.engine.repo.add(['KPG1-0002']);
    await a.until('printed at 5371-01', async () => (await state(a, 'KPG1-0002')) === 'printed');
    await a.engine.repo.spoil('KPG1-0002', 'smudged');
    expect((await a.engine.repo.add(['KPG1-0002'])).requeued).toEqual(['KPG1-0002']);
    await a.until('reprinted at 5371-01', async () => (await state(a, 'KPG1-0002')) === 'printed');
    expect(cards(a, 'KPG1-0002')).toBe(2);
    await b.engine.repo.add(['KPG1-0002']);
    await b.until('refused at 5371-02', async () => (await state(b, 'KPG1-0002')) === 'refused');
    expect(cards(b, 'KPG1-0002')).toBe(0);
    expect((await b.engine.repo.get('KPG1-0002'))?.claimedBy).toBe('5371-01');
  });

  it('while the record service cannot be reached the queue waits (held, nothing prints unclaimed) and prints once it answers; outcomes are told after, in order', async () => {
    const shared = join(tempDir('office-'), 'claims.db');
    let down = false;
    const unavailable = () => Promise.reject(new HalError('unavailable', 'the record service answered HTTP 503'));
    // The simulated centre, with its claims and outcomes cut off on demand (fetches still answer).
    const cut = (sim: SimRecords): RecordSource => ({
      driver: sim.driver,
      claims: sim.claims,
      start: () => sim.start(),
      stop: () => sim.stop(),
      fetch: (id) => sim.fetch(id),
      claim: (id, holder) => (down ? unavailable() : sim.claim(id, holder)),
      outcome: (id, station, o) => (down ? unavailable() : sim.outcome(id, station, o)),
    });
    const a = await rig('5371-01', shared, { source: cut });
    down = true;
    await a.engine.repo.add(['KPG1-0003']);
    await a.run(120_000);
    expect(await state(a, 'KPG1-0003')).toBe('ready');
    expect(cards(a, 'KPG1-0003')).toBe(0);
    expect(a.engine.summary()).toMatchObject({ heldCode: 'claim_waiting', held: expect.stringMatching(/HTTP 503/) as string });
    down = false;
    await a.until('printed once the service answers', async () => (await state(a, 'KPG1-0003')) === 'printed', 300_000);
    expect(cards(a, 'KPG1-0003')).toBe(1);
    // Printed while the service is cut again: the outcome waits, then is told.
    down = true;
    await a.engine.repo.add(['KPG1-0004']);
    down = false;
    await a.until('printed', async () => (await state(a, 'KPG1-0004')) === 'printed', 300_000);
    down = true;
    await a.engine.repo.spoil('KPG1-0004', 'smudged');
    await a.run(30_000);
    expect((await a.store.db.all<{ outcome: string }>('SELECT outcome FROM record_outcomes WHERE record_id = ? ORDER BY id', ['KPG1-0004'])).map((r) => r.outcome)).toEqual(['spoiled']);
    down = false;
    await a.until('told', async () => (await a.store.db.all('SELECT 1 FROM record_outcomes')).length === 0, 300_000);
    expect(a.engine.summary().heldCode).toBeNull();
    const other = new SimRecords(simRecordsSchema().parse({ shared }), { clock: a.clock, log: quietLog });
    try {
      expect(await other.claim('KPG1-0003', { station: '5371-02', installId: 'b'.repeat(16) })).toMatchObject({ granted: false, claimedBy: '5371-01' });
      // KPG1-0004 was spoiled at 5371-01: the centre knows, and keeps its reprint for 5371-01.
      expect(await other.claim('KPG1-0004', { station: '5371-02', installId: 'b'.repeat(16) })).toMatchObject({ granted: false, claimedBy: '5371-01' });
    } finally {
      await other.stop();
    }
  });

  it('cancelling a queued record gives its claim up: the other station may then print it', async () => {
    const shared = join(tempDir('office-'), 'claims.db');
    const a = await rig('5371-01', shared, { printer: { secondsPerCard: 10 } });
    const b = await rig('5371-02', shared);
    const sim = new SimRecords(simRecordsSchema().parse({ shared }), { clock: a.clock, log: quietLog });
    try {
      // Claimed by 5371-01 when it was added there; then cancelled there before its card.
      expect(await sim.claim('KPG1-0005', { station: '5371-01', installId: 'a'.repeat(16) })).toMatchObject({ granted: true });
      await a.engine.repo.add(['KPG1-0005']);
      await b.engine.repo.add(['KPG1-0005']);
      await b.until('refused at 5371-02 while 5371-01 holds it', async () => (await state(b, 'KPG1-0005')) === 'refused');
      await a.engine.repo.cancel('KPG1-0005');
      await a.run(5000);
      expect((await b.engine.repo.add(['KPG1-0005'])).requeued).toEqual(['KPG1-0005']);
      await b.until('printed at 5371-02', async () => (await state(b, 'KPG1-0005')) === 'printed');
      expect(cards(b, 'KPG1-0005')).toBe(1);
    } finally {
      await sim.stop();
    }
  });

  it('a record another station holds is refused as it is added (the page, the command line), naming it in both languages; where the service cannot say, it is queued and claimed before its card', async () => {
    const shared = join(tempDir('office-'), 'claims.db');
    let down = false;
    const cut = (sim: SimRecords): RecordSource => ({
      driver: sim.driver,
      claims: sim.claims,
      start: () => sim.start(),
      stop: () => sim.stop(),
      fetch: (id) => sim.fetch(id),
      claim: (id, holder) => (down ? Promise.reject(new HalError('unavailable', 'cannot reach the record service')) : sim.claim(id, holder)),
      outcome: (id, station, o) => sim.outcome(id, station, o),
    });
    const a = await rig('5371-01', shared);
    const b = await rig('5371-02', shared, { source: cut });
    expect(await addClaimed(a.engine.repo, ['KPG1-0006'], a.engine.claims)).toMatchObject({ added: ['KPG1-0006'], refused: [], unasked: [] });
    const config = configSchema().parse({ station: { id: '5371-02', province: '53', regency: '5371' }, mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' } });
    const page = await ACTIONS['jobs-add']({ store: b.store, yields: { ribbon: 500, film: 1000 }, now: () => b.clock.now(), config, claims: b.engine.claims }, { ids: 'KPG1-0006\nKPG1-0007' });
    expect(page.message.en).toBe('1 record queued: KPG1-0007');
    expect(page.refused).toHaveLength(1);
    expect(page.refused?.[0]?.recordId).toBe('KPG1-0006');
    expect(page.refused?.[0]?.why.en).toMatch(/^held by station 5371-01 since \d{4}-\d\d-\d\dT[\d:.]+Z; a record is printed at one station only/);
    expect(page.refused?.[0]?.why.id).toMatch(/^dipegang stasiun 5371-01 sejak \d{4}-.*; satu rekaman dicetak di satu stasiun saja/);
    const job = await b.engine.repo.get('KPG1-0006');
    expect(job).toMatchObject({ state: 'refused', claimedBy: '5371-01' });
    expect(jobWords(job ?? { state: 'queued', claimedBy: null })).toEqual({ id: 'ditolak (dipegang 5371-01)', en: 'refused (held by 5371-01)' });
    // The service cannot be asked: queued as it is, and refused before its card once it answers.
    down = true;
    expect(await addClaimed(b.engine.repo, ['KPG1-0006'], b.engine.claims)).toMatchObject({ requeued: ['KPG1-0006'], unasked: ['KPG1-0006'] });
    await b.run(10_000);
    expect(await state(b, 'KPG1-0006')).not.toBe('printed');
    down = false;
    await b.until('refused before its card', async () => (await state(b, 'KPG1-0006')) === 'refused');
    expect(cards(b, 'KPG1-0006')).toBe(0);
  });
});

describe('claims over HTTP, the print queue against a real HTTP server', () => {
  it('while the service fails or does not answer claims the record is fetched but no card starts (held: claim_waiting); once it answers the card prints and the service is told', async () => {
    const service = await startRecordService();
    try {
      const tokenFile = join(tempDir('token-'), 'token');
      writeFileSync(tokenFile, service.token);
      // The driver's deadline on the rig's manual clock: time passes only as the test drives it.
      const r = await made({ station: '5371-01', source: (_sim, clock) => new HttpRecords(httpRecordsSchema().parse({ url: service.url, tokenFile, timeoutSeconds: 30 }), { clock, log: quietLog }) });
      await r.engine.start();
      const cycle = async (mode: 'error' | 'hang', id: string) => {
        service.set({ claimsDown: mode });
        await r.engine.repo.add([id]);
        await r.until(`${id} fetched`, async () => (await state(r, id)) === 'ready', 600_000, 100);
        // Past the claim's own deadline (30 s) several times over: nothing starts.
        await r.run(120_000, 500);
        expect(await state(r, id)).toBe('ready');
        expect(cards(r, id)).toBe(0);
        expect(r.engine.summary().heldCode).toBe('claim_waiting');
        expect(r.engine.summary().held).toMatch(mode === 'error' ? /HTTP 503/ : /did not answer within 30 s/);
        service.set({ claimsDown: false });
        await r.until(`${id} printed once the service answers`, async () => (await state(r, id)) === 'printed', 600_000, 500);
        await r.until(`${id}: the service told`, () => service.claims.get(id)?.state === 'printed', 60_000, 500);
        expect(cards(r, id)).toBe(1);
        expect(service.claims.get(id)).toMatchObject({ station: '5371-01', state: 'printed' });
      };
      await cycle('error', 'KPG1-0101');
      await cycle('hang', 'KPG1-0102');
      expect(r.engine.summary().heldCode).toBeNull();
    } finally {
      await service.close();
    }
  });
});
