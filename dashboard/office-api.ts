/**
 * The offices' part of the API: the month's reconciliation (JSON or CSV) for an office, a regency
 * or the province, the request to the ministry for an office or a regency, and the offices with
 * their stock where it is. Every parameter is checked; a bad one is a 400 naming it.
 */
import { setImmediate as pause } from 'node:timers/promises';
import type { Accounts, DayRow, OfficeRow } from './accounts.js';
import { Books } from './books.js';
import type { Fleet } from './fleet.js';
import { factsWindow, officeStock, type OfficeStock } from './office-stock.js';
import { Raw } from './raw.js';
import { reconciliationCsv } from './reconcile-csv.js';
import { reconciliationPage, requestPage } from './report-pages.js';
import { combine, reconcile, throughOf, type Reconciliation, type Scope } from './reconcile.js';
import { foldImplausible, type StationFold } from './reconcile-fold.js';
import { dayLimit, type PlacedImplausible } from './plausible.js';
import { request, type Request } from './request.js';
import { HttpError } from '../platform/http.js';
import type { DashboardSection } from './section.js';

export type { MonthFigures, OfficeStock } from './office-stock.js';

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** The offices' stock is made again at most this often while messages come in... */
const FRESH_MIN_MS = 5_000;
/** ...and at least this often otherwise (days and staleness move with the clock). */
const FRESH_MS = 60_000;
/** Offices added up between two looks at the event loop. */
const STOCK_SLICE = 200;

export interface OfficeApiDeps {
  accounts: Accounts;
  fleet: Fleet;
  cfg: DashboardSection;
  /** Wall time: which day it is. */
  now: () => number;
  /** Monotonic time: how old the stock is, and how long one took to make (a wall clock set back must not keep it). */
  monotonic: () => number;
  /** The day a time falls on, as the dashboard counts days. */
  day: (ms: number) => string;
}

function scopeOf(url: URL, kinds: readonly Scope['kind'][]): Scope {
  const given = kinds.filter((k) => url.searchParams.has(k));
  if (given.length !== 1) {
    const example = `?${kinds[0]}=${kinds[0] === 'office' ? '5371-DINAS' : '5371'}`;
    throw new HttpError(400, {
      id: `berikan tepat satu dari ${kinds.join(', ')} (misalnya ${example}), diberikan ${given.length ? given.join(' dan ') : 'tidak ada'}`,
      en: `give exactly one of ${kinds.join(', ')} (e.g. ${example}), given ${given.length ? given.join(' and ') : 'none'}`,
    });
  }
  const kind = given[0] as Scope['kind'];
  const id = url.searchParams.get(kind) ?? '';
  if (!ID.test(id)) throw new HttpError(400, { id: `${kind}: harus id berisi huruf, angka, ".", "_" atau "-", diberikan ${JSON.stringify(id).slice(0, 80)}`, en: `${kind}: expected an id of letters, digits, ".", "_" or "-", given ${JSON.stringify(id).slice(0, 80)}` });
  return { kind, id };
}

export class OfficeApi {
  /** The last stock made, and when (monotonic ms). */
  private cache: { at: number; stocks: OfficeStock[] } | undefined;
  private changed = false;
  private making: Promise<OfficeStock[]> | undefined;
  private makingMs = 0;
  private generation = 0;
  private readonly books: Books;

  constructor(private readonly d: OfficeApiDeps) {
    this.books = new Books(d.accounts);
    // The stock is the books' alone: a day, an entry or an office written changes it; a health does not.
    const changed = () => this.noteChange();
    d.accounts.watch({ day: changed, entry: changed, office: changed, retired: changed });
  }

  /** The books changed: the stock is made again on the next question a few seconds on. */
  noteChange(): void {
    this.changed = true;
  }

  /** The most cards a station can print in a day: by its printer's speed, as its last health said it. */
  private readonly limitOf = (station: string) => dayLimit(this.d.fleet.entries.get(station)?.health?.printer.secondsPerCard);

  /** Something was decided (a station retired): the next question makes the stock again at once. */
  forget(): void {
    this.cache = undefined;
    this.making = undefined;
    this.generation++;
    this.books.reset();
  }

