import { EventEmitter } from 'node:events';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { Backoff, type BackoffOptions } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { withTimeout } from '../hal/errors.js';
import { connectMqtt, explainMqttError, type MqttOptions } from './mqtt-client.js';
import type { StatusPayload } from './payloads.js';
import type { StationTopics } from './topics.js';

export interface ConnectionOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: Buffer;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  keepaliveSeconds: number;
  protocolVersion: 4 | 5;
  /** Waits between reconnect attempts: doubling from initialMs to maxMs, half of each random. */
  backoff: Pick<BackoffOptions, 'initialMs' | 'maxMs'>;
  topics: StationTopics;
  birth: () => StatusPayload;
  will: () => StatusPayload;
  clock: Clock;
  log: Logger;
  random?: () => number;
}

interface ConnectionEvents {
  /** A session is up: the birth status is published; publish through `client`. */
  up: [client: MqttClient];
  /** The session ended; what was in flight is not acknowledged. */
  down: [];
  message: [topic: string, payload: Buffer, retained: boolean];
}

/**
 * One MQTT session at a time, with our own reconnect: a fresh mqtt.js client per attempt
 * (mqtt.js's reconnect is off), so nothing is re-sent from mqtt.js's in-memory store behind
 * the outbox's back, and attempts back off exponentially with jitter.
 */
export class MqttConnection extends EventEmitter<ConnectionEvents> {
  private client: MqttClient | undefined;
  private connected = false;
  private readonly backoff: Backoff;
  private cancelRetry: (() => void) | undefined;
  private stopped = false;
  private lastError: string | undefined;
  lastErrorText: string | null = null;
  /** The broker's limit on QoS 1 messages in flight, from its MQTT 5 CONNACK. */
  receiveMaximum: number | undefined;

  constructor(private readonly o: ConnectionOptions) {
    super();
    // A province's stations lose their broker together: jitter keeps them from returning in lockstep.
    this.backoff = new Backoff({ ...o.backoff, jitter: true }, o.clock, o.random);
  }

  get isConnected(): boolean {
    return this.connected;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  private connect(): void {
    const o = this.o;
    const options: MqttOptions = {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      keepalive: o.keepaliveSeconds,
      protocolVersion: o.protocolVersion,
      clean: true,
      // mqtt-packet's write cache is 65,536 pre-made two-byte Buffers (6 MB of heap, for the life
      // of the process) to save an allocation per packet id: worth nothing at a station's rate.
      writeCache: false,
      reconnectPeriod: 0,
      connectTimeout: 15_000,
      resubscribe: false,
      will: { topic: o.topics.status, payload: Buffer.from(JSON.stringify(o.will())), qos: 1, retain: true },
    };
    // Every error of this client, late ones too, is logged (once while it repeats) and becomes
    // the health payload's mqtt.lastError.
    const client = connectMqtt(o.url, options, (err) => {
      const text = explainMqttError(err, o.url).en;
      this.lastErrorText = text;
      if (text !== this.lastError) o.log.error({ url: o.url }, `MQTT: ${text}`);
      this.lastError = text;
    });
    this.client = client;
    client.on('connect', (connack) => {
      if (this.client !== client) {
        client.end(true);
        return;
      }
      this.connected = true;
      this.receiveMaximum = connack.properties?.receiveMaximum;
      this.backoff.succeeded();
      this.lastError = undefined;
      this.lastErrorText = null;
      o.log.info({ url: o.url }, 'connected to the MQTT broker');
      // The session can end under us between these calls (mqtt.js then refuses them by
      // throwing): each step checks it is still the live session, and nothing escapes.
      try {
        // Retain-as-published (MQTT 5): a retained command shows as retained even when it
        // arrives live, so it is refused rather than run.
        client.subscribe(o.topics.cmdFilter, { qos: 1, ...(o.protocolVersion === 5 ? { rap: true } : {}) }, (err) => {
          if (err) o.log.error({ err: err.message, topic: o.topics.cmdFilter }, "cannot subscribe to commands: check the broker's ACL");
        });
        if (this.client !== client || !client.connected) return;
        client.publish(o.topics.status, JSON.stringify(o.birth()), { qos: 1, retain: true }, (err) => {
          if (err) o.log.warn({ err: err.message }, 'birth status not acknowledged');
        });
      } catch (err) {
        o.log.warn({ err: (err as Error).message }, 'the MQTT session ended while it was starting');
        return;
      }
      if (this.client === client && this.connected) this.emit('up', client);
    });
    client.on('message', (topic, payload, packet) => this.emit('message', topic, payload, packet.retain));
    client.on('close', () => {
      if (this.client !== client) return;
      const wasUp = this.connected;
      this.connected = false;
      this.client = undefined;
      client.removeAllListeners('message');
      // Not from inside mqtt.js's own close handling: it may still be using the client.
      setImmediate(() => client.end(true));
      if (wasUp) {
        o.log.warn({ url: o.url }, 'MQTT connection lost; telemetry stays in the outbox and is sent on reconnect');
        this.emit('down');
      }
      if (!this.stopped) {
        const delay = this.backoff.failed();
        o.log.debug({ delayMs: delay, attempt: this.backoff.failuresInARow }, 'MQTT reconnect scheduled');
        this.cancelRetry = o.clock.setTimer(() => this.connect(), delay);
      }
    });
  }

  /** Publish on the current session; rejects if there is none or the broker refuses it. */
  publish(topic: string, payload: string, retain: boolean): Promise<void> {
    const client = this.client;
    if (!client || !this.connected) return Promise.reject(new Error('not connected'));
    return client.publishAsync(topic, payload, { qos: 1, retain }).then(() => undefined);
  }

  /**
   * Clean stop: the retained shutdown status (waiting at most `timeoutMs` for its PUBACK),
   * then DISCONNECT, so the broker does not publish the Will.
   */
  async stop(shutdown: StatusPayload, timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.cancelRetry?.();
    const client = this.client;
    if (!client) return;
    if (this.connected) {
      await withTimeout(this.publish(this.o.topics.status, JSON.stringify(shutdown), true), timeoutMs, 'the broker').catch((err: Error) =>
        this.o.log.warn({ err: err.message }, 'shutdown status not acknowledged'),
      );
    }
    this.client = undefined;
    this.connected = false;
    await withTimeout(client.endAsync(false), timeoutMs, 'the broker').catch(() => client.end(true));
  }
}
