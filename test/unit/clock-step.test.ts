/**
 * Cards through a wall clock that steps (NTP correcting a fast PC, a clerk fixing the time) while
 * monotonic time runs on: a card is never set aside because the wall jumped past its deadline, a
 * failed fetch is tried again after its wait and not a day later, the day's counts follow the
 * wall's day, and what is said about the agent's last reading holds through a step.
 */
import ipp from 'ipp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema, jobsSchema } from '../../agent/config/schema.js';
import { agentSeen } from '../../agent/diagnose/from-agent.js';
import { AGENT_STATE_KEY } from '../../agent/process/daemon.js';
import { formatStatus, readStatus } from '../../agent/station/status.js';
import { Store } from '../../agent/store/store.js';
import { JobEngine } from '../../agent/jobs/engine.js';
import { ManualClock, WallSteps } from '../../core/clock.js';
import { IppPrinter } from '../../hal/printer/ipp/driver.js';
import type { IppTransport } from '../../hal/printer/ipp/client.js';
import { simRecordsSchema } from '../../hal/records/sim/config.js';
import { SimRecords } from '../../hal/records/sim/driver.js';
import { Api } from '../../dashboard/api.js';
import { Fleet } from '../../dashboard/fleet.js';
import type { Level } from '../../dashboard/nation.js';
import { NationApi } from '../../dashboard/nation-api.js';
import { OfficeApi } from '../../dashboard/office-api.js';
import { regionNames } from '../../dashboard/regions.js';
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { dayIn, dayStart } from '../../agent/office/days.js';
import { AccountsPublisher } from '../../agent/office/publish.js';
import { postCard } from '../../agent/ledger/card.js';
import { Outbox } from '../../telemetry/outbox.js';
import { LAST_HEALTH_KEY, Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import type { HealthPayload } from '../../telemetry/payloads.js';
import { health as dashHealth, T0 } from '../support/dashboard-rig.js';
import { OfficeWorld } from '../support/office-sim.js';
import { healthyBody } from '../support/health.js';
import { waitUntil } from '../support/peers.js';
import { quietLog, tempDir } from '../support/sim.js';
import { stationRig } from '../support/station-rig.js';
import { windowsPrinterHarness } from '../support/windows-printer.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const closing: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of closing.splice(0).reverse()) await c();
});

/** An IPP printer on a fake wire: idle, takes a card as job 7, and says `processing` for `polls` looks, then `completed`. */
function ippPrinter(clock: ManualClock, polls: number) {
  let looks = 0;
  const answer = (groups: Record<string, unknown>) =>
    ipp.serialize({ version: '2.0', statusCode: 'successful-ok', id: 1, 'operation-attributes-tag': { 'attributes-charset': 'utf-8', 'attributes-natural-language': 'en' }, ...groups });
  const transport: IppTransport = {
    send(body) {
      const op = (ipp.parse(body) as { operation: string }).operation;
      if (op === 'Get-Printer-Attributes') return Promise.resolve(answer({ 'printer-attributes-tag': { 'printer-state': 'idle', 'printer-state-reasons': 'none' } }));
      if (op === 'Print-Job') return Promise.resolve(answer({ 'job-attributes-tag': { 'job-id': 7, 'job-state': 'pending' } }));
      looks += 1;
      return Promise.resolve(answer({ 'job-attributes-tag': { 'job-id': 7, 'job-state': looks > polls ? 'completed' : 'processing' } }));
    },
  };
  const opts = { driver: 'ipp' as const, url: 'ipp://localhost:631/printers/card', timeoutSeconds: 5, jobPollSeconds: 1, jobTimeoutSeconds: 60, supplies: {} };
  return new IppPrinter(opts, { clock, log: quietLog }, transport);
}

/** Moves the clock a second at a time (with the promise turns between) until `p` settles or `maxMs` pass. */
async function follow<T>(clock: ManualClock, p: Promise<T>, maxMs: number, each: (t: number) => void = () => undefined): Promise<PromiseSettledResult<T>> {
  let result: PromiseSettledResult<T> | undefined;
  void p.then(
    (value) => (result = { status: 'fulfilled', value }),
    (reason: unknown) => (result = { status: 'rejected', reason }),
  );
  for (let t = 0; t < maxMs && !result; t += 1000) {
    for (let i = 0; i < 5; i++) await Promise.resolve();
    each(t);
    clock.advance(1000);
    await new Promise((r) => setImmediate(r));
  }
  if (!result) throw new Error(`not settled within ${maxMs / 1000} s of the clock`);
  return result;
}