  async handle(method: string, url: URL): Promise<unknown> {
    if (method !== 'GET') return undefined;
    if (url.pathname === '/reconciliation' || url.pathname === '/request') return this.page(url);
    if (url.pathname === '/api/reconciliation') return this.reconciliationAnswer(url, scopeOf(url, ['office', 'regency', 'province']));
    if (url.pathname === '/api/request') {
      const raw = url.searchParams.get('months');
      const months = raw === null ? 3 : Number(raw);
      if (!Number.isInteger(months) || months < 1 || months > 24) throw new HttpError(400, { id: `months: harus bilangan bulat 1 sampai 24, diberikan ${JSON.stringify(raw)}`, en: `months: expected a whole number from 1 to 24, given ${JSON.stringify(raw)}` });
      const scope = scopeOf(url, ['office', 'regency']);
      return { [scope.kind]: scope.id, ...(await this.request(scope, months)) };
    }
    if (url.pathname === '/api/offices') return this.stocks();
    return undefined;
  }

  /** A reconciliation as JSON or, with format=csv, as CSV; `exclude`: offices left out (flagged at the nation's level). */
  async reconciliationAnswer(url: URL, scope: Scope, exclude: ReadonlySet<string> = new Set()): Promise<unknown> {
    const format = url.searchParams.get('format');
    if (format !== null && format !== 'json' && format !== 'csv') throw new HttpError(400, { id: `format: harus json atau csv, diberikan ${JSON.stringify(format).slice(0, 40)}`, en: `format: expected json or csv, given ${JSON.stringify(format).slice(0, 40)}` });
    const r = await this.reconciliation(scope, this.month(url), exclude);
    return format === 'csv' ? new Raw('text/csv; charset=utf-8', reconciliationCsv(r)) : { ...r, [r.scope.kind]: r.scope.id };
  }

  /** The printable page of a reconciliation or a request, in the language asked (Indonesian unless ?lang=en). */
  private async page(url: URL): Promise<Raw> {
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'id';
    const query = [...url.searchParams].filter(([k]) => k !== 'lang').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    if (url.pathname === '/reconciliation') return new Raw('text/html; charset=utf-8', reconciliationPage(await this.reconciliation(scopeOf(url, ['office', 'regency', 'province']), this.month(url)), lang, query));
    const scope = scopeOf(url, ['office', 'regency']) as { kind: 'office' | 'regency'; id: string };
    const name = scope.kind === 'office' ? ((await this.d.accounts.offices()).find((o) => o.office === scope.id)?.name ?? null) : (this.d.cfg.regencies[scope.id]?.name ?? null);
    return new Raw('text/html; charset=utf-8', requestPage(await this.request(scope, 3), { ...scope, name }, lang, query));
  }

  month(url: URL): string {
    const m = url.searchParams.get('month') ?? this.d.day(this.d.now()).slice(0, 7);
    if (!MONTH.test(m)) throw new HttpError(400, { id: `month: harus YYYY-MM, misalnya 2026-12, diberikan ${JSON.stringify(m).slice(0, 40)}`, en: `month: expected YYYY-MM, e.g. 2026-12, given ${JSON.stringify(m).slice(0, 40)}` });
    return m;
  }

  private async reconciliation(scope: Scope, month: string, exclude: ReadonlySet<string> = new Set()): Promise<Reconciliation> {
    const today = this.d.day(this.d.now());
    // A regency, a province, the nation: its stations' parts, kept between questions, added up.
    if (scope.kind !== 'office') return this.unit(scope, month, today, exclude);
    const offices = (await this.d.accounts.offices()).filter((o) => !exclude.has(o.office));
    const ids = this.officesIn(scope, offices);
    if (!ids.includes(scope.id)) ids.push(scope.id);
    const last = `${month}-31`;
    const days = await this.d.accounts.days(ids, last);
    if (days.length === 0) throw notSent(scope);
    return reconcile({ scope, month, today, offices, days, entries: await this.d.accounts.entries(ids, last), limitOf: this.limitOf });
  }

