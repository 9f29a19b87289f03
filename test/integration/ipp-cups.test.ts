import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printerSchema } from '../../hal/printer/index.js';
import { systemClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { IppPrinter } from '../../hal/printer/ipp/driver.js';
import { printerContract, type Consumable } from '../support/contracts/printer.js';
import { CUPSD, startCups, type Cups } from '../support/cups.js';
import { peerAvailable } from '../support/peers.js';
import { quietLog } from '../support/sim.js';

const hasCups = peerAvailable('CUPS scheduler', CUPSD) && peerAvailable('CUPS lpadmin', 'lpadmin');

function driverFor(cups: Cups, extra: Record<string, unknown> = {}): IppPrinter {
  // The hopper is reported as a marker named "Hopper" by this backend: the vendor-naming case.
  const config = printerSchema().parse({ driver: 'ipp', url: cups.url, jobPollSeconds: 0.1, jobTimeoutSeconds: 30, supplies: { blanks: { match: 'hopper', capacity: 100 } }, ...extra });
  if (config.driver !== 'ipp') throw new Error('unreachable');
  return new IppPrinter(config, { clock: systemClock, log: quietLog });
}

const card = (n: number) => ({ jobId: `REC-CUPS-${n}@${Date.now()}`, recordId: `REC-CUPS-${n}`, document: Buffer.from(`%PDF-1.4 synthetic test card ${n}\n`), mimeType: 'application/pdf' });

describe.skipIf(!hasCups)('the IPP driver against a CUPS queue on a card-printer backend', () => {
  printerContract('ipp (CUPS queue)', async () => {
    const cups = await startCups();
    const empty = new Set<Consumable>();
    let faults: string[] = [];
    const level = { ribbon: 'ribbon', film: 'film', blanks: 'hopper' } as const;
    const emptyReason = { ribbon: 'marker-supply-empty-error', film: 'marker-supply-empty-error', blanks: 'media-empty-error' } as const;
    return {
      driver: driverFor(cups),
      async setRemaining(kind, remaining) {
        const changes: string[] = [];
        if (remaining === 0 && !empty.has(kind)) changes.push(`+${emptyReason[kind]}`);
        if (remaining > 0 && empty.has(kind)) changes.push(`-${emptyReason[kind]}`);
        if (remaining === 0) empty.add(kind);
        else empty.delete(kind);
        if (changes.length > 0) await cups.setReasons(changes);
        await cups.setLevels({ [level[kind]]: Math.min(100, remaining) });
      },
      async setFaults(reasons) {
        const changes = [...reasons.filter((r) => !faults.includes(r)).map((r) => `+${r}-error`), ...faults.filter((r) => !reasons.includes(r)).map((r) => `-${r}-error`)];
        faults = reasons;
        await cups.setReasons(changes);
      },
      // CUPS prints in real time, and the driver follows the job on the system clock.
      settle: (p) => p,
      close: () => cups.stop(),
    };
  });

  describe('printing and proof', () => {
    let cups: Cups;
    let driver: IppPrinter;
    beforeAll(async () => {
      cups = await startCups();
      driver = driverFor(cups);
      await driver.start();
    });
    afterAll(async () => {
      await driver.stop();
      await cups.stop();
    });

    it('prints cards through the queue, counted by the printer, named with the agent job id, levels following', async () => {
      // A queue that has not run a job yet knows no levels: unknown, not zero.
      const fresh = await driver.read();
      expect(fresh.supplies.map((s) => [s.kind, s.levelPercent, s.status])).toEqual([
        ['ribbon', null, 'unknown'],
        ['film', null, 'unknown'],
        ['blanks', null, 'unknown'],
      ]);
      await cups.setLevels({ ribbon: 80, film: 60, hopper: 100 });
      const before = await driver.read();
      const sent = [card(1), card(2), card(3)];
      const results: { printerJobId: string }[] = [];
      for (const c of sent) results.push(await driver.print(c));
      const printed = cups.printed();
      expect(printed).toHaveLength(3);
      // Each line is "<CUPS job id> <job name>": the printer's id is what the driver returned.
      expect(printed).toEqual(sent.map((c, i) => `${results[i]?.printerJobId} ${c.jobId}`));
      const after = await driver.read();
      const ribbon = (r: typeof after) => r.supplies.find((s) => s.kind === 'ribbon')?.levelPercent;
      expect(ribbon(before)).toBe(80);
      expect(ribbon(after)).toBe(77);
      expect(after.supplies.find((s) => s.kind === 'blanks')?.remaining).toBe(97);
    });

    it("the printer's job history proves a card sent before a crash, by its job name", async () => {
      const c = card(10);
      await driver.print(c);
      await expect(driver.jobOutcome(c.jobId)).resolves.toBe('completed');
      await expect(driver.jobOutcome('REC-NEVER-SENT@1')).resolves.toBe('unknown');
    });

    it('a card the printer fails is reported aborted (a spoiled card), and the history says so', async () => {
      cups.failCards(true);
      const c = card(20);
      const err = await driver.print(c).catch((e: unknown) => e);
      cups.failCards(false);
      expect(err).toBeInstanceOf(HalError);
      expect(err).toMatchObject({ code: 'aborted' });
      await expect(driver.jobOutcome(c.jobId)).resolves.toBe('aborted');
    });

    it('a stopped queue reads as stopped and refuses a card without sending it', async () => {
      const n = cups.printed().length;
      spawnSync('cupsdisable', ['card'], { env: { ...process.env, CUPS_SERVER: `localhost:${cups.port}` } });
      try {
        const r = await driver.read();
        expect(r.state).toBe('stopped');
        expect(r.reasons).toContain('paused');
        await expect(driver.print(card(30))).rejects.toMatchObject({ code: 'not-ready' });
      } finally {
        spawnSync('cupsenable', ['card'], { env: { ...process.env, CUPS_SERVER: `localhost:${cups.port}` } });
      }
      expect(cups.printed()).toHaveLength(n);
      expect((await driver.read()).state).toBe('idle');
    });
  });

  it('CUPS not running: reads fail with a reason naming the address, a card is refused as not started', async () => {
    const cups = await startCups();
    const driver = driverFor(cups);
    await cups.stop();
    const err = await driver.read().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HalError);
    expect((err as HalError).message).toMatch(new RegExp(`localhost:${cups.port}.*ECONNREFUSED`));
    await expect(driver.print(card(40))).rejects.toMatchObject({ code: 'not-ready' });
  });
});
