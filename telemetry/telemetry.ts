import type { Logger } from 'pino';
import type { Queryable } from '../agent/store/db.js';
import type { Store } from '../agent/store/store.js';
import type { Clock } from '../hal/clock.js';
import type { Dropped, Outbox } from './outbox.js';
import type { EventBody, EventPayload, HealthPayload, StationBody, TelemetryStatus } from './payloads.js';
import type { StationTopics } from './topics.js';

export const LAST_HEALTH_KEY = 'health.last';

/** Where the station loop sends what happened. */
export interface TelemetrySink {
  health(body: StationBody): Promise<HealthPayload>;
  /** `alsoInTx` runs in the same transaction that takes the event's seq. */
  event(body: EventBody, alsoInTx?: (tx: Queryable) => Promise<void>): Promise<EventPayload>;
}

export interface LinkStatus {
  connected: boolean;
  lastError: string | null;
  refused: number;
}

/**
 * Stamps each message with its envelope (schema, station, ts, seq) and stores it in the
 * outbox, in one transaction with whatever must change with it; the Sender publishes it.
 * When the outbox had to drop messages to stay in its bounds, says so once per episode with a
 * `telemetry.dropped` event, cleared when the backlog has drained.
 */
export class Telemetry implements TelemetrySink {
  private droppedRaised = false;

  constructor(
    private readonly store: Store,
    private readonly outbox: Outbox,
    private readonly link: () => LinkStatus,
    private readonly stationId: string,
    private readonly topics: StationTopics,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  status(): TelemetryStatus {
    const s = this.outbox.stats();
    const l = this.link();
    return {
      connected: l.connected,
      backlog: s.backlog,
      backlogBytes: s.backlogBytes,
      oldestBacklogSeconds: s.oldestAt === null ? null : Math.max(0, Math.round((this.clock.now() - s.oldestAt) / 1000)),
      dropped: s.dropped.health + s.dropped.event,
      droppedEvents: s.dropped.event,
      refused: l.refused,
      lastError: l.connected ? null : l.lastError,
    };
  }

  async health(body: StationBody): Promise<HealthPayload> {
    if (this.droppedRaised && this.link().connected && this.outbox.stats().backlog === 0) {
      this.droppedRaised = false;
      await this.event({ code: 'telemetry.dropped', state: 'cleared', severity: 'warning', message: 'the telemetry backlog has been delivered' });
    }
    let built: HealthPayload | undefined;
    const { payload, dropped } = await this.outbox.add(
      'health',
      this.topics.health,
      (seq) => (built = { schema: 'station.health/1', station: this.stationId, ts: this.isoNow(), seq, ...body, telemetry: this.status() }),
      (tx) => this.store.setState(LAST_HEALTH_KEY, built, new Date(this.clock.now()), tx),
    );
    await this.reportDropped(dropped);
    return payload;
  }

  async event(body: EventBody, alsoInTx?: (tx: Queryable) => Promise<void>): Promise<EventPayload> {
    const { payload, dropped } = await this.outbox.add(
      'event',
      this.topics.event,
      (seq): EventPayload => ({ schema: 'station.event/1', station: this.stationId, ts: this.isoNow(), seq, ...body }),
      alsoInTx,
    );
    await this.reportDropped(dropped);
    return payload;
  }

  private async reportDropped(d: Dropped): Promise<void> {
    if (d.health + d.event === 0) return;
    const total = this.outbox.stats().dropped;
    this.log.warn({ dropped: d, total }, 'outbox over its bounds: oldest messages dropped');
    if (this.droppedRaised) return;
    this.droppedRaised = true;
    await this.event({
      code: 'telemetry.dropped',
      state: 'raised',
      severity: 'warning',
      message: `the broker has been unreachable long enough to fill the outbox: ${total.health} health samples and ${total.event} events dropped so far (older health is thinned first)`,
    });
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