  /**
   * The reconciliation of a unit of offices, from its stations' parts (what reconcile makes from
   * their days; test/unit/books.test.ts). An office whose stations' days say what cannot be
   * (dashboard/plausible.ts) is left out of the unit's figures, named in `leftOut`, and what was
   * found listed in `implausible`.
   */
  private async unit(scope: Scope, month: string, today: string, exclude: ReadonlySet<string>): Promise<Reconciliation> {
    const all = (await this.books.offices()).filter((o) => !exclude.has(o.office));
    const ids = new Set(this.officesIn(scope, all));
    const through = throughOf(month, today);
    await this.books.ready();
    const stations = this.books.stationsIn(ids);
    const parts = await this.books.partsOf(stations, month, today, this.d.day(this.d.now() - 86_400_000));
    const found: PlacedImplausible[] = [];
    const leftOut = new Set<string>();
    let any = false;
    for (const s of stations) {
      const part = parts.get(s);
      if (!part) continue;
      any ||= this.books.anyIn(part, ids);
      const f = this.books.foldIn(s, part, ids, month, through);
      const bad = f ? foldImplausible(f, this.limitOf(s)) : [];
      if (!f || bad.length === 0) continue;
      found.push(...bad.map((x) => ({ ...x, station: s, office: f.offices[0] ?? null })));
      for (const o of f.offices) if (ids.has(o)) leftOut.add(o);
    }
    if (!any) throw notSent(scope);
    const offices = all.filter((o) => !leftOut.has(o.office));
    const kept = new Set([...ids].filter((o) => !leftOut.has(o)));
    const folds: StationFold[] = [];
    for (const s of stations) {
      const part = parts.get(s);
      const f = part ? this.books.foldIn(s, part, kept, month, through) : null;
      if (f) folds.push(f);
    }
    const r = combine({ scope, month, through, offices, officeOf: new Map(all.map((o) => [o.office, o])), folds, entries: this.books.entriesOf(kept), limitOf: this.limitOf });
    return { ...r, implausible: found, leftOut: [...leftOut].sort() };
  }

  private officesIn(scope: Scope, offices: readonly OfficeRow[]): string[] {
    return offices.filter((o) => scope.kind === 'nation' || (scope.kind === 'office' ? o.office === scope.id : scope.kind === 'regency' ? o.regency === scope.id : o.province === scope.id)).map((o) => o.office);
  }

  /** The request, and what its figures cannot vouch for (an office's counted, a regency's offices left out). */
  async request(scope: Scope, months: number): Promise<Request & Pick<Reconciliation, 'implausible' | 'leftOut'>> {
    const today = this.d.day(this.d.now());
    const r = await this.reconciliation(scope, today.slice(0, 7));
    const offices = (await this.d.accounts.offices()).filter((o) => r.offices.includes(o.office));
    return { ...this.requestOf(r, offices, await this.d.accounts.days(r.offices, today), months, today), implausible: r.implausible, leftOut: r.leftOut };
  }

