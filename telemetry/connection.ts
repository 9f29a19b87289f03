import { EventEmitter } from 'node:events';
import type { IConnackPacket, MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { BackoffOptions } from '../core/backoff.js';
import type { Clock } from '../core/clock.js';
import { withTimeout } from '../hal/errors.js';
import { MqttLink } from './link.js';
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
 * The station's session with the broker, on the link that reconnects (link.ts): a Will and a
 * birth status, the province's commands subscribed, and a shutdown status on a clean stop.
 */
export class MqttConnection extends EventEmitter<ConnectionEvents> {
  private readonly link: MqttLink;
  /** The broker's limit on QoS 1 messages in flight, from its MQTT 5 CONNACK. */
  receiveMaximum: number | undefined;

  constructor(private readonly o: ConnectionOptions) {
    super();
    this.link = new MqttLink({
      url: o.url,
      client: () => ({
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
        connectTimeout: 15_000,
        resubscribe: false,
        will: { topic: o.topics.status, payload: Buffer.from(JSON.stringify(o.will())), qos: 1, retain: true },
      }),
      backoff: o.backoff,
      clock: o.clock,
      log: o.log,
      random: o.random,
    });
    this.link.on('connect', (client, connack) => this.started(client, connack));
    this.link.on('message', (topic, payload, retained) => this.emit('message', topic, payload, retained));
    this.link.on('down', () => {
      o.log.warn({ url: o.url }, 'MQTT connection lost; telemetry stays in the outbox and is sent on reconnect');
      this.emit('down');
    });
  }

  get isConnected(): boolean {
    return this.link.isConnected;
  }

  /** What the last connection error means, until a session is up again. */
  get lastErrorText(): string | null {
    return this.link.lastErrorText;
  }

  start(): void {
    this.link.start();
  }

  private started(client: MqttClient, connack: IConnackPacket): void {
    const o = this.o;
    this.receiveMaximum = connack.properties?.receiveMaximum;
    // The session can end under us between these calls (mqtt.js then refuses them by
    // throwing): each step checks it is still the live session, and nothing escapes.
    try {
      // Retain-as-published (MQTT 5): a retained command shows as retained even when it
      // arrives live, so it is refused rather than run.
      client.subscribe(o.topics.cmdFilter, { qos: 1, ...(o.protocolVersion === 5 ? { rap: true } : {}) }, (err) => {
        if (err) o.log.error({ err: err.message, topic: o.topics.cmdFilter }, "cannot subscribe to commands: check the broker's ACL");
      });
      if (!this.link.isLive(client) || !client.connected) return;
      client.publish(o.topics.status, JSON.stringify(o.birth()), { qos: 1, retain: true }, (err) => {
        if (err) o.log.warn({ err: err.message }, 'birth status not acknowledged');
      });
    } catch (err) {
      o.log.warn({ err: (err as Error).message }, 'the MQTT session ended while it was starting');
      return;
    }
    if (this.link.isLive(client)) this.emit('up', client);
  }

  /** Publish on the current session; rejects if there is none or the broker refuses it. */
  publish(topic: string, payload: string, retain: boolean): Promise<void> {
    const client = this.link.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return client.publishAsync(topic, payload, { qos: 1, retain }).then(() => undefined);
  }

  /**
   * Clean stop: the retained shutdown status (waiting at most `timeoutMs` for its PUBACK),
   * then DISCONNECT, so the broker does not publish the Will.
   */
  async stop(shutdown: StatusPayload, timeoutMs: number): Promise<void> {
    await this.link.stop(timeoutMs, () =>
      withTimeout(this.o.clock, this.publish(this.o.topics.status, JSON.stringify(shutdown), true), timeoutMs, 'the broker').catch((err: Error) =>
        this.o.log.warn({ err: err.message }, 'shutdown status not acknowledged'),
      ),
    );
  }
}
