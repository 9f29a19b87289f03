/**
 * From the broker into the fleet: every message on the watched provinces is parsed, checked
 * against the contract's JSON Schemas and against its own topic, and only then applied. A bad
 * message is counted and logged (topic and reason, never its contents) and never shown.
 */
import { EventEmitter } from 'node:events';
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'pino';
import { PAYLOAD_BYTES_MAX } from '../hal/bounds.js';
import type { DailyPayload, EventPayload, HealthPayload, OfficeEntryPayload, StatusPayload } from '../telemetry/payloads.js';
import type { Accounts } from './accounts.js';
import { Delivery, type DeliveryMetrics } from './delivery.js';
import { jsonDepth } from '../core/json-depth.js';
import { payloadErrors } from '../telemetry/validate.js';
import { CardDays, knownZone } from './card-days.js';
import type { Fleet, TopicPlace } from './fleet.js';
import { leftBehind } from './left-behind.js';
import { sampleOf, type DashboardStore, type Sample, type StoredEvent } from './store.js';

/** A health is about 2 KB, a diagnostics report under 10 KB: far past that is not a station's (the agent keeps its own within it: telemetry/self-check.ts). */
const MAX_PAYLOAD_BYTES = PAYLOAD_BYTES_MAX;
/** Objects and lists nest three or four deep in the contract; deeper is refused unparsed. */
const MAX_DEPTH = 16;
/** A station clock may run this far ahead of the dashboard's; a time further on is refused. */
const MAX_FUTURE_MS = 10 * 60_000;
/** Station-and-reason pairs remembered for the one-line-a-minute rule. */
const MAX_LOGGED_KEYS = 10_000;

export { jsonDepth } from '../core/json-depth.js';
const KINDS = new Set(['status', 'health', 'event', 'diagnostics', 'office', 'daily']);
/** The schema each topic kind carries (a daily on the office topic is refused as on the wrong topic). */
const SCHEMA_OF: Record<string, string> = { status: 'station.status/', health: 'station.health/', event: 'station.event/', diagnostics: 'station.diagnostics/', office: 'office.entry/', daily: 'station.daily/' };
/** A chart point at least this often per station while it reports... */
const SAMPLE_EVERY_MS = 5 * 60_000;
/** ...and sooner, but no more often than this, when power changed or a level moved 2 points. */
const SAMPLE_SOONEST_MS = 30_000;
const SAMPLE_LEVEL_STEP = 2;

/** The counts, and what the dashboard can tell of messages late or lost (dashboard/delivery.ts). */
export interface IngestMetrics extends DeliveryMetrics {
  messages: number;
  applied: number;
  duplicates: number;
  /** Items the database refused after a failed flush, dropped rather than retried forever. */
  dropped: number;
  /** Messages from retired stations, not applied. */
  retired: number;
  invalid: Record<string, number>;
}

interface IngestEvents {
  /** Stations whose row may have changed. */
  changed: [stations: string[]];
  alert: [event: StoredEvent];
}

function moved(a: Sample, b: Sample): boolean {
  const step = (x: number | null, y: number | null) => x !== y && (x === null || y === null || Math.abs(x - y) >= SAMPLE_LEVEL_STEP);
  return a.ups !== b.ups || step(a.ribbon, b.ribbon) || step(a.film, b.film) || step(a.blanks, b.blanks) || step(a.chargePercent, b.chargePercent);
}

