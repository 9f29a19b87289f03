import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { withTimeout } from '../hal/errors.js';
import type { StationTopics } from './topics.js';
import type { StatusPayload } from './payloads.js';

export interface PublisherOptions {
  url: string;
  clientId: string;
  username?: string;
  password?: Buffer;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  keepaliveSeconds: number;
  topics: StationTopics;
  /** The birth message, made afresh on every (re)connect. */
  birth: () => StatusPayload;
  /** The Will, registered with the broker at connect. */
  will: () => StatusPayload;
  log: Logger;
}

/** Turn a connection error into what a technician should check. */
export function explainMqttError(err: Error & { code?: unknown }, url: string): string {
  const code = err.code;
  if (code === 4 || code === 134) return `the broker refused the login (bad username or password): check mqtt.username and mqtt.passwordFile`;
  if (code === 5 || code === 135) return `the broker refused the login (not authorised; Mosquitto says this for a wrong password too): check mqtt.username and mqtt.passwordFile, then the broker's password file and ACL`;
  if (code === 'ECONNREFUSED') return `nothing accepts connections at ${url}: check mqtt.url and that the broker is running`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the broker host in ${url} cannot be resolved: check mqtt.url and DNS`;
  if (typeof code === 'string' && /CERT|SELF_SIGNED|TLS|SSL/.test(code)) {
    return `the broker's TLS certificate was not accepted (${code}): check mqtt.ca (and mqtt.cert / mqtt.key)`;
  }
  return `${err.message}: check mqtt.url and the network`;
}

/**
 * The MQTT side of telemetry: one mqtt.js client with a retained birth `status` on every
 * connect, the Will for an unclean loss, and a retained shutdown `status` on a clean stop.
 * Publishing never blocks the caller on a broker outage; mqtt.js queues while offline.
 */
export class MqttPublisher {
  private client: MqttClient | undefined;
  private lastError: string | undefined;

  constructor(private readonly opts: PublisherOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  start(): void {
    const o = this.opts;
    const will = o.will();
    const options: IClientOptions = {
      clientId: o.clientId,
      username: o.username,
      password: o.password,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      keepalive: o.keepaliveSeconds,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 10_000,
      will: { topic: o.topics.status, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on('connect', () => {
      this.lastError = undefined;
      o.log.info({ url: o.url }, 'connected to the MQTT broker');
      this.publish(o.topics.status, o.birth(), true).catch((err: Error) => o.log.warn({ err: err.message }, 'birth status not published'));
    });
    client.on('error', (err) => {
      const text = explainMqttError(err, o.url);
      if (text !== this.lastError) o.log.error({ url: o.url }, `MQTT: ${text}`);
      this.lastError = text;
    });
    // Say once that the link went down, not on every failed retry.
    let up = false;
    client.on('connect', () => (up = true));
    client.on('close', () => {
      if (up) o.log.warn({ url: o.url }, 'MQTT connection lost; telemetry waits and retries');
      up = false;
    });
  }

  /** Publish at QoS 1; resolves on the broker's PUBACK. */
  async publish(topic: string, payload: object, retain: boolean): Promise<void> {
    if (!this.client) throw new Error('publisher not started');
    await this.client.publishAsync(topic, JSON.stringify(payload), { qos: 1, retain });
  }

  /**
   * Clean stop: the retained shutdown status (waiting at most `timeoutMs` for its PUBACK),
   * then a DISCONNECT, so the broker does not publish the Will.
   */
  async stop(shutdown: StatusPayload, timeoutMs: number): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      await withTimeout(this.publish(this.opts.topics.status, shutdown, true), timeoutMs, 'the broker').catch((err: Error) =>
        this.opts.log.warn({ err: err.message }, 'shutdown status not acknowledged'),
      );
    }
    await withTimeout(client.endAsync(!client.connected), timeoutMs, 'the broker').catch(() => client.end(true));
    this.client = undefined;
  }
}
