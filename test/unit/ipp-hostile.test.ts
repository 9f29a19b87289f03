import { systemClock } from '../../core/clock.js';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HalError } from '../../hal/errors.js';
import { httpTransport, IppClient, printerUriOf } from '../../hal/printer/ipp/client.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

describe('a printer that drips its answer', () => {
  it('is a timeout at timeoutSeconds, not twenty seconds later', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/ipp' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(Buffer.from([0]))), 200);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`ipp://127.0.0.1:${(server.address() as { port: number }).port}/printers/card`);
    const client = new IppClient(printerUriOf(url), httpTransport(url, systemClock), 1000);
    const t0 = Date.now();
    const err = await client.call('Get-Printer-Attributes', {}).then(() => undefined, (e: unknown) => e as HalError);
    expect(err).toMatchObject({ code: 'timeout', message: 'the printer did not answer within 1000 ms' });
    expect(Date.now() - t0).toBeLessThan(1800);
  });
});
