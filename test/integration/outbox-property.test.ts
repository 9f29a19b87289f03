import { createServer, type Server, type Socket } from 'node:net';
import { Aedes } from 'aedes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { systemClock } from '../../core/clock.js';
import { createTelemetryStack, type TelemetryStack } from '../../telemetry/stack.js';
import { freePort, waitUntil } from '../support/peers.js';
import { quietLog, tempDir } from '../support/sim.js';
import { healthyBody } from '../support/health.js';

interface Received {
  seq: number;
  kind: string;
  retain: boolean;
}

/**
 * A real MQTT broker (Aedes, in process) that can be taken down and brought back on the same
 * port. What it accepted is read on the broker side, so the record does not depend on a
 * subscriber that would itself miss messages across a broker restart.
 */
class FlakyBroker {
  received: Received[] = [];
  private server: Server | undefined;
  private broker: Aedes | undefined;
  private sockets = new Set<Socket>();
  constructor(readonly port: number) {}

  async up(): Promise<void> {
    if (this.server) return;
    const broker = await Aedes.createBroker();
    broker.on('publish', (packet, client) => {
      if (!client || !packet.topic.startsWith('p/')) return;
      const kind = packet.topic.split('/').pop() ?? '';
      if (kind !== 'health' && kind !== 'event') return;
      const seq = (JSON.parse(packet.payload.toString()) as { seq: number }).seq;
      this.received.push({ seq, kind, retain: packet.retain });
    });
    const server = createServer((s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      broker.handle(s);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.server = server;
    this.broker = broker;
  }

  async down(): Promise<void> {
    const { server, broker } = this;
    if (!server || !broker) return;
    this.server = undefined;
    this.broker = undefined;
    server.close();
    for (const s of this.sockets) s.destroy();
    // Let Aedes see the sockets go before it closes, or it handles a packet after its close.
    await new Promise((r) => setTimeout(r, 5));
    await new Promise<void>((r) => broker.close(() => r()));
  }
}

type Step = { op: 'health' } | { op: 'event' } | { op: 'down' } | { op: 'up' } | { op: 'restart' } | { op: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Step>({ op: 'health' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ op: 'event' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'down' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'up' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ op: 'restart' }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }).map((ms): Step => ({ op: 'wait', ms })) },
);

async function agent(dir: string, port: number): Promise<{ store: Store; stack: TelemetryStack }> {
  const store = await Store.open(dir);
  const stack = await createTelemetryStack({
    store,
    station: { id: 's', province: 'p', regency: 'r' },
    topicPrefix: 'p',
    mqtt: { url: `mqtt://127.0.0.1:${port}`, clientId: 'station-s', keepaliveSeconds: 30, protocolVersion: 4, backoff: { initialMs: 10, maxMs: 50 } },
    outbox: { maxMessages: 100_000, maxBytes: 2 ** 30, maxAgeSeconds: 86_400 },
    version: 'test',
    clock: systemClock,
    log: quietLog,
  });
  stack.start();
  return { store, stack };
}

const increasing = (xs: number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] ?? 0));
function firstSeen(xs: Received[]): number[] {
  const seen = new Set<number>();
  return xs.filter((x) => !seen.has(x.seq) && seen.add(x.seq)).map((x) => x.seq);
}

describe('outbox under random outages and restarts (property)', () => {
  it('nothing is lost and no stream is reordered, whatever the sequence of publish / broker down / up / agent restart', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 40 }), async (steps) => {
        const dir = tempDir('prop-');
        const broker = new FlakyBroker(await freePort());
        await broker.up();
        let a = await agent(dir, broker.port);
        let published = 0;
        try {
          for (const s of steps) {
            if (s.op === 'health' || s.op === 'event') {
              const kind = s.op;
              await (kind === 'health'
                ? a.stack.telemetry.health(healthyBody())
                : a.stack.telemetry.event({ code: 'test.event', state: 'raised', severity: 'info', message: 'x' }));
              published += 1;
            } else if (s.op === 'down') await broker.down();
            else if (s.op === 'up') await broker.up();
            else if (s.op === 'wait') await new Promise((r) => setTimeout(r, s.ms));
            else {
              // A crash: no flush, no clean disconnect; the database is closed under it.
              a.stack.connection.removeAllListeners();
              a.stack.sender.down();
              await a.stack.connection.stop({ schema: 'station.status/1', station: 's', ts: new Date().toISOString(), online: false, reason: 'lost' }, 10).catch(() => undefined);
              await a.store.close();
              a = await agent(dir, broker.port);
            }
          }
          await broker.up();
          await waitUntil('the backlog to drain', () => a.stack.outbox.stats().backlog === 0 && a.stack.connection.isConnected, 10_000);
          await a.stack.sender.drained();

          const got = broker.received;
          if (process.env.DEBUG_PROP) console.log(JSON.stringify(steps), JSON.stringify(got));
          // Every seq from the first on, none missing (a new store starts seq at the clock).
          const seqs = [...new Set(got.map((r) => r.seq))].sort((x, y) => x - y);
          const first = seqs[0] ?? 0;
          expect(seqs).toEqual(Array.from({ length: published }, (_, i) => first + i));
          expect(increasing(firstSeen(got.filter((r) => r.kind === 'event')))).toBe(true);
          expect(increasing(firstSeen(got.filter((r) => r.kind === 'health' && r.retain)))).toBe(true);
          expect(increasing(firstSeen(got.filter((r) => r.kind === 'health' && !r.retain)))).toBe(true);
        } finally {
          await a.stack.stop().catch(() => undefined);
          await a.store.close().catch(() => undefined);
          await broker.down();
        }
      }),
      { numRuns: 30 },
    );
  }, 180_000);
});
