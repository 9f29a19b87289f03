import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HalError } from '../../hal/errors.js';
import { waitUntil } from '../support/peers.js';
import { untilSettled } from '../support/settle.js';
import { simPrinterHarness, simUpsHarness } from '../support/sim.js';

const card = { jobId: 'job-1', recordId: 'REC-1', document: Buffer.from('card'), mimeType: 'application/pdf' };

describe('simulated printer', () => {
  it('spends one blank, one ribbon panel and one film image per card, and is printing meanwhile', async () => {
    const h = simPrinterHarness({ secondsPerCard: 10 });
    await h.driver.start();
    const done = h.driver.print(card);
    await waitUntil('the card to start', async () => (await h.driver.read()).state === 'printing');
    await expect(h.driver.print({ ...card, jobId: 'job-2' })).rejects.toMatchObject({ code: 'busy' });
    h.clock.advance(10_000);
    await expect(done).resolves.toEqual({ printerJobId: 'sim-1' });
    const after = await h.driver.read();
    expect(after.state).toBe('idle');
    expect(after.printedTotal).toBe(1);
    expect(after.supplies.map((s) => [s.kind, s.remaining])).toEqual([
      ['ribbon', 499],
      ['film', 999],
      ['blanks', 99],
    ]);
  });

  it('says low at its low mark and empty at zero, with IPP-style reasons', async () => {
    const h = simPrinterHarness({ capacity: { ribbon: 100, film: 100, blanks: 50 }, lowPercent: 10 });
    await h.driver.start();
    h.file.write({ ribbon: { remaining: 11 }, film: { remaining: 10 }, blanks: { remaining: 0 } });
    const r = await h.driver.read();
    expect(r.supplies.map((s) => s.status)).toEqual(['ok', 'low', 'empty']);
    expect(r.reasons).toEqual(['film-low', 'media-empty']);
    expect(r.state).toBe('stopped');
  });

  it('a jam during a card spoils it: the blank and the ribbon are spent, nothing is counted printed', async () => {
    const h = simPrinterHarness({ secondsPerCard: 10 });
    await h.driver.start();
    const done = h.driver.print(card);
    await waitUntil('the card to start', async () => (await h.driver.read()).state === 'printing');
    h.file.write({ reasons: ['media-jam'] });
    await h.driver.read();
    h.clock.advance(10_000);
    const err: unknown = await done.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect(err).toMatchObject({ code: 'aborted' });
    const r = await h.driver.read();
    expect(r.printedTotal).toBe(0);
    expect(r.supplies.find((s) => s.kind === 'blanks')?.remaining).toBe(99);
  });

  it('numbers in the state file are pinned while there, then evolve from them; conditions lift when removed', async () => {
    const h = simPrinterHarness({ secondsPerCard: 1 });
    await h.driver.start();
    h.file.write({ ribbon: { remaining: 40 }, state: 'offline' });
    expect((await h.driver.read()).state).toBe('offline');
    h.file.write({ ribbon: { remaining: 40 } });
    await untilSettled(h.driver.print(card), h.clock);
    expect((await h.driver.read()).supplies[0]?.remaining).toBe(40);
    h.file.write({});
    await untilSettled(h.driver.print({ ...card, jobId: 'job-2' }), h.clock);
    const r = await h.driver.read();
    expect(r.state).toBe('idle');
    expect(r.supplies[0]?.remaining).toBe(39);
  });

  it('the demo load prints cards on its own at the configured rate', async () => {
    const h = simPrinterHarness({ cardsPerHour: 60, secondsPerCard: 10 });
    await h.driver.start();
    for (let minute = 0; minute < 10; minute++) {
      await h.driver.read();
      h.clock.advance(30_000);
      await h.driver.read();
      h.clock.advance(30_000);
    }
    expect((await h.driver.read()).printedTotal).toBe(10);
  });

  it('keeps the last good state when the file is half-written, and sees two edits within one second', async () => {
    const h = simPrinterHarness();
    await h.driver.start();
    h.file.write({ film: { remaining: 0 } });
    expect((await h.driver.read()).state).toBe('stopped');
    writeFileSync(h.file.path, '{"film": {"remaining": ');
    expect((await h.driver.read()).state).toBe('stopped');
    h.file.write({ film: { remaining: 5 } });
    expect((await h.driver.read()).supplies[1]?.remaining).toBe(5);
    h.file.write({ film: { remaining: 6 } }); // same wall-clock second: still seen
    expect((await h.driver.read()).supplies[1]?.remaining).toBe(6);
  });
});

describe('simulated UPS', () => {
  it('drains on battery at the configured runtime, and recharges on mains', async () => {
    const h = simUpsHarness({ runtimeAtFullMinutes: 30, rechargeMinutes: 60, loadPercent: 35 });
    await h.driver.start();
    expect(await h.driver.read()).toMatchObject({ status: 'online', chargePercent: 100, runtimeSeconds: 1800, inputVoltage: 220 });
    h.file.write({ mains: false });
    await h.driver.read();
    h.clock.advance(9 * 60_000);
    const ob = await h.driver.read();
    expect(ob).toMatchObject({ status: 'on_battery', chargePercent: 70, runtimeSeconds: 1260, inputVoltage: 0 });
    h.file.write({ mains: true });
    await h.driver.read();
    h.clock.advance(6 * 60_000);
    expect((await h.driver.read()).chargePercent).toBe(80);
  });

  it('goes low_battery by itself under its low mark on battery', async () => {
    const h = simUpsHarness({ runtimeAtFullMinutes: 10, lowBatteryPercent: 20 });
    await h.driver.start();
    h.file.write({ mains: false });
    await h.driver.read();
    h.clock.advance(7 * 60_000);
    expect((await h.driver.read()).status).toBe('on_battery');
    h.clock.advance(1.5 * 60_000);
    expect((await h.driver.read()).status).toBe('low_battery');
  });

  it('a pinned charge holds while in the file', async () => {
    const h = simUpsHarness();
    await h.driver.start();
    h.file.write({ mains: false, chargePercent: 55 });
    await h.driver.read();
    h.clock.advance(10 * 60_000);
    expect((await h.driver.read()).chargePercent).toBe(55);
  });
});
