import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../core/clock.js';
import { HalError } from '../../../hal/errors.js';
import { httpRecordsSchema } from '../../../hal/records/http/config.js';
import { HttpRecords } from '../../../hal/records/http/driver.js';
import { simRecordsSchema } from '../../../hal/records/sim/config.js';
import { SimRecords } from '../../../hal/records/sim/driver.js';
import { printRecordSchema, RECORD_ERRORS, type ClaimHolder, type RecordSource } from '../../../hal/records/types.js';
import { startRecordService } from '../record-service.js';
import { untilSettled } from '../settle.js';
import { quietLog, tempDir } from '../sim.js';

/** How a contract test reaches a record source: its driver, and the controls of the server behind it. */
export interface RecordsHarness {
  source: RecordSource;
  /** Another agent's driver on the same centre (another PC of the office): it sees the same claims. */
  other: RecordSource;
  /** An id the server has no print-ready record for. */
  missingId: string;
  /** Make the server fail every request, or answer again. */
  setDown(down: boolean): Promise<void>;
  /**
   * Wait for `p` while time passes: the simulator's manual clock moved as it waits on it
   * (untilSettled), or, for a real server, its real answer.
   */
  settle<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Every record source, the simulator included, must pass this suite. */
export function recordsContract(name: string, make: () => Promise<RecordsHarness>): void {
  describe(`record source contract: ${name}`, () => {
    let h: RecordsHarness;
    const fetch = (id: string) => h.settle(h.source.fetch(id));
    const settle = <T>(p: Promise<T>) => h.settle(p);
    const failure = async (id: string | Promise<unknown>) => {
      const err = await (typeof id === 'string' ? fetch(id) : settle(id)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'the fetch was expected to fail').toBeInstanceOf(HalError);
      const e = err as HalError;
      expect(RECORD_ERRORS as readonly string[]).toContain(e.code);
      expect(e.message.length).toBeGreaterThan(0);
      return e;
    };
    const A: ClaimHolder = { station: 'ST-A', installId: 'a0a0a0a0a0a0a0a0' };
    const B: ClaimHolder = { station: 'ST-B', installId: 'b0b0b0b0b0b0b0b0' };
    beforeEach(async () => {
      h = await make();
      await h.source.start();
      await h.other.start();
    });
    afterEach(async () => {
      await h.source.stop();
      await h.other.stop();
      await h.close();
    });

    it('gives the print-ready record asked for, whole and valid', async () => {
      const r = await fetch('CONTRACT-0001');
      expect(r.recordId).toBe('CONTRACT-0001');
      expect(printRecordSchema.safeParse(r).success).toBe(true);
    });

    it('a record the server does not have is not-found: retrying will not help', async () => {
      expect((await failure(h.missingId)).code).toBe('not-found');
    });

    it('a server that fails is a code worth retrying, and the next fetch after it recovers succeeds', async () => {
      await h.setDown(true);
      expect(['unavailable', 'timeout']).toContain((await failure('CONTRACT-0002')).code);
      await h.setDown(false);
      expect((await fetch('CONTRACT-0002')).recordId).toBe('CONTRACT-0002');
    });

    it('fetches run side by side, each answered with its own record', async () => {
      const ids = ['CONTRACT-A', 'CONTRACT-B', 'CONTRACT-C'];
      const all = await h.settle(Promise.all(ids.map((id) => h.source.fetch(id))));
      expect(all.map((r) => r.recordId)).toEqual(ids);
    });

    it('keeps claims: the first station is granted, another is refused naming it and since when, the first asking again is granted', async () => {
      expect([h.source.claims, h.other.claims]).toEqual(['kept', 'kept']);
      expect(await settle(h.source.claim('CLAIM-1', A))).toEqual({ granted: true, claimedBy: 'ST-A' });
      const refused = await settle(h.other.claim('CLAIM-1', B));
      expect(refused).toMatchObject({ granted: false, claimedBy: 'ST-A' });
      expect(refused.granted === false && !Number.isNaN(Date.parse(refused.at ?? ''))).toBe(true);
      expect(await settle(h.source.claim('CLAIM-1', A))).toEqual({ granted: true, claimedBy: 'ST-A' });
      // Another record is another claim.
      expect(await settle(h.other.claim('CLAIM-2', B))).toEqual({ granted: true, claimedBy: 'ST-B' });
    });

    it('printed closes the record to every station, the one that printed it too; spoiled opens it to that station alone', async () => {
      await settle(h.source.claim('CLAIM-3', A));
      expect(await settle(h.source.outcome('CLAIM-3', 'ST-A', 'printed'))).toEqual({ taken: true });
      expect(await settle(h.source.claim('CLAIM-3', A))).toMatchObject({ granted: false, claimedBy: 'ST-A' });
      expect(await settle(h.other.claim('CLAIM-3', B))).toMatchObject({ granted: false, claimedBy: 'ST-A' });
      expect(await settle(h.source.outcome('CLAIM-3', 'ST-A', 'spoiled'))).toEqual({ taken: true });
      expect(await settle(h.other.claim('CLAIM-3', B))).toMatchObject({ granted: false, claimedBy: 'ST-A' });
      expect(await settle(h.source.claim('CLAIM-3', A))).toEqual({ granted: true, claimedBy: 'ST-A' });
    });

    it('an outcome is taken only from the station that holds the record; not printed gives the claim up to the others', async () => {
      await settle(h.source.claim('CLAIM-4', A));
      expect(await settle(h.other.outcome('CLAIM-4', 'ST-B', 'printed'))).toMatchObject({ taken: false, claimedBy: 'ST-A' });
      expect(await settle(h.source.outcome('CLAIM-4', 'ST-A', 'not_printed'))).toEqual({ taken: true });
      expect(await settle(h.other.claim('CLAIM-4', B))).toEqual({ granted: true, claimedBy: 'ST-B' });
      expect(await settle(h.source.claim('CLAIM-4', A))).toMatchObject({ granted: false, claimedBy: 'ST-B' });
    });

    it('two agents claiming the same records at once: each record is granted to exactly one', async () => {
      const ids = Array.from({ length: 20 }, (_, i) => `RACE-${i}`);
      const answers = await settle(Promise.all(ids.flatMap((id) => [h.source.claim(id, A), h.other.claim(id, B)])));
      for (let i = 0; i < ids.length; i++) {
        const [a, b] = [answers[2 * i], answers[2 * i + 1]];
        expect([a?.granted, b?.granted].filter(Boolean), ids[i]).toHaveLength(1);
        expect(a?.claimedBy).toBe(b?.claimedBy);
      }
    });

    it('a source that is down cannot claim nor be told an outcome (a code worth retrying), and takes both once it is back', async () => {
      await h.setDown(true);
      expect(['unavailable', 'timeout']).toContain((await failure(h.source.claim('CLAIM-5', A))).code);
      expect(['unavailable', 'timeout']).toContain((await failure(h.source.outcome('CLAIM-5', 'ST-A', 'printed'))).code);
      await h.setDown(false);
      expect(await settle(h.other.claim('CLAIM-5', B))).toEqual({ granted: true, claimedBy: 'ST-B' });
    });

    it('a record the server does not have cannot be claimed: not-found', async () => {
      expect((await failure(h.source.claim(h.missingId, A))).code).toBe('not-found');
    });
  });
}

/** The simulator on a fake clock, its claims in a shared file; "down" makes every fetch and claim draw a failure. */
export function simRecordsHarness(): Promise<RecordsHarness> {
  const clock = new ManualClock();
  let down = false;
  const shared = join(tempDir('centre-'), 'claims.db');
  const make = () =>
    new SimRecords(simRecordsSchema().parse({ latencyMs: 1500, failureRate: 0.5, missing: ['CONTRACT-GONE'], shared }), { clock, log: quietLog }, () => (down ? 0 : 0.99));
  return Promise.resolve({
    source: make(),
    other: make(),
    missingId: 'CONTRACT-GONE',
    setDown: (d) => Promise.resolve(void (down = d)),
    settle: (p) => untilSettled(p, clock),
    close: () => Promise.resolve(),
  });
}

/**
 * The HTTP driver against a real HTTP server on loopback that speaks the record service's
 * contract (README; test/support/record-service.ts): synthetic records, a JSON 404 for a record
 * it does not have, 503 when down, claims, and a bearer token it checks.
 */
export async function httpRecordsHarness(): Promise<RecordsHarness> {
  const service = await startRecordService();
  const tokenFile = join(tempDir('records-'), 'token');
  writeFileSync(tokenFile, `${service.token}\n`);
  const make = () => new HttpRecords(httpRecordsSchema().parse({ url: service.url, tokenFile, timeoutSeconds: 2 }), { clock: systemClock, log: quietLog });
  return {
    source: make(),
    other: make(),
    missingId: 'CONTRACT-GONE',
    setDown: (d) => Promise.resolve(service.set({ down: d })),
    // The server answers in real time; the driver's deadline only ends a hung answer.
    settle: (p) => p,
    close: () => service.close(),
  };
}
