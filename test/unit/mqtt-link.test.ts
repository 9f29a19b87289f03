/**
 * The link the agent and the dashboard both reach their broker by: reconnecting on the injected
 * clock with back-off, saying what went wrong, falling back to MQTT 3.1.1 only when asked.
 * The broker is a few lines over a real socket, so the packets are what mqtt.js really sends.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { MqttLink, type LinkOptions } from '../../telemetry/link.js';
import { waitUntil } from '../support/peers.js';

const CONNACK_311 = (code: number) => Buffer.from([0x20, 0x02, 0x00, code]);

interface FakeBroker {
  server: Server;
  port: number;
  /** The protocol level of each CONNECT, in order. */
  levels: number[];
  /** Types of the packets after each CONNECT (3 PUBLISH, 14 DISCONNECT). */
  packets: number[];
  sockets: Set<Socket>;
  listen(): Promise<void>;
  close(): Promise<void>;
}

/** The packets in one read (whole ones: these are a few bytes each, on loopback). */
function packetsIn(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    let length = 0;
    let i = at + 1;
    for (let shift = 0; ; shift += 7) {
      const byte = data[i++] ?? 0;
      length += (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) break;
    }
    out.push(data.subarray(at, i + length));
    at = i + length;
  }
  return out;
}

/** Answers a CONNECT as `answer` says (a CONNACK code, or null for MQTT 5's success). */
async function fakeBroker(answer: (level: number) => Buffer, port = 0): Promise<FakeBroker> {
  const b: FakeBroker = {
    server: createServer((socket) => {
      b.sockets.add(socket);
      socket.on('close', () => b.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.on('data', (data) => {
        for (const packet of packetsIn(data)) {
          const type = (packet[0] ?? 0) >> 4;
          if (type !== 1) {
            b.packets.push(type);
            continue;
          }
          // Fixed header, remaining length (one byte while under 128), "\0\4MQTT", then the level.
          const level = packet[8] ?? 0;
          b.levels.push(level);
          socket.write(answer(level));
        }
      });
    }),
    port,
    levels: [],
    packets: [],
    sockets: new Set(),
    listen: () => new Promise<void>((resolve) => b.server.listen(b.port, '127.0.0.1', () => ((b.port = (b.server.address() as AddressInfo).port), resolve()))),
    async close() {
      for (const s of b.sockets) s.destroy();
      await new Promise<void>((resolve) => b.server.close(() => resolve()));
    },
  };
  await b.listen();
  return b;
}

/** The log's lines, as level and message. */
function recordingLog(): { log: Logger; lines: [string, string][] } {
  const lines: [string, string][] = [];
  const at = (level: string) => (obj: unknown, msg?: string) => lines.push([level, typeof obj === 'string' ? obj : (msg ?? '')]);
  return { log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger, lines };
}

const links: MqttLink[] = [];
const brokers: FakeBroker[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.stop(500)));
  await Promise.all(brokers.splice(0).map((b) => b.close().catch(() => undefined)));
});

function newLink(port: number, clock: ManualClock, log: Logger, over: Partial<LinkOptions> = {}): MqttLink {
  const link = new MqttLink({
    url: `mqtt://127.0.0.1:${port}`,
    client: () => ({ clientId: 'unit-link', protocolVersion: 4, connectTimeout: 5000 }),
    backoff: { initialMs: 1000, maxMs: 4000 },
    clock,
    log,
    // No jitter in the waits: each is its ceiling.
    random: () => 1,
    ...over,
  });
  links.push(link);
  return link;
}