describe('a card in the printer when the wall clock jumps', () => {
  it('IPP: a card that finishes after the wall jumped two days on (past jobTimeoutSeconds) is printed, not set aside', async () => {
    const clock = new ManualClock();
    const printer = ippPrinter(clock, 5);
    await printer.start();
    const card = printer.print({ jobId: 'CLK-0001@1', recordId: 'CLK-0001', document: Buffer.from('%PDF'), mimeType: 'application/pdf' });
    const r = await follow(clock, card, 30_000, (t) => t === 2000 && clock.stepWall(2 * DAY));
    expect(r).toEqual({ status: 'fulfilled', value: { printerJobId: '7' } });
  });

  it('IPP: a card that never finishes is set aside after jobTimeoutSeconds of monotonic time, not later with the wall a day back', async () => {
    const clock = new ManualClock();
    const printer = ippPrinter(clock, Infinity);
    await printer.start();
    const started = clock.monotonic();
    const card = printer.print({ jobId: 'CLK-0002@1', recordId: 'CLK-0002', document: Buffer.from('%PDF'), mimeType: 'application/pdf' });
    const r = await follow(clock, card, 120_000, (t) => t === 2000 && clock.stepWall(-DAY));
    expect(r.status === 'rejected' && (r.reason as Error).message).toMatch(/did not finish within 60 s/);
    expect(clock.monotonic() - started).toBeLessThanOrEqual(62_000);
  });

  it('Windows: a card in the spooler when the wall jumps two days on comes out printed', async () => {
    const clock = new ManualClock();
    const h = Object.assign(windowsPrinterHarness({ jobTimeoutSeconds: 60 }, clock), { clock });
    const helper = h.helper;
    if (!helper) throw new Error('the stand-in runs in this process here');
    // Five looks in the queue (a second apart) before the card leaves it, printed.
    h.write({ job: { polls: 5, end: 'printed' } });
    const store = await Store.open(tempDir('clock-win-'), () => 0);
    const source = new SimRecords(simRecordsSchema().parse({ latencyMs: 10 }), { clock, log: quietLog });
    const engine = new JobEngine({ store, source, station: 'win-01', printer: h.driver, config: jobsSchema().parse({}), clock, log: quietLog, snapshot: () => healthyBody() });
    await h.driver.start();
    await engine.start();
    closing.push(() => store.close(), () => h.driver.stop(), () => engine.stop(0));
    await engine.repo.add(['CLK-0003']);
    const state = async () => (await engine.repo.get('CLK-0003'))?.state;
    let stepped = false;
    for (let i = 0; i < 600 && !['printed', 'needs_verification', 'failed'].includes((await state()) ?? ''); i++) {
      await engine.settled();
      await waitUntil('the helper to answer', () => helper.unanswered === 0, 5000);
      await engine.settled();
      if (!stepped && (await state()) === 'printing' && (JSON.parse(readFileSync(`${h.file}.spooler.json`, 'utf8')) as { queue: unknown[] }).queue.length === 1) {
        clock.stepWall(2 * DAY);
        stepped = true;
      }
      clock.advance(Math.max(1, clock.nextTimerIn() ?? 500));
    }
    expect(stepped).toBe(true);
    expect(await state()).toBe('printed');
  });
});

