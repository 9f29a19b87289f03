import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { jobsSchema } from '../../agent/config/schema.js';
import { JobEngine } from '../../agent/jobs/engine.js';
import { Store } from '../../agent/store/store.js';
import { ManualClock } from '../../core/clock.js';
import { simRecordsSchema } from '../../hal/records/sim/config.js';
import { SimRecords } from '../../hal/records/sim/driver.js';
import { healthyBody } from '../support/health.js';
import { waitUntil } from '../support/peers.js';
import { quietLog, tempDir } from '../support/sim.js';
import { windowsPrinterHarness } from '../support/windows-printer.js';

/** The print queue on the windows driver (over the stand-in helper): the card it sends, and a crash mid-card settled from the spooler's log. */

interface Spooler {
  queue: { Document: string }[];
  log: { id: number; jobId: number; document: string }[];
  cards?: { document: string; width: number; height: number }[];
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** The windows driver over the in-process stand-in, on a manual clock the station shares. */
function printer(opts: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  return Object.assign(windowsPrinterHarness(opts, clock), { clock });
}

async function station(dir: string, h: ReturnType<typeof printer>) {
  const { clock } = h;
  const helper = h.helper;
  if (!helper) throw new Error('the stand-in runs in this process here');
  const store = await Store.open(dir, () => 0);
  const source = new SimRecords(simRecordsSchema().parse({ latencyMs: 10 }), { clock, log: quietLog });
  const engine = new JobEngine({ store, source, station: 'win-01', printer: h.driver, config: jobsSchema().parse({}), clock, log: quietLog, snapshot: () => healthyBody() });
  await h.driver.start();
  await engine.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop(0);
    await h.driver.stop();
    await store.close();
  };
  cleanup.push(stop);
  const states = async () => Object.fromEntries((await engine.repo.list()).map((j) => [j.recordId, j.state]));
  /**
   * Until nothing more happens without time passing: the queue settled (its writes done, its work
   * waiting on the source or the printer), every request the helper was given answered, and a
   * pass over both with no line to or from the helper.
   */
  const settle = async () => {
    for (;;) {
      const before = helper.traffic;
      await engine.settled();
      await waitUntil('the helper to answer', () => helper.unanswered === 0, 5000);
      await engine.settled();
      if (helper.traffic === before) return;
    }
  };
  /**
   * Moves the clock to its next timer, settling after each, until `cond` holds. Settled, the link
   * has no request out, so the clock never reaches a request's deadline: only the queue's steps,
   * the source's latency and the driver's pauses between looks at the print queue.
   */
  const until = async (what: string, cond: () => Promise<boolean>, maxSimMs = 60_000) => {
    const end = clock.monotonic() + maxSimMs;
    for (;;) {
      await settle();
      if (await cond()) return;
      const next = clock.nextTimerIn();
      if (next === null || clock.monotonic() + next > end) throw new Error(`not within ${maxSimMs / 1000} s of the clock: ${what}`);
      clock.advance(next);
    }
  };
  return { engine, states, until, stop };
}

const spooler = (h: { file: string }) => JSON.parse(readFileSync(`${h.file}.spooler.json`, 'utf8')) as Spooler;

describe('the print queue on the windows driver', () => {
  it("sends each card as a PNG at the printer's resolution, named with the agent's job id, and records the spooler's job id", async () => {
    const h = printer({ dpi: 300 });
    const s = await station(tempDir('win-jobs-'), h);
    await s.engine.repo.add(['W-1', 'W-2']);
    await s.until('both printed', async () => Object.values(await s.states()).every((x) => x === 'printed'));
    const mem = spooler(h);
    expect(mem.cards?.map((c) => [c.document.split('@')[0], c.width, c.height])).toEqual([
      ['W-1', 1012, 638],
      ['W-2', 1012, 638],
    ]);
    expect((await s.engine.repo.get('W-1'))?.printerJobId).toBe('40');
  });

  it('a card cut off by a crash is settled as printed from the PrintService log, and not printed again', async () => {
    const dir = tempDir('win-crash-');
    const h = printer({ jobTimeoutSeconds: 600 });
    // The card stays in the queue: the agent dies while it prints.
    h.write({ job: { polls: 1_000_000, end: 'printed' } });
    const first = await station(dir, h);
    await first.engine.repo.add(['C-1']);
    await first.until('C-1 printing', async () => (await first.states())['C-1'] === 'printing');
    await first.until('in the queue', () => Promise.resolve(spooler(h).queue.length === 1));
    await first.stop();
    // Meanwhile Windows finished it and logged event 307 under the agent's job name.
    const mem = spooler(h);
    const doc = mem.queue[0]?.Document ?? '';
    expect(doc).toMatch(/^C-1@\d+$/);
    writeFileSync(`${h.file}.spooler.json`, JSON.stringify({ ...mem, queue: [], log: [{ id: 307, jobId: 40, document: doc }] }));

    const again = printer();
    writeFileSync(again.file, readFileSync(h.file));
    writeFileSync(`${again.file}.spooler.json`, readFileSync(`${h.file}.spooler.json`));
    const second = await station(dir, again);
    await second.until('settled', async () => (await second.states())['C-1'] === 'printed');
    const history = await second.engine.repo.history('C-1');
    expect(history.at(-1)?.note.code).toBe('recovered_printed');
    expect(spooler(again).cards ?? []).toHaveLength(1); // the one card, sent once
  });

  it('without the log, such a card waits for a person', async () => {
    const dir = tempDir('win-crash-nolog-');
    const h = printer();
    h.write({ job: { polls: 1_000_000, end: 'printed' }, logEnabled: false });
    const first = await station(dir, h);
    await first.engine.repo.add(['C-2']);
    await first.until('C-2 printing', async () => (await first.states())['C-2'] === 'printing');
    await first.stop();
    const mem = spooler(h);
    writeFileSync(`${h.file}.spooler.json`, JSON.stringify({ ...mem, queue: [] }));
    const again = printer();
    writeFileSync(again.file, readFileSync(h.file));
    writeFileSync(`${again.file}.spooler.json`, readFileSync(`${h.file}.spooler.json`));
    const second = await station(dir, again);
    await second.until('set aside', async () => (await second.states())['C-2'] === 'needs_verification');
  });
});