describe('the link to the broker', () => {
  it('after a lost session it waits on the injected clock, doubling the wait while attempts fail, and comes back', async () => {
    const broker = await fakeBroker(() => CONNACK_311(0));
    brokers.push(broker);
    const clock = new ManualClock();
    const { log, lines } = recordingLog();
    const link = newLink(broker.port, clock, log);
    const downs: number[] = [];
    link.on('down', () => downs.push(clock.monotonic()));
    link.start();
    await waitUntil('the first session', () => link.isConnected);

    // The broker goes away: the session ends and nothing is tried until the clock moves.
    await broker.close();
    await waitUntil('the loss', () => downs.length === 1);
    expect(link.isConnected).toBe(false);
    // The next attempt is a timer on the injected clock, a second away; nothing else was started.
    expect(clock.nextTimerIn()).toBe(1000);
    expect(broker.levels).toHaveLength(1);

    // First retry after 1 s: refused, and the reason kept and logged.
    clock.advance(1000);
    await waitUntil('the refused attempt', () => link.failuresInARow === 2);
    expect(link.lastErrorText).toMatch(/nothing accepts connections at mqtt:\/\/127\.0\.0\.1:\d+/);
    // Then 2 s: the broker is back meanwhile, and only the full wait brings the next attempt.
    expect(clock.nextTimerIn()).toBe(2000);
    await broker.listen();
    clock.advance(1999);
    expect(clock.nextTimerIn()).toBe(1);
    expect(broker.levels).toHaveLength(1);
    clock.advance(1);
    await waitUntil('the session again', () => link.isConnected);
    expect(broker.levels).toHaveLength(2);
    expect(link.lastErrorText).toBeNull();
    expect(link.failuresInARow).toBe(0);
    expect(lines.filter(([level, msg]) => level === 'error' && msg.startsWith('MQTT: nothing accepts'))).toHaveLength(1);
  });

  it("logs a repeated error once, and a late error of a finished client is kept, not thrown", async () => {
    const clock = new ManualClock();
    const { log, lines } = recordingLog();
    // A port nobody listens on: every attempt is refused.
    const gone = await fakeBroker(() => CONNACK_311(0));
    const port = gone.port;
    await gone.close();
    const link = newLink(port, clock, log);
    link.start();
    for (let attempt = 1; attempt <= 3; attempt++) {
      if (attempt > 1) clock.advance(4000);
      await waitUntil(`refusal ${attempt}`, () => link.failuresInARow === attempt);
    }
    expect(lines.filter(([level]) => level === 'error')).toHaveLength(1);

    const broker = await fakeBroker(() => CONNACK_311(0), port);
    brokers.push(broker);
    clock.advance(4000);
    await waitUntil('the session', () => link.isConnected);
    const client = link.client!;
    await link.stop(500);
    const late = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    expect(() => client.emit('error', late)).not.toThrow();
    expect(link.lastErrorText).toMatch(/read ECONNRESET/);
  });

  it('falls back to MQTT 3.1.1 for a broker that refuses 5, only where asked', async () => {
    // A 3.1.1 broker: "unacceptable protocol version" to MQTT 5, then it hangs up.
    const broker = await fakeBroker((level) => (level === 5 ? CONNACK_311(1) : CONNACK_311(0)));
    brokers.push(broker);
    broker.server.on('connection', (s) => s.on('data', (d) => d[0] === 0x10 && d[8] === 5 && s.end()));
    const clock = new ManualClock();
    const five = () => ({ clientId: 'unit-link', protocolVersion: 5 as const, properties: { sessionExpiryInterval: 60 } });

    const { log, lines } = recordingLog();
    const dashboard = newLink(broker.port, clock, log, { client: five, fallBackTo311: true });
    dashboard.start();
    await waitUntil('the refusal', () => dashboard.failuresInARow === 1);
    clock.advance(1000);
    await waitUntil('the 3.1.1 session', () => dashboard.isConnected);
    expect(broker.levels).toEqual([5, 4]);
    expect(lines).toContainEqual(['warn', 'the broker does not speak MQTT 5; using MQTT 3.1.1 (set mqtt.protocolVersion: 4 to skip this)']);
    await dashboard.stop(500);

    // A station needs MQTT 5's reason codes: it keeps asking for 5, and says why it is refused.
    broker.levels.length = 0;
    const station = newLink(broker.port, clock, recordingLog().log, { client: five });
    station.start();
    await waitUntil('the refusal', () => station.failuresInARow === 1);
    clock.advance(1000);
    await waitUntil('the second refusal', () => station.failuresInARow === 2);
    expect(broker.levels).toEqual([5, 5]);
    expect(station.lastErrorText).toMatch(/Unacceptable protocol version/i);
  });

  it('stops: the farewell goes out while the session is up, then DISCONNECT, and no attempt after', async () => {
    const broker = await fakeBroker(() => CONNACK_311(0));
    brokers.push(broker);
    const clock = new ManualClock();
    const link = newLink(broker.port, clock, recordingLog().log);
    link.start();
    await waitUntil('the session', () => link.isConnected);
    let farewellWhileUp: boolean | undefined;
    await link.stop(500, async () => {
      farewellWhileUp = link.isConnected;
      // QoS 0: no acknowledgement to wait for from this broker.
      await link.client!.publishAsync('t/status', 'bye', { qos: 0 });
    });
    expect(farewellWhileUp).toBe(true);
    await waitUntil('the DISCONNECT', () => broker.packets.includes(14));
    expect(broker.packets).toEqual([3, 14]);
    // Once the session's socket is closed at both ends, no attempt waits on the clock.
    await waitUntil('the socket closed', () => broker.sockets.size === 0);
    expect(clock.nextTimerIn()).toBeNull();
    clock.advance(60_000);
    expect(broker.levels).toHaveLength(1);
  });
});
