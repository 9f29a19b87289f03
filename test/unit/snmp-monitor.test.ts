import { ManualClock, systemClock } from '../../core/clock.js';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HalError } from '../../hal/errors.js';
import { printerSchema } from '../../hal/printer/index.js';
import { netSnmpCollect, type Collect } from '../../hal/printer/snmp/client.js';
import { snmpMonitorSchema } from '../../hal/printer/snmp/config.js';
import { MonitoredPrinter } from '../../hal/printer/snmp/driver.js';
import { mergeReading } from '../../hal/printer/snmp/merge.js';
import { SnmpMonitor, type SnmpReading } from '../../hal/printer/snmp/monitor.js';
import { parseWalkText } from '../../hal/printer/snmp/walk-text.js';
import type { PrinterReading } from '../../hal/printer/types.js';
import { healthyCardPrinter, walkOf, withFaults } from '../support/snmp-printer.js';
import { waitUntil } from '../support/peers.js';
import { settledYet, untilSettled } from '../support/settle.js';
import { quietLog, simPrinterHarness } from '../support/sim.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/snmp');
const opts = (extra: Record<string, unknown> = {}) => snmpMonitorSchema().parse({ host: '127.0.0.1', communityFile: '/nonexistent', ...extra });
const fromText = (text: string): Collect => () => Promise.resolve({ varbinds: parseWalkText(text), truncated: [] });
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.walk`), 'utf8');
const card = { jobId: 'J1', recordId: 'REC-1', document: Buffer.from('%PDF-1.4 card'), mimeType: 'application/pdf' };
const supply = (r: PrinterReading, kind: string) => r.supplies.find((s) => s.kind === kind);

const pathReading = (over: Partial<PrinterReading> = {}): PrinterReading => ({
  state: 'idle',
  reasons: [],
  supplies: [
    { kind: 'ribbon', name: 'Ribbon (driver)', levelPercent: null, remaining: null, capacity: null, status: 'unknown' },
    { kind: 'film', name: 'Film (driver)', levelPercent: 70, remaining: null, capacity: null, status: 'ok' },
    { kind: 'blanks', name: 'Tray (driver)', levelPercent: null, remaining: null, capacity: null, status: 'unknown' },
  ],
  model: 'FARGO HDP5000 (CUPS queue)',
  printedTotal: 12,
  ...over,
});

async function snmpOf(text: string): Promise<SnmpReading> {
  return new SnmpMonitor(opts(), { clock: new ManualClock(0), log: quietLog }, fromText(text)).read();
}

describe('what wins when the print path and SNMP are merged', () => {
  it('levels from SNMP where it has them, the print path elsewhere; job state, count and model from the print path; faults from both', async () => {
    const snmp = await snmpOf(fixture('retransfer-jam-hopper-empty'));
    const r = mergeReading(pathReading({ state: 'printing', reasons: ['com-vendor-cleaning-due'] }), snmp);
    expect(supply(r, 'ribbon')).toMatchObject({ name: 'YMCKO ribbon', levelPercent: 30, remaining: 150 });
    expect(supply(r, 'film')).toMatchObject({ name: 'HDP film', levelPercent: 4, status: 'low' });
    expect(supply(r, 'blanks')).toMatchObject({ remaining: 0, status: 'empty' });
    expect(r.state).toBe('stopped');
    expect(r.reasons).toEqual(expect.arrayContaining(['com-vendor-cleaning-due', 'media-jam', 'media-empty', 'film-low']));
    expect(r).toMatchObject({ model: 'FARGO HDP5000 (CUPS queue)', printedTotal: 12, uptimeSeconds: 0 });
  });

  it('MIB-II only: the print path stands whole (its film level too), with the uptime; no reason added', async () => {
    const r = mergeReading(pathReading({ state: 'printing' }), await snmpOf(fixture('mib2-only')));
    expect(r).toMatchObject({ state: 'printing', reasons: [], uptimeSeconds: 0 });
    expect(supply(r, 'film')).toMatchObject({ name: 'Film (driver)', levelPercent: 70 });
    expect(supply(r, 'ribbon')).toMatchObject({ name: 'Ribbon (driver)', status: 'unknown' });
  });

  it('SNMP silent: the print path stands, with snmp-unreachable; never offline on that alone', () => {
    const r = mergeReading(pathReading(), { view: null, problem: { reason: 'snmp-unreachable', message: 'no answer' } });
    expect(r).toMatchObject({ state: 'idle', reasons: ['snmp-unreachable'], uptimeSeconds: null });
    expect(supply(r, 'film')?.levelPercent).toBe(70);
  });

  it('offline or stopped from either side wins over idle', async () => {
    expect(mergeReading(pathReading({ state: 'offline' }), await snmpOf(walkOf(healthyCardPrinter()))).state).toBe('offline');
    expect(mergeReading(pathReading({ state: 'stopped', reasons: ['paused'] }), await snmpOf(walkOf(healthyCardPrinter()))).state).toBe('stopped');
    expect(mergeReading(pathReading(), await snmpOf(walkOf(withFaults(healthyCardPrinter(), ['offline'])))).state).toBe('offline');
  });
});

describe('the monitored printer: cards through the print path, refused on what only SNMP saw', () => {
  it('a jam only the printer reports refuses the card before it starts; nothing reaches the print path', async () => {
    const h = simPrinterHarness();
    let walk = walkOf(withFaults(healthyCardPrinter(), ['media-jam']));
    const p = new MonitoredPrinter(h.driver, opts(), { clock: h.clock, log: quietLog }, () => Promise.resolve({ varbinds: parseWalkText(walk), truncated: [] }));
    await p.start();
    expect(p.driver).toBe('sim+snmp');
    expect(typeof p.printedFor).toBe('function');
    const err = await p.print(card).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect(err).toMatchObject({ code: 'not-ready', message: expect.stringMatching(/stopped \(.*media-jam/) as string });
    expect((await h.sim.read()).printedTotal).toBe(0);
    walk = walkOf(healthyCardPrinter());
    await expect(untilSettled(p.print(card), h.clock)).resolves.toMatchObject({ printerJobId: 'sim-1' });
    await p.stop();
  });

  it('a monitor that fails never fails the reading, and the card still goes', async () => {
    const h = simPrinterHarness();
    const p = new MonitoredPrinter(h.driver, opts(), { clock: h.clock, log: quietLog }, () => Promise.reject(new HalError('timeout', 'the printer\'s SNMP agent did not answer')));
    await p.start();
    const r = await p.read();
    expect(r).toMatchObject({ state: 'idle', reasons: ['snmp-unreachable'] });
    expect(supply(r, 'ribbon')).toMatchObject({ name: 'YMCKO ribbon', levelPercent: 100 });
    await expect(untilSettled(p.print(card), h.clock)).resolves.toMatchObject({ printerJobId: 'sim-1' });
  });

  it('an unreadable community file is a reading with snmp-error naming the key, retried until fixed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snmp-secret-'));
    const file = join(dir, 'community');
    const m = new SnmpMonitor(opts({ communityFile: file, port: 9 }), { clock: new ManualClock(0), log: quietLog });
    await m.start();
    const r = await m.read();
    expect(r).toMatchObject({ view: null, problem: { reason: 'snmp-error', message: expect.stringMatching(/printer\.snmp\.communityFile: cannot read .*no such file/) as string } });
    writeFileSync(file, '\n');
    expect((await m.read()).problem?.message).toMatch(/it is empty/);
  });
});

describe('printer.snmp in the configuration', () => {
  it('any print path takes it; version 2c needs a community file, version 3 a user and matching key files', () => {
    for (const path of [{ driver: 'sim' }, { driver: 'ipp', url: 'ipp://localhost:631/printers/card' }, { driver: 'windows', windows: { name: 'FARGO HDP5000' } }]) {
      const c = printerSchema().safeParse({ ...path, snmp: { host: '192.168.1.50', communityFile: 'community' } });
      expect(c.success, JSON.stringify(c.error?.issues)).toBe(true);
      expect(c.data?.snmp).toMatchObject({ port: 161, version: '2c', timeoutSeconds: 1, lowPercent: 10 });
    }
    const issues = (snmp: Record<string, unknown>) => printerSchema().safeParse({ driver: 'sim', snmp: { host: 'printer', ...snmp } }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({})).toEqual(['snmp.communityFile: version 2c needs communityFile: a file holding the printer\'s community']);
    expect(issues({ version: '3', authProtocol: 'sha', privProtocol: 'aes' })).toEqual([
      'snmp.user: version 3 needs user: the user name set in the printer',
      'snmp.authKeyFile: authProtocol needs authKeyFile: a file holding the authentication passphrase',
      'snmp.privKeyFile: privProtocol needs privKeyFile: a file holding the privacy passphrase',
    ]);
    expect(issues({ version: '3', user: 'agent', authProtocol: 'sha', authKeyFile: 'a', privProtocol: 'aes', privKeyFile: 'p' })).toEqual([]);
    expect(issues({ communityFile: 'c', community: 'public' })).toEqual(['snmp: Unrecognized key: "community"']);
    expect(issues({ host: 'udp://printer/x', communityFile: 'c' })[0]).toMatch(/^snmp.host: expected the printer's address/);
  });
});

describe('a hostile or silent SNMP peer (loopback UDP, net-snmp itself)', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  async function udp(onMessage: (msg: Buffer, reply: (b: Buffer) => void) => void): Promise<number> {
    const s = createSocket('udp4');
    sockets.push(s);
    s.on('message', (msg, rinfo) => onMessage(msg, (b) => s.send(b, rinfo.port, rinfo.address)));
    await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
    return s.address().port;
  }

  it('silence (a wrong community looks the same) is snmp-unreachable within timeoutSeconds of the clock', async () => {
    let asked = 0;
    const port = await udp(() => void (asked += 1));
    // The reading's deadline runs on the clock given; net-snmp's own (half of it, real) is far off.
    const clock = new ManualClock();
    const reading = netSnmpCollect(opts({ port, timeoutSeconds: 10 }), { community: 'public' }, clock)().catch((e: unknown) => e);
    await waitUntil('the request to reach the printer', () => asked > 0);
    clock.advance(9_999);
    expect(await settledYet(reading)).toBe(false);
    clock.advance(1);
    expect(await reading).toMatchObject({ code: 'timeout', message: expect.stringMatching(/did not answer within 10000 ms/) as string });
  });

  // Garbage and stray answers are about net-snmp itself over a real socket: its own timers and the
  // reading's deadline both run in real time here.
  it('garbage datagrams do not crash the agent: an error with the reason, within timeoutSeconds', async () => {
    const port = await udp((_msg, reply) => reply(Buffer.from('this is not BER at all \x00\xff\x30\x82')));
    const err = await netSnmpCollect(opts({ port, timeoutSeconds: 0.4 }), { community: 'public' }, systemClock)().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect(err).toMatchObject({ code: 'protocol', message: expect.stringMatching(/not SNMP/) as string });
  });

  it('an answer to another request (wrong id, echoed back) is ignored, then a timeout', async () => {
    const port = await udp((msg, reply) => reply(msg));
    const err = await netSnmpCollect(opts({ port, timeoutSeconds: 0.4 }), { community: 'public' }, systemClock)().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
  });
});
