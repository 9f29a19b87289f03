/**
 * A link to the broker that comes back by itself: one mqtt.js client per attempt (mqtt.js's own
 * reconnect is off), and between attempts our back-off on the injected clock, doubling with
 * jitter. The station's session (connection.ts) and the dashboard both ride on it, so both come
 * back to a broker the same way, and both log and keep what went wrong the same way.
 *
 * A fresh client per attempt: nothing is re-sent from mqtt.js's in-memory store behind the
 * outbox's back, and a client that closed is done with (no half-closed state to reason about).
 */
import { EventEmitter } from 'node:events';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { withTimeout } from '../hal/errors.js';
import { connectMqtt, explainMqttError, type MqttOptions } from './mqtt-client.js';

export interface LinkOptions {
  url: string;
  /** The client's options, asked afresh for each attempt (the station's Will carries its time). */
  client: () => Omit<MqttOptions, 'reconnectPeriod'>;
  /** Waits between attempts: doubling from initialMs to maxMs, half of each random. */
  backoff: Pick<BackoffOptions, 'initialMs' | 'maxMs'>;
  /**
   * A broker that refuses MQTT 5 (CONNACK 1: unacceptable protocol version, as Aedes and old
   * Mosquitto answer) is spoken to in MQTT 3.1.1 from the next attempt on. Only for a client
   * that needs nothing of MQTT 5: the dashboard; a station relies on its reason codes.
   */
  fallBackTo311?: boolean;
  clock: Clock;
  log: Logger;
  random?: () => number;
}

interface LinkEvents {
  /** The broker took the session: subscribe and publish on `client`, checking `isLive` between steps. */
  connect: [client: MqttClient, connack: IConnackPacket];
  /** The session that was up has ended; what was in flight is not acknowledged. */
  down: [];
  message: [topic: string, payload: Buffer, retained: boolean];
}

export class MqttLink extends EventEmitter<LinkEvents> {
  private current: MqttClient | undefined;
  private connected = false;
  private stopped = true;
  private speaks311 = false;
  private cancelRetry: (() => void) | undefined;
  private readonly backoff: Backoff;
  private lastError: string | null = null;

  constructor(private readonly o: LinkOptions) {
    super();
    // A province's stations lose their broker together: jitter keeps them from returning in lockstep.
    this.backoff = new Backoff({ ...o.backoff, jitter: true }, o.clock, o.random);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The client of the session that is up; undefined between sessions. */
  get client(): MqttClient | undefined {
    return this.connected ? this.current : undefined;
  }

  /** Whether `client` is still the session that is up (a session can end between two calls). */
  isLive(client: MqttClient): boolean {
    return this.connected && this.current === client;
  }

  /** What the last error means, in English, until a session is up again (health's mqtt.lastError). */
  get lastErrorText(): string | null {
    return this.lastError;
  }

  /** Failed attempts since the last session was up. */
  get failuresInARow(): number {
    return this.backoff.failuresInARow;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt();
  }

  private attempt(): void {
    const o = this.o;
    const options: MqttOptions = { ...o.client(), reconnectPeriod: 0 };
    if (this.speaks311) {
      options.protocolVersion = 4;
      delete options.properties;
    }
    const client = connectMqtt(o.url, options, (err) => this.failed(err, options.protocolVersion));
    this.current = client;
    client.on('connect', (connack) => {
      if (this.current !== client) {
        client.end(true);
        return;
      }
      this.connected = true;
      this.backoff.succeeded();
      this.lastError = null;
      o.log.info({ url: o.url }, 'connected to the MQTT broker');
      this.emit('connect', client, connack);
    });
    client.on('message', (topic, payload, packet) => this.emit('message', topic, payload, packet.retain));
    client.on('close', () => {
      if (this.current !== client) return;
      const wasUp = this.connected;
      this.connected = false;
      this.current = undefined;
      client.removeAllListeners('message');
      // Not from inside mqtt.js's own close handling: it may still be using the client.
      setImmediate(() => client.end(true));
      if (wasUp) this.emit('down');
      if (this.stopped) return;
      const delay = this.backoff.failed();
      o.log.debug({ delayMs: delay, attempt: this.backoff.failuresInARow }, 'MQTT reconnect scheduled');
      this.cancelRetry = o.clock.setTimer(() => this.attempt(), delay);
    });
  }

  /**
   * Every error of every client this link made, late ones too: logged (once while it repeats)
   * and kept as lastErrorText; none is dropped. mqtt.js closes the client after it, and the close
   * schedules the next attempt.
   */
  private failed(err: Error & { code?: unknown }, protocolVersion: MqttOptions['protocolVersion']): void {
    if (this.o.fallBackTo311 && protocolVersion === 5 && err.code === 1 && !this.speaks311) {
      this.speaks311 = true;
      this.o.log.warn({ url: this.o.url }, 'the broker does not speak MQTT 5; using MQTT 3.1.1 (set mqtt.protocolVersion: 4 to skip this)');
      return;
    }
    const text = explainMqttError(err, this.o.url).en;
    if (text !== this.lastError) this.o.log.error({ url: this.o.url }, `MQTT: ${text}`);
    this.lastError = text;
  }

  /**
   * No more attempts; `farewell` (the station's shutdown status) is sent while the session is
   * still up, then DISCONNECT, so the broker does not publish the Will. Each waits at most
   * `timeoutMs` for the broker.
   */
  async stop(timeoutMs: number, farewell?: () => Promise<void>): Promise<void> {
    this.stopped = true;
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    if (this.connected && farewell) await farewell();
    const client = this.current;
    this.current = undefined;
    this.connected = false;
    if (!client) return;
    await withTimeout(this.o.clock, client.endAsync(false), timeoutMs, 'the broker').catch(() => client.end(true));
  }
}
