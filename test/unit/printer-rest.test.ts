/**
 * A printer that rests (printer.rest): the run counted, the rest measured on the monotonic
 * clock, kept across a restart, and the print queue held meanwhile, resuming by itself.
 */
import { describe, expect, it } from 'vitest';
import { jobsSchema } from '../../agent/config/schema.js';
import { JobEngine } from '../../agent/jobs/engine.js';
import { PrinterRest, REST_KEY, type RestState } from '../../agent/jobs/rest.js';
import { ManualClock } from '../../core/clock.js';
import { healthyBody } from '../support/health.js';
import { quietLog } from '../support/sim.js';
import { drive, stationRigs } from '../support/station-rig.js';

const MIN = 60_000;

describe('the rest counter', () => {
  it('rests after afterCards cards for minutes of monotonic time; a wall clock stepped either way neither ends nor lengthens it', () => {
    const clock = new ManualClock();
    const rest = new PrinterRest({ afterCards: 3, minutes: 10 }, clock);
    rest.cardThrough();
    clock.advance(20_000);
    rest.cardThrough();
    clock.advance(20_000);
    expect(rest.resting()).toBeNull();
    const third = rest.cardThrough();
    expect(rest.resting()).toEqual({ untilMono: clock.monotonic() + 10 * MIN });
    expect(third).toMatchObject({ cards: 0, restUntil: clock.now() + 10 * MIN });
    clock.stepWall(2 * 3600_000); // NTP or a clerk sets the clock two hours on
    expect(rest.resting()).not.toBeNull();
    clock.advance(10 * MIN - 1);
    clock.stepWall(-5 * 3600_000); // and five hours back
    expect(rest.resting()).not.toBeNull();
    clock.advance(1);
    expect(rest.resting()).toBeNull();
    // A new run: three more cards before the next rest.
    rest.cardThrough();
    rest.cardThrough();
    expect(rest.resting()).toBeNull();
    rest.cardThrough();
    expect(rest.resting()).not.toBeNull();
  });

  it('a pause of at least minutes with no card ends the run as a rest does', () => {
    const clock = new ManualClock();
    const rest = new PrinterRest({ afterCards: 3, minutes: 10 }, clock);
    rest.cardThrough();
    rest.cardThrough();
    clock.advance(10 * MIN);
    rest.cardThrough();
    expect(rest.resting()).toBeNull();
    expect(rest.state().cards).toBe(1);
    clock.advance(10 * MIN - 1); // not quite cool: the run goes on
    rest.cardThrough();
    rest.cardThrough();
    expect(rest.resting()).not.toBeNull();
  });

  it('is kept across a restart by wall time: the run and a rest in progress, never lengthened by a clock set back', () => {
    const clock = new ManualClock();
    const before = new PrinterRest({ afterCards: 3, minutes: 10 }, clock);
    before.cardThrough();
    const run = before.cardThrough();
    // Restarted a minute later (a new process: monotonic time starts afresh): the run goes on.
    const later = new ManualClock(clock.now() + MIN);
    const after = new PrinterRest({ afterCards: 3, minutes: 10 }, later);
    after.restore(run);
    after.cardThrough();
    expect(after.resting()).toEqual({ untilMono: 10 * MIN });
    // A rest in progress, read back 4 minutes on: 6 minutes are left.
    const resting = after.state();
    const again = new ManualClock(later.now() + 4 * MIN);
    const third = new PrinterRest({ afterCards: 3, minutes: 10 }, again);
    third.restore(resting);
    expect(third.resting()).toEqual({ untilMono: 6 * MIN });
    // Read back with the wall clock an hour behind: no longer than minutes.
    const back = new ManualClock(later.now() - 3600_000);
    const fourth = new PrinterRest({ afterCards: 3, minutes: 10 }, back);
    fourth.restore(resting);
    expect(fourth.resting()).toEqual({ untilMono: 10 * MIN });
    // Read back after the rest and a cool pause: nothing held, the run from zero.
    const cool = new ManualClock(later.now() + 30 * MIN);
    const fifth = new PrinterRest({ afterCards: 3, minutes: 10 }, cool);
    fifth.restore(resting);
    expect([fifth.resting(), fifth.state().cards]).toEqual([null, 0]);
  });
});