describe('the print queue through a stepped wall clock', () => {
  it("a fetch that failed is tried again after retryAfterSeconds of monotonic time with the wall a day back; the stamps follow the wall", async () => {
    // The first fetch fails (the centre is down a moment), every later one answers.
    let draws = 0;
    const r = await stationRig({ records: { latencyMs: 100, failureRate: 0.5 }, printer: { secondsPerCard: 10 }, jobs: { retryAfterSeconds: 10 }, random: () => (draws++ === 0 ? 0 : 1) });
    closing.push(() => r.store.close(), () => r.engine.stop(0));
    await r.engine.repo.add(['CLK-0004']);
    await r.until('the first fetch failed', async () => (await r.engine.repo.get('CLK-0004'))?.lastError !== null, 60_000);
    r.clock.stepWall(-DAY);
    const from = r.clock.monotonic();
    await r.until('printed', async () => (await r.states())['CLK-0004'] === 'printed', 60_000);
    expect(r.clock.monotonic() - from).toBeLessThanOrEqual(25_000);
    const printedAt = (await r.engine.repo.history('CLK-0004')).at(-1)?.at ?? 0;
    expect(Math.abs(printedAt - r.clock.now())).toBeLessThan(60_000);
  });

  it("printed today follows the wall's day: a day back, the day before's cards are not today's; a day on again, they are", async () => {
    const r = await stationRig({ records: { latencyMs: 100 }, printer: { secondsPerCard: 10 } });
    closing.push(() => r.store.close(), () => r.engine.stop(0));
    await r.engine.repo.add(['CLK-0005', 'CLK-0006']);
    await r.until('two printed', async () => Object.values(await r.states()).every((s) => s === 'printed'), 5 * 60_000);
    await r.run(3000);
    const today = () => ({ printed: r.engine.summary().printedToday, good: r.engine.summary().goodToday });
    expect(today()).toEqual({ printed: 2, good: 2 });
    r.clock.stepWall(-DAY);
    await r.run(3000);
    expect(today()).toEqual({ printed: 0, good: 0 });
    await r.engine.repo.add(['CLK-0007']);
    await r.until('the third printed', async () => (await r.states())['CLK-0007'] === 'printed', 5 * 60_000);
    await r.run(3000);
    expect(today()).toEqual({ printed: 1, good: 1 });
    r.clock.stepWall(DAY);
    await r.run(3000);
    expect(today()).toEqual({ printed: 2, good: 2 });
  });
});

describe("what is said of the agent's last reading through a step", () => {
  async function stationData(healthTs: number, agentStartedAt: number, healthStartedAt: number) {
    const dir = tempDir('clock-status-');
    const config = configSchema().parse({ station: { id: 'clk-01', province: '99', regency: '9901' }, dataDir: join(dir, 'data'), mqtt: { url: 'embedded' }, printer: { driver: 'sim' }, ups: { driver: 'sim' } });
    const store = await Store.open(config.dataDir);
    await store.setState(AGENT_STATE_KEY, { state: 'running', pid: process.pid, version: 'test', startedAt: new Date(agentStartedAt).toISOString() });
    const body = healthyBody();
    await store.setState(LAST_HEALTH_KEY, { ...body, schema: 'station.health/1', station: 'clk-01', seq: 9, ts: new Date(healthTs).toISOString(), agent: { ...body.agent, startedAt: new Date(healthStartedAt).toISOString() } });
    await store.close();
    return config;
  }

  it("diagnose takes the running agent's health as its own after the wall stepped back past its start", async () => {
    const started = Date.UTC(2027, 0, 5, 8);
    // Started at 08:00, the wall set back an hour at 08:10: its health now says 07:10.
    const config = await stationData(started + 10 * 60_000 - HOUR, started, started + 200);
    const seen = await agentSeen(config, 0);
    expect(seen.running && seen.health?.seq).toBe(9);
    // A health left by the run before this one is still not this agent's.
    const earlier = await agentSeen(await stationData(started - 60_000, started, started - HOUR), 0);
    expect(earlier.running && earlier.health).toBeNull();
  });

  it("health's oldest backlog age is never negative with the wall set back past the oldest message", async () => {
    const clock = new ManualClock();
    const store = await Store.open(tempDir('clock-backlog-'), () => clock.now());
    closing.push(() => store.close());
    const topics = stationTopics('ektp/v1', { id: 'clk-01', province: '99', regency: '9901' });
    const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
    await outbox.init();
    const telemetry = new Telemetry(store, outbox, () => ({ connected: false, lastError: null, refused: 0 }), 'clk-01', topics, clock, quietLog);
    await outbox.add('event', topics.event, (seq) => ({ seq }));
    clock.advance(30_000);
    expect(telemetry.status().oldestBacklogSeconds).toBe(30);
    clock.stepWall(-HOUR);
    expect(telemetry.status().oldestBacklogSeconds).toBe(0);
  });

  it('status: a health stamped ahead of the wall (the clock set back since) has no age, and is not taken as current; never a negative age', async () => {
    const now = Date.UTC(2027, 0, 5, 8);
    const ahead = await readStatus(await stationData(now + HOUR, now - DAY, now - DAY), now);
    expect({ age: ahead.ageSeconds, stale: ahead.stale }).toEqual({ age: null, stale: true });
    const said = formatStatus(ahead, 'en');
    expect(said).toContain("ahead of this PC's clock: the clock was set back since");
    expect(said).not.toMatch(/null|-\d+ s ago/);
    const justWritten = await readStatus(await stationData(now + 1500, now - DAY, now - DAY), now);
    expect({ age: justWritten.ageSeconds, stale: justWritten.stale }).toEqual({ age: 0, stale: false });
  });
});

