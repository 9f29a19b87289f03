import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobsSchema } from '../../agent/config/schema.js';
import { JobEngine } from '../../agent/jobs/engine.js';
import { HalError } from '../../hal/errors.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { Ledger } from '../../agent/ledger/blanks.js';
import { Store } from '../../agent/store/store.js';
import { syntheticRecord } from '../../hal/records/sim/driver.js';
import type { RecordSource } from '../../hal/records/types.js';
import { healthyBody } from '../support/health.js';
import { quietLog } from '../support/sim.js';
import { drive, type Rig, stationRig, stationRigs } from '../support/station-rig.js';

const made = stationRigs();
async function rig(opts: Parameters<typeof stationRig>[0] = {}) {
  const r = await made(opts);
  await r.engine.start();
  return r;
}
const ids = (n: number, prefix = 'REC') => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(3, '0')}`);
const printedFiles = (r: Rig) => {
  try {
    return readdirSync(r.outputDir).filter((f) => f.endsWith('.pdf'));
  } catch {
    return [];
  }
};

describe('print jobs', () => {
  it('prints every queued record once, in queue order, and posts each card to the ledger', async () => {
    const r = await rig();
    await new Ledger(r.store.db).receive(50, 'B-1');
    await r.engine.repo.add(ids(6));
    await r.until('all printed', async () => Object.values(await r.states()).every((s) => s === 'printed'));
    const files = printedFiles(r).sort((a, b) => Number(a.split('--sim-')[1]?.split('-')[0]) - Number(b.split('--sim-')[1]?.split('-')[0]));
    expect(files.map((f) => f.split('--')[0])).toEqual(ids(6));
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ received: 50, printed: 6, spoiled: 0, onHand: 44 });
    expect(readFileSync(join(r.outputDir, files[0] ?? '')).subarray(0, 8).toString()).toBe('%PDF-1.4');
  });

  it('refuses a record that was printed or is in flight, and says why', async () => {
    const r = await rig();
    await r.engine.repo.add(['A-1', 'A-2']);
    await r.until('A-1 printed', async () => (await r.states())['A-1'] === 'printed');
    const again = await r.engine.repo.add(['A-1', 'A-2', 'A-3']);
    expect(again.added).toEqual(['A-3']);
    expect(again.refused.map((x) => `${x.recordId}: ${x.why.en.split(' (')[0]}`)).toEqual(['A-1: already printed', 'A-2: already in the queue']);
  });

  it('fetches ahead of the printer, no further than the prefetch window', async () => {
    const r = await rig({ jobs: { prefetch: 2 }, records: { latencyMs: 1000 }, printer: { secondsPerCard: 60 } });
    await r.engine.repo.add(ids(10));
    // At every step: one card at a time, and no more than two records fetched beyond it (the
    // next card's record may be fetched while none prints yet: three in all, at most).
    const seen: string[] = [];
    const withinWindow = () => {
      const s = r.engine.summary();
      seen.push(`${s.printing}/${s.fetching + s.ready}/${s.queued}`);
      expect(s.printing, seen.join(' ')).toBeLessThanOrEqual(1);
      expect(s.printing + s.fetching + s.ready, seen.join(' ')).toBeLessThanOrEqual(3);
      return s;
    };
    // The window fills while the first card prints, and stays full: the rest wait in the queue.
    await r.until('a card printing and the window full', () => {
      const s = withinWindow();
      return s.printing === 1 && s.fetching + s.ready === 2;
    });
    for (let i = 0; i < 30; i++) {
      await r.run(1000);
      expect(withinWindow()).toMatchObject({ printing: 1, queued: 7 });
    }
  });

  it('a record the server does not have is set aside as failed without holding the rest; a flapping server is retried', async () => {
    let n = 0;
    const r = await rig({ records: { missing: ['GONE-1'], failureRate: 0.5, latencyMs: 500 }, random: () => (n++ % 2 === 0 ? 0.1 : 0.9) });
    await r.engine.repo.add(['OK-1', 'GONE-1', 'OK-2']);
    await r.until('done', async () => Object.values(await r.states()).every((s) => s === 'printed' || s === 'failed'));
    expect(await r.states()).toEqual({ 'OK-1': 'printed', 'GONE-1': 'failed', 'OK-2': 'printed' });
    expect((await r.engine.repo.get('GONE-1'))?.lastError).toMatch(/not print-ready/);
    const history = await r.engine.repo.history('OK-1');
    expect(history.filter((h) => h.note.code === 'fetch_retry').length).toBeGreaterThanOrEqual(1);
    expect((await r.engine.repo.add(['GONE-1'])).requeued).toEqual(['GONE-1']);
  });

  it('film empty holds the queue (the card in progress finishes) and printing resumes by itself after a refill', async () => {
    const r = await rig({ records: { latencyMs: 100 } });
    await r.engine.repo.add(ids(4));
    await r.until('first card printing', () => r.engine.summary().printing === 1);
    const empty = healthyBody({ film: { status: 'empty', remaining: 0, levelPercent: 0 }, printer: { state: 'stopped', reasons: ['film-empty'] } });
    r.setSnapshot(empty);
    await r.run(60_000);
    expect(Object.values(await r.states()).filter((s) => s === 'printed')).toHaveLength(1);
    expect(r.engine.summary().held).toMatch(/film is empty/);
    r.setSnapshot(healthyBody());
    await r.until('all printed', async () => Object.values(await r.states()).every((s) => s === 'printed'));
    expect(r.engine.summary().held).toBeNull();
  });

  it('a held queue stays held when it empties, until its reason is gone: a jammed printer is not "resumed"', async () => {
    const r = await rig({ records: { latencyMs: 100 } });
    await r.engine.repo.add(['J-1']);
    await r.until('the card printing', () => r.engine.summary().printing === 1);
    r.setSnapshot(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam-error'] } }));
    await r.run(1_000);
    expect(r.engine.summary()).toMatchObject({ printing: 1, heldCode: 'printer_stopped' });
    expect(r.engine.summary().held).toMatch(/media-jam-error/);
    // The card in progress finishes: nothing waits now, but the printer is still jammed.
    await r.until('J-1 printed', async () => (await r.states())['J-1'] === 'printed');
    await r.run(30_000);
    expect(r.engine.summary()).toMatchObject({ queued: 0, ready: 0, printing: 0, heldCode: 'printer_stopped' });
    r.setSnapshot(healthyBody());
    await r.run(5_000);
    expect(r.engine.summary()).toMatchObject({ held: null, heldCode: null });
    // A jam with nothing waiting raises nothing.
    r.setSnapshot(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam-error'] } }));
    await r.run(5_000);
    expect(r.engine.summary().held).toBeNull();
  });

  it('a hold raised before a restart stays raised after it while the reason is still there; the gate says no card could start even with nothing waiting', async () => {
    const r = await made({ records: { latencyMs: 100 } });
    await Store.raiseAlert(r.store.db, { code: 'jobs.held', severity: 'warning', message: 'printing is held: the printer is stopped (media-jam)', raisedAt: new Date().toISOString() });
    r.setSnapshot(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam'] } }));
    await r.engine.start();
    await r.run(5_000);
    expect(r.engine.summary()).toMatchObject({ queued: 0, heldCode: 'printer_stopped', gateCode: 'printer_stopped' });
    r.setSnapshot(healthyBody());
    await r.run(5_000);
    expect(r.engine.summary()).toMatchObject({ held: null, gateCode: null });
    // Nothing waits and the printer jams: no hold is raised, but the gate says why no card could start.
    r.setSnapshot(healthyBody({ printer: { state: 'stopped', reasons: ['media-jam'] } }));
    await r.run(5_000);
    expect(r.engine.summary()).toMatchObject({ held: null, gateCode: 'printer_stopped' });
  });

  it('mains lost with little runtime holds new cards while the current one finishes; enough runtime does not', async () => {
    const r = await rig({ records: { latencyMs: 100 }, jobs: { secondsPerCard: 30, batteryMarginSeconds: 120 } });
    await r.engine.repo.add(ids(3));
    await r.until('first card printing', () => r.engine.summary().printing === 1);
    // As on battery, not yet low (alerts.lowRuntimeSeconds set under the 150 s a card needs).
    r.setSnapshot(healthyBody({ ups: { status: 'on_battery', onBattery: true, runtimeSeconds: 100, powerState: 'on_battery' } }));
    await r.run(60_000);
    expect(Object.values(await r.states()).filter((s) => s === 'printed')).toHaveLength(1);
    expect(r.engine.summary().held).toMatch(/on battery with 100 s left/);
    r.setSnapshot(healthyBody({ ups: { status: 'on_battery', onBattery: true, runtimeSeconds: 900 } }));
    await r.until('all printed', async () => Object.values(await r.states()).every((s) => s === 'printed'));
  });

  it('after a crash, a card left printing needs a person to verify it and is never sent again by itself', async () => {
    const r = await rig({ records: { latencyMs: 100 }, printer: { secondsPerCard: 60 } });
    await r.engine.repo.add(['C-1', 'C-2']);
    await r.until('C-1 printing', async () => (await r.states())['C-1'] === 'printing');
    // The agent dies: a new engine, with a working record source and printer, starts on the same database.
    await r.engine.stop(0);
    const r2 = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 } });
    const engine = new JobEngine({ store: r.store, source: r2.source, station: 'rig-01', printer: r2.printer.driver, config: jobsSchema().parse({}), clock: r2.clock, log: quietLog, snapshot: () => healthyBody() });
    await engine.start();
    const driven = drive(engine, r2.clock);
    await driven.until('C-2 printed', async () => (await r.states())['C-2'] === 'printed');
    // Long after, C-1 still waits for a person: nothing sends it again by itself.
    await driven.run(120_000);
    expect(await r.states()).toEqual({ 'C-1': 'needs_verification', 'C-2': 'printed' });
    const c1 = await engine.repo.history('C-1');
    expect(c1.at(-1)?.note.code).toBe('recovered_verify');
    expect(c1.filter((h) => h.to === 'printing')).toHaveLength(1);
    expect(c1.filter((h) => h.to === 'fetching')).toHaveLength(1);
    await engine.stop(0);
    expect(await engine.repo.verify('C-1', 'not-printed')).toBe('queued');
    expect((await engine.repo.add(['C-1'])).refused[0]?.why.en).toMatch(/already in the queue/);
  });

  it('a printer that keeps refusing to start a card is asked again after a pause, not in a tight loop', async () => {
    const r = await rig({ records: { latencyMs: 100 } });
    const asked: number[] = [];
    const refusing: PrinterDriver = {
      driver: 'refusing',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      read: () => r.printer.driver.read(),
      print: () => (asked.push(r.clock.monotonic()), Promise.reject(new HalError('busy', 'the printer is already printing a card'))),
    };
    const engine = new JobEngine({ store: r.store, source: r.source, station: 'rig-01', printer: refusing, config: jobsSchema().parse({}), clock: r.clock, log: quietLog, snapshot: () => healthyBody() });
    await r.engine.stop(0);
    await engine.start();
    await engine.repo.add(['B-1']);
    await drive(engine, r.clock).run(10_000, 500);
    await engine.stop(0);
    // Asked again and again, but never sooner than 2 s after it refused.
    expect(asked.length).toBeGreaterThanOrEqual(2);
    const gaps = asked.slice(1).map((t, i) => t - (asked[i] ?? 0));
    expect(gaps.filter((g) => g < 2000), `asked at ${asked.join(', ')}`).toEqual([]);
    expect((await r.states())['B-1']).toBe('ready');
  });

  it('each way print() can fail lands the job where it belongs; an error the interface does not define is a card to verify', async () => {
    const cases: [Error, string][] = [
      [new HalError('not-ready', 'cover open'), 'ready'],
      // Spoiled, and queued again by itself (test/unit/reprint.test.ts).
      [new HalError('aborted', 'the card was spoiled: media-jam'), 'queued|fetching|ready'],
      [new HalError('canceled', 'cancelled at the printer'), 'needs_verification'],
      [new HalError('unknown-outcome', 'answer lost'), 'needs_verification'],
      [new HalError('timeout', 'a read code where print has none'), 'needs_verification'],
      [new TypeError('a bug in a driver'), 'needs_verification'],
    ];
    const r = await rig({ records: { latencyMs: 100 } });
    await r.engine.stop(0);
    for (const [i, [error, expected]] of cases.entries()) {
      let asked = 0;
      const failing: PrinterDriver = { driver: 'failing', start: () => Promise.resolve(), stop: () => Promise.resolve(), read: () => r.printer.driver.read(), print: () => (asked++, Promise.reject(error)) };
      const engine = new JobEngine({ store: r.store, source: r.source, station: 'rig-01', printer: failing, config: jobsSchema().parse({}), clock: r.clock, log: quietLog, snapshot: () => healthyBody() });
      await engine.start();
      const id = `E-${i}`;
      await engine.repo.add([id]);
      await drive(engine, r.clock).until('the printer asked and the outcome written', async () => asked > 0 && (await engine.repo.get(id))?.state !== 'printing', 10_000, 500);
      await engine.stop(0);
      expect((await engine.repo.get(id))?.state, `${error.constructor.name} ${(error as HalError).code ?? ''}`).toMatch(new RegExp(`^(${expected})$`));
    }
  });

  it('a record whose fetch never finishes (the agent dies on its answer) is set aside after maxFetchAttempts restarts, not fetched forever', async () => {
    const r = await rig({ records: { latencyMs: 100 } });
    await r.engine.stop(0);
    const hanging: RecordSource = {
      driver: 'hanging',
      claims: 'local',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      fetch: () => new Promise<never>(() => undefined),
      claim: (_id, holder) => Promise.resolve({ granted: true, claimedBy: holder.station }),
      outcome: () => Promise.resolve({ taken: true }),
    };
    await r.engine.repo.add(['POISON-1']);
    const states: string[] = [];
    for (let restart = 0; restart < 7; restart++) {
      // A fresh engine is a restarted agent: what was fetching goes back to the queue.
      const engine = new JobEngine({ store: r.store, source: hanging, station: 'rig-01', printer: r.printer.driver, config: jobsSchema().parse({ maxFetchAttempts: 5 }), clock: r.clock, log: quietLog, snapshot: () => healthyBody() });
      await engine.start();
      await drive(engine, r.clock).run(1500, 500);
      states.push(`${(await engine.repo.get('POISON-1'))?.state}:${(await engine.repo.get('POISON-1'))?.fetchAttempts}`);
      await engine.stop(0);
    }
    expect(states).toEqual(['fetching:1', 'fetching:2', 'fetching:3', 'fetching:4', 'fetching:5', 'failed:5', 'failed:5']);
    expect((await r.engine.repo.history('POISON-1')).at(-1)?.note).toEqual({ code: 'fetch_set_aside', attempts: 5 });
  });

  it('a database that cannot be written holds the queue without crashing, and a printed card is recorded as printed once it can be', async () => {
    const r = await rig({ records: { latencyMs: 100 }, printer: { secondsPerCard: 20 } });
    await r.engine.repo.add(['W-1', 'W-2']);
    await r.until('W-1 printing', async () => (await r.states())['W-1'] === 'printing');
    await r.store.db.exec('PRAGMA query_only = ON'); // every write now fails, as on a full disk
    await r.run(30_000);
    expect(r.engine.summary().held ?? '').toMatch(/database cannot be written/);
    expect((await r.states())['W-2']).not.toBe('printing');
    await r.store.db.exec('PRAGMA query_only = OFF');
    await r.until('both printed', async () => Object.values(await r.states()).every((x) => x === 'printed'));
    expect((await r.engine.repo.history('W-1')).map((h) => h.to)).not.toContain('needs_verification');
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ printed: 2 });
  });

  it("after a crash, the printer's own job history settles a card it can prove completed", async () => {
    const r = await rig({ records: { latencyMs: 100 }, printer: { secondsPerCard: 60 } });
    await r.engine.repo.add(['P-1']);
    await r.until('P-1 printing', async () => (await r.states())['P-1'] === 'printing');
    await r.engine.stop(0);
    const asked: string[] = [];
    const proving: PrinterDriver = {
      driver: 'proving',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      read: () => r.printer.driver.read(),
      print: (req) => r.printer.driver.print(req),
      jobOutcome: (jobId) => (asked.push(jobId), Promise.resolve('completed')),
    };
    const engine = new JobEngine({ store: r.store, source: undefined, station: 'rig-01', printer: proving, config: jobsSchema().parse({}), clock: r.clock, log: quietLog, snapshot: () => healthyBody() });
    await engine.start();
    await engine.stop(0);
    expect(asked).toEqual([expect.stringMatching(/^P-1@\d+$/) as string]);
    expect(await r.states()).toEqual({ 'P-1': 'printed' });
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ printed: 1 });
  });

  it('settled: once the printer has answered, the outcome is written by the time the engine says it has settled', async () => {
    const r = await rig({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 } });
    await r.engine.repo.add(['S-1', 'S-2']);
    await r.until('the printer printing S-1', async () => (await r.printer.driver.read()).state === 'printing');
    expect((await r.states())['S-1']).toBe('printing');
    // The card comes out within this move of the clock; nothing else moves it on.
    r.clock.advance(10_000);
    await r.engine.settled();
    // The step the finished card set going has summed the queue up again, too.
    expect(r.engine.summary()).toMatchObject({ printing: 0, printedToday: 1 });
    expect((await r.states())['S-1']).toBe('printed');
    expect(await new Ledger(r.store.db).summary()).toMatchObject({ printed: 1 });
  });

  it('keeps no personal data: no synthetic name or NIK in the database file once the cards are printed', async () => {
    const r = await rig({ records: { latencyMs: 100 } });
    await r.engine.repo.add(ids(5, 'P'));
    await r.until('all printed', async () => Object.values(await r.states()).every((s) => s === 'printed'));
    await r.engine.stop(0);
    await r.store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(join(r.dir, 'station.db')).toString('latin1');
    for (const id of ids(5, 'P')) {
      const person = syntheticRecord(id);
      expect(bytes).not.toContain(person.name);
      expect(bytes).not.toContain(person.nik);
    }
  });
});
