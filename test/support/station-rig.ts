import type { Logger } from 'pino';
import { afterEach } from 'vitest';
import { jobsSchema } from '../../agent/config/schema.js';
import { simRecordsSchema } from '../../hal/records/sim/config.js';
import type { ManualClock } from '../../core/clock.js';
import { JobEngine } from '../../agent/jobs/engine.js';
import type { RestConfig } from '../../agent/jobs/rest.js';
import { Store } from '../../agent/store/store.js';
import { SimRecords } from '../../hal/records/sim/driver.js';
import type { RecordSource } from '../../hal/records/types.js';
import type { StationBody } from '../../telemetry/payloads.js';
import { healthyBody } from './health.js';
import { quietLog, simPrinterHarness, tempDir } from './sim.js';

/**
 * A print station on simulated parts and a manual clock: the engine, the sim printer writing
 * its cards to a folder, the sim record source, and a snapshot the test can change (the gate's input).
 */
export async function stationRig(
  opts: {
    jobs?: Record<string, unknown>;
    records?: Record<string, unknown>;
    printer?: Record<string, unknown>;
    random?: () => number;
    station?: string;
    source?: (sim: SimRecords, clock: ManualClock) => RecordSource;
    rest?: RestConfig;
    /** The engine's logger (quiet unless given: a test that reads what was logged passes its own). */
    log?: Logger;
  } = {},
) {
  const dir = tempDir('rig-');
  const outputDir = `${dir}/out`;
  const printer = simPrinterHarness({ secondsPerCard: 10, outputDir, ...opts.printer });
  const clock = printer.clock;
  const store = await Store.open(dir, () => 0);
  const sim = new SimRecords(simRecordsSchema().parse({ latencyMs: 5000, ...opts.records }), { clock, log: quietLog }, opts.random);
  const source = opts.source ? opts.source(sim, clock) : sim;
  await source.start();
  let snapshot: StationBody | undefined = healthyBody();
  const engine = new JobEngine({
    store,
    source,
    station: opts.station ?? 'rig-01',
    printer: printer.driver,
    config: jobsSchema().parse({ retryAfterSeconds: 10, ...opts.jobs }),
    clock,
    log: opts.log ?? quietLog,
    snapshot: () => snapshot,
    rest: opts.rest,
  });
  await printer.driver.start();
  const { run, until } = drive(engine, clock);
  return {
    dir,
    outputDir,
    store,
    engine,
    source,
    printer,
    clock,
    run,
    until,
    setSnapshot: (s: StationBody | undefined) => (snapshot = s),
    states: async () => Object.fromEntries((await engine.repo.list()).map((j) => [j.recordId, j.state])),
  };
}

/**
 * Drive an engine on a manual clock: each step moves simulated time on, then awaits the
 * engine's step and everything it set going until it settles (its writes done, each fetch and
 * card waiting on the source or the printer). No real pause: what the test sees next does not
 * depend on how fast this machine is.
 */
export type Rig = Awaited<ReturnType<typeof stationRig>>;

/** stationRig for a test file: every rig it makes is stopped, with its record source, and its store closed after its test. */
export function stationRigs(): (opts?: Parameters<typeof stationRig>[0]) => Promise<Rig> {
  const made: Rig[] = [];
  afterEach(async () => {
    for (const r of made.splice(0)) {
      await r.engine.stop(0);
      await r.source.stop();
      await r.store.close();
    }
  });
  return async (opts) => {
    const r = await stationRig(opts);
    made.push(r);
    return r;
  };
}

export function drive(engine: JobEngine, clock: ManualClock) {
  const tick = async (stepMs: number) => {
    clock.advance(stepMs);
    await engine.step();
    await engine.settled();
  };
  /** Let `ms` of simulated time pass, `stepMs` at a time. */
  const run = async (ms: number, stepMs = 1000) => {
    for (let t = 0; t < ms; t += stepMs) await tick(stepMs);
  };
  /** Step until `cond` holds; fail after `maxSimMs` of simulated time. */
  const until = async (what: string, cond: () => boolean | Promise<boolean>, maxSimMs = 3_600_000, stepMs = 1000) => {
    for (let t = 0; t < maxSimMs; t += stepMs) {
      if (await cond()) return;
      await tick(stepMs);
    }
    throw new Error(`not within ${maxSimMs / 1000} simulated seconds: ${what}`);
  };
  return { run, until };
}
