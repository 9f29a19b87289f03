import mqtt, { type MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  kind: string;
  payload: Record<string, unknown>;
  retain: boolean;
  at: number;
}

/** A subscriber as the dashboard would be one: everything under a filter, parsed, in order. */
export class MqttWatch {
  readonly messages: Seen[] = [];
  private constructor(readonly client: MqttClient) {}

  static async start(url: string, filter: string, opts: mqtt.IClientOptions = {}, sub: Partial<mqtt.IClientSubscribeOptions> = {}): Promise<MqttWatch> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...opts });
    const watch = new MqttWatch(client);
    client.on('message', (topic, buf, packet) => {
      let payload: Record<string, unknown>;
      try {
        payload = JSON.parse(buf.toString()) as Record<string, unknown>;
      } catch {
        payload = { unparsable: buf.toString() };
      }
      watch.messages.push({ topic, kind: topic.split('/').pop() ?? '', payload, retain: packet.retain, at: Date.now() });
    });
    await client.subscribeAsync(filter, { qos: 1, ...sub });
    return watch;
  }

  of(kind: string): Seen[] {
    return this.messages.filter((m) => m.kind === kind);
  }

  async waitFor(what: string, pred: (m: Seen) => boolean, timeoutMs = 10_000, after = 0): Promise<Seen> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.slice(after).find(pred);
      if (hit) return hit;
      if (Date.now() > end) {
        const tail = this.messages.slice(-8).map((m) => `${m.topic} ${JSON.stringify(m.payload).slice(0, 200)}`);
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last messages:\n${tail.join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
  }
}
