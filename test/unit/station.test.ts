import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsSchema, intervalsSchema } from '../../agent/config/schema.js';
import { Station, STOP_BUDGET_MS, type StationDeps } from '../../agent/station/station.js';
import { Store } from '../../agent/store/store.js';
import { SupplyLedger } from '../../agent/ledger/supplies.js';
import { HalError } from '../../hal/errors.js';
import { NoPrinter } from '../../hal/printer/none/driver.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import type { UpsDriver } from '../../hal/ups/types.js';
import { Outbox } from '../../telemetry/outbox.js';
import { Telemetry } from '../../telemetry/telemetry.js';
import { stationTopics } from '../../telemetry/topics.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { waitUntil } from '../support/peers.js';
import { ioSettled, turn, untilSettled } from '../support/settle.js';
import { fakeHost, quietLog, simPrinterHarness, simUpsHarness, tempDir } from '../support/sim.js';

const station = { id: 'test-01', province: '00', regency: '0000' };
const topics = stationTopics('ektp/v1', station);
const validators = schemaValidators();

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setup(opts: { ups?: UpsDriver; printer?: PrinterDriver; hasPrinter?: boolean; pollSeconds?: number; healthSeconds?: number; lowBatteryCommand?: string[] } = {}) {
  const printer = simPrinterHarness();
  const clock = printer.clock;
  const ups = simUpsHarness({}, clock);
  const store = await Store.open(tempDir(), () => 0);
  stores.push(store);
  // What the Sender would publish live: every message as it is committed to the outbox.
  const sent: { topic: string; payload: Record<string, unknown>; retain: boolean }[] = [];
  const outbox = new Outbox(store, { maxMessages: 10_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 }, clock);
  await outbox.init();
  outbox.onAppend((m) => sent.push({ topic: m.topic, payload: JSON.parse(m.payload) as Record<string, unknown>, retain: m.kind === 'health' }));
  const link = () => ({ connected: true, lastError: null, refused: 0 });
  const telemetry = new Telemetry(store, outbox, link, station.id, topics, clock, quietLog);
  const upsDriver = opts.ups ?? ups.driver;
  const deps: StationDeps = {
    config: {
      station,
      intervals: intervalsSchema().parse({ pollSeconds: opts.pollSeconds ?? 2, healthSeconds: opts.healthSeconds ?? 10 }),
      alerts: alertsSchema().parse({}),
    },
    printer: opts.printer ?? printer.driver,
    hasPrinter: opts.hasPrinter,
    ups: upsDriver,
    host: fakeHost,
    telemetry,
    store,
    clock,
    log: quietLog,
    version: 'test',
    lowBatteryCommand: opts.lowBatteryCommand,
  };
  const s = new Station(deps);
  await printer.driver.start();
  await upsDriver.start();
  const health = () => sent.filter((m) => m.topic === topics.health);
  const events = () => sent.filter((m) => m.topic === topics.event).map((m) => `${String(m.payload.code)} ${String(m.payload.state)}`);
  return { s, deps, printer, ups, clock, store, sent, health, events };
}

