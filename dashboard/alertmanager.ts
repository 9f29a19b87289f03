/**
 * The stations' alerts to the province's Alertmanager (v2 API, `POST /api/v2/alerts`). A change
 * (raised, cleared, graver) is posted within a moment; every active alert is posted again each
 * `resendSeconds`, saying it ends four periods later, so an alert the dashboard stops sending
 * resolves by itself. While Alertmanager does not answer nothing is dropped: what it has not
 * taken is posted again, whole, with a growing pause, until it answers.
 */
import type { Clock } from '../core/clock.js';
import type { Logger } from 'pino';
import { readSecretFile } from '../hal/secret-file.js';
import { ConfigError } from '../core/errors.js';
import { codeName } from '../telemetry/event-codes.js';
import type { AlertChange, ActiveAlert } from './active-alerts.js';
import type { AlertmanagerSection } from './section.js';

/** One alert as Alertmanager's v2 API takes it. */
export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

export interface PosterOptions {
  /** Alertmanager's base URL; /api/v2/alerts is added. */
  url: string;
  /** Authorization, read from files at start; never logged. */
  headers?: Record<string, string>;
  resendMs: number;
  timeoutMs: number;
  /** First pause after a failed post; it doubles up to resendMs. */
  retryMs?: number;
  /** Changes that come together are posted together after this pause. */
  batchMs?: number;
  log: Logger;
  /** Wall time stamps the alerts' ends; the posts and their timeouts are timed on monotonic time. */
  clock: Clock;
  /** A regency's name for people (dashboard.regencies), for the summary. */
  regencyName?: (code: string) => string | undefined;
}

const BATCH = 500;
/**
 * Redirects followed for one post, at most. Only 307 and 308 keep a post a post (a proxy moving
 * Alertmanager to https); after a 301, 302 or 303 fetch would read the address instead, and
 * Alertmanager answers a read of its alerts with 200: the alerts would seem taken and be lost.
 */
const MAX_REDIRECTS = 5;
/** While Alertmanager stays down, the log says so again this often (not on every retry). */
const REMIND_MS = 10 * 60_000;

/** The Authorization header the section's files give, if any. A file that cannot be read is a configuration error. */
export function alertmanagerHeaders(a: AlertmanagerSection, source: string): Record<string, string> {
  const read = (key: string, file: string): string => {
    try {
      return readSecretFile(file).toString('utf8');
    } catch (err) {
      throw new ConfigError(source, [{ path: `dashboard.alertmanager.${key}`, message: (err as Error).message }]);
    }
  };
  if (a.bearerTokenFile) return { authorization: `Bearer ${read('bearerTokenFile', a.bearerTokenFile)}` };
  if (a.username && a.passwordFile) return { authorization: `Basic ${Buffer.from(`${a.username}:${read('passwordFile', a.passwordFile)}`).toString('base64')}` };
  return {};
}

/** Labels and annotations of a station's alert (documented in docs/dashboard.md, "Alertmanager"). */
export function toAmAlert(a: ActiveAlert, endsAtMs: number, regencyName?: string): AmAlert {
  const words = codeName(a.code);
  const where = `${a.station} (${regencyName ?? a.regency})`;
  return {
    // An office's own alert (office.blanks.low) names the office where a station's names the station.
    labels: { alertname: a.code, station: a.station, province: a.province, regency: a.regency, severity: a.severity, ...(a.code.startsWith('office.') && a.code !== 'office.restock' ? { office: a.station } : {}) },
    annotations: {
      summary: `${words.id} / ${words.en}: ${where}`,
      summary_id: `${words.id}: stasiun ${where}`,
      summary_en: `${words.en}: station ${where}`,
      description: a.message,
    },
    startsAt: new Date(a.startsAtMs).toISOString(),
    endsAt: new Date(Math.max(endsAtMs, a.startsAtMs)).toISOString(),
  };
}

const fingerprint = (a: ActiveAlert) => JSON.stringify([a.station, a.code, a.severity, a.province, a.regency]);

export class AlertmanagerPoster {
  private readonly endpoint: string;
  /** What fires now, by label set: posted again every resendMs. */
  private readonly firing = new Map<string, ActiveAlert>();
  /** Changes Alertmanager has not taken yet: a firing alert (by its label set) or a resolution. */
  private readonly unsent = new Map<string, { alert: ActiveAlert; endsAtMs: number | null }>();
  private cancelTimer: (() => void) | undefined;
  private timerAt = Infinity;
  private wantFull = true;
  private nextFullAt = -Infinity;
  private backoffMs: number;
  private inFlight: Promise<void> | undefined;
  private stopped = false;
  private failingSince: number | null = null;
  private remindedAt = -Infinity;
  /** null until the first post; then whether the last one was taken. */
  up: boolean | null = null;
  lastError: string | null = null;
  posted = 0;

