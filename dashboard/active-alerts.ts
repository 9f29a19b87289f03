/**
 * Which alerts each station has raised and not cleared, from the events it sent (the feed the
 * dashboard stores): what Alertmanager is told is firing, and the severity the Prometheus
 * metrics give an alert code. Pure: the time is passed in, the caller sends the changes on.
 */
import type { StoredEvent } from './store.js';

/** At most this many alerts raised at once per station (health lists at most 64): a station cannot grow the book without bound. */
const MAX_PER_STATION = 64;

export interface ActiveAlert {
  station: string;
  province: string;
  regency: string;
  code: string;
  severity: string;
  /** The station's own text of the last raise. */
  message: string;
  /** When it was raised: the station's time, or the dashboard's when the station's clock is ahead. */
  startsAtMs: number;
  /** The event that set it (a renewed raise moves these on). */
  ts: string;
  seq: number;
  /** Its installation as the dashboard counts them (StoredEvent.install). */
  install: number;
}

/** firing: tell Alertmanager it is on (again); resolved: it ended at endsAtMs. */
export type AlertChange = { kind: 'firing'; alert: ActiveAlert } | { kind: 'resolved'; alert: ActiveAlert; endsAtMs: number };

const keyOf = (station: string, code: string) => `${station}\u0000${code}`;

/**
 * Whether a station made `e` before `than`: by its installation, then its seq. Not by the
 * stamps: a clock put right between a raise and its clear must not make the clear the older.
 */
export function older(e: { install: number; seq: number }, than: { install: number; seq: number }): boolean {
  return e.install < than.install || (e.install === than.install && e.seq < than.seq);
}

/** Alertmanager tells alerts apart by their labels: a change of severity or regency is another alert. */
export function sameLabels(a: ActiveAlert, b: ActiveAlert): boolean {
  return a.severity === b.severity && a.province === b.province && a.regency === b.regency;
}

const alertOf = (e: StoredEvent, startsAtMs: number): ActiveAlert => ({ station: e.station, province: e.province, regency: e.regency, code: e.code, severity: e.severity, message: e.message, startsAtMs, ts: e.ts, seq: e.seq, install: e.install });

export class ActiveAlerts {
  private readonly byKey = new Map<string, ActiveAlert>();
  private readonly perStation = new Map<string, number>();

  get size(): number {
    return this.byKey.size;
  }

  list(): ActiveAlert[] {
    return [...this.byKey.values()];
  }

  get(station: string, code: string): ActiveAlert | undefined {
    return this.byKey.get(keyOf(station, code));
  }

  /** One event from a station: what Alertmanager must be told. An event older than the one held changes nothing. */
  apply(e: StoredEvent, nowMs: number): AlertChange[] {
    const key = keyOf(e.station, e.code);
    const cur = this.byKey.get(key);
    if (cur && older(e, cur)) return [];
    const atMs = Math.min(Date.parse(e.ts), nowMs);
    if (e.state === 'cleared') {
      if (!cur) return [];
      this.remove(key, cur);
      return [{ kind: 'resolved', alert: cur, endsAtMs: Math.max(cur.startsAtMs, atMs) }];
    }
    const next = alertOf(e, atMs);
    const out: AlertChange[] = [];
    if (cur && sameLabels(cur, next)) next.startsAtMs = cur.startsAtMs;
    else if (cur) out.push({ kind: 'resolved', alert: cur, endsAtMs: Math.max(cur.startsAtMs, atMs) });
    if (!cur) {
      const n = this.perStation.get(e.station) ?? 0;
      if (n >= MAX_PER_STATION) return out;
      this.perStation.set(e.station, n + 1);
    }
    this.byKey.set(key, next);
    out.push({ kind: 'firing', alert: next });
    return out;
  }

  /**
   * The book as the stored feed leaves it (the newest raise and clear of each station and code):
   * what is still raised fires again, and what was cleared since `resolvedSinceMs` is resolved
   * again, in case Alertmanager did not hear it before the dashboard stopped.
   */
  load(latest: StoredEvent[], nowMs: number, resolvedSinceMs: number): AlertChange[] {
    const pairs = new Map<string, { raised?: StoredEvent; cleared?: StoredEvent }>();
    for (const e of latest) {
      const k = keyOf(e.station, e.code);
      const p = pairs.get(k) ?? {};
      if (e.state === 'raised') p.raised = e;
      else p.cleared = e;
      pairs.set(k, p);
    }
    const out: AlertChange[] = [];
    for (const { raised, cleared } of pairs.values()) {
      if (!raised) continue;
      if (!cleared || older(cleared, raised)) {
        out.push(...this.apply(raised, nowMs));
      } else if (Date.parse(cleared.ts) >= resolvedSinceMs) {
        const alert = alertOf(raised, Math.min(Date.parse(raised.ts), nowMs));
        const startsAtMs = alert.startsAtMs;
        out.push({ kind: 'resolved', alert, endsAtMs: Math.max(startsAtMs, Math.min(Date.parse(cleared.ts), nowMs)) });
      }
    }
    return out;
  }

  private remove(key: string, a: ActiveAlert): void {
    this.byKey.delete(key);
    const n = (this.perStation.get(a.station) ?? 1) - 1;
    if (n <= 0) this.perStation.delete(a.station);
    else this.perStation.set(a.station, n);
  }
}
