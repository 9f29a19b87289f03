import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import { MqttConnection, type ConnectionOptions } from './connection.js';
import { Outbox, type OutboxLimits } from './outbox.js';
import type { StatusPayload } from './payloads.js';
import { Sender } from './sender.js';
import type { TelemetryStorage } from './storage.js';
import { Telemetry } from './telemetry.js';
import { stationTopics, type StationIdentity, type StationTopics } from './topics.js';

export interface TelemetryStackOptions {
  store: TelemetryStorage;
  station: StationIdentity;
  topicPrefix: string;
  mqtt: Omit<ConnectionOptions, 'topics' | 'birth' | 'will' | 'clock' | 'log'>;
  outbox: OutboxLimits;
  version: string;
  /** The office the station belongs to, in its status. */
  office?: NonNullable<StatusPayload['office']>;
  /** The random id of this PC's database, in its status: two PCs claiming one station id show two. */
  installId?: string;
  clock: Clock;
  log: Logger;
}

export interface TelemetryStack {
  topics: StationTopics;
  connection: MqttConnection;
  outbox: Outbox;
  sender: Sender;
  telemetry: Telemetry;
  start(): void;
  /** Flush acknowledgements, publish the shutdown status, disconnect (no Will). */
  stop(): Promise<void>;
}

/** The whole way from a health sample to the broker: outbox, sender, connection, in one piece. */
export async function createTelemetryStack(o: TelemetryStackOptions): Promise<TelemetryStack> {
  const startedAt = new Date(o.clock.now()).toISOString();
  const topics = stationTopics(o.topicPrefix, o.station);
  /** The birth (no reason) or an offline status with why. */
  const status = (reason?: 'lost' | 'shutdown'): StatusPayload => {
    const common = {
      schema: 'station.status/1' as const,
      station: o.station.id,
      ts: new Date(o.clock.now()).toISOString(),
      version: o.version,
      startedAt,
      ...(o.station.name ? { name: o.station.name } : {}),
      ...(o.office ? { office: o.office } : {}),
      ...(o.installId ? { installId: o.installId } : {}),
    };
    return reason ? { ...common, online: false, reason } : { ...common, online: true };
  };
  const connection = new MqttConnection({
    ...o.mqtt,
    topics,
    birth: () => status(),
    will: () => status('lost'),
    clock: o.clock,
    log: o.log.child({ part: 'mqtt' }),
  });
  const outbox = new Outbox(o.store, o.outbox, o.clock);
  await outbox.init();
  const sender = new Sender(outbox, o.log.child({ part: 'outbox' }), o.clock);
  const telemetry = new Telemetry(
    o.store,
    outbox,
    () => ({ connected: connection.isConnected, lastError: connection.lastErrorText, refused: sender.refused }),
    o.station.id,
    topics,
    o.clock,
    o.log.child({ part: 'telemetry' }),
    (topic, payload, retain) => connection.publish(topic, payload, retain),
  );
  connection.on('up', () => sender.up(connection, connection.receiveMaximum));
  connection.on('down', () => sender.down());
  return {
    topics,
    connection,
    outbox,
    sender,
    telemetry,
    start: () => connection.start(),
    async stop() {
      await sender.flush();
      await connection.stop(status('shutdown'), 700);
      sender.down();
      await sender.flush();
    },
  };
}