export class Ingest extends EventEmitter<IngestEvents> {
  private readonly dirty = new Set<string>();
  private pendingSamples: { station: string; sample: Sample }[] = [];
  private pendingDaily = new Map<string, { station: string; day: string; printed: number }>();
  private readonly lastSample = new Map<string, { atMs: number; sample: Sample }>();
  private readonly delivery = new Delivery();
  private readonly invalid: Record<string, number> = {};
  private readonly loggedAt = new Map<string, number>();
  readonly diagnostics = new Map<string, { status: string; ts: string }>();
  /** Cards per day as the ranking reads them (the last week), on each station's own days. */
  readonly cards: CardDays;
  private counts = { messages: 0, applied: 0, duplicates: 0, dropped: 0, retired: 0 };
  /** Retired stations (dashboard/retire.ts): what they still send is counted, not applied. */
  readonly retired = new Set<string>();
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly o: { prefix: string; fleet: Fleet; store: DashboardStore; validators: Map<string, ValidateFunction>; log: Logger; now: () => number; timeZone?: string; staleAfterMs?: number; accounts?: Accounts },
  ) {
    super();
    this.cards = new CardDays(o.timeZone);
  }

  /** The day (YYYY-MM-DD) of a time in dashboard.timeZone: the dashboard's own, for display and its reports. */
  day(ms: number): string {
    return this.cards.day(ms);
  }

  /** Cards counted from health: station → the station's day → cards (loaded from the database at start). */
  get daily(): Map<string, Map<string, number>> {
    return this.cards.counted;
  }

  /** The zone a station's daily totals or book entries name: its days are counted in it. */
  private noteZone(place: TopicPlace, zone: string): void {
    const e = this.o.fleet.entry(place);
    if (e.timeZone !== zone && knownZone(zone)) e.timeZone = zone;
  }

  /** `{prefix}/{province}/{regency}/{station}/{kind}`, or null for anything else under the prefix. */
  place(topic: string): TopicPlace | null {
    if (!topic.startsWith(`${this.o.prefix}/`)) return null;
    const parts = topic.slice(this.o.prefix.length + 1).split('/');
    if (parts.length !== 4) return null;
    const [province, regency, station, kind] = parts as [string, string, string, string];
    return KINDS.has(kind) && province && regency && station ? { province, regency, station, kind } : null;
  }

  /** retained: a stored copy the broker hands on subscribing, not a report made now. */
  async handle(topic: string, payload: Buffer, retained = false): Promise<void> {
    const place = this.place(topic);
    // Requests and replies (cmd/...) share the subtree; they are not the dashboard's to show.
    if (!place) return;
    this.counts.messages++;
    if (this.retired.has(place.station)) return void this.counts.retired++;
    const at = this.o.now();
    if (payload.length === 0) return; // a cleared retained message
    if (payload.length > MAX_PAYLOAD_BYTES) return this.reject(topic, place, 'too-large', `${payload.length} bytes`);
    const text = payload.toString('utf8');
    // Deep nesting would make the parse, and every later stringify, run out of stack.
    if (jsonDepth(text, MAX_DEPTH) > MAX_DEPTH) return this.reject(topic, place, 'too-deep', `nested deeper than ${MAX_DEPTH}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return this.reject(topic, place, 'not-json', 'not valid JSON');
    }
    const errors = payloadErrors(this.o.validators, body);
    if (errors.length > 0) return this.reject(topic, place, 'schema', errors.slice(0, 3).join('; '));
    const p = body as { schema: string; station: string; ts: string };
    if (p.station !== place.station) return this.reject(topic, place, 'wrong-station', `payload says station ${JSON.stringify(p.station).slice(0, 80)}`);
    if (!p.schema.startsWith(SCHEMA_OF[place.kind] ?? '\0')) return this.reject(topic, place, 'wrong-topic', `${p.schema} on ${place.kind}`);
    // A time in the future would pin the station's state (and sort it first) until then.
    if (Date.parse(p.ts) > at + MAX_FUTURE_MS) return this.reject(topic, place, 'future-ts', `ts ${p.ts} is ahead of this PC's clock by more than ${MAX_FUTURE_MS / 60_000} minutes`);
    this.counts.applied++;
    switch (place.kind) {
      case 'status': {
        const s = body as StatusPayload;
        this.o.fleet.applyStatus(place, s, at, retained);
        if (s.office && this.o.accounts) await this.o.accounts.noteOffice(place, s.office);
        break;
      }
      case 'office':
        this.o.fleet.seen(place, at);
        this.noteZone(place, (body as OfficeEntryPayload).timeZone);
        if (this.o.accounts && !(await this.o.accounts.addEntry(place, body as OfficeEntryPayload))) this.counts.duplicates++;
        break;
      case 'daily': {
        const d = body as DailyPayload;
        this.o.fleet.seen(place, at);
        this.noteZone(place, d.timeZone);
        // An older day's running totals (a replay after a newer one) are not applied: the highest seq wins.
        this.cards.book(place.station, this.o.fleet.entries.get(place.station)?.install ?? 0, d);
        if (this.o.accounts) await this.o.accounts.addDay(place, d);
        break;
      }
      case 'health':
        await this.health(place, body as HealthPayload, at, retained);
        break;
      case 'event':
        await this.event(place, body as EventPayload, at);
        break;
      case 'diagnostics': {
        const d = body as { status: string; ts: string };
        this.diagnostics.set(place.station, { status: d.status, ts: d.ts });
        this.o.fleet.seen(place, at);
        break;
      }
    }
    // Every kind applied here but status and diagnostics takes the station's one seq.
    if (typeof (body as { seq?: unknown }).seq === 'number') this.delivery.seq(place.station, (body as { seq: number }).seq);
    this.dirty.add(place.station);
  }

  /** Seqs this station skipped that have not arrived (dashboard/delivery.ts). */
  missing(station: string): number {
    return this.delivery.missing(station);
  }

  /** How far ahead of this PC's clock the station's last live health was stamped; null when it was not. */
  aheadMs(station: string): number | null {
    return this.delivery.aheadMs(station);
  }

  /** A message on the broker's own $SYS topics. */
  brokerStat(topic: string, payload: Buffer): void {
    this.delivery.brokerStat(topic, payload);
  }

  private async health(place: TopicPlace, h: HealthPayload, at: number, retained: boolean): Promise<void> {
    const ts = Date.parse(h.ts);
    const held = this.o.fleet.entries.get(place.station);
    const before = held?.health ?? null;
    const heldUnder = held?.healthInstall ?? 0;
    const current = this.o.fleet.applyHealth(place, h, at, retained, this.o.staleAfterMs);
    const entry = this.o.fleet.entries.get(place.station);
    const install = entry?.healthInstall ?? 0;
    const reinstalled = current && before !== null && install > heldUnder;
    const restarted = current && before !== null && h.seq <= before.seq;
    // A new count (a reinstalled PC, or a restart on a lower seq): what it skipped before is no longer to be filled.
    if (reinstalled || restarted) this.delivery.forget(place.station);
    if (reinstalled) this.o.log.warn({ station: place.station, installId: entry?.installId, from: before.seq, to: h.seq }, 'another installation reports (a new installId: a reinstalled PC): its count starts again');
    else if (restarted) this.o.log.warn({ station: place.station, from: before?.seq, to: h.seq }, 'a station that had gone stale came back with a lower seq: taken as a restart on a new count');
    // A retained copy was made before we asked for it: its age is not the dashboard's lag.
    if (!current) this.counts.duplicates++;
    else if (!retained) this.delivery.lag(place.station, at, ts);
    // Replayed samples still fill the history; only the table ignores them.
    const sample = sampleOf(h);
    const last = this.lastSample.get(place.station);
    if (!last || Math.abs(ts - last.atMs) >= SAMPLE_EVERY_MS || (Math.abs(ts - last.atMs) >= SAMPLE_SOONEST_MS && moved(last.sample, sample))) {
      this.lastSample.set(place.station, { atMs: ts, sample });
      this.pendingSamples.push({ station: place.station, sample });
    }
    if (!current) return;
    const counted = this.cards.count(place.station, entry?.timeZone, before, h);
    if (counted) {
      const key = `${place.station}|${counted.day}`;
      this.pendingDaily.set(key, { station: place.station, day: counted.day, printed: (this.pendingDaily.get(key)?.printed ?? 0) + counted.cards });
    }
    if (!reinstalled) return;
    // What the old installation left raised and the new one does not have is closed.
    for (const e of leftBehind(await this.o.store.latestAlertEvents(place.station), install, h.alerts, this.o.now())) {
      const stored = await this.o.store.addEvent(e);
      if (stored) this.emit('alert', stored);
    }
  }

  private async event(place: TopicPlace, e: EventPayload, at: number): Promise<void> {
    this.o.fleet.seen(place, at);
    // In the sequence of the installation speaking now (its last birth): a reinstalled PC's seq 1 is not the old one's.
    const { installId, install } = this.o.fleet.entries.get(place.station) ?? {};
    const stored = await this.o.store.addEvent({ station: e.station, province: place.province, regency: place.regency, ts: e.ts, seq: e.seq, code: e.code, state: e.state, severity: e.severity, message: e.message, installId: installId ?? null, install: install ?? 0 });
    if (stored) this.emit('alert', stored);
    else this.counts.duplicates++;
  }

  private reject(topic: string, place: TopicPlace, reason: string, detail: string): void {
    this.invalid[reason] = (this.invalid[reason] ?? 0) + 1;
    // One line per station and reason a minute: a station stuck on a bad build must not flood the log.
    const key = `${place.station}|${reason}`;
    const now = this.o.now();
    if ((this.loggedAt.get(key) ?? -Infinity) + 60_000 > now) return;
    // Station names come from topics anyone with the ACL can make up: the memory of them is bounded.
    if (this.loggedAt.size >= MAX_LOGGED_KEYS) this.loggedAt.clear();
    this.loggedAt.set(key, now);
    this.o.log.warn({ topic: topic.slice(0, 200), reason, detail: detail.slice(0, 300), invalid: this.invalid[reason] }, 'message refused: not shown on the dashboard');
  }

  /** Forget cards-per-day figures before `sinceDay` (the database keeps historyDays of them). */
  forgetDaysBefore(sinceDay: string): void {
    this.cards.forgetBefore(sinceDay);
  }

  metrics(): IngestMetrics {
    return { ...this.counts, invalid: { ...this.invalid }, ...this.delivery.metrics() };
  }

  /** Stations changed outside a message (a Will taken back): written and shown with the next flush. */
  touched(stations: readonly string[]): void {
    for (const s of stations) this.dirty.add(s);
  }

  /** Write what changed since the last flush in one transaction, and tell the page. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.dirty.size === 0 && this.pendingSamples.length === 0 && this.pendingDaily.size === 0) return;
      const stations = [...this.dirty];
      this.dirty.clear();
      const samples = this.pendingSamples;
      const daily = [...this.pendingDaily.values()];
      this.pendingSamples = [];
      this.pendingDaily = new Map();
      const entries = stations.map((s) => this.o.fleet.entries.get(s)).filter((e) => e !== undefined);
      this.emit('changed', stations);
      try {
        await this.o.store.flush(entries, samples, daily);
      } catch (err) {
        // One item that cannot be written must not block every other station's, nor come back
        // forever: each is written on its own, and what still fails is logged, counted, dropped.
        // The picture in memory stays right either way.
        const dropped = await this.o.store.flushEach(entries, samples, daily).catch(() => []);
        this.counts.dropped += dropped.length;
        this.o.log.error({ err: (err as Error).message, dropped: dropped.slice(0, 5), droppedCount: dropped.length }, 'dashboard database write failed; written one by one, what still failed is dropped');
      }
    });
    return this.flushing;
  }
}

