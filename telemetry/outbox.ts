import { CLOCK_FLOOR_MS, type Clock } from '../core/clock.js';
import type { SqlDatabase, SqlQueryable, TelemetryStorage } from './storage.js';

/**
 * health: samples (thinned first past the bounds); event: alerts raised and cleared; account: the
 * office's entries and the daily totals, which people sign for: never thinned nor aged out.
 */
export type OutboxKind = 'health' | 'event' | 'account';

export interface OutboxMessage {
  seq: number;
  kind: OutboxKind;
  topic: string;
  payload: string;
  createdAt: number;
  bytes: number;
}

export interface OutboxLimits {
  maxMessages: number;
  maxBytes: number;
  maxAgeSeconds: number;
}

export interface Dropped {
  health: number;
  event: number;
}

export interface OutboxStats {
  backlog: number;
  backlogBytes: number;
  /** created_at (ms) of the oldest message not yet acknowledged, null when empty. */
  oldestAt: number | null;
  lastSeq: number;
  dropped: Dropped;
}

/**
 * Every health sample, event and account, stored with the seq it takes (one transaction) before
 * it is published, and deleted only when the broker acknowledges it. Bounded by count, bytes and
 * age: past a bound, health samples are thinned where they lie densest in time (thinEvenly:
 * those whose loss opens the smallest gap go first, so what remains spans the outage evenly)
 * and events are kept while any health is left. Accounts are kept whatever the bounds: a few a
 * day, and each one a figure an office signs.
 */
export class Outbox {
  private count = 0;
  private bytes = 0;
  private oldestAt: number | null = null;
  private lastSeq = 0;
  private dropped: Dropped = { health: 0, event: 0 };
  private readonly listeners: ((m: OutboxMessage) => void)[] = [];

  private readonly db: SqlDatabase;

  constructor(
    private readonly storage: TelemetryStorage,
    private readonly limits: OutboxLimits,
    private readonly clock: Clock,
  ) {
    this.db = storage.db;
  }

  async init(): Promise<void> {
    const r = await this.db.get<{ n: number; b: number }>('SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM outbox');
    this.count = r?.n ?? 0;
    this.bytes = r?.b ?? 0;
    this.oldestAt = await this.oldest(this.db);
    const counters = await this.db.all<{ name: string; value: number }>("SELECT name, value FROM counters WHERE name IN ('seq', 'dropped.health', 'dropped.event')");
    const get = (n: string) => counters.find((c) => c.name === n)?.value ?? 0;
    this.lastSeq = get('seq');
    this.dropped = { health: get('dropped.health'), event: get('dropped.event') };
  }

  /** Called with each message once it is committed (the sender publishes live ones). */
  onAppend(fn: (m: OutboxMessage) => void): void {
    this.listeners.push(fn);
  }

  stats(): OutboxStats {
    return { backlog: this.count, backlogBytes: this.bytes, oldestAt: this.oldestAt, lastSeq: this.lastSeq, dropped: { ...this.dropped } };
  }

  /**
   * Take the next seq, build the payload with it and store it, in one transaction together
   * with `alsoInTx`. Returns the payload and what had to be dropped to stay in bounds.
   */
  async add<T extends { seq: number }>(
    kind: OutboxKind,
    topic: string,
    build: (seq: number) => T,
    alsoInTx?: (tx: SqlQueryable) => Promise<void>,
  ): Promise<{ payload: T; dropped: Dropped }> {
    const createdAt = this.clock.now();
    const { payload, message } = await this.db.transaction(async (tx) => {
      // Seqs handed out while the store could not be written (reserveSeq) are never reused.
      await tx.run("UPDATE counters SET value = MAX(value, ?) WHERE name = 'seq'", [this.lastSeq]);
      const seq = await this.storage.nextSeq(tx);
      const p = build(seq);
      const text = JSON.stringify(p);
      const m: OutboxMessage = { seq, kind, topic, payload: text, createdAt, bytes: Buffer.byteLength(text) + Buffer.byteLength(topic) };
      await tx.run('INSERT INTO outbox (seq, kind, topic, payload, created_at, bytes) VALUES (?, ?, ?, ?, ?, ?)', [seq, kind, topic, text, createdAt, m.bytes]);
      await alsoInTx?.(tx);
      return { payload: p, message: m };
    });
    this.count += 1;
    this.bytes += message.bytes;
    this.oldestAt ??= createdAt;
    this.lastSeq = message.seq;
    // Told of every seq the database may not keep (stored in a stand-in).
    if (!this.storage.durable) this.storage.guardSeq(message.seq);
    for (const fn of this.listeners) fn(message);
    // The message is stored and on its way: a failure to trim the outbox must not undo that.
    const dropped = await this.enforce().catch(() => ({ health: 0, event: 0 }));
    return { payload, dropped };
  }

  /** A seq for a message that cannot be stored (disk full): from memory, never handed out twice. */
  reserveSeq(): number {
    this.lastSeq += 1;
    this.storage.guardSeq(this.lastSeq);
    return this.lastSeq;
  }

  /** Stored messages (of these kinds, if given) with afterSeq < seq < beforeSeq, oldest first. */
  page(afterSeq: number, beforeSeq: number, limit: number, kinds?: readonly OutboxKind[]): Promise<OutboxMessage[]> {
    const cols = 'SELECT seq, kind, topic, payload, created_at AS createdAt, bytes FROM outbox';
    const before = Number.isFinite(beforeSeq) ? beforeSeq : Number.MAX_SAFE_INTEGER;
    return kinds
      ? this.db.all<OutboxMessage>(`${cols} WHERE kind IN (SELECT value FROM json_each(?)) AND seq > ? AND seq < ? ORDER BY seq LIMIT ?`, [JSON.stringify(kinds), afterSeq, before, limit])
      : this.db.all<OutboxMessage>(`${cols} WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?`, [afterSeq, before, limit]);
  }

