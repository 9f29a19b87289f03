import type { Logger } from 'pino';
import type { Clock } from '../core/clock.js';
import type { Text } from '../core/i18n.js';
import { EVENT_CODES } from './event-codes.js';
import type { Dropped, Outbox } from './outbox.js';
import type { EventBody, EventPayload, HealthPayload, StationBody, TelemetryStatus } from './payloads.js';
import { invalidWords, PayloadCheck } from './self-check.js';
import type { SqlQueryable, TelemetryStorage } from './storage.js';
import type { StationTopics } from './topics.js';

export const LAST_HEALTH_KEY = 'health.last';
/**
 * The telemetry's own alerts raised and not cleared (telemetry.dropped; agent.payload_invalid
 * with its message), kept with the events that raise and clear them: the dashboard holds an
 * alert raised until its clear comes, so a restarted agent must clear what it no longer has.
 */
export const OWN_ALERTS_KEY = 'telemetry.raised';
interface OwnRaised {
  dropped?: true;
  invalid?: string;
}

/** Where the station loop sends what happened. */
export interface TelemetrySink {
  health(body: StationBody): Promise<HealthPayload>;
  /** `alsoInTx` runs in the same transaction that takes the event's seq. */
  event(body: EventBody, alsoInTx?: (tx: SqlQueryable) => Promise<void>): Promise<EventPayload>;
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
 * `telemetry.dropped` event, cleared when the backlog has drained. Every message is checked
 * against the contract's schema first (self-check.ts): one that would fail goes out reduced, and
 * `agent.payload_invalid` says what was cut, cleared when that kind of message passes again.
 */
export class Telemetry implements TelemetrySink {
  private droppedRaised = false;
  /** The storage problem raised as store.error, if any. */
  private storeProblem: string | null = null;
  private readonly check = new PayloadCheck();
  /** What the last message of each schema had cut, by schema id; absent once one passes. */
  private readonly invalid = new Map<string, Text[]>();
  /** The message agent.payload_invalid was raised with; null while it is not raised. */
  private invalidSaid: string | null = null;
  private reportingInvalid = false;
  /** The own alerts the last run left raised, read once (OWN_ALERTS_KEY). */
  private restoring: Promise<void> | undefined;

