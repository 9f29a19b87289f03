import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../hal/clock.js';
import type { HalError } from '../../hal/errors.js';
import { upsSchema } from '../../hal/ups/index.js';
import { NutUps } from '../../hal/ups/nut/driver.js';
import { quietLog } from '../support/sim.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of servers.splice(0)) s.close();
});

/** A fake upsd on loopback that answers every command with `answer`. */
async function fakeUpsd(answer: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('data', () => answer(socket));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}
function driver(port: number, timeoutSeconds = 1): NutUps {
  const c = upsSchema.parse({ driver: 'nut', port, timeoutSeconds });
  if (c.driver !== 'nut') throw new Error('unreachable');
  return new NutUps(c, { clock: systemClock, log: quietLog });
}
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as HalError);

describe('a hostile or broken upsd', () => {
  it('VAR lines streamed without END: refused within the deadline, memory bounded', async () => {
    const port = await fakeUpsd((socket) => {
      socket.write('BEGIN LIST VAR ups\n');
      const line = 'VAR ups battery.charge "100"\n'.repeat(500);
      const pump = () => {
        while (!socket.destroyed && socket.write(line));
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
    const before = process.memoryUsage().heapUsed;
    const t0 = Date.now();
    const err = await failure(driver(port, 1).read());
    expect(['protocol', 'timeout']).toContain(err?.code);
    expect(err?.message).toMatch(/more than 2000 lines|did not finish its answer/);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * 1_048_576);
  });

  it('a line without end is refused at 4,096 characters', async () => {
    const port = await fakeUpsd((socket) => socket.write(`BEGIN LIST VAR ups\nVAR ups x "${'y'.repeat(100_000)}`));
    expect(await failure(driver(port).read())).toMatchObject({ code: 'protocol', message: expect.stringMatching(/longer than 4096/) as string });
  });

  it('another service on the port is named as such, and the next read while waiting says the same, not "unreachable"', async () => {
    const port = await fakeUpsd((socket) => socket.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
    const d = driver(port);
    const first = await failure(d.read());
    expect(first).toMatchObject({ code: 'protocol', message: 'upsd answered "HTTP/1.1 400 Bad Request" to LIST: not the NUT protocol' });
    const second = await failure(d.read());
    expect(second?.message).toMatch(/^upsd answered "HTTP\/1.1 400 Bad Request" to LIST: not the NUT protocol \(waiting before trying again\)$/);
    expect(second?.message).not.toMatch(/unreachable/);
  });
});
