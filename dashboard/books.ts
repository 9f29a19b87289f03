/**
 * What the dashboard keeps made from the offices' books between questions, so that a province's
 * or the nation's month and every office's stock add up stations instead of reading a month of
 * days again (at 10,000 stations: 310,000 days, seconds of reading and over a gigabyte held at
 * once). Kept per station: its part of the reconciliation (dashboard/reconcile-fold.ts) and of its
 * office's stock (dashboard/office-stock.ts), made again from its own days when they change
 * (the accounts say which, `Accounts.watch`) and only then; the entries that name a transfer, as
 * they come; which offices each station sent days under. Days are read a hundred stations at a
 * time, and the event loop is let go between, so the messages keep flowing while a nation is made.
 */
import { setImmediate as pause } from 'node:timers/promises';
import type { Accounts, BookDay, EntryRow, OfficeRow } from './accounts.js';
import { factsOf, factsWindow, type FactsWindow, type StockFacts } from './office-stock.js';
import { foldStation, type StationFold } from './reconcile-fold.js';
import { throughOf } from './reconcile.js';
import { type BeforeToday, type Month, partFrom, partOf, type StationPart } from './station-part.js';

/** Stations whose days are read together. */
const BATCH = 100;
/** Entries read together. */
const ENTRY_PAGE = 5000;

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type { StationPart } from './station-part.js';

interface Kept {
  version: number;
  part: StationPart;
  /** The running month's: what its days before today give, to add today's to. */
  before: BeforeToday | null;
}

export class Books {
  /** How many times each station's days were written since the dashboard started: its part is made again when this moved. */
  private readonly versions = new Map<string, number>();
  /** The earliest day of each station written since its running month's part was made: from today on, only those days are read again. */
  private readonly written = new Map<string, string>();
  /** Parts by month and today: the running month's, and the last other month asked. */
  private parts = new Map<string, Map<string, Kept>>();
  private readonly officesOf = new Map<string, Set<string>>();
  private readonly stationsOf = new Map<string, Set<string>>();
  /** Entries that name a transfer, by station, in order of seq; and the stations whose entries name an office (as theirs or the other end). */
  private readonly entries = new Map<string, EntryRow[]>();
  private readonly entryStations = new Map<string, Set<string>>();
  private officeRows: Promise<OfficeRow[]> | undefined;
  private loading: Promise<void> | undefined;
  private making: Promise<unknown> = Promise.resolve();
  /** Moved on by every reset: a read begun before it is not kept. */
  private generation = 0;

  constructor(private readonly accounts: Accounts) {
    accounts.watch({
      day: (station, office, day) => {
        this.versions.set(station, (this.versions.get(station) ?? 0) + 1);
        const oldest = this.written.get(station);
        if (oldest === undefined || day < oldest) this.written.set(station, day);
        this.place(station, office);
      },
      entry: (e) => this.addEntry(e),
      office: () => (this.officeRows = undefined),
      retired: () => this.reset(),
    });
  }

  /** Forget everything made (a station retired): made again from the books on the next question. */
  reset(): void {
    this.parts = new Map();
    this.officesOf.clear();
    this.stationsOf.clear();
    this.entries.clear();
    this.entryStations.clear();
    this.officeRows = undefined;
    this.loading = undefined;
    this.generation++;
  }

  offices(): Promise<OfficeRow[]> {
    const rows = (this.officeRows ??= this.accounts.offices());
    rows.catch(() => (this.officeRows = undefined));
    return rows;
  }

  /** The stations that sent days under any of these offices (or under any office), in order (after `ready`). */
  stationsIn(offices: ReadonlySet<string> | 'all'): string[] {
    if (offices === 'all') return [...this.officesOf.keys()].sort(byId);
    const out = new Set<string>();
    for (const o of offices) for (const s of this.stationsOf.get(o) ?? []) out.add(s);
    return [...out].sort(byId);
  }

  /** The entries naming a transfer of these offices, or naming one of them as the other end, in order of station and seq (after `ready`). */
  entriesOf(offices: ReadonlySet<string> | 'all'): EntryRow[] {
    const stations = offices === 'all' ? [...this.entries.keys()] : [...new Set([...offices].flatMap((o) => [...(this.entryStations.get(o) ?? [])]))];
    const out: EntryRow[] = [];
    for (const s of stations.sort(byId)) for (const e of this.entries.get(s) ?? []) if (offices === 'all' || offices.has(e.office) || (e.other !== null && offices.has(e.other))) out.push(e);
    return out;
  }

  /**
   * Each station's part for the month, made again where its days changed (one making at a time;
   * the others wait for it). `yesterday`: the day before today as the dashboard counts days.
   */
  async partsOf(stations: readonly string[], month: string, today: string, yesterday: string): Promise<Map<string, StationPart>> {
    await this.ready();
    const key = `${month}|${today}|${yesterday}`;
    let kept = this.parts.get(key);
    if (!kept) {
      // The running month's parts and the last other month's are kept; a new day makes every part again.
      for (const k of [...this.parts.keys()]) if (!k.startsWith(`${today.slice(0, 7)}|${today}|`)) this.parts.delete(k);
      this.parts.set(key, (kept = new Map<string, Kept>()));
    }
    const parts = kept;
    const made = this.making.then(() => this.make(parts, stations, month, today, yesterday));
    this.making = made.catch(() => undefined);
    await made;
    const out = new Map<string, StationPart>();
    for (const s of stations) {
      const k = parts.get(s);
      if (k) out.set(s, k.part);
    }
    return out;
  }

