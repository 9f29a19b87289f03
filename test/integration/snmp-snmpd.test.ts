import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { createPrinter, printerSchema } from '../../hal/printer/index.js';
import { MonitoredPrinter } from '../../hal/printer/snmp/driver.js';
import type { PrinterDriver, PrinterReading } from '../../hal/printer/types.js';
import { printerContract, type PrinterHarness } from '../support/contracts/printer.js';
import { peerAvailable } from '../support/peers.js';
import { healthyCardPrinter, walkOf, withFaults, type CardPrinterModel } from '../support/snmp-printer.js';
import { SNMPD, startSnmpd, type Snmpd } from '../support/snmpd.js';
import { quietLog, simPrinterHarness } from '../support/sim.js';

const hasSnmpd = peerAvailable('snmpd (net-snmp)', SNMPD);
const FIXTURES = join(import.meta.dirname, '../fixtures/snmp');
const supply = (r: PrinterReading, kind: string) => r.supplies.find((s) => s.kind === kind);

/** Readings until one has exactly these reasons: on a loaded machine one 0.5 s answer may come late. */
async function readUntil(p: PrinterDriver, want: string[], timeoutMs = 10_000): Promise<PrinterReading> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await p.read();
    if (JSON.stringify(r.reasons) === JSON.stringify(want)) return r;
    if (Date.now() > end) throw new Error(`no reading with the reasons [${want.join(', ')}] within ${timeoutMs} ms; the last had [${r.reasons.join(', ')}]`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** The sim print path (fake clock) with the real snmpd as the printer's own agent. */
async function snmpHarness(): Promise<PrinterHarness & { snmpd: Snmpd }> {
  const snmpd = await startSnmpd({ walk: walkOf(healthyCardPrinter()) });
  const sim = simPrinterHarness();
  let model: CardPrinterModel = healthyCardPrinter();
  const section = printerSchema().parse({ driver: 'sim', snmp: { host: '127.0.0.1', port: snmpd.port, communityFile: snmpd.communityFile, timeoutSeconds: 2 } });
  if (!section.snmp) throw new Error('unreachable');
  // The monitor asks a real snmpd: its deadline runs in real time, while the sim's cards take fake time.
  const driver = new MonitoredPrinter(sim.driver, section.snmp, { clock: systemClock, log: quietLog });
  const serve = (m: CardPrinterModel) => {
    model = m;
    snmpd.serve(walkOf(m));
    return Promise.resolve();
  };
  return {
    snmpd,
    driver,
    // Levels and faults change at the printer, so in what its agent serves: SNMP's levels win.
    setRemaining: (kind, remaining) => {
      if (kind === 'blanks') return serve({ ...model, hopper: { ...model.hopper, level: remaining } });
      const type = kind === 'ribbon' ? 7 : 20;
      return serve({ ...model, supplies: model.supplies.map((s) => (s.type === type ? { ...s, level: remaining } : s)) });
    },
    setFaults: (reasons) => serve(withFaults(model, reasons)),
    settle: (p) => sim.settle(p),
    close: () => snmpd.stop(),
  };
}

if (hasSnmpd) printerContract('sim print path + SNMP monitor (Debian snmpd, Printer MIB over pass_persist)', snmpHarness);

describe.skipIf(!hasSnmpd)('the SNMP monitor against a real snmpd', () => {
  let snmpd: Snmpd | undefined;
  let printer: PrinterDriver | undefined;
  afterEach(async () => {
    await printer?.stop();
    await snmpd?.stop();
    snmpd = printer = undefined;
  });

  async function monitored(d: Snmpd, snmp: Record<string, unknown> = {}): Promise<PrinterDriver> {
    const c = printerSchema().parse({ driver: 'sim', sim: { secondsPerCard: 0.05 }, snmp: { host: '127.0.0.1', port: d.port, communityFile: d.communityFile, timeoutSeconds: 0.5, ...snmp } });
    printer = await createPrinter(c, { clock: systemClock, log: quietLog });
    await printer.start();
    return printer;
  }

  it('ribbon 30 % and film 4 % as markers, an empty hopper and a jam: in the reading as the printer says them, and the card is refused', async () => {
    snmpd = await startSnmpd({ walk: readFileSync(join(FIXTURES, 'retransfer-jam-hopper-empty.walk'), 'utf8') });
    const p = await monitored(snmpd);
    expect(p.driver).toBe('sim+snmp');
    const r = await p.read();
    expect(supply(r, 'ribbon')).toEqual({ kind: 'ribbon', name: 'YMCKO ribbon', levelPercent: 30, remaining: 150, capacity: 500, status: 'ok' });
    expect(supply(r, 'film')).toEqual({ kind: 'film', name: 'HDP film', levelPercent: 4, remaining: null, capacity: null, status: 'low' });
    expect(supply(r, 'blanks')).toEqual({ kind: 'blanks', name: 'Card hopper', levelPercent: 0, remaining: 0, capacity: 100, status: 'empty' });
    expect(r.state).toBe('stopped');
    expect(r.reasons).toEqual(expect.arrayContaining(['media-jam', 'media-empty', 'film-low']));
    expect(r.uptimeSeconds).toEqual(expect.any(Number));
    await expect(p.print({ jobId: 'J', recordId: 'R', document: Buffer.from('%PDF'), mimeType: 'application/pdf' })).rejects.toMatchObject({ code: 'not-ready' });
  });

  it('a ribbonWax ribbon, film in inches, idle', async () => {
    snmpd = await startSnmpd({ walk: readFileSync(join(FIXTURES, 'retransfer-ribbonwax-ok.walk'), 'utf8') });
    const r = await (await monitored(snmpd)).read();
    expect(r).toMatchObject({ state: 'idle', reasons: [] });
    expect(supply(r, 'ribbon')).toMatchObject({ levelPercent: 62, status: 'ok' });
    expect(supply(r, 'film')).toMatchObject({ levelPercent: 25, remaining: null, status: 'ok' });
    expect(supply(r, 'blanks')).toMatchObject({ remaining: 37, capacity: 200 });
  });

  it('MIB-II only: online with its uptime; state and supplies are the print path\'s', async () => {
    snmpd = await startSnmpd({ mib2Only: true });
    const r = await (await monitored(snmpd)).read();
    expect(r).toMatchObject({ state: 'idle', reasons: [], model: 'Simulated retransfer card printer' });
    expect(r.uptimeSeconds).toEqual(expect.any(Number));
    expect(supply(r, 'ribbon')).toMatchObject({ name: 'YMCKO ribbon', remaining: 500 }); // the simulator's, not SNMP's
  });

  it('a wrong community gets no answer: snmp-unreachable within timeoutSeconds, the print path\'s reading stands', async () => {
    snmpd = await startSnmpd({ walk: walkOf(healthyCardPrinter()) });
    writeFileSync(join(snmpd.dir, 'wrong'), 'public\n', { mode: 0o600 });
    const p = await monitored(snmpd, { communityFile: join(snmpd.dir, 'wrong') });
    const t0 = Date.now();
    const r = await p.read();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r).toMatchObject({ state: 'idle', reasons: ['snmp-unreachable'], uptimeSeconds: null });
    expect(supply(r, 'blanks')).toMatchObject({ name: 'Input hopper', remaining: 100 });
  });

  it('a wrong community file fixed while the agent runs: the right one is used at the next reading, no restart', async () => {
    snmpd = await startSnmpd({ walk: walkOf(withFaults(healthyCardPrinter(), ['media-jam'])) });
    const file = join(snmpd.dir, 'fixed-later');
    writeFileSync(file, 'public\n', { mode: 0o600 });
    const p = await monitored(snmpd, { communityFile: file });
    expect((await p.read()).reasons).toEqual(['snmp-unreachable']);
    writeFileSync(file, readFileSync(snmpd.communityFile));
    // The next reading uses it; readUntil only bears with a late answer on a loaded machine.
    await readUntil(p, ['media-jam']);
  });

  it('a printer that stops answering (snmpd frozen) is snmp-unreachable within timeoutSeconds, and back when it answers', async () => {
    snmpd = await startSnmpd({ walk: walkOf(withFaults(healthyCardPrinter(), ['media-jam'])) });
    const p = await monitored(snmpd);
    await readUntil(p, ['media-jam']);
    snmpd.freeze();
    const t0 = Date.now();
    const r = await p.read();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(r).toMatchObject({ state: 'idle', reasons: ['snmp-unreachable'] });
    snmpd.thaw();
    // A thawed snmpd has a backlog to answer first: back within a bound, not on the very next 0.5 s reading.
    await readUntil(p, ['media-jam']);
  });

  it('SNMPv3 with authentication and privacy; a wrong passphrase is snmp-error, not a crash', async () => {
    snmpd = await startSnmpd({ walk: walkOf(healthyCardPrinter()), v3: { user: 'station', authKey: 'auth-pass-1234', privKey: 'priv-pass-5678' } });
    const keys = (auth: string) => {
      writeFileSync(join(snmpd?.dir ?? '', 'auth'), `${auth}\n`, { mode: 0o600 });
      writeFileSync(join(snmpd?.dir ?? '', 'priv'), 'priv-pass-5678\n', { mode: 0o600 });
      return { version: '3', communityFile: undefined, user: 'station', authProtocol: 'sha', authKeyFile: join(snmpd?.dir ?? '', 'auth'), privProtocol: 'aes', privKeyFile: join(snmpd?.dir ?? '', 'priv') };
    };
    const r = await (await monitored(snmpd, keys('auth-pass-1234'))).read();
    expect(r).toMatchObject({ state: 'idle', reasons: [] });
    expect(supply(r, 'ribbon')).toMatchObject({ levelPercent: 90 });
    await printer?.stop();
    const bad = await (await monitored(snmpd, keys('not-the-passphrase'))).read();
    expect(bad.reasons).toEqual([expect.stringMatching(/^snmp-(error|unreachable)$/)]);
  });

  it('junk types, huge values and a table of thousands of rows: a reading with the reason, in time', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => `.1.3.6.1.2.1.43.11.1.1.9.1.${i + 10} = INTEGER: ${2147483647 - i}`).join('\n');
    const junk = [
      '.1.3.6.1.2.1.43.11.1.1.5.1.1 = INTEGER: 7',
      '.1.3.6.1.2.1.43.11.1.1.9.1.1 = STRING: "lots"',
      '.1.3.6.1.2.1.43.11.1.1.5.1.2 = INTEGER: 20',
      '.1.3.6.1.2.1.43.11.1.1.7.1.2 = INTEGER: 19',
      '.1.3.6.1.2.1.43.11.1.1.9.1.2 = INTEGER: 2147483647',
      '.1.3.6.1.2.1.25.3.5.1.2.1 = INTEGER: 255',
      rows,
    ].join('\n');
    snmpd = await startSnmpd({ walk: junk });
    const p = await monitored(snmpd, { timeoutSeconds: 5 });
    const t0 = Date.now();
    const r = await p.read();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(r.reasons).toEqual(['snmp-bad-value']);
    expect(r.state).toBe('idle');
    // SNMP's ribbon level is junk, so unknown: the print path's (the simulator's 500 cards) stands.
    expect(supply(r, 'ribbon')).toMatchObject({ remaining: 500, capacity: 500 });
    // The film's level is 2147483647 in percent: impossible, so unknown, and the simulator's film
    // (1000 of 1000 cards, its name) stands; SNMP's film would have no count and a type's name.
    expect(supply(r, 'film')).toMatchObject({ name: 'Retransfer film', remaining: 1000, capacity: 1000 });
  });
});