const made = stationRigs();
const ids = (n: number) => Array.from({ length: n }, (_, i) => `RST-${String(i + 1).padStart(3, '0')}`);

describe('the print queue with a resting printer', () => {
  it('pauses after afterCards cards, says when it resumes, and resumes by itself after minutes on the monotonic clock', async () => {
    const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 }, rest: { afterCards: 3, minutes: 10 } });
    await r.engine.start();
    await r.engine.repo.add(ids(7));
    const printed = async () => Object.values(await r.states()).filter((s) => s === 'printed').length;
    await r.until('3 printed', async () => (await printed()) === 3);
    const restFrom = r.clock.monotonic();
    const wallFrom = r.clock.now();
    await r.run(5_000);
    expect(r.engine.summary()).toMatchObject({ heldCode: 'printer_resting', gateCode: 'printer_resting', held: expect.stringMatching(/resting \(printer\.rest: 10 min after every 3 cards\)/) as string });
    const resumesAt = Date.parse(r.engine.summary().resumesAt ?? '');
    expect(Math.abs(resumesAt - (wallFrom + 10 * MIN))).toBeLessThanOrEqual(1_000);
    // The wall clock set two hours on neither ends the rest nor hides when it ends: that is two hours later too.
    r.clock.stepWall(2 * 3600_000);
    await r.run(8 * MIN);
    expect(await printed()).toBe(3);
    expect(Math.abs(Date.parse(r.engine.summary().resumesAt ?? '') - (resumesAt + 2 * 3600_000))).toBeLessThanOrEqual(1_000);
    await r.until('the 4th card printing', () => r.engine.summary().printing === 1);
    const waited = r.clock.monotonic() - restFrom;
    expect(waited).toBeGreaterThanOrEqual(10 * MIN - 1_000);
    expect(waited).toBeLessThanOrEqual(10 * MIN + 2_000);
    expect(r.engine.summary()).toMatchObject({ heldCode: null, resumesAt: null });
    await r.until('6 printed and resting again', async () => (await printed()) === 6 && r.engine.summary().heldCode === 'printer_resting');
    await r.run(60_000);
    expect(await printed()).toBe(6);
  });

  it('a restarted agent keeps the rest in progress (its stored end, on the new monotonic clock)', async () => {
    const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 }, rest: { afterCards: 2, minutes: 10 } });
    await r.engine.start();
    await r.engine.repo.add(ids(3));
    await r.until('resting', () => r.engine.summary().heldCode === 'printer_resting');
    await r.run(3 * MIN);
    await r.engine.stop(0);
    expect((await r.store.getState<RestState>(REST_KEY))?.value).toMatchObject({ cards: 0, restUntil: expect.any(Number) as number });
    // A new process on the same database two minutes later, with its own clock (monotonic time from zero) and parts.
    const r2 = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 } });
    r2.clock.stepWall(r.clock.now() + 2 * MIN - r2.clock.now());
    const engine = new JobEngine({ store: r.store, source: r2.source, station: 'rig-01', printer: r2.printer.driver, config: jobsSchema().parse({}), clock: r2.clock, log: quietLog, snapshot: () => healthyBody(), rest: { afterCards: 2, minutes: 10 } });
    await engine.start();
    const driven = drive(engine, r2.clock);
    await driven.run(4 * MIN);
    expect(engine.summary()).toMatchObject({ heldCode: 'printer_resting', resumesAt: new Date(r2.clock.now() + MIN).toISOString() });
    expect((await r.states())['RST-003']).toBe('ready');
    await driven.until('RST-003 printed', async () => (await r.states())['RST-003'] === 'printed');
    expect(r2.clock.monotonic()).toBeGreaterThanOrEqual(5 * MIN);
    await engine.stop(0);
  });

  it('without printer.rest the queue never rests', async () => {
    const r = await made({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 } });
    await r.engine.start();
    await r.engine.repo.add(ids(5));
    await r.until('all printed', async () => Object.values(await r.states()).every((s) => s === 'printed'), 5 * MIN);
    expect(r.engine.summary().resumesAt).toBeNull();
  });
});
