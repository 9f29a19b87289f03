import fc from 'fast-check';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import type { HalError } from '../../hal/errors.js';
import { upsSchema } from '../../hal/ups/index.js';
import { parseListVar, splitWords, toReading } from '../../hal/ups/nut/codec.js';
import { NutUps } from '../../hal/ups/nut/driver.js';
import { UPS_ERRORS, UPS_STATUSES } from '../../hal/ups/types.js';
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
  const c = upsSchema().parse({ driver: 'nut', port, timeoutSeconds });
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

/** Lines a upsd might send, well-formed or not: VAR lines with odd names and values, ERR, junk. */
const nutLine = fc.oneof(
  fc.tuple(fc.constantFrom('ups', 'other', ''), fc.constantFrom('ups.status', 'battery.charge', 'battery.runtime', 'input.voltage', 'ups.load', 'device.mfr', 'x'), fc.oneof(fc.constantFrom('OL', 'OB LB', 'OL RB OVER', 'FSD', 'WAIT', '1e999', 'NaN', '-5', '', '"'), fc.string({ maxLength: 30 })))
    .map(([ups, name, value]) => `VAR ${ups} ${name} "${value.replace(/["\\]/g, (c) => `\\${c}`)}"`),
  fc.constantFrom('ERR DATA-STALE', 'ERR ACCESS-DENIED', 'BEGIN LIST VAR ups', 'END LIST VAR ups', 'OK', ''),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }).map((t) => t.replace(/\n/g, ' ')),
);

describe('whatever upsd sends (property)', () => {
  it('the codec never throws; numbers are finite or null; on battery only when OB says so, online only when OL does', () => {
    fc.assert(
      fc.property(fc.array(nutLine, { maxLength: 40 }), (lines) => {
        for (const l of lines) expect(Array.isArray(splitWords(l))).toBe(true);
        const r = toReading(parseListVar(lines, 'ups'));
        expect(UPS_STATUSES).toContain(r.status);
        for (const v of [r.chargePercent, r.runtimeSeconds, r.inputVoltage, r.loadPercent]) expect(v === null || Number.isFinite(v)).toBe(true);
        if (r.onBattery === true) expect(r.statusTokens).toContain('OB');
        if (r.onBattery === false) expect(r.statusTokens).toContain('OL');
        if (r.status === 'online') expect(r.statusTokens).toContain('OL');
      }),
      { numRuns: 500 },
    );
  });

  it('any answer on the wire: a reading or a typed UPS error, within the deadline, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(nutLine, { maxLength: 30 }), fc.boolean(), async (lines, wrapped) => {
        const body = wrapped ? ['BEGIN LIST VAR ups', ...lines, 'END LIST VAR ups'] : lines;
        const port = await fakeUpsd((socket) => socket.end(`${body.join('\n')}\n`));
        const t0 = Date.now();
        const d = driver(port, 0.3);
        const result = await d.read().then(
          (r) => ({ ok: true as const, r }),
          (e: unknown) => ({ ok: false as const, e: e as HalError }),
        );
        expect(Date.now() - t0).toBeLessThan(1500);
        if (result.ok) expect(UPS_STATUSES).toContain(result.r.status);
        else expect(UPS_ERRORS).toContain(result.e.code);
        await d.stop();
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