  constructor(
    private readonly store: TelemetryStorage,
    private readonly outbox: Outbox,
    private readonly link: () => LinkStatus,
    private readonly stationId: string,
    private readonly topics: StationTopics,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** Publishing without the outbox, for when the store cannot be written. */
    private readonly direct: (topic: string, payload: string, retain: boolean) => Promise<void> = () => Promise.reject(new Error('no direct path')),
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

  /**
   * Say that the store cannot be used (raised once per problem; `store.error`, critical).
   * Called at start when the agent runs on an in-memory stand-in, and on a failed write.
   */
  async reportStoreProblem(text: string): Promise<void> {
    if (this.storeProblem === text) return;
    this.storeProblem = text;
    this.log.error(`storage: ${text}`);
    await this.event({ code: 'store.error', state: 'raised', severity: EVENT_CODES['store.error'].severity, message: text });
  }

  async health(body: StationBody): Promise<HealthPayload> {
    await this.check.ready();
    await this.restore();
    if (this.droppedRaised && this.link().connected && this.outbox.stats().backlog === 0) {
      this.droppedRaised = false;
      await this.event({ code: 'telemetry.dropped', state: 'cleared', severity: EVENT_CODES['telemetry.dropped'].severity, message: 'the telemetry backlog has been delivered' }, this.keepOwn({ dropped: undefined }));
    }
    // store.error and agent.payload_invalid are raised here, not by the station's alert rules: listed with the others.
    const own = [this.storeProblem !== null ? 'store.error' : null, this.invalidSaid !== null ? 'agent.payload_invalid' : null].filter((c): c is string => c !== null && !body.alerts.includes(c));
    let built: HealthPayload | undefined;
    const build = (seq: number): HealthPayload =>
      (built = this.checked<HealthPayload>({
        schema: 'station.health/1',
        station: this.stationId,
        ts: this.isoNow(),
        seq,
        ...body,
        alerts: own.length > 0 ? [...body.alerts, ...own].sort() : body.alerts,
        telemetry: this.status(),
        store: { durable: this.store.durable, error: this.storeProblem },
      }));
    const { payload, dropped } = await this.stored('health', this.topics.health, build, true, (tx) =>
      this.store.setState(LAST_HEALTH_KEY, built, new Date(this.clock.now()), tx),
    );
    await this.reportDropped(dropped);
    await this.reportInvalid();
    return payload;
  }

  async event(body: EventBody, alsoInTx?: (tx: SqlQueryable) => Promise<void>): Promise<EventPayload> {
    await this.check.ready();
    await this.restore();
    const build = (seq: number): EventPayload => this.checked<EventPayload>({ schema: 'station.event/1', station: this.stationId, ts: this.isoNow(), seq, ...body });
    const { payload, dropped } = await this.stored('event', this.topics.event, build, false, alsoInTx);
    await this.reportDropped(dropped);
    await this.reportInvalid();
    return payload;
  }

  /**
   * An account (an office entry, a day's totals) through the outbox, in one transaction with
   * `alsoInTx` (which notes it as sent on its way, so it is stored exactly once). Unlike health and
   * events it is never published around the outbox when the store cannot be written: it waits in
   * its ledger and is taken again, so the province sees each one once.
   */
  async account<T extends { seq: number; schema: string }>(topic: string, build: (seq: number) => T, alsoInTx: (tx: SqlQueryable) => Promise<void>): Promise<T> {
    await this.check.ready();
    const { payload } = await this.outbox.add('account', topic, (seq) => this.checked(build(seq)), alsoInTx);
    await this.reportInvalid();
    return payload;
  }

  /** The envelope's time, as every message carries it. */
  stamp(): string {
    return this.isoNow();
  }

  /**
   * Through the outbox; when the store cannot be written (disk full, a damaged file), the
   * message is published directly, best effort, and store.error is raised; the next write
   * that succeeds clears it.
   */
  private async stored<T extends { seq: number }>(
    kind: 'health' | 'event',
    topic: string,
    build: (seq: number) => T,
    retain: boolean,
    alsoInTx?: (tx: SqlQueryable) => Promise<void>,
  ): Promise<{ payload: T; dropped: Dropped }> {
    try {
      const result = await this.outbox.add(kind, topic, build, alsoInTx);
      if (this.storeProblem !== null && this.store.durable) {
        this.storeProblem = null;
        this.log.info('storage: writes succeed again');
        await this.event({ code: 'store.error', state: 'cleared', severity: EVENT_CODES['store.error'].severity, message: 'telemetry is stored again' });
      }
      return result;
    } catch (err) {
      const hint = this.store.writeProblemHint(err as Error);
      const text = `cannot store telemetry in ${this.store.file}: ${(err as Error).message}. ${hint ?? ''} Until then messages are sent without being kept.`;
      if (this.storeProblem !== text) {
        this.storeProblem = text;
        this.log.error(`storage: ${text}`);
        const raised: EventPayload = { schema: 'station.event/1', station: this.stationId, ts: this.isoNow(), seq: this.outbox.reserveSeq(), code: 'store.error', state: 'raised', severity: EVENT_CODES['store.error'].severity, message: text };
        this.sendDirect(this.topics.event, this.checked(raised), false);
      }
      const payload = build(this.outbox.reserveSeq());
      this.sendDirect(topic, payload, retain);
      return { payload, dropped: { health: 0, event: 0 } };
    }
  }

  private sendDirect(topic: string, payload: object, retain: boolean): void {
    this.direct(topic, JSON.stringify(payload), retain).catch((err: Error) => this.log.debug({ topic, err: err.message }, 'direct publish failed'));
  }

  private async reportDropped(d: Dropped): Promise<void> {
    if (d.health + d.event === 0) return;
    const total = this.outbox.stats().dropped;
    this.log.warn({ dropped: d, total }, 'outbox over its bounds: oldest messages dropped');
    if (this.droppedRaised) return;
    this.droppedRaised = true;
    await this.event(
      {
        code: 'telemetry.dropped',
        state: 'raised',
        severity: EVENT_CODES['telemetry.dropped'].severity,
        message: `the broker has been unreachable long enough to fill the outbox: ${total.health} health samples and ${total.event} events dropped so far (older health is thinned first)`,
      },
      this.keepOwn({ dropped: true }),
    );
  }

  /** The payload as it may go out (self-check.ts), with what was cut noted for reportInvalid. */
  private checked<T extends { schema: string }>(made: T): T {
    const { payload, cuts } = this.check.checked(made);
    if (cuts.length > 0) this.log.warn({ schema: made.schema, cuts: cuts.map((c) => c.en) }, 'a message did not pass the contract: published reduced');
    // The event that says so is not itself counted: it would clear what it reports.
    if (!this.reportingInvalid) {
      if (cuts.length > 0) this.invalid.set(made.schema, cuts);
      else this.invalid.delete(made.schema);
    }
    return payload;
  }

  /** Raise agent.payload_invalid when what fails changes, clear it when every kind passes again. */
  private async reportInvalid(): Promise<void> {
    if (this.reportingInvalid) return;
    const words = invalidWords(this.invalid);
    const message = words?.en ?? null;
    if (message === this.invalidSaid) return;
    this.reportingInvalid = true;
    try {
      const severity = EVENT_CODES['agent.payload_invalid'].severity;
      if (words) this.log.warn({ words }, 'agent.payload_invalid raised');
      const keep = this.keepOwn({ invalid: message ?? undefined });
      await this.event(words ? { code: 'agent.payload_invalid', state: 'raised', severity, message: words.en } : { code: 'agent.payload_invalid', state: 'cleared', severity, message: "the agent's messages pass the contract again" }, keep);
      this.invalidSaid = message;
    } finally {
      this.reportingInvalid = false;
    }
  }

  /**
   * What the last run left raised: telemetry.dropped is cleared once the backlog is delivered,
   * agent.payload_invalid once the messages pass, as if this run had raised them. A store that
   * cannot be read leaves nothing to restore.
   */
  private restore(): Promise<void> {
    this.restoring ??= this.store
      .getState<OwnRaised>(OWN_ALERTS_KEY)
      .then((kept) => {
        if (kept?.value.dropped === true) this.droppedRaised = true;
        if (typeof kept?.value.invalid === 'string' && this.invalidSaid === null) this.invalidSaid = kept.value.invalid;
      })
      .catch((err: Error) => this.log.warn({ err: err.message }, 'the alerts the last run left raised could not be read'));
    return this.restoring;
  }

  /** Keeps the own alerts, with `change`, in the transaction of the event that makes it. */
  private keepOwn(change: OwnRaised): (tx: SqlQueryable) => Promise<void> {
    return (tx) => {
      const next: OwnRaised = { ...(this.droppedRaised ? { dropped: true } : {}), ...(this.invalidSaid !== null ? { invalid: this.invalidSaid } : {}), ...change };
      return this.store.setState(OWN_ALERTS_KEY, next, new Date(this.clock.now()), tx);
    };
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
