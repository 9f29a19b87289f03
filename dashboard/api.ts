/**
 * The JSON API under /api/ (documented in docs/dashboard.md): what the page reads, and what
 * provincial scripts and Grafana read. Every query parameter is checked; a bad one is a 400
 * that names it and what was expected.
 */
import { HttpError } from '../platform/http.js';
import { EVENT_CODES } from '../telemetry/event-codes.js';
import type { DashboardSection } from './section.js';
import { type Fleet, type Problem, PROBLEMS, type RowContext, type StationRow, toRow } from './fleet.js';
import { REGION_SOURCE } from './regions.js';
import type { Ingest } from './ingest.js';
import type { NationApi } from './nation-api.js';
import type { Retirement } from './retire.js';
import type { OfficeApi } from './office-api.js';
import type { DashboardStore } from './store.js';
import { lending, type LendingSuggestion, ranking } from './views.js';

const DAY_MS = 86_400_000;
/** The codes' names (code → { id, en }, the words Alertmanager sends) and usual severities, for the page. */
const ALERT_WORDS = Object.fromEntries(Object.entries(EVENT_CODES).map(([code, c]) => [code, c.name]));
const ALERT_SEVERITIES = Object.fromEntries(Object.entries(EVENT_CODES).map(([code, c]) => [code, c.severity]));
const ROWS_FRESH_MS = 1000;
const LENDING_FRESH_MS = 5000;

export interface ApiDeps {
  fleet: Fleet;
  ingest: Ingest;
  store: DashboardStore;
  cfg: DashboardSection;
  now: () => number;
  staleAfterMs: number;
  /** Monotonic time the dashboard started, and the clock's monotonic reading: the uptime never runs backwards. */
  started: number;
  monotonic: () => number;
  extraMetrics?: () => Record<string, unknown>;
  /** Lead times and names for the rows. */
  rowContext?: RowContext;
  /**
   * The dashboard's own link to the broker: while it is lost, stations are judged as of the
   * moment it was lost (they are not turned stale by the dashboard's outage).
   */
  link?: () => { connected: boolean; lostSince: number | null };
  /** The offices' reconciliation, request and stock. */
  offices?: OfficeApi;
  /** The nation's tree, allocation and month. */
  nation?: NationApi;
  /** Stations gone for good. */
  retirement?: Retirement;
}

function intParam(url: URL, name: string, def: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new HttpError(400, { id: `${name}: harus bilangan bulat dari ${min} sampai ${max}, diberikan ${JSON.stringify(raw)}`, en: `${name}: expected a whole number from ${min} to ${max}, given ${JSON.stringify(raw)}` });
  return n;
}

export class Api {
  constructor(private readonly d: ApiDeps) {}

  /** Each made at `at`, monotonic ms. */
  private cached: { rows?: { at: number; value: StationRow[] }; lending?: { at: number; value: LendingSuggestion[] } } = {};

  /** What changed reached the fleet (an ingest flush): the next request makes the rows again. */
  invalidate(): void {
    delete this.cached.rows;
  }

  /**
   * The fleet's rows, made again only after a change or a second (staleness goes by time), so
   * the pages asking on the same 15 s tick share one computation at 10,000 stations.
   */
  rows(): StationRow[] {
    // How old a cache is runs on monotonic time: a wall clock set back would keep it for the step.
    const mono = this.d.monotonic();
    const c = this.cached.rows;
    if (c && mono - c.at < ROWS_FRESH_MS) return c.value;
    const value = this.d.fleet.rows(this.asOf(), this.d.staleAfterMs, this.d.rowContext);
    this.cached.rows = { at: mono, value };
    return value;
  }

  /** Lending changes as fast as supplies do (days, not seconds): reused for a few seconds. */
  private lending(): LendingSuggestion[] {
    const mono = this.d.monotonic();
    const c = this.cached.lending;
    if (c && mono - c.at < LENDING_FRESH_MS) return c.value;
    const value = lending(this.rows(), this.d.cfg);
    this.cached.lending = { at: mono, value };
    return value;
  }

  row(station: string): StationRow | undefined {
    const e = this.d.fleet.entries.get(station);
    return e ? toRow(e, this.asOf(), this.d.staleAfterMs, this.d.rowContext) : undefined;
  }

  /** The time stations are judged at: now, or when the dashboard lost its broker. */
  asOf(): number {
    return this.d.link?.().lostSince ?? this.d.now();
  }

  linkState(): { connected: boolean; lostSince: string | null } {
    const l = this.d.link?.() ?? { connected: true, lostSince: null };
    return { connected: l.connected, lostSince: l.lostSince === null ? null : new Date(l.lostSince).toISOString() };
  }

  /** Each station's last 7 days as it counts them (in its own zone, where it named one), newest first. */
  days(): (station: string) => string[] {
    const now = this.d.now();
    const byZone = new Map<string | undefined, string[]>();
    return (station) => {
      const zone = this.d.fleet.entries.get(station)?.timeZone;
      let days = byZone.get(zone);
      if (!days) byZone.set(zone, (days = this.d.ingest.cards.lastDays(now, zone)));
      return days;
    };
  }