describe("the dashboard's caches through its own wall clock set back an hour", () => {
  it("the offices' stock and the nation's tree are made again once the books changed, by their age on monotonic time", async () => {
    const w = await OfficeWorld.start('2026-12-01');
    closing.push(() => w.close());
    const a = await w.pc('A-GUDANG', { office: '5371-DINAS', regency: '5371', store: { register: [] } });
    await w.collect();
    await a.book!.receive('blanks', 1000, { batch: 'KMD-1' });
    await w.collect();
    const cfg = dashboardSectionSchema().parse({});
    const deps = { accounts: w.accounts, cfg, now: () => w.clock.now(), monotonic: () => w.clock.monotonic(), day: (ms: number) => dayIn(ms, w.timeZone) };
    const offices = new OfficeApi({ ...deps, fleet: new Fleet() });
    const nation = new NationApi({ ...deps, offices, rows: () => [], names: regionNames() });
    const blanks = async () => ((await nation.handle('GET', new URL('http://d/api/nation'))) as { level: Level }).level.blanks;
    expect((await offices.stocks()).map((s) => s.onHand)).toEqual([1000]);
    expect(await blanks()).toBe(1000);
    await a.book!.receive('blanks', 500, { batch: 'KMD-2' });
    await w.collect();
    w.clock.stepWall(-HOUR);
    // A minute and a second on: both are too old to answer from, whatever the wall says.
    w.clock.advance(61_000);
    expect((await offices.stocks()).map((s) => s.onHand)).toEqual([1500]);
    expect(await blanks()).toBe(1500);
  });

  it("the stations' rows are made again after a second of monotonic time, not an hour later", () => {
    const clock = new ManualClock(T0);
    const fleet = new Fleet();
    const place = (h: HealthPayload) => ({ province: h.province, regency: h.regency, station: h.station, kind: 'health' });
    const first = dashHealth('5371-01', '5371');
    fleet.applyHealth(place(first), first, clock.now());
    const cfg = dashboardSectionSchema().parse({});
    const api = new Api({ fleet, ingest: { day: () => '', daily: new Map(), diagnostics: new Map() } as never, store: {} as never, cfg, now: () => clock.now(), monotonic: () => clock.monotonic(), staleAfterMs: 60_000, started: 0, rowContext: { leadDays: cfg.leadDays, names: regionNames() } });
    expect(api.rows().map((r) => r.station)).toEqual(['5371-01']);
    // A second station heard (its flush not yet told to the API), and the wall set back an hour.
    const second = dashHealth('5371-02', '5371');
    fleet.applyHealth(place(second), second, clock.now());
    clock.stepWall(-HOUR);
    clock.advance(2000);
    expect(api.rows().map((r) => r.station).sort()).toEqual(['5371-01', '5371-02']);
  });
});