describe('station loop', () => {
  it('one roll, one record (issue 31): a clerk\'s roll and the level jump 5 minutes on are one roll with its lot; a flicker of empty records nothing; a jump later on is another roll', async () => {
    const t = await setup({ healthSeconds: 3600 });
    const ledger = new SupplyLedger(t.store.db, { ribbon: 500, film: 1500 });
    t.deps.rollSeen = async (kind) => {
      const r = await ledger.replace(kind, { by: 'printer', at: t.clock.now() });
      return r.sameRoll ? { personAt: r.sameRoll.installedAt } : 'recorded';
    };
    await ledger.receive('film', 3, { at: t.clock.now() });
    t.printer.file.write({ film: { remaining: 100, capacity: 1000 } });
    await t.s.tick();
    await ledger.replace('film', { lot: 'L1', by: 'person', at: t.clock.now() });
    t.clock.advance(5 * 60_000);
    t.printer.file.write({ film: { remaining: 1000, capacity: 1000 } });
    await t.s.tick();
    let c = await ledger.count('film');
    expect(c.onShelf).toBe(2);
    expect(c.rolls.map((r) => r.lot)).toEqual(['L1']);
    // Past the window, the printer says film-empty for one poll at the same level: nothing.
    t.printer.file.write({ film: { remaining: 1000, capacity: 1000 }, reasons: ['film-empty'] });
    t.clock.advance(31 * 60_000);
    await t.s.tick();
    t.printer.file.write({ film: { remaining: 1000, capacity: 1000 } });
    t.clock.advance(2000);
    await t.s.tick();
    expect((await ledger.count('film')).rolls).toHaveLength(1);
    // Run down and changed again later, with no one typing: the printer's own roll.
    t.printer.file.write({ film: { remaining: 50, capacity: 1000 } });
    t.clock.advance(30 * 60_000);
    await t.s.tick();
    t.printer.file.write({ film: { remaining: 1000, capacity: 1000 } });
    t.clock.advance(10 * 60_000);
    await t.s.tick();
    c = await ledger.count('film');
    expect(c.onShelf).toBe(1);
    expect(c.rolls.map((r) => [r.lot, r.recordedBy])).toEqual([
      ['L1', 'person'],
      [null, 'printer'],
    ]);
    expect(c.rolls[1]?.installedAt).toBe(new Date(t.clock.now()).toISOString());
  });

  it("a PC without a printer (the office's store PC): health says so, and no printer alert is raised", async () => {
    const t = await setup({ printer: new NoPrinter(), hasPrinter: false });
    for (let i = 0; i < 3; i++) await t.s.tick();
    const h = t.health().at(-1)?.payload as { printer: Record<string, unknown>; alerts: string[] };
    expect(payloadErrors(validators, h)).toEqual([]);
    expect(h.printer).toMatchObject({ driver: 'none', state: 'unknown', present: false, supplies: [] });
    expect(h.printer.error).toMatch(/no printer at this PC/);
    expect(h.alerts).toEqual([]);
    expect(t.events()).toEqual([]);
  });

  it('the same unreadable printer at a printing station is printer.offline', async () => {
    const t = await setup({ printer: new NoPrinter() });
    await t.s.tick();
    expect(t.events()).toEqual(['printer.offline raised']);
  });

  it('publishes a retained health that matches the JSON Schema, with seq, and unknown counts as null', async () => {
    const t = await setup();
    await t.s.tick();
    const [h] = t.health();
    expect(h?.retain).toBe(true);
    expect(payloadErrors(validators, h?.payload ?? {})).toEqual([]);
    // The printer's rated time a card (the simulated printer's setting): the dashboard's limit of cards a day.
    expect(h?.payload).toMatchObject({ schema: 'station.health/1', station: 'test-01', seq: 1, printer: { state: 'idle', secondsPerCard: 20 }, ups: { status: 'online' } });
    expect(Object.values(h?.payload.jobs as object).every((v) => v === null)).toBe(true);
    expect(h?.payload.stock).toEqual({ blanksOnHand: null, daysLeft: null, daysLeftReason: 'no forecast kept', cardsPerDay: null, rateSource: null, ribbonRolls: null, filmRolls: null, ribbonDaysLeft: null, filmDaysLeft: null });
  });

  it('publishes health every healthSeconds, not every poll, when nothing changes', async () => {
    const t = await setup({ pollSeconds: 2, healthSeconds: 10 });
    for (let i = 0; i < 11; i++) {
      await t.s.tick();
      t.clock.advance(2000);
    }
    // polls at 0, 2, ... 20 s: health at 0, 10 and 20 s
    expect(t.health().map((m) => m.payload.seq)).toEqual([1, 2, 3]);
  });

  it('film emptied through the state file: event raised and health sent at once, then cleared on refill', async () => {
    const t = await setup({ healthSeconds: 3600 });
    await t.s.tick();
    t.printer.file.write({ film: { remaining: 0 } });
    t.clock.advance(2000);
    await t.s.tick();
    expect(t.events()).toEqual(['supply.film.low raised', 'supply.film.empty raised']);
    const latest = t.health().at(-1)?.payload as { printer: { state: string; supplies: { kind: string; status: string }[] }; alerts: string[]; seq: number };
    expect(latest.printer.state).toBe('stopped');
    expect(latest.printer.supplies.find((s) => s.kind === 'film')?.status).toBe('empty');
    expect(latest.alerts).toEqual(['supply.film.empty', 'supply.film.low']);
    t.printer.file.write({ film: { remaining: 1000 } });
    await t.s.tick();
    expect(t.events().slice(2)).toEqual(['supply.film.low cleared', 'supply.film.empty cleared']);
    const seqs = t.sent.map((m) => m.payload.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => Number(a) - Number(b)));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('events carry the contract fields and match the JSON Schema', async () => {
    const t = await setup();
    t.printer.file.write({ reasons: ['media-jam'] });
    await t.s.tick();
    const e = t.sent.find((m) => m.topic === topics.event);
    expect(e?.retain).toBe(false);
    expect(payloadErrors(validators, e?.payload ?? {})).toEqual([]);
    expect(e?.payload).toMatchObject({ schema: 'station.event/1', code: 'printer.error', state: 'raised', severity: 'critical' });
    expect(String(e?.payload.message)).toContain('media-jam');
  });

  it('a UPS that does not answer is unknown with a reason, raises comm_lost, and the printer is still read', async () => {
    const hung: UpsDriver = { driver: 'nut', start: () => Promise.resolve(), stop: () => Promise.resolve(), read: () => new Promise(() => undefined) };
    const t = await setup({ ups: hung, pollSeconds: 0.1 });
    // The read's time limit runs on the station's clock: let it pass.
    const body = await untilSettled(t.s.tick(), t.clock);
    expect(body.ups).toMatchObject({ status: 'unknown', chargePercent: null, runtimeSeconds: null, inputVoltage: null, loadPercent: null });
    expect(body.ups.error).toMatch(/did not answer/);
    expect(body.printer.state).toBe('idle');
    expect(t.events()).toEqual(['ups.comm_lost raised']);
  });

  it('power: health.ups.powerState, the ups alerts and the low-battery command follow the state machine', async () => {
    const ran = join(tempDir(), 'ran');
    const t = await setup({ lowBatteryCommand: [process.execPath, '-e', `require('fs').appendFileSync(${JSON.stringify(ran)}, 'x')`] });
    expect((await t.s.tick()).ups).toMatchObject({ powerState: 'online', shutdownImminent: null });
    await t.ups.setMains(false);
    expect((await t.s.tick()).ups.powerState).toBe('on_battery');
    await t.ups.setLowBattery(true);
    expect((await t.s.tick()).ups.powerState).toBe('low_battery');
    await t.s.lowBatteryCommandSettled();
    // The UPS takes its flag back mid-outage: the battery stays low until mains returns.
    await t.ups.setLowBattery(undefined);
    await t.ups.advance(2000);
    const still = await t.s.tick();
    expect(still.ups).toMatchObject({ status: 'on_battery', powerState: 'low_battery' });
    expect(still.alerts).toContain('ups.low_battery');
    await t.ups.setMains(true);
    expect((await t.s.tick()).ups.powerState).toBe('online');
    expect(t.events()).toEqual(['ups.on_battery raised', 'ups.low_battery raised', 'ups.on_battery cleared', 'ups.low_battery cleared']);
    await t.s.lowBatteryCommandSettled();
    expect(readFileSync(ran, 'utf8')).toBe('x');
    const last = t.health().at(-1)?.payload ?? {};
    expect(payloadErrors(validators, last)).toEqual([]);
  });

  it('a printer that cannot be reached is unknown, not idle, and the UPS is still read', async () => {
    const t = await setup();
    t.printer.driver.read = () => Promise.reject(new HalError('unreachable', 'connection refused', 'Check the USB cable.'));
    const body = await t.s.tick();
    expect(body.printer).toMatchObject({ state: 'unknown', supplies: [], secondsPerCard: null, error: 'connection refused (Check the USB cable.)' });
    expect(body.ups.status).toBe('online');
    expect(t.events()).toEqual(['printer.offline raised']);
  });

  it('keeps its raised alerts across a restart: no second raise for the same cause', async () => {
    const t = await setup();
    t.printer.file.write({ film: { remaining: 0 } });
    await t.s.tick();
    const again = new Station(t.deps);
    await again.start();
    await again.tick();
    await again.stop();
    expect(t.events()).toEqual(['supply.film.low raised', 'supply.film.empty raised']);
  });

  it('polls for a long time without gathering listeners or warnings', async () => {
    const t = await setup();
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    for (let i = 0; i < 50; i++) await t.s.tick();
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(warnings).toEqual([]);
  });

  it('stop() sends exactly one last health and polls no more', async () => {
    const t = await setup({ healthSeconds: 3600 });
    await t.s.start();
    t.clock.advance(0);
    await waitUntil('the first poll', () => t.health().length === 1);
    await t.s.stop();
    expect(t.health()).toHaveLength(2);
    // Nothing is left armed on the clock to poll again; a minute of it passing changes nothing.
    expect(t.clock.nextTimerIn()).toBeNull();
    t.clock.advance(60_000);
    await ioSettled();
    expect(t.health()).toHaveLength(2);
  });

  it('stop() ends promptly with a last health even while a UPS read hangs', async () => {
    let reads = 0;
    const hung: UpsDriver = { driver: 'nut', start: () => Promise.resolve(), stop: () => Promise.resolve(), read: () => (reads++, new Promise(() => undefined)) };
    const t = await setup({ ups: hung, pollSeconds: 5, healthSeconds: 3600 });
    await t.s.start();
    t.clock.advance(1);
    // The first poll is under way, waiting on the UPS.
    await turn();
    expect(reads).toBe(1);
    // The last poll reads within the stop budget on the station's clock, however long the UPS
    // hangs: once it waits on the read, that much of the clock's time ends the stop.
    const stopping = t.s.stop();
    await waitUntil('the last poll waiting on its reads', () => t.clock.nextTimerIn() === STOP_BUDGET_MS);
    t.clock.advance(STOP_BUDGET_MS);
    await stopping;
    const last = t.health().at(-1)?.payload as { ups: { status: string; error: string } };
    expect(last.ups.status).toBe('unknown');
    expect(last.ups.error).toMatch(/did not answer.*Check the UPS data cable/);
    // The hung read was waited on again, never started a second time.
    expect(reads).toBe(1);
  });
});
