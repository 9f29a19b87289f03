/**
 * What a driver says is bounded at the boundary (issue 32, defect 2): every driver, fed what a
 * device that says too much sends, and read by the agent as the daemon wires it (the family's
 * createPrinter/createUps, or the same boundary around a driver built on its transport). Whatever
 * the device said, every message stored for the broker passes the dashboard's own check (the JSON
 * Schemas, and its size limit), the station page's snapshot holds the same bounded reading, and
 * the boundary cut it all before the agent's self-check had anything to reduce.
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as TcpServer, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { boundPrinter, createPrinter, printerSchema } from '../../hal/printer/index.js';
import { printerReasonWords } from '../../hal/printer/reason-words.js';
import { snmpMonitorSchema } from '../../hal/printer/snmp/config.js';
import { MonitoredPrinter } from '../../hal/printer/snmp/driver.js';
import { parseWalkText } from '../../hal/printer/snmp/walk-text.js';
import type { PrinterDriver } from '../../hal/printer/types.js';
import { HidUps } from '../../hal/ups/hid/driver.js';
import { boundUps, createUps, upsSchema } from '../../hal/ups/index.js';
import type { UpsDriver } from '../../hal/ups/types.js';
import { loadHidFixture } from '../support/hid-fixtures.js';
import { hidOptions, ReplayUps } from '../support/hid-replay.js';
import { agentReads, chattySnmpPrinter, eightyReasons, ippAnswer, ippServer, KNOWN_REASONS, LONG_MODEL, upsdServer, type Seen } from '../support/hostile-drivers.js';
import { payloadErrors, schemaValidators } from '../support/schemas.js';
import { quietLog, simPrinterHarness, StateFile, tempDir } from '../support/sim.js';
import { walkOf } from '../support/snmp-printer.js';
import { fixture, windowsPrinterHarness } from '../support/windows-printer.js';

const validators = schemaValidators();
const TEXT = 2000;
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});
const keepHttp = (s: HttpServer) => closers.push(() => (s.closeAllConnections(), s.close()));
const keepTcp = (s: TcpServer, sockets: Socket[]) => closers.push(() => (sockets.forEach((x) => x.destroy()), s.close()));

/** The simulated UPS as the daemon makes it (its own state file: on mains). */
const simUps = (clock: Clock): Promise<UpsDriver> => createUps(upsSchema().parse({ driver: 'sim', sim: { stateFile: `${tempDir()}/ups.json` } }), { clock, log: quietLog });
/** The simulated printer as the daemon makes it, its state file saying `state`. */
async function simPrinter(clock: Clock, state: Record<string, unknown> = {}): Promise<PrinterDriver> {
  const file = new StateFile<Record<string, unknown>>(`${tempDir()}/printer.json`);
  file.write(state);
  return createPrinter(printerSchema().parse({ driver: 'sim', sim: { stateFile: file.path } }), { clock, log: quietLog });
}

/** Every text of the snapshot (the station page reads it) within the contract's limit. */
function textsOf(v: unknown, path = ''): { path: string; length: number }[] {
  if (typeof v === 'string') return [{ path, length: v.length }];
  if (v === null || typeof v !== 'object') return [];
  return Object.entries(v).flatMap(([k, x]) => textsOf(x, `${path}.${k}`));
}

/** What the dashboard and the contract require of what the agent stored, whatever the device said. */
function expectWithinContract(seen: Seen): void {
  expect(seen.healths).toHaveLength(1);
  for (const text of seen.texts) {
    const p = JSON.parse(text) as { schema: string; code?: string };
    expect(payloadErrors(validators, p), `${p.schema} ${p.code ?? ''} as the dashboard checks it`).toEqual([]);
    expect(Buffer.byteLength(text), `${p.schema} ${p.code ?? ''}: bytes, against the dashboard's 32 KB`).toBeLessThanOrEqual(32 * 1024);
  }
  // The boundary cut it before the self-check had anything to reduce.
  expect(seen.events.map((e) => e.code)).not.toContain('agent.payload_invalid');
  const body = seen.body;
  expect(body?.printer.reasons.length).toBeLessThanOrEqual(64);
  expect(body?.printer.supplies.length).toBeLessThanOrEqual(16);
  expect(textsOf(body).filter((t) => t.length > TEXT)).toEqual([]);
}

