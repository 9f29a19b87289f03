/**
 * Print pipeline benchmark: a simulated printer at a fixed time per card, a simulated central
 * server whose latency is comparable to the print time and that fails now and then. Cards per
 * minute through the job engine (records fetched ahead of the printer) against the serial
 * baseline offices run today (fetch a record, print it, fetch the next), both as a share of
 * the printer's rated speed.
 *
 *   node build/scripts/bench-pipeline.js [--cards 60] [--seconds-per-card 0.5] [--latency-ms 500] [--failure-rate 0.05]
 *
 * The last line printed is one JSON object with the figures.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { renderCard, CARD_MIME } from '../agent/card/render.js';
import { simPrinterSchema } from '../hal/printer/sim/config.js';
import { simRecordsSchema } from '../hal/records/sim/config.js';
import { jobsSchema } from '../agent/config/schema.js';
import { JobEngine } from '../agent/jobs/engine.js';
import { Store } from '../agent/store/store.js';
import { systemClock } from '../core/clock.js';
import { HalError } from '../hal/errors.js';
import { SimPrinter } from '../hal/printer/sim/driver.js';
import { SimRecords } from '../hal/records/sim/driver.js';
import type { StationBody } from '../telemetry/payloads.js';

const log = pino({ level: 'silent' });

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  return Number.isFinite(v) ? v : fallback;
}

/** A station with nothing wrong: the gate lets every card start. */
function healthy(): StationBody {
  const supply = (kind: 'ribbon' | 'film' | 'blanks') => ({ kind, name: kind, levelPercent: 90, remaining: 900, capacity: 1000, status: 'ok' as const, daysLeft: null, daysLeftReason: 'no forecast kept' });
  return {
    province: '00', regency: '0000', agent: { version: 'bench', startedAt: new Date().toISOString(), uptimeSeconds: 0 },
    printer: { driver: 'sim', state: 'idle', reasons: [], supplies: [supply('ribbon'), supply('film'), supply('blanks')], model: null, error: null },
    ups: { driver: 'sim', status: 'online', onBattery: false, chargePercent: 100, runtimeSeconds: 1800, inputVoltage: 220, loadPercent: 30, model: null, error: null, shutdownImminent: false, powerState: 'online' },
    host: { cpuPercent: null, memUsedPercent: null, diskFreeBytes: null, uptimeSeconds: null },
    stock: { blanksOnHand: null, daysLeft: null, daysLeftReason: 'no forecast kept', cardsPerDay: null },
    jobs: { queued: null, fetching: null, ready: null, printing: null, printedToday: null, failedToday: null, needsVerification: null, held: null, utilisation: null },
    alerts: [],
  };
}

interface Setup {
  cards: number;
  secondsPerCard: number;
  latencyMs: number;
  failureRate: number;
}

function parts(s: Setup) {
  const capacity = { ribbon: 100_000, film: 100_000, blanks: 100_000 };
  const printer = new SimPrinter(simPrinterSchema().parse({ secondsPerCard: s.secondsPerCard, capacity }), { clock: systemClock, log });
  const source = new SimRecords(simRecordsSchema().parse({ latencyMs: s.latencyMs, failureRate: s.failureRate }), { clock: systemClock, log });
  return { printer, source };
}

const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);

/** The job engine: fetches ahead of the printer. Returns cards per minute. */
async function withPrefetch(s: Setup, prefetch: number): Promise<number> {
  const { printer, source } = parts(s);
  const store = await Store.open(mkdtempSync(join(tmpdir(), 'bench-pipeline-')));
  const engine = new JobEngine({
    store, source, station: 'bench-01', printer, clock: systemClock, log, snapshot: healthy,
    config: jobsSchema().parse({ prefetch, retryAfterSeconds: s.latencyMs / 1000, maxFetchAttempts: 20 }),
  });
  await printer.start();
  await engine.repo.add(ids(s.cards, 'PF'));
  const t0 = performance.now();
  await engine.start();
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    await engine.step();
    const c = engine.summary();
    if (c.queued + c.fetching + c.ready + c.printing === 0 && c.printedToday + c.failedToday > 0) break;
  }
  const minutes = (performance.now() - t0) / 60_000;
  const printed = engine.summary().printedToday;
  await engine.stop(0);
  await printer.stop();
  await store.close();
  return printed / minutes;
}

/** Today's way: fetch a record, print it, fetch the next (failed fetches retried after the same wait). */
async function serial(s: Setup): Promise<number> {
  const { printer, source } = parts(s);
  await printer.start();
  const t0 = performance.now();
  let printed = 0;
  for (const id of ids(s.cards, 'SE')) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const record = await source.fetch(id);
        await printer.print({ jobId: id, recordId: id, document: renderCard(record), mimeType: CARD_MIME });
        printed += 1;
        break;
      } catch (err) {
        if (!(err instanceof HalError) || err.code !== 'unavailable') throw err;
        await new Promise((r) => setTimeout(r, s.latencyMs));
      }
    }
  }
  const minutes = (performance.now() - t0) / 60_000;
  await printer.stop();
  return printed / minutes;
}

async function main(): Promise<void> {
  const s: Setup = {
    cards: arg('cards', 60),
    secondsPerCard: arg('seconds-per-card', 0.5),
    latencyMs: arg('latency-ms', 500),
    failureRate: arg('failure-rate', 0.05),
  };
  const rated = 60 / s.secondsPerCard;
  console.log(`printer rated at ${rated} cards/min; server latency ${s.latencyMs} ms, ${s.failureRate * 100} % failures; ${s.cards} cards each way`);
  const serialRate = await serial(s);
  console.log(`  serial fetch-then-print: ${serialRate.toFixed(1)} cards/min`);
  const prefetchRate = await withPrefetch(s, 3);
  console.log(`  job engine, prefetch 3:  ${prefetchRate.toFixed(1)} cards/min`);
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      bench: 'pipeline', cards: s.cards, secondsPerCard: s.secondsPerCard, latencyMs: s.latencyMs, failureRate: s.failureRate,
      ratedCardsPerMinute: round(rated), prefetchCardsPerMinute: round(prefetchRate), serialCardsPerMinute: round(serialRate),
      prefetchShareOfRated: round(prefetchRate / rated, 3), serialShareOfRated: round(serialRate / rated, 3),
    }),
  );
}

main().catch((err: Error) => {
  console.error(`bench-pipeline: ${err.message}`);
  process.exit(1);
});
