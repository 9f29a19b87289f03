/**
 * The HTTP record source's claims against a real HTTP server on loopback (the stand-in record
 * service): what it sends, a 409 read for who holds the record, a service that hangs timing out
 * on the injected clock, a service that is gone, and a service without claims.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { httpRecordsSchema } from '../../hal/records/http/config.js';
import { HttpRecords } from '../../hal/records/http/driver.js';
import { freePort } from '../support/peers.js';
import { startRecordService, type RecordService } from '../support/record-service.js';
import { quietLog, tempDir } from '../support/sim.js';

const services: RecordService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

async function service(): Promise<RecordService> {
  const s = await startRecordService();
  services.push(s);
  return s;
}

async function source(url: string, token: string, over: Record<string, unknown> = {}, clock: Clock = systemClock): Promise<HttpRecords> {
  const tokenFile = join(tempDir('claims-'), 'token');
  writeFileSync(tokenFile, token);
  const s = new HttpRecords(httpRecordsSchema().parse({ url, tokenFile, timeoutSeconds: 2, ...over }), { clock, log: quietLog });
  await s.start();
  return s;
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as HalError);
const A = { station: '5371-01', installId: 'a1b2c3d4e5f60718' };
const B = { station: '5371-02', installId: '0f1e2d3c4b5a6978' };

describe('claims over HTTP', () => {
  it('claims with POST {url}/records/{id}/claim {station, installId}; a 409 names the station that holds it and since when', async () => {
    const s = await service();
    const one = await source(s.url, s.token);
    const two = await source(s.url, s.token);
    expect(await one.claim('KPG1-0001', A)).toEqual({ granted: true, claimedBy: '5371-01' });
    const refused = await two.claim('KPG1-0001', B);
    expect(refused).toEqual({ granted: false, claimedBy: '5371-01', at: s.claims.get('KPG1-0001')?.at });
    expect(await one.outcome('KPG1-0001', '5371-01', 'printed')).toEqual({ taken: true });
    expect(s.requests).toEqual(['POST /base/records/KPG1-0001/claim', 'POST /base/records/KPG1-0001/claim', 'POST /base/records/KPG1-0001/outcome']);
    expect(s.claims.get('KPG1-0001')).toMatchObject({ station: '5371-01', installId: 'a1b2c3d4e5f60718', state: 'printed' });
  });

  it('a service that takes the request and never answers times out on the injected clock, not on the wall', async () => {
    const s = await service();
    s.set({ hanging: true });
    const clock = new ManualClock();
    const src = await source(s.url, s.token, { timeoutSeconds: 5 }, clock);
    let settled = false;
    const claim = failure(src.claim('KPG1-0002', A)).finally(() => (settled = true));
    // Real time passes and the request is in, but no time on the agent's clock: still waiting.
    await expect.poll(() => s.requests).toEqual(['POST /base/records/KPG1-0002/claim']);
    expect(settled).toBe(false);
    clock.advance(4_999);
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    clock.advance(1);
    // At once: a deadline on the wall (AbortSignal.timeout) would still be 5 s away.
    const first = await Promise.race([claim, new Promise((r) => setTimeout(() => r('still waiting'), 1000))]);
    expect(first).toMatchObject({ code: 'timeout', message: expect.stringMatching(/within 5 s/) as string });
  });

  it('a service that is gone is unavailable (the queue waits and asks again), and a 5xx is too', async () => {
    const port = await freePort();
    expect(await failure((await source(`http://127.0.0.1:${port}`, 't')).claim('KPG1-0003', A))).toMatchObject({ code: 'unavailable', hint: expect.stringMatching(/records\.http\.url/) as string });
    const s = await service();
    s.set({ down: true });
    expect(await failure((await source(s.url, s.token)).outcome('KPG1-0003', '5371-01', 'printed'))).toMatchObject({ code: 'unavailable' });
  });

  it('with records.http.claims: false nothing is asked: every claim is granted and every outcome taken, on this PC only', async () => {
    const s = await service();
    const src = await source(s.url, s.token, { claims: false });
    expect(src.claims).toBe('off');
    expect(await src.claim('KPG1-0004', A)).toEqual({ granted: true, claimedBy: '5371-01' });
    expect(await src.outcome('KPG1-0004', '5371-01', 'printed')).toEqual({ taken: true });
    expect(s.requests).toEqual([]);
  });

  it('a service without claims (404 on the claim path) says which setting to set; an answer without claimedBy is invalid', async () => {
    const s = await service();
    s.set({ withClaims: false });
    const src = await source(s.url, s.token);
    const e = await failure(src.claim('KPG1-0005', A));
    expect(e).toBeInstanceOf(HalError);
    expect(e).toMatchObject({ code: 'not-found', hint: expect.stringMatching(/records\.http\.claims: false/) as string });
    expect(e?.text.hint?.id).toMatch(/records\.http\.claims: false/);
    const bare = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
    try {
      const odd = await source(`http://127.0.0.1:${(bare.address() as { port: number }).port}`, 't');
      expect(await failure(odd.claim('KPG1-0005', A))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/claim \(HTTP 200\) without \{claimedBy\}/) as string });
    } finally {
      bare.close();
    }
  });
});
