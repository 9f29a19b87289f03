import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../../core/clock.js';
import type { HalError } from '../../hal/errors.js';
import { httpRecordsSchema } from '../../hal/records/http/config.js';
import { HttpRecords } from '../../hal/records/http/driver.js';
import { syntheticRecord } from '../../hal/records/sim/driver.js';
import { waitUntil } from '../support/peers.js';
import { settledYet } from '../support/settle.js';
import { quietLog } from '../support/sim.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
const source = (url: string, over: Record<string, unknown> = {}, clock: Clock = systemClock) => new HttpRecords(httpRecordsSchema().parse({ url, timeoutSeconds: 2, maxAnswerMegabytes: 1, ...over }), { clock, log: quietLog });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as HalError);

describe('hostile or broken record services', () => {
  it('an answer larger than the cap is refused as it arrives: a declared length at once, a chunked one within the cap', async () => {
    const declared = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(150 * 1_048_576) });
      res.write('{"recordId":"R-1","photoBase64":"');
    });
    expect(await failure(source(declared).fetch('R-1'))).toMatchObject({ code: 'invalid', message: expect.stringMatching(/more than 1 MB/) as string });
    let sent = 0;
    const endless = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 600 * 1_048_576 && res.write(chunk)) sent += chunk.length;
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const before = process.memoryUsage().rss;
    expect(await failure(source(endless).fetch('R-1'))).toMatchObject({ code: 'invalid' });
    // Refused near the cap, not after reading everything: far less than the 600 MB on offer.
    expect(sent).toBeLessThan(64 * 1_048_576);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1_048_576);
  });

  it('a server that drips its answer past the deadline is a timeout, not "not JSON"', async () => {
    let answering = false;
    const drip = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(' ');
      answering = true;
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 100);
    });
    // The deadline runs on the driver's clock: the answer has begun, and the clock is moved past it.
    const clock = new ManualClock();
    const fetching = failure(source(drip, { timeoutSeconds: 1 }, clock).fetch('R-1'));
    await waitUntil('the server to begin its answer', () => answering);
    clock.advance(999);
    expect(await settledYet(fetching)).toBe(false);
    clock.advance(1);
    expect(await fetching).toMatchObject({ code: 'timeout', message: expect.stringMatching(/within 1 s/) as string });
  });

  it('a redirect to another host is refused (its record would be printed, and the token sent there); one within the service is followed', async () => {
    let otherAsked = false;
    const other = await serve((_req, res) => {
      otherAsked = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(syntheticRecord('R-1')));
    });
    const redirecting = await serve((req, res) => {
      if (req.url === '/records/R-1') res.writeHead(302, { location: `${other}/records/R-1` }).end();
      else if (req.url === '/records/R-2') res.writeHead(307, { location: '/v2/records/R-2' }).end();
      else if (req.url === '/v2/records/R-2') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(syntheticRecord('R-2')));
      else res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    });
    expect(await failure(source(redirecting).fetch('R-1'))).toMatchObject({ code: 'refused', message: expect.stringMatching(/redirected to http:\/\/127\.0\.0\.1:\d+, not/) as string });
    expect(otherAsked).toBe(false);
    await expect(source(redirecting).fetch('R-2')).resolves.toMatchObject({ recordId: 'R-2' });
  });
});