  /** A station's part for a unit of these offices: its own fold where all its days are the unit's, else one made from its days of the unit. */
  foldIn(station: string, part: StationPart, offices: ReadonlySet<string>, month: string, through: string): StationFold | null {
    if (part.fold) return offices.has(part.offices[0] ?? '') && part.fold.days.length > 0 ? part.fold : null;
    const rows = (part.rows ?? []).filter((r) => offices.has(r.office) && r.day <= through);
    return rows.length > 0 ? foldStation(station, rows, `${month}-01`, through) : null;
  }

  /** Whether the station sent any day up to the month's end under one of these offices. */
  anyIn(part: StationPart, offices: ReadonlySet<string>): boolean {
    return part.fold ? offices.has(part.offices[0] ?? '') : (part.rows ?? []).some((r) => offices.has(r.office));
  }

  /** A station's facts for one office's stock (today's month only; `window`: the one its part was made with). */
  factsIn(part: StationPart, office: string, window: FactsWindow): StockFacts | null {
    if (part.fold) return part.offices[0] === office ? part.facts : null;
    const rows = (part.rows ?? []).filter((r) => r.office === office);
    return rows.length > 0 ? factsOf(rows, window) : null;
  }

  private async make(parts: Map<string, Kept>, stations: readonly string[], month: string, today: string, yesterday: string): Promise<void> {
    const window = factsWindow(today, yesterday);
    const m: Month = { month, today, through: throughOf(month, today), window };
    const running = m.through === today;
    const stale = stations.filter((s) => parts.get(s)?.version !== (this.versions.get(s) ?? 0));
    // Each version as of now, with what was written until now: a day written after makes its part again next time.
    const seen = new Map(stale.map((s) => [s, this.versions.get(s) ?? 0]));
    // Where only today's days (or later) were written since, those alone are read and added to what the days before give.
    const fromToday: string[] = [];
    const all: string[] = [];
    for (const s of stale) {
      const oldest = this.written.get(s);
      if (running && parts.get(s)?.before && oldest !== undefined && oldest >= today) fromToday.push(s);
      else all.push(s);
      if (running) this.written.delete(s);
    }
    for (let at = 0; at < fromToday.length; at += BATCH) {
      const batch = fromToday.slice(at, at + BATCH);
      const rows = grouped(await this.accounts.daysOf(batch, `${month}-31`, today));
      batch.forEach((s) => {
        const before = parts.get(s)?.before;
        const part = before ? partFrom(before, rows.get(s) ?? [], m) : null;
        if (part && before) parts.set(s, { version: seen.get(s) ?? 0, part, before });
        else all.push(s); // sent under another office today: made again from all its days
      });
      await pause();
    }
    // The next hundred stations' days are read (on the database's thread) while these are added up.
    const read = (at: number) => {
      const days = this.accounts.daysOf(all.slice(at, at + BATCH), `${month}-31`);
      days.catch(() => undefined); // a read not awaited (the making failed before it) must not go unhandled
      return days;
    };
    let next = all.length > 0 ? read(0) : undefined;
    for (let at = 0; next; at += BATCH) {
      const rows = grouped(await next);
      next = at + BATCH < all.length ? read(at + BATCH) : undefined;
      for (const s of all.slice(at, at + BATCH)) parts.set(s, { version: seen.get(s) ?? 0, ...partOf(s, rows.get(s) ?? [], m) });
      await pause();
    }
  }

  private place(station: string, office: string): void {
    let offices = this.officesOf.get(station);
    if (!offices) this.officesOf.set(station, (offices = new Set()));
    offices.add(office);
    let stations = this.stationsOf.get(office);
    if (!stations) this.stationsOf.set(office, (stations = new Set()));
    stations.add(station);
  }

  private addEntry(e: EntryRow): void {
    if (e.transfer === null || e.supply !== 'blanks') return;
    let list = this.entries.get(e.station);
    if (!list) this.entries.set(e.station, (list = []));
    // In order of seq, each once (the first read and a message may both bring it).
    let i = list.length;
    while (i > 0 && (list[i - 1]?.seq ?? 0) > e.seq) i--;
    if (list[i - 1]?.seq === e.seq) return;
    list.splice(i, 0, e);
    for (const o of [e.office, e.other]) {
      if (o === null) continue;
      let stations = this.entryStations.get(o);
      if (!stations) this.entryStations.set(o, (stations = new Set()));
      stations.add(e.station);
    }
  }

  /** Loaded (which offices each station sent days under, the entries), and not reset meanwhile (a retirement while the first read ran reads again). */
  async ready(): Promise<void> {
    for (;;) {
      const generation = this.generation;
      await this.read();
      if (generation === this.generation) return;
    }
  }

  /** The first question reads which offices each station sent days under, and every entry naming a transfer. */
  private read(): Promise<void> {
    const generation = this.generation;
    const loading = (this.loading ??= (async () => {
      const places = await this.accounts.stationOffices();
      if (generation !== this.generation) return;
      for (const { station, office } of places) this.place(station, office);
      for (let after: EntryRow | undefined; ; ) {
        const page = await this.accounts.transferEntries(after ? { station: after.station, seq: after.seq } : null, ENTRY_PAGE);
        if (generation !== this.generation) return;
        for (const e of page) this.addEntry(e);
        after = page.at(-1);
        if (page.length < ENTRY_PAGE) break;
        await pause();
      }
    })());
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }
}

function grouped(days: readonly BookDay[]): Map<string, BookDay[]> {
  const byStation = new Map<string, BookDay[]>();
  for (const d of days) {
    const rows = byStation.get(d.station);
    if (rows) rows.push(d);
    else byStation.set(d.station, [d]);
  }
  return byStation;
}
