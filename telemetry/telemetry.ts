import type { Logger } from 'pino';
import type { Queryable } from '../agent/store/db.js';
import { Store } from '../agent/store/store.js';
import type { Clock } from '../hal/clock.js';
import type { EventBody, EventPayload, HealthBody, HealthPayload } from './payloads.js';
import type { StationTopics } from './topics.js';

export const LAST_HEALTH_KEY = 'health.last';

/** Where the station loop sends what happened. */
export interface TelemetrySink {
  health(body: HealthBody): Promise<HealthPayload>;
  /** `alsoInTx` runs in the same transaction that takes the event's seq. */
  event(body: EventBody, alsoInTx?: (tx: Queryable) => Promise<void>): Promise<EventPayload>;
}

export interface Publish {
  publish(topic: string, payload: object, retain: boolean): Promise<void>;
}

/**
 * Stamps each message with its envelope (schema, station, ts, seq) in one SQLite transaction
 * with whatever else must change with it, then hands it to the publisher. A delivery failure
 * is logged, never thrown into the station loop.
 */
export class Telemetry implements TelemetrySink {
  constructor(
    private readonly store: Store,
    private readonly publisher: Publish,
    private readonly stationId: string,
    private readonly topics: StationTopics,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async health(body: HealthBody): Promise<HealthPayload> {
    const payload = await this.store.db.transaction(async (tx) => {
      const p: HealthPayload = { schema: 'station.health/1', station: this.stationId, ts: this.isoNow(), seq: await Store.nextSeq(tx), ...body };
      await this.store.setState(LAST_HEALTH_KEY, p, new Date(this.clock.now()), tx);
      return p;
    });
    this.send(this.topics.health, payload, true);
    return payload;
  }

  async event(body: EventBody, alsoInTx?: (tx: Queryable) => Promise<void>): Promise<EventPayload> {
    const payload = await this.store.db.transaction(async (tx) => {
      const p: EventPayload = { schema: 'station.event/1', station: this.stationId, ts: this.isoNow(), seq: await Store.nextSeq(tx), ...body };
      await alsoInTx?.(tx);
      return p;
    });
    this.send(this.topics.event, payload, false);
    return payload;
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private send(topic: string, payload: { seq: number }, retain: boolean): void {
    this.publisher.publish(topic, payload, retain).catch((err: Error) => {
      this.log.warn({ topic, seq: payload.seq, err: err.message }, 'telemetry message not delivered');
    });
  }
}
