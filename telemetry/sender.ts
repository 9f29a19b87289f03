import type { Clock } from '../core/clock.js';
import type { Logger } from 'pino';
import type { Outbox, OutboxKind, OutboxMessage } from './outbox.js';

/** Kinds sent in order, never overtaken (health goes out live, retained: the newest wins). */
const ORDERED: readonly OutboxKind[] = ['event', 'account'];

export interface SenderOptions {
  /** Messages published and not yet acknowledged, at most (replay flow control). */
  window: number;
  /** Rows read from the outbox per query during replay. */
  pageSize: number;
}

interface Session {
  transport: Transport;
  id: number;
  /** Messages from this seq on were stored during the session. */
  liveFrom: number;
  /** Events from this seq on go out at once; earlier live events wait for the replay. */
  eventsLiveFrom: number;
}

export const DEFAULT_SENDER_OPTIONS: SenderOptions = { window: 1000, pageSize: 500 };

export interface Transport {
  publish(topic: string, payload: string, retain: boolean): Promise<void>;
}

/**
 * PUBACK reason codes (MQTT 5) that mean the broker will never take this message: not
 * authorised, topic name invalid, payload format invalid. (0x97, quota exceeded, is a passing
 * limit: that message is sent again.)
 */
const REFUSED = new Set([0x87, 0x90, 0x99]);
const REWIND_DELAY_MS = 1000;

/**
 * Moves the outbox to the broker. On each session: messages stored before it began (the
 * backlog) are replayed oldest first with retain off. Live health goes out at once, retained,
 * so the dashboard sees the current state (and the retained health is always the newest
 * snapshot) while the history is still arriving. Live events wait for the replay to pass
 * them, so the event stream stays in seq order. Each stream a consumer can tell apart
 * (events; replayed health, retain off; live health, retain on) is in seq order.
 * A message leaves the outbox only when its PUBACK arrives; whatever was in flight when a
 * session ends stays and is sent again on the next one (so duplicates are possible, never gaps).
 */
export class Sender {
  private session: Session | undefined;
  private sessionId = 0;
  private acked: number[] = [];
  private flushing: Promise<void> | undefined;
  private inFlight = 0;
  private wake: (() => void) | undefined;
  private replaying: Promise<void> | undefined;
  refused = 0;
  private window: number;
  private rewinding = 0;

  constructor(
    private readonly outbox: Outbox,
    private readonly log: Logger,
    /** Times the pause before a turned-down message's backlog is sent again. */
    private readonly clock: Clock,
    private readonly opts: SenderOptions = DEFAULT_SENDER_OPTIONS,
  ) {
    this.window = opts.window;
    outbox.onAppend((m) => this.live(m));
  }

  get replayInProgress(): boolean {
    return this.replaying !== undefined;
  }

  /**
   * A session is up: replay what is stored, send what comes. `receiveMaximum` is the broker's
   * limit on messages in flight (MQTT 5 CONNACK); mqtt.js does not enforce it, so we do.
   */
  up(transport: Transport, receiveMaximum?: number): void {
    this.window = Math.max(1, Math.min(this.opts.window, receiveMaximum ?? Number.POSITIVE_INFINITY));
    const id = ++this.sessionId;
    this.session = { transport, liveFrom: this.outbox.stats().lastSeq + 1, eventsLiveFrom: Number.POSITIVE_INFINITY, id };
    this.inFlight = 0;
    const replay: Promise<void> = this.replay(id)
      .catch((err: Error) => this.log.error({ err: err.message }, 'outbox replay failed; it resumes on the next connection'))
      .finally(() => {
        if (this.replaying === replay) this.replaying = undefined;
      });
    this.replaying = replay;
  }

  /** The session ended: stop sending; unacknowledged messages stay in the outbox. */
  down(): void {
    this.session = undefined;
    this.wake?.();
  }

  /** Resolves when every acknowledgement so far is written to the outbox. */
  async flush(): Promise<void> {
    while (this.acked.length > 0 || this.flushing) {
      if (!this.flushing) this.scheduleFlush();
      await this.flushing;
    }
  }