  async handle(method: string, url: URL, body: unknown): Promise<unknown> {
    const path = url.pathname;
    if (method === 'GET' && path === '/api/stations') return this.stations(url);
    const station = /^\/api\/stations\/([A-Za-z0-9._-]+)$/.exec(path)?.[1];
    if (method === 'GET' && station) return this.station(station, url);
    if (method === 'GET' && path === '/api/ranking') return ranking(this.rows(), this.d.ingest.cards.byDay(), this.days(), this.d.cfg);
    if (method === 'GET' && path === '/api/lending') return this.lending();
    if (method === 'GET' && path === '/api/alerts') return this.d.store.events(intParam(url, 'limit', 200, 1, 5000), url.searchParams.get('station') ?? undefined);
    const ack = /^\/api\/alerts\/(\d+)\/ack$/.exec(path)?.[1];
    if (method === 'POST' && ack) return this.ack(Number(ack), body);
    if (method === 'GET' && path === '/api/metrics') return this.metrics();
    const retire = /^\/api\/stations\/([^/]+)\/retire$/.exec(path)?.[1];
    if (method === 'POST' && retire !== undefined && this.d.retirement) return this.d.retirement.retire(retire, (body as { reason?: unknown } | undefined)?.reason);
    if (method === 'GET' && path === '/api/retired' && this.d.store) return this.d.store.accounts().retired();
    if (method === 'GET' && path === '/api/config') {
      return { regencies: this.d.cfg.regencies, leadDays: this.d.cfg.leadDays, minCardsPerDay: this.d.cfg.minCardsPerDay, alertWords: ALERT_WORDS, alertSeverities: ALERT_SEVERITIES, regionNames: REGION_SOURCE };
    }
    if (method === 'GET' && path === '/api/link') return this.linkState();
    const nation = await this.d.nation?.handle(method, url);
    if (nation !== undefined) return nation;
    const office = await this.d.offices?.handle(method, url);
    if (office !== undefined) return office;
    throw new HttpError(404, { id: `tidak ada API ${method} ${path}; lihat docs/dashboard.md`, en: `no API ${method} ${path}; see docs/dashboard.md` });
  }

  private stations(url: URL): StationRow[] {
    const regency = url.searchParams.get('regency');
    const problem = url.searchParams.get('problem');
    if (problem !== null && !PROBLEMS.includes(problem as Problem)) throw new HttpError(400, { id: `problem: harus salah satu dari ${PROBLEMS.join(', ')}, diberikan ${JSON.stringify(problem)}`, en: `problem: expected one of ${PROBLEMS.join(', ')}, given ${JSON.stringify(problem)}` });
    return this.rows().filter((r) => (regency === null || r.regency === regency) && (problem === null || r.problems.includes(problem as Problem)));
  }

  private async station(id: string, url: URL): Promise<unknown> {
    const row = this.row(id);
    if (!row) throw new HttpError(404, { id: `stasiun ${JSON.stringify(id)} belum pernah melapor ke dasbor ini`, en: `no station ${JSON.stringify(id)} has reported to this dashboard` });
    const days = intParam(url, 'days', 7, 1, this.d.cfg.historyDays);
    const since = this.d.now() - days * DAY_MS;
    return {
      row,
      health: this.d.fleet.entries.get(id)?.health ?? null,
      diagnostics: this.d.ingest.diagnostics.get(id) ?? null,
      // Messages of its one counter that never arrived, and how far its clock ran ahead of this PC's.
      delivery: { missing: this.d.ingest.missing(id), clockAheadMs: this.d.ingest.aheadMs(id) },
      samples: await this.d.store.samples(id, since),
      daily: await this.daily(id, since),
      alerts: await this.d.store.events(50, id),
    };
  }

  /** A station's cards a day since a time, on its own days: the last week as the ranking has them, the days before as stored. */
  private async daily(id: string, since: number): Promise<{ day: string; printed: number }[]> {
    const cards = this.d.ingest.cards;
    const from = cards.day(since, this.d.fleet.entries.get(id)?.timeZone);
    const days = new Map((await this.d.store.dailyOf(id, from)).map((d) => [d.day, d.printed]));
    for (const [day, printed] of cards.of(id)) if (day >= from) days.set(day, printed);
    return [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, printed]) => ({ day, printed }));
  }

  private async ack(id: number, body: unknown): Promise<unknown> {
    const by = (body as { by?: unknown } | undefined)?.by;
    if (by !== undefined && (typeof by !== 'string' || by.length > 40)) throw new HttpError(400, { id: 'by: harus teks paling banyak 40 karakter (inisial atau jabatan, bukan nama lengkap)', en: 'by: expected text of at most 40 characters (initials or a role, not a full name)' });
    const e = await this.d.store.ack(id, by ?? 'dashboard', new Date(this.d.now()).toISOString());
    if (!e) throw new HttpError(404, { id: `tidak ada peringatan ${id}`, en: `no alert ${id}` });
    return e;
  }

  private metrics(): unknown {
    return {
      stations: this.d.fleet.entries.size,
      uptimeSeconds: Math.round((this.d.monotonic() - this.d.started) / 1000),
      ingest: this.d.ingest.metrics(),
      rssBytes: process.memoryUsage().rss,
      ...this.d.extraMetrics?.(),
    };
  }
}
