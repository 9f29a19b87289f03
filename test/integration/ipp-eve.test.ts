import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { printerSchema } from '../../hal/printer/index.js';
import { systemClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { IppPrinter } from '../../hal/printer/ipp/driver.js';
import type { PrinterReading } from '../../hal/printer/types.js';
import { IPPEVEPRINTER, startIppEve, type IppEve } from '../support/ippeve.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { quietLog } from '../support/sim.js';

const hasEve = peerAvailable('ippeveprinter', IPPEVEPRINTER) && peerAvailable('dbus-daemon', 'dbus-daemon');

function driverFor(eve: IppEve): IppPrinter {
  const config = printerSchema().parse({ driver: 'ipp', url: eve.url, jobPollSeconds: 0.1, jobTimeoutSeconds: 30 });
  if (config.driver !== 'ipp') throw new Error('unreachable');
  return new IppPrinter(config, { clock: systemClock, log: quietLog });
}

const card = (n: number) => ({ jobId: `REC-EVE-${n}@${Date.now()}`, recordId: `REC-EVE-${n}`, document: Buffer.from(`%PDF-1.4 synthetic test card ${n}\n`), mimeType: 'application/pdf' });
const supply = (r: PrinterReading, kind: string) => r.supplies.find((s) => s.kind === kind);

describe.skipIf(!hasEve)('the IPP driver against ippeveprinter (an IPP Everywhere printer)', () => {
  let eve: IppEve;
  let driver: IppPrinter;
  beforeEach(async () => {
    eve = await startIppEve();
    driver = driverFor(eve);
    await driver.start();
  });
  afterEach(async () => {
    await driver.stop();
    await eve.stop();
  });

  it('reads the input tray as the card hopper, and a printer that reports no ribbon or film as unknown, not full', async () => {
    const r = await driver.read();
    expect(r.state).toBe('idle');
    // Its printer-supply entries are toner and a waste tank: neither is a ribbon or a film.
    expect(supply(r, 'ribbon')).toMatchObject({ levelPercent: null, remaining: null, status: 'unknown' });
    expect(supply(r, 'film')).toMatchObject({ levelPercent: null, status: 'unknown' });
    expect(supply(r, 'blanks')).toMatchObject({ name: 'main', remaining: 100, capacity: 250, levelPercent: 40, status: 'ok' });
  });

  it('prints a card that the printer counts; levels the printer reports with it show in the reading', async () => {
    eve.report(['ATTR: marker-levels=40,3 marker-low-levels=10,10 marker-names=Ribbon,Film marker-types=ink-ribbon,transfer-unit']);
    const c = card(1);
    const result = await driver.print(c);
    expect(result.printerJobId).toMatch(/^\d+$/);
    expect(eve.printed()).toHaveLength(1);
    const r = await driver.read();
    expect(supply(r, 'ribbon')).toMatchObject({ name: 'Ribbon', levelPercent: 40, status: 'ok' });
    expect(supply(r, 'film')).toMatchObject({ name: 'Film', levelPercent: 3, status: 'low' });
    await expect(driver.jobOutcome(c.jobId)).resolves.toBe('completed');
    // The printer's history knows the record by the job's name, whatever the agent's database says.
    await expect(driver.printedFor('REC-EVE-1')).resolves.toEqual([result.printerJobId]);
    await expect(driver.printedFor('REC-EVE-10')).resolves.toEqual([]);
  });

  it('a second card while one prints gets server-error-busy: refused as busy, nothing started', async () => {
    eve.setCard({ seconds: 2 });
    const first = driver.print(card(2));
    await waitUntil('the first card to be printing', async () => (await driver.read()).state === 'printing', 5000, 50);
    const other = driverFor(eve);
    const err = await other.print(card(3)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect(err).toMatchObject({ code: 'busy' });
    await first;
    expect(eve.printed()).toHaveLength(1);
  });

  it('a card the printer aborts is reported as aborted', async () => {
    eve.setCard({ fail: true });
    await expect(driver.print(card(4))).rejects.toMatchObject({ code: 'aborted' });
    expect(eve.printed()).toHaveLength(0);
  });

  it('an empty hopper set at the printer shows as empty blanks and a stopped printer that refuses cards', async () => {
    await eve.setTrayLevel(0);
    const r = await driver.read();
    expect(supply(r, 'blanks')).toMatchObject({ remaining: 0, status: 'empty' });
    expect(r.state).toBe('stopped');
    await expect(driver.print(card(5))).rejects.toMatchObject({ code: 'not-ready' });
    await eve.setTrayLevel(250);
    const after = await driver.read();
    expect(supply(after, 'blanks')).toMatchObject({ remaining: 250, status: 'ok' });
    expect(after.state).toBe('idle');
  });
});
