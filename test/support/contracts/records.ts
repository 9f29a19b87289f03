import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../core/clock.js';
import { HalError } from '../../../hal/errors.js';
import { httpRecordsSchema } from '../../../hal/records/http/config.js';
import { HttpRecords } from '../../../hal/records/http/driver.js';
import { simRecordsSchema } from '../../../hal/records/sim/config.js';
import { SimRecords, syntheticRecord } from '../../../hal/records/sim/driver.js';
import { printRecordSchema, RECORD_ERRORS, type RecordSource } from '../../../hal/records/types.js';
import { untilSettled } from '../settle.js';
import { quietLog, tempDir } from '../sim.js';

/** How a contract test reaches a record source: its driver, and the controls of the server behind it. */
export interface RecordsHarness {
  source: RecordSource;
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
    const failure = async (id: string) => {
      const err = await fetch(id).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'the fetch was expected to fail').toBeInstanceOf(HalError);
      const e = err as HalError;
      expect(RECORD_ERRORS as readonly string[]).toContain(e.code);
      expect(e.message.length).toBeGreaterThan(0);
      return e;
    };
    beforeEach(async () => {
      h = await make();
      await h.source.start();
    });
    afterEach(async () => {
      await h.source.stop();
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
  });
}

/** The simulator on a fake clock; "down" makes every fetch draw a failure. */
export function simRecordsHarness(): Promise<RecordsHarness> {
  const clock = new ManualClock();
  let down = false;
  const source = new SimRecords(simRecordsSchema().parse({ latencyMs: 1500, failureRate: 0.5, missing: ['CONTRACT-GONE'] }), { clock, log: quietLog }, () => (down ? 0 : 0.99));
  return Promise.resolve({
    source,
    missingId: 'CONTRACT-GONE',
    setDown: (d) => Promise.resolve(void (down = d)),
    settle: (p) => untilSettled(p, clock),
    close: () => Promise.resolve(),
  });
}

/**
 * The HTTP driver against a real HTTP server on loopback that speaks the record service's
 * contract (README): synthetic records, a JSON 404 for a record it does not have, 503 when down,
 * and a bearer token it checks.
 */
export async function httpRecordsHarness(): Promise<RecordsHarness> {
  let down = false;
  const token = 'contract-token-0123456789';
  const server: Server = createServer((req, res) => {
    const id = decodeURIComponent(/^\/base\/records\/([^/?]+)$/.exec(req.url ?? '')?.[1] ?? '');
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${token}`) return answer(401, { error: 'unauthorised' });
    if (down) return answer(503, { error: 'down' });
    if (!id || id === 'CONTRACT-GONE') return answer(404, { error: 'not print-ready' });
    answer(200, syntheticRecord(id));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const tokenFile = join(tempDir('records-'), 'token');
  writeFileSync(tokenFile, `${token}\n`);
  const source = new HttpRecords(httpRecordsSchema().parse({ url: `http://127.0.0.1:${port}/base`, tokenFile, timeoutSeconds: 2 }), { clock: systemClock, log: quietLog });
  return {
    source,
    missingId: 'CONTRACT-GONE',
    setDown: (d) => Promise.resolve(void (down = d)),
    // The server answers in real time; the driver's 2 s deadline (system clock) only ends a hung answer.
    settle: (p) => p,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