describe("the stations' times of arrival through the dashboard's wall clock stepped", () => {
  it('WallSteps: a step beyond a second is told once, by how much; time passing and a slew are not steps', () => {
    const clock = new ManualClock();
    const steps = new WallSteps(clock);
    expect(steps.take()).toBe(0);
    clock.advance(60_000);
    expect(steps.take()).toBe(0);
    clock.stepWall(-HOUR);
    clock.advance(5_000);
    expect(steps.take()).toBe(-HOUR);
    expect(steps.take()).toBe(0);
    clock.stepWall(400);
    expect(steps.take()).toBe(0);
    clock.stepWall(DAY);
    expect(steps.take()).toBe(DAY);
  });

  /** The dashboard's wiring (dashboard/main.ts): each read of the wall clock first follows a step, moving the fleet's times of arrival. */
  function dashboardOn(clock: ManualClock) {
    const fleet = new Fleet();
    const steps = new WallSteps(clock);
    const now = () => {
      const step = steps.take();
      if (step !== 0) fleet.shiftArrivals(step);
      return clock.now();
    };
    const cfg = dashboardSectionSchema().parse({});
    const api = new Api({ fleet, ingest: { day: () => '', daily: new Map(), diagnostics: new Map() } as never, store: {} as never, cfg, now, monotonic: () => clock.monotonic(), staleAfterMs: 60_000, started: 0, rowContext: { leadDays: cfg.leadDays, names: regionNames() } });
    const hear = (id: string) => {
      const h = dashHealth(id, '5371', undefined, Math.round(clock.monotonic()) + 1, clock.now());
      fleet.applyHealth({ province: h.province, regency: h.regency, station: id, kind: 'health' }, h, now(), false, 60_000);
      api.invalidate();
    };
    const row = (id: string) => api.rows().find((r) => r.station === id);
    return { hear, row };
  }

  it('set back an hour: a station silent for two minutes is stale, not fresh for the hour; its last sign of life is on the new clock', () => {
    const clock = new ManualClock(T0);
    const d = dashboardOn(clock);
    d.hear('5371-01');
    d.hear('5371-02');
    clock.stepWall(-HOUR);
    for (let t = 0; t < 120_000; t += 10_000) {
      clock.advance(10_000);
      d.hear('5371-02');
    }
    expect(d.row('5371-01')).toMatchObject({ stale: true, lastSeen: new Date(T0 - HOUR).toISOString() });
    expect(d.row('5371-02')?.stale).toBe(false);
  });

  it('set a day on: a station that reports every 10 s is never stale for it', () => {
    const clock = new ManualClock(T0);
    const d = dashboardOn(clock);
    d.hear('5371-01');
    clock.advance(5_000);
    clock.stepWall(DAY);
    expect(d.row('5371-01')?.stale).toBe(false);
    clock.advance(5_000);
    d.hear('5371-01');
    expect(d.row('5371-01')?.stale).toBe(false);
  });
});

describe("the day's accounts (station.daily/1) through a stepped wall clock", () => {
  it('a day closed while the clock was a day on is open again once the clock is set right: its cards are sent, and it closes at its real end', async () => {
    const WITA = 'Asia/Makassar';
    const clock = new ManualClock(dayStart('2026-12-07', WITA) + 9 * HOUR);
    const store = await Store.open(tempDir('clock-daily-'), () => clock.now());
    closing.push(() => store.close());
    const station = { id: '5371-01', province: '53', regency: '5371' };
    const topics = stationTopics('ektp/v1', station);
    const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
    await outbox.init();
    const telemetry = new Telemetry(store, outbox, () => ({ connected: false, lastError: null, refused: 0 }), station.id, topics, clock, quietLog);
    const pub = new AccountsPublisher({ store, telemetry, topics, station: station.id, office: '5371-DINAS', timeZone: WITA, hasPrinter: true, keepsStore: false, clock, log: quietLog });
    const daily = async () =>
      (await outbox.page(0, Number.MAX_SAFE_INTEGER, 10_000)).filter((m) => m.topic === topics.daily).map((m) => JSON.parse(m.payload) as { day: string; final: boolean; good: number | null });
    const print = (n: number) => store.db.transaction(async (tx) => {
      for (let i = 0; i < n; i++) await postCard(tx, 'print', clock.now(), `CLK-${clock.now()}-${i}`);
    });
    await print(2);
    await pub.runOnce();
    // A clerk sets the clock a day on by mistake: the 7th is closed, the 8th opened.
    clock.stepWall(DAY);
    await pub.runOnce();
    // ...and back a minute later: the cards printed now are the 7th's, and are sent as the 7th's.
    clock.stepWall(-DAY);
    clock.advance(60_000);
    const before = (await daily()).length;
    await print(3);
    await pub.runOnce();
    expect((await daily()).slice(before).map((d) => [d.day, d.final, d.good])).toEqual([['2026-12-07', false, 5]]);
    // The 7th closes at its real end, with all its cards.
    clock.advance(DAY);
    const end = (await daily()).length;
    await pub.runOnce();
    expect((await daily()).slice(end).filter((d) => d.day === '2026-12-07').map((d) => [d.day, d.final, d.good])).toEqual([['2026-12-07', true, 5]]);
  });
});