  /** The request from the month's reconciliation, the offices it counts and their days up to today. */
  private requestOf(r: Reconciliation, offices: readonly OfficeRow[], days: readonly DayRow[], months: number, today: string): Request {
    const stations = new Set(days.map((d) => d.station));
    let queued = 0;
    // The yield of a roll as the printers have learned it (their supplies' capacity), else the box's usual.
    const capacities: Record<'ribbon' | 'film', number[]> = { ribbon: [], film: [] };
    for (const s of stations) {
      const h = this.d.fleet.entries.get(s)?.health;
      queued += h?.jobs.queued ?? 0;
      for (const sup of h?.printer.supplies ?? []) if ((sup.kind === 'ribbon' || sup.kind === 'film') && sup.capacity !== null && sup.capacity > 0) capacities[sup.kind].push(sup.capacity);
    }
    const median = (xs: number[], usual: number) => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? usual) : usual);
    const figure = (k: 'leadDays' | 'boxSize') => Math.max(0, ...offices.map((o) => o.figures[k] ?? 0));
    const price = (k: 'ribbon' | 'film') => offices.map((o) => o.figures.rollPrice?.[k]).find((p) => p !== undefined);
    return request({
      days,
      today,
      onHand: r.where.store + Object.values(r.where.printers).reduce((a, b) => a + b, 0),
      inTransit: r.where.inTransit,
      queued,
      leadDays: figure('leadDays') || this.d.cfg.leadDays.blanks,
      boxSize: figure('boxSize') || 100,
      months,
      printers: Object.keys(r.where.printers).length,
      rollPrice: { ribbon: price('ribbon'), film: price('film') },
      yields: { ribbon: median(capacities.ribbon, 500), film: median(capacities.film, 1500) },
    });
  }

  /**
   * Each station's part of the running month made once, in the background at start: at a nation's
   * size that reads every station's month (seconds), which the first page or scrape would
   * otherwise wait for; its stock is then added up from the parts in a fraction of a second.
   */
  async warm(): Promise<void> {
    const now = this.d.now();
    const today = this.d.day(now);
    await this.books.ready();
    await this.books.partsOf(this.books.stationsIn('all'), today.slice(0, 7), today, this.d.day(now - 86_400_000));
  }

  /** Every office with its stock now and its request point: the page, /metrics, the office's low and the public list read it. */
  async stocks(): Promise<OfficeStock[]> {
    const now = this.d.now();
    const mono = this.d.monotonic();
    const age = this.cache ? mono - this.cache.at : Infinity;
    // A nation's stock takes seconds to make: made again no sooner than four makings' time after the last began (at most a fifth of the time),
    // one making at a time (the watch, a scrape, the nation's tree and a page share it), and the last one answered meanwhile while under a minute old.
    if (this.cache && (age < Math.max(FRESH_MIN_MS, 4 * this.makingMs) || (!this.changed && age < FRESH_MS))) return this.cache.stocks;
    if (!this.making) {
      const making = this.makeStocks(now, mono, this.generation).finally(() => {
        this.makingMs = this.d.monotonic() - mono;
        if (this.making === making) this.making = undefined;
      });
      making.catch(() => undefined); // its failure reaches whoever waits on it; a later question tries again
      this.making = making;
    }
    return this.cache && age < FRESH_MS ? this.cache.stocks : this.making;
  }

  /**
   * Each office's reconciliation and request as /api/reconciliation and /api/request make them,
   * added up from its stations' parts (dashboard/books.ts: made again only for the stations whose
   * days changed), a slice of offices at a time. Made from every office's days at each question,
   * 2,000 offices took seconds of reading and held the event loop.
   */
  private async makeStocks(now: number, mono: number, generation: number): Promise<OfficeStock[]> {
    this.changed = false;
    const today = this.d.day(now);
    const month = today.slice(0, 7);
    const yesterday = this.d.day(now - 86_400_000);
    const offices = await this.books.offices();
    await this.books.ready();
    const parts = await this.books.partsOf(this.books.stationsIn(new Set(offices.map((o) => o.office))), month, today, yesterday);
    const window = factsWindow(today, yesterday);
    const officeOf = new Map(offices.map((o) => [o.office, o]));
    const out: OfficeStock[] = [];
    for (const [n, o] of offices.entries()) {
      if (n > 0 && n % STOCK_SLICE === 0) await pause();
      const ids = new Set([o.office]);
      const folds: StationFold[] = [];
      const facts = [];
      let any = false;
      for (const s of this.books.stationsIn(ids)) {
        const part = parts.get(s);
        if (!part || !this.books.anyIn(part, ids)) continue;
        any = true;
        const f = this.books.foldIn(s, part, ids, month, today);
        if (f) folds.push(f);
        const x = this.books.factsIn(part, o.office, window);
        if (x) facts.push({ station: s, facts: x });
      }
      // No day of the office yet: no reconciliation (a 404 on the API), so no stock.
      if (!any) continue;
      const r = combine({ scope: { kind: 'office', id: o.office }, month, through: today, offices, officeOf, officeRows: officeOf, folds, entries: this.books.entriesOf(ids), limitOf: this.limitOf });
      out.push(officeStock(o, r, facts, today, this.d.cfg.leadDays.blanks));
    }
    // A retirement decided meanwhile makes this answer old: it is given to who asked, not kept.
    if (generation === this.generation) this.cache = { at: mono, stocks: out };
    return out;
  }
}

function notSent(scope: Scope): HttpError {
  return new HttpError(404, { id: `belum ada stasiun ${scope.kind} ${scope.id} yang mengirim angka hariannya ke dasbor ini`, en: `no station of ${scope.kind} ${scope.id} has sent its daily figures to this dashboard` });
}