  /** Resolves when the replay of the current session is done (for tests and benchmarks). */
  async drained(): Promise<void> {
    await this.replaying;
    await this.flush();
  }

  private live(m: OutboxMessage): void {
    const s = this.session;
    if (!s || m.seq < s.liveFrom) return;
    if (m.kind !== 'health' && m.seq < s.eventsLiveFrom) return; // the replay will send it, in order
    this.send(s, m, m.kind === 'health');
  }

  private async replay(id: number): Promise<void> {
    const started = this.clock.monotonic();
    let sent = 0;
    const drain = async (afterSeq: number, beforeSeq: number, kinds?: readonly OutboxKind[]): Promise<boolean> => {
      let after = afterSeq;
      for (;;) {
        const s = this.session;
        if (!s || s.id !== id) return false;
        const rows = await this.outbox.page(after, beforeSeq, this.opts.pageSize, kinds);
        if (rows.length === 0) return true;
        for (const m of rows) {
          while (this.inFlight >= this.window && this.session?.id === id) await new Promise<void>((r) => (this.wake = r));
          if (this.session?.id !== id) return false;
          this.send(s, m, false);
          after = m.seq;
          sent += 1;
        }
      }
    };
    const s = this.session;
    if (!s || s.id !== id) return;
    // 1. the backlog; 2. events and accounts stored meanwhile, until a pass finds none newer; 3. events go
    // out live. The check and the switch run with no await between them, so no event stored
    // in between can overtake an older one still being read from the outbox.
    if (!(await drain(0, s.liveFrom))) return;
    let after = s.liveFrom - 1;
    for (;;) {
      const bound = this.outbox.stats().lastSeq + 1;
      if (!(await drain(after, bound, ORDERED))) return;
      if (this.outbox.stats().lastSeq + 1 === bound) {
        s.eventsLiveFrom = bound;
        break;
      }
      after = bound - 1;
    }
    if (sent > 0) this.log.info({ messages: sent, ms: Math.round(this.clock.monotonic() - started) }, 'outbox backlog replayed');
  }

  private send(s: { transport: Transport; id: number }, m: OutboxMessage, retain: boolean): void {
    this.inFlight += 1;
    s.transport.publish(m.topic, m.payload, retain).then(
      () => this.settled(s.id, m.seq),
      (err: Error & { code?: number }) => {
        if (typeof err.code === 'number' && REFUSED.has(err.code)) {
          // Re-sending would be refused forever; drop it and say which setting to fix.
          this.refused += 1;
          this.log.error({ topic: m.topic, seq: m.seq, reasonCode: err.code }, "the broker refused a message (not authorised): check the broker's ACL for this station");
          this.settled(s.id, m.seq);
          return;
        }
        if (this.session?.id !== s.id || this.rewinding === s.id) return; // the next session replays it
        // The broker turned this one down for now, while later ones went on: after a pause,
        // start this session's sending over from the outbox, so it is not left until a reconnect.
        this.rewinding = s.id;
        this.log.warn({ topic: m.topic, seq: m.seq, err: err.message }, 'the broker did not take a message; sending the backlog again shortly');
        this.clock.setTimer(
          () => {
            if (this.session?.id === s.id) this.up(s.transport, this.window);
          },
          REWIND_DELAY_MS,
          { unref: true },
        );
      },
    );
  }

  private settled(sessionId: number, seq: number): void {
    this.acked.push(seq);
    if (this.session?.id === sessionId) this.inFlight -= 1;
    this.wakeUp();
    if (!this.flushing) this.scheduleFlush();
  }

  private wakeUp(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Acknowledgements are deleted in batches: one transaction per batch, not per message. */
  private scheduleFlush(): void {
    this.flushing = (async () => {
      await new Promise((r) => setImmediate(r));
      while (this.acked.length > 0) {
        const batch = this.acked.splice(0, 5000);
        await this.outbox.ack(batch).catch((err: Error) => this.log.error({ err: err.message }, 'cannot delete acknowledged messages from the outbox; they may be sent twice'));
      }
    })().finally(() => (this.flushing = undefined));
  }
}