describe('every driver, fed a device that says too much, gives the agent only what the contract carries', () => {
  it('IPP: 80 printer-state-reasons and a 2,500-character printer-make-and-model (createPrinter over loopback)', async () => {
    const { url, server } = await ippServer(ippAnswer(eightyReasons(), LONG_MODEL));
    keepHttp(server);
    const clock = new ManualClock();
    const printer = await createPrinter(printerSchema().parse({ driver: 'ipp', url, timeoutSeconds: 2 }), { clock, log: quietLog });
    const seen = await agentReads(printer, await simUps(clock), clock);
    expectWithinContract(seen);
    const h = seen.healths[0];
    expect(h?.printer.state).toBe('stopped');
    // Unknown keywords are left out first: every one the agent has words for stays, and "…" ends the list.
    expect(h?.printer.reasons).toHaveLength(64);
    expect(h?.printer.reasons.at(-1)).toBe('…');
    for (const known of KNOWN_REASONS) expect(h?.printer.reasons).toContain(known);
    expect(h?.printer.model).toHaveLength(TEXT);
    expect(h?.printer.model?.endsWith('…')).toBe(true);
    expect(h?.printer.model).not.toMatch(/[\u0000-\u001f]/);
    // The alert the stopped printer raises reaches the dashboard, its message within the limit.
    const error = seen.events.find((e) => e.code === 'printer.error' && e.state === 'raised');
    expect(error?.message.length).toBeLessThanOrEqual(TEXT);
    expect(error?.message).toMatch(/^printer stopped: media-jam, /);
    expect(seen.body?.printer.reasons).toEqual(h?.printer.reasons);
    expect(printerReasonWords('…')).toEqual({ id: 'dan keadaan lain yang tidak ikut dikirim', en: 'and other conditions not sent' });
  });

  it('the simulator: 80 reasons in its state file (createPrinter)', async () => {
    const clock = new ManualClock();
    const seen = await agentReads(await simPrinter(clock, { reasons: eightyReasons() }), await simUps(clock), clock);
    expectWithinContract(seen);
    expect(seen.healths[0]?.printer.reasons).toHaveLength(64);
    expect(seen.healths[0]?.printer.reasons).toContain('media-jam');
    expect(seen.events.find((e) => e.code === 'printer.error')?.state).toBe('raised');
    // The printer's rated time a card passes the boundary (the dashboard's limit of cards a day is made from it).
    expect(seen.healths[0]?.printer.secondsPerCard).toBe(20);
  });

  it("the boundary keeps a rated time a card that is a positive number, and makes anything else unknown", async () => {
    const clock = new ManualClock();
    const sim = simPrinterHarness();
    const bounded = boundPrinter(sim.driver, { clock, log: quietLog });
    await bounded.start();
    const said = async (secondsPerCard: unknown) => {
      sim.driver.read = ((read) => async () => ({ ...(await read()), secondsPerCard: secondsPerCard as number }))(sim.sim.read.bind(sim.sim));
      return (await bounded.read()).secondsPerCard;
    };
    expect([await said(24), await said(0), await said(-3), await said(Infinity), await said(null)]).toEqual([24, null, null, null, null]);
    await bounded.stop();
  });

  it('SNMP: a model, supplies and 80 alerts described at length, every error bit set (the monitor beside the sim)', async () => {
    const clock = new ManualClock();
    const sim = simPrinterHarness();
    const collect = () => Promise.resolve({ varbinds: parseWalkText(walkOf(chattySnmpPrinter())), truncated: [] });
    const monitored = new MonitoredPrinter(sim.driver, snmpMonitorSchema().parse({ host: '127.0.0.1', communityFile: '/nonexistent' }), { clock, log: quietLog }, collect);
    const seen = await agentReads(boundPrinter(monitored, { clock, log: quietLog }), await simUps(clock), clock);
    expectWithinContract(seen);
    // Read, not unknown: every error bit says offline among the rest.
    expect(seen.healths[0]?.printer.state).toBe('offline');
    expect(seen.healths[0]?.printer.model?.length).toBeLessThanOrEqual(120);
  });

  it('Windows: a spooler driver name of 2,500 characters (the driver over its stand-in helper)', async () => {
    const h = windowsPrinterHarness({}, systemClock);
    h.write({ printer: { found: true, printer: { ...(JSON.parse(fixture('win32-printer.json')) as Record<string, unknown>), DriverName: LONG_MODEL } } });
    const seen = await agentReads(boundPrinter(h.driver, { clock: systemClock, log: quietLog }), await simUps(systemClock), systemClock);
    expectWithinContract(seen);
    expect(seen.healths[0]?.printer.model).toHaveLength(TEXT);
  });

  it('NUT: a upsd whose status, model, battery date and self-test say thousands of characters (createUps over loopback)', async () => {
    const esc = `ACME \u001b[31mUPS ${'X'.repeat(2500)}`;
    const { port, server, sockets } = await upsdServer({ 'ups.status': `WAIT ${'Z'.repeat(3000)}`, 'device.model': esc, 'battery.charge': '90', 'battery.date': 'Q'.repeat(2600), 'ups.test.result': 'R'.repeat(2600) });
    keepTcp(server, sockets);
    const clock = new ManualClock();
    const ups = await createUps(upsSchema().parse({ driver: 'nut', port, timeoutSeconds: 2 }), { clock, log: quietLog });
    const seen = await agentReads(await simPrinter(clock), ups, clock);
    expectWithinContract(seen);
    const u = seen.healths[0]?.ups;
    expect(u?.status).toBe('unknown');
    expect(u?.chargePercent).toBe(90);
    expect(u?.model?.endsWith('…')).toBe(true);
    expect(u?.model).not.toContain('\u001b');
    expect(u?.error?.length).toBe(TEXT);
    expect(u?.battery?.date?.length).toBe(TEXT);
    expect(u?.battery?.testResult?.length).toBe(TEXT);
  });

  it('USB HID: a UPS whose product string runs to 2,500 characters (the driver over a replayed capture)', async () => {
    const fx = loadHidFixture('eaton-5sc-750');
    const replay = new ReplayUps(
      fx.descriptor,
      fx.reports.map((r) => r.bytes),
      { vendorId: fx.vendorId, productId: fx.productId, path: '/dev/hidraw-replay', manufacturer: 'EATON', product: LONG_MODEL },
    );
    const clock = new ManualClock();
    const hid = new HidUps(hidOptions(), { clock, log: quietLog }, replay.open);
    const seen = await agentReads(await simPrinter(clock), boundUps(hid, { clock, log: quietLog }), clock);
    expectWithinContract(seen);
    expect(seen.healths[0]?.ups.status).not.toBe('unknown');
    expect(seen.healths[0]?.ups.model?.length).toBeLessThanOrEqual(TEXT);
    expect(seen.healths[0]?.ups.model?.endsWith('…')).toBe(true);
  });

  it('a printer whose error runs to 5,000 characters: health and printer.offline carry it cut', async () => {
    const failing: PrinterDriver = {
      driver: 'fake',
      start: () => Promise.resolve(),
      stop: () => Promise.resolve(),
      read: () => Promise.reject(new HalError('unreachable', `the printer says ${'E'.repeat(5000)}`)),
      print: () => Promise.reject(new HalError('not-ready', 'no')),
    };
    const clock = new ManualClock();
    const seen = await agentReads(boundPrinter(failing, { clock, log: quietLog }), await simUps(clock), clock);
    expectWithinContract(seen);
    expect(seen.healths[0]?.printer.error).toHaveLength(TEXT);
    expect(seen.events.find((e) => e.code === 'printer.offline')?.message).toHaveLength(TEXT);
  });

  it('the boundary passes the rest through: print, and the proof after a crash where the driver has it', async () => {
    const clock = new ManualClock();
    const sim = simPrinterHarness({ outputDir: tempDir() });
    const bounded = boundPrinter(sim.driver, { clock, log: quietLog });
    expect(bounded.driver).toBe('sim');
    // The sim keeps its history (printedFor) but has no job ids to ask about (jobOutcome): the same through the boundary.
    const given = (d: object) => Object.entries(d).filter(([k, v]) => ['printedFor', 'jobOutcome'].includes(k) && typeof v === 'function').map(([k]) => k);
    expect(given(bounded)).toEqual(['printedFor']);
    await bounded.start();
    const done = await sim.settle(bounded.print({ jobId: 'J1', recordId: 'KPG1-0001', document: Buffer.from('%PDF-1.4 card'), mimeType: 'application/pdf' }));
    expect(done.printerJobId).toMatch(/\S/);
    expect(await bounded.printedFor?.('KPG1-0001')).toHaveLength(1);
    await bounded.stop();
  });
});
