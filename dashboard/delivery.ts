/**
 * What the dashboard can tell of the messages that reached it late or not at all: the lag from
 * the stations' own stamps (never negative: a stamp ahead of this PC's clock is the station's
 * clock running ahead, counted as such), the seqs each station skipped (its health, events,
 * entries and days share one counter, so a jump is messages lost on the way: its outbox thinned,
 * a broker's queue overflowed; a late one fills its gap again), and Mosquitto's own count of the
 * messages it dropped (`$SYS/broker/publish/messages/dropped`), where the broker publishes it and
 * the dashboard's user may read it. Pure bookkeeping: the ingest feeds it.
 */

/** Recent lags kept for the percentiles. */
const LAG_WINDOW = 2000;
/**
 * A jump of more seqs than this is a new count (a PC reinstalled, a database restored), not that
 * many messages lost: 100,000 is over a week of one station's messages at the default health period.
 */
const NEW_COUNT_AFTER = 100_000;
/** Gaps remembered per station, to be filled by late messages; older ones are counted as lost for good. */
const MAX_HOLES = 64;
/** Stations named in the answer, the worst first. */
const WORST = 10;

/** Mosquitto's counter of publishes it dropped (queues full, in-flight limits), since it started. */
export const BROKER_DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export interface DeliveryMetrics {
  /** Publish-to-applied delay of recent live health, by the stations' own stamps: 0 at least. */
  lagMs: { p50: number | null; p95: number | null; max: number | null; samples: number };
  /** Messages stamped ahead of this PC's clock: the station's clock runs ahead (its lag counted as 0). */
  clockAhead: { messages: number; stations: number; worst: { station: string; aheadMs: number }[] };
  /** Seqs skipped and not (yet) arrived: messages lost between the stations and the dashboard. */
  seqGaps: { missing: number; stations: number; worst: { station: string; missing: number }[] };
  /** The broker's own count of dropped publishes; null when it does not say (not Mosquitto, or not allowed to read $SYS). */
  brokerDropped: number | null;
}

interface SeqState {
  high: number;
  /** Seqs skipped, as [from, to] ranges, oldest first. */
  holes: [number, number][];
  /** Skipped seqs no longer remembered (past MAX_HOLES): lost for good. */
  lost: number;
}

const inHoles = (s: SeqState) => s.lost + s.holes.reduce((n, [a, b]) => n + b - a + 1, 0);

export class Delivery {
  private readonly lags: number[] = [];
  private lagNext = 0;
  private readonly seqs = new Map<string, SeqState>();
  private readonly ahead = new Map<string, number>();
  private aheadMessages = 0;
  private dropped: number | null = null;

  /** A live health applied at `atMs` (this PC's clock), stamped `tsMs` by the station. */
  lag(station: string, atMs: number, tsMs: number): void {
    const ms = atMs - tsMs;
    if (ms < 0) {
      this.aheadMessages++;
      this.ahead.set(station, -ms);
    } else this.ahead.delete(station);
    const kept = Math.max(0, ms);
    if (this.lags.length < LAG_WINDOW) this.lags.push(kept);
    else this.lags[this.lagNext] = kept;
    this.lagNext = (this.lagNext + 1) % LAG_WINDOW;
  }

  /** A message of the station's one counter (health, event, office entry, day). */
  seq(station: string, seq: number): void {
    const s = this.seqs.get(station);
    if (!s || seq - s.high > NEW_COUNT_AFTER) return void this.seqs.set(station, { high: seq, holes: [], lost: 0 });
    if (seq > s.high) {
      if (seq > s.high + 1) s.holes.push([s.high + 1, seq - 1]);
      s.high = seq;
      while (s.holes.length > MAX_HOLES) {
        const [a, b] = s.holes.shift() ?? [0, -1];
        s.lost += b - a + 1;
      }
      return;
    }
    // A late one (a replayed backlog, a queue delivered after a live message) fills its gap.
    const i = s.holes.findIndex(([a, b]) => seq >= a && seq <= b);
    if (i < 0) return;
    const [a, b] = s.holes[i] as [number, number];
    const parts: [number, number][] = [];
    if (seq > a) parts.push([a, seq - 1]);
    if (seq < b) parts.push([seq + 1, b]);
    s.holes.splice(i, 1, ...parts);
  }

  /** The station restarted on a new count: what it skipped before is no longer to be filled. */
  forget(station: string): void {
    this.seqs.delete(station);
  }

  /** Seqs this station skipped that have not arrived; 0 when none, or nothing seen yet. */
  missing(station: string): number {
    const s = this.seqs.get(station);
    return s ? inHoles(s) : 0;
  }

  /** How far ahead of this PC's clock the station's last live health was stamped; null when it was not. */
  aheadMs(station: string): number | null {
    return this.ahead.get(station) ?? null;
  }

  /** A $SYS message from the broker (the topics main.ts subscribes to). */
  brokerStat(topic: string, payload: Buffer): void {
    if (topic !== BROKER_DROPPED_TOPIC) return;
    const n = Number(payload.toString('utf8').trim());
    if (Number.isSafeInteger(n) && n >= 0) this.dropped = n;
  }

  metrics(): DeliveryMetrics {
    const sorted = [...this.lags].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length === 0 ? null : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null));
    const gaps = [...this.seqs].map(([station, s]) => ({ station, missing: inHoles(s) })).filter((g) => g.missing > 0);
    const byMost = <T>(key: (x: T) => number) => (x: T, y: T) => key(y) - key(x);
    return {
      lagMs: { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? null, samples: sorted.length },
      clockAhead: {
        messages: this.aheadMessages,
        stations: this.ahead.size,
        worst: [...this.ahead].map(([station, aheadMs]) => ({ station, aheadMs })).sort(byMost((x) => x.aheadMs)).slice(0, WORST),
      },
      seqGaps: { missing: gaps.reduce((n, g) => n + g.missing, 0), stations: gaps.length, worst: gaps.sort(byMost((g) => g.missing)).slice(0, WORST) },
      brokerDropped: this.dropped,
    };
  }
}