  constructor(private readonly o: PosterOptions) {
    this.endpoint = `${o.url.replace(/\/+$/, '')}/api/v2/alerts`;
    this.backoffMs = o.retryMs ?? 2000;
  }

  /** Alerts Alertmanager has not taken yet (changes and resolutions). */
  get pending(): number {
    return this.unsent.size;
  }

  /** Take changes from the book; they go out within batchMs (or with the next retry while Alertmanager is down). */
  take(changes: AlertChange[]): void {
    for (const c of changes) {
      const fp = fingerprint(c.alert);
      if (c.kind === 'firing') {
        this.firing.set(fp, c.alert);
        this.unsent.set(fp, { alert: c.alert, endsAtMs: null });
      } else {
        this.firing.delete(fp);
        this.unsent.set(fp, { alert: c.alert, endsAtMs: c.endsAtMs });
      }
    }
    if (changes.length > 0 && this.failingSince === null) this.wake(this.o.batchMs ?? 200, false);
  }

  /** Post what is known now, then keep posting. */
  start(): void {
    this.stopped = false;
    this.wake(0, true);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await this.settled();
  }

  /** Resolves once no post is under way: what a post set going is done (tests on a manual clock wait on it). */
  async settled(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  status(): { url: string; up: boolean | null; firing: number; pending: number; lastError: string | null } {
    return { url: this.o.url, up: this.up, firing: this.firing.size, pending: this.pending, lastError: this.lastError };
  }

  private wake(ms: number, full: boolean): void {
    if (this.stopped) return;
    this.wantFull ||= full;
    const at = this.o.clock.monotonic() + ms;
    if (this.cancelTimer !== undefined && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.o.clock.setTimer(() => {
      this.cancelTimer = undefined;
      this.timerAt = Infinity;
      // One post at a time: a change that comes during a post waits for it.
      const p = (this.inFlight ?? Promise.resolve()).then(() => this.run()).catch((err: unknown) => {
        this.o.log.error({ err: (err as Error).message }, 'posting to Alertmanager failed; tried again later');
        this.wake(this.o.resendMs, true);
      });
      this.inFlight = p;
      void p.finally(() => {
        if (this.inFlight === p) this.inFlight = undefined;
      });
    }, ms, { unref: true });
  }

  private async run(): Promise<void> {
    const mono = this.o.clock.monotonic();
    const full = this.wantFull || mono >= this.nextFullAt;
    this.wantFull = false;
    const sending = new Map(this.unsent);
    const firingEnds = this.o.clock.now() + 4 * this.o.resendMs;
    const body: AmAlert[] = [];
    const name = (a: ActiveAlert) => this.o.regencyName?.(a.regency);
    if (full) for (const a of this.firing.values()) body.push(toAmAlert(a, firingEnds, name(a)));
    for (const [fp, u] of sending) {
      if (u.endsAtMs !== null) body.push(toAmAlert(u.alert, u.endsAtMs, name(u.alert)));
      else if (!full && this.firing.has(fp)) body.push(toAmAlert(u.alert, firingEnds, name(u.alert)));
    }
    const error = body.length === 0 ? null : await this.post(body);
    if (this.stopped) return;
    if (error === null) {
      // Taken: forget what was sent, unless it changed again meanwhile.
      for (const [fp, u] of sending) if (this.unsent.get(fp) === u) this.unsent.delete(fp);
      this.posted += body.length;
      if (this.failingSince !== null) this.o.log.info({ url: this.o.url, alerts: body.length }, 'Alertmanager answers again: the alerts it missed are delivered');
      this.failingSince = null;
      this.up = body.length > 0 ? true : this.up;
      this.lastError = null;
      this.backoffMs = this.o.retryMs ?? 2000;
      if (full) this.nextFullAt = mono + this.o.resendMs;
      this.wake(Math.max(0, this.nextFullAt - this.o.clock.monotonic()), true);
      if (this.unsent.size > 0) this.wake(this.o.batchMs ?? 200, false);
      return;
    }
    this.up = false;
    this.lastError = error;
    const t = this.o.clock.monotonic();
    if (this.failingSince === null || t - this.remindedAt >= REMIND_MS) {
      this.o.log.warn({ url: this.o.url, error, waiting: this.unsent.size, firing: this.firing.size, failingSeconds: Math.round((t - (this.failingSince ?? t)) / 1000) }, 'Alertmanager did not take the alerts; they are kept and posted again until it does');
      this.remindedAt = t;
    }
    this.failingSince ??= t;
    this.wake(this.backoffMs, true);
    this.backoffMs = Math.min(this.backoffMs * 2, this.o.resendMs);
  }

  /** null when Alertmanager took the alerts; else why not, in words. */
  private async post(alerts: AmAlert[]): Promise<string | null> {
    for (let i = 0; i < alerts.length; i += BATCH) {
      let res: { ok: boolean; status: number; text: string; redirect?: string };
      try {
        res = await this.postBatch(alerts.slice(i, i + BATCH));
      } catch (err) {
        const e = err as Error & { cause?: { code?: string } };
        return e.name === 'TimeoutError' ? `no answer within ${this.o.timeoutMs} ms (dashboard.alertmanager.timeoutSeconds)` : `${e.cause?.code ?? e.message}: is Alertmanager running at dashboard.alertmanager.url?`;
      }
      if (res.redirect !== undefined) return res.redirect;
      if (res.ok) continue;
      // Alertmanager keeps the valid alerts of a post and answers 400 for the rest: posting the same again would not help.
      if (res.status === 400) {
        this.o.log.error({ url: this.o.url, answer: res.text }, 'Alertmanager refused some alerts as invalid; the others were taken');
        continue;
      }
      if (res.status === 401 || res.status === 403) return `HTTP ${res.status}: check dashboard.alertmanager.username and passwordFile, or bearerTokenFile`;
      if (res.status === 404) return `HTTP 404 for ${this.endpoint}: is dashboard.alertmanager.url Alertmanager's address (0.16 or later, API v2)?`;
      return `HTTP ${res.status}: ${res.text}`;
    }
    return null;
  }

  /**
   * One POST, its answer read whole, within timeoutMs on the injected clock (a TimeoutError past
   * it). Redirects are followed here, not by fetch: a 307 or 308 is followed as a post (the
   * token only to the same origin), a loop or any other redirect is said as such (`redirect`).
   */
  private async postBatch(alerts: AmAlert[]): Promise<{ ok: boolean; status: number; text: string; redirect?: string }> {
    const abort = new AbortController();
    const cancel = this.o.clock.setTimer(() => abort.abort(new DOMException(`no answer within ${this.o.timeoutMs} ms`, 'TimeoutError')), this.o.timeoutMs, { unref: true });
    const body = JSON.stringify(alerts);
    const origin = new URL(this.endpoint).origin;
    try {
      const seen = [this.endpoint];
      for (let url = this.endpoint; ; ) {
        const headers = { 'content-type': 'application/json', ...(new URL(url).origin === origin ? this.o.headers : {}) };
        const res = await fetch(url, { method: 'POST', headers, body, signal: abort.signal, redirect: 'manual' });
        const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
        // The status says whether the alerts were taken; the body only adds words to an error.
        const text = await res.text().catch(() => '');
        if (location === null) return { ok: res.ok, status: res.status, text: text.slice(0, 300) };
        const next = new URL(location, url).href;
        if (seen.includes(next)) {
          const path = seen.length === 1 ? `${next} redirects back to itself` : `${seen.join(' → ')} → back to ${next === seen[0] ? 'the first' : next}`;
          return { ok: false, status: res.status, text: '', redirect: `a redirect loop: ${path}: check dashboard.alertmanager.url and the proxy in front of Alertmanager` };
        }
        if (res.status !== 307 && res.status !== 308) {
          return { ok: false, status: res.status, text: '', redirect: `HTTP ${res.status}: redirected to ${next}, where the alerts would arrive as a read, not a post: set dashboard.alertmanager.url to Alertmanager's own address` };
        }
        if (seen.length > MAX_REDIRECTS) return { ok: false, status: res.status, text: '', redirect: `redirected more than ${MAX_REDIRECTS} times (${seen.join(' → ')} → …): set dashboard.alertmanager.url to Alertmanager's own address` };
        seen.push(next);
        url = next;
      }
    } finally {
      cancel();
    }
  }
}