  /** The broker acknowledged these: forget them. */
  async ack(seqs: readonly number[]): Promise<void> {
    if (seqs.length === 0) return;
    const { gone, oldestAt } = await this.db.transaction(async (tx) => ({
      gone: await tx.all<{ bytes: number }>('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?)) RETURNING bytes', [JSON.stringify(seqs)]),
      oldestAt: await this.oldest(tx),
    }));
    this.count -= gone.length;
    this.bytes -= gone.reduce((s, r) => s + r.bytes, 0);
    this.oldestAt = oldestAt;
  }

  /** Drop what is past the bounds; returns what was dropped by this call. */
  async enforce(): Promise<Dropped> {
    const { maxMessages, maxBytes, maxAgeSeconds } = this.limits;
    const cutoff = this.clock.now() - maxAgeSeconds * 1000;
    // Rows stamped before the clock floor were stored under a wrong clock: their age is unknown.
    const tooOld = this.oldestAt !== null && this.oldestAt < cutoff && this.oldestAt >= CLOCK_FLOOR_MS;
    if (this.count <= maxMessages && this.bytes <= maxBytes && !tooOld) return { health: 0, event: 0 };
    const result = await this.db.transaction(async (tx) => {
      const dropped: Dropped = { health: 0, event: 0 };
      let count = this.count;
      let bytes = this.bytes;
      const remove = async (rows: { seq: number }[]) => {
        if (rows.length === 0) return;
        const gone = await tx.all<{ kind: 'health' | 'event'; bytes: number }>(
          "DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?)) AND kind != 'account' RETURNING kind, bytes",
          [JSON.stringify(rows.map((r) => r.seq))],
        );
        for (const g of gone) {
          dropped[g.kind] += 1;
          count -= 1;
          bytes -= g.bytes;
        }
      };
      const need = () => {
        const avg = count > 0 ? bytes / count : 1;
        return Math.max(count - maxMessages, bytes > maxBytes ? Math.ceil((bytes - maxBytes) / avg) : 0);
      };
      await remove(await tx.all<{ seq: number }>("SELECT seq FROM outbox WHERE created_at < ? AND created_at >= ? AND kind != 'account'", [cutoff, CLOCK_FLOOR_MS]));
      let n = need();
      if (n > 0) {
        // Thin the health samples where they are densest: drop those whose loss opens the
        // smallest gap in time, so what remains spans the outage evenly and no hole grows.
        // A tenth of the cap more than `need` goes at once, so this runs now and then, not at every add.
        const health = await tx.all<{ seq: number; created_at: number }>("SELECT seq, created_at FROM outbox WHERE kind = 'health' ORDER BY seq");
        const victims = thinEvenly(health, n + Math.ceil(maxMessages / 10));
        await remove(victims.map((seq) => ({ seq })));
        n = need();
      }
      if (n > 0) {
        // Only events are left: keeping the disk bounded wins over keeping the oldest events.
        await remove(await tx.all<{ seq: number }>("SELECT seq FROM outbox WHERE kind = 'event' ORDER BY seq LIMIT ?", [n]));
      }
      for (const kind of ['health', 'event'] as const) {
        if (dropped[kind] > 0) await tx.run('UPDATE counters SET value = value + ? WHERE name = ?', [dropped[kind], `dropped.${kind}`]);
      }
      return { dropped, count, bytes, oldestAt: await this.oldest(tx) };
    });
    this.count = result.count;
    this.bytes = result.bytes;
    this.oldestAt = result.oldestAt;
    this.dropped.health += result.dropped.health;
    this.dropped.event += result.dropped.event;
    return result.dropped;
  }

  private async oldest(q: SqlQueryable): Promise<number | null> {
    const row = await q.get<{ created_at: number }>('SELECT created_at FROM outbox ORDER BY seq LIMIT 1');
    return row?.created_at ?? null;
  }
}

/**
 * Which of `rows` (in time order) to drop, `count` of them at most, keeping the first and the
 * last: each pass drops, among rows whose neighbours both stay, those whose loss opens the
 * smallest gap, until enough are chosen. The survivors end up evenly spread in time.
 */
export function thinEvenly(rows: readonly { seq: number; created_at: number }[], count: number): number[] {
  let keep = [...rows];
  const out: number[] = [];
  while (out.length < count && keep.length > 2) {
    const costs = keep.slice(1, -1).map((r, i) => ({ i: i + 1, gap: (keep[i + 2]?.created_at ?? 0) - (keep[i]?.created_at ?? 0), seq: r.seq }));
    costs.sort((a, b) => a.gap - b.gap || a.seq - b.seq);
    const taken = new Set<number>();
    for (const c of costs) {
      if (out.length >= count) break;
      if (taken.has(c.i - 1) || taken.has(c.i + 1)) continue; // never both neighbours in one pass
      taken.add(c.i);
      out.push(c.seq);
      if (taken.size >= Math.ceil((keep.length - 2) / 2)) break;
    }
    if (taken.size === 0) break;
    keep = keep.filter((_, i) => !taken.has(i));
  }
  return out;
}
