/**
 * The offices' books as the stations sent them, kept in the dashboard's database: each entry of
 * an office's books once (by station and seq), and each station's day with its highest seq (the
 * running totals are sent again as they change). The reconciliation and the request read them;
 * nothing here judges or adjusts a figure. Reads go through their own connection where the file
 * has one (a national dashboard's month of books takes seconds to read: the messages' writes do
 * not wait behind it), and whoever keeps figures made from the books hears what changed (`watch`).
 */
import type { Queryable } from '../platform/db.js';
import type { DailyPayload, OfficeEntryPayload, StatusPayload } from '../telemetry/payloads.js';

export const ACCOUNTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS office_entries (
  station TEXT NOT NULL, seq INTEGER NOT NULL, province TEXT NOT NULL, regency TEXT NOT NULL, office TEXT NOT NULL,
  book TEXT NOT NULL, entry INTEGER NOT NULL, kind TEXT NOT NULL, supply TEXT NOT NULL, quantity INTEGER NOT NULL,
  counted INTEGER, batch TEXT, document TEXT, lot TEXT, transfer TEXT, other TEXT, corrects INTEGER, forced INTEGER NOT NULL,
  day TEXT NOT NULL, time_zone TEXT NOT NULL, ts TEXT NOT NULL, PRIMARY KEY (station, seq));
CREATE INDEX IF NOT EXISTS office_entries_by_office ON office_entries (office, day);
CREATE INDEX IF NOT EXISTS office_entries_by_transfer ON office_entries (transfer) WHERE transfer IS NOT NULL;
CREATE TABLE IF NOT EXISTS station_days (
  station TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL, province TEXT NOT NULL, regency TEXT NOT NULL, office TEXT NOT NULL,
  figures TEXT NOT NULL, PRIMARY KEY (station, day));
CREATE INDEX IF NOT EXISTS station_days_by_office ON station_days (office, day);
CREATE INDEX IF NOT EXISTS station_days_places ON station_days (station, province, office);
CREATE INDEX IF NOT EXISTS office_entries_places ON office_entries (station, province, office);
CREATE INDEX IF NOT EXISTS office_entries_by_other ON office_entries (other, day) WHERE other IS NOT NULL;
CREATE TABLE IF NOT EXISTS retired (
  station TEXT PRIMARY KEY, at TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS offices (
  office TEXT PRIMARY KEY, province TEXT NOT NULL, regency TEXT NOT NULL, name TEXT, store_station TEXT, figures TEXT);
`;

/** A retired station's books are kept but no longer counted (`station-agent dashboard retire`). */
const LIVE = 'station NOT IN (SELECT station FROM retired)';

export interface Place {
  province: string;
  regency: string;
  station: string;
}

/** An entry as the reconciliation reads it. */
export interface EntryRow {
  station: string;
  seq: number;
  regency: string;
  province: string;
  office: string;
  book: OfficeEntryPayload['book'];
  entry: number;
  kind: OfficeEntryPayload['kind'];
  supply: OfficeEntryPayload['supply'];
  quantity: number;
  transfer: string | null;
  other: string | null;
  corrects: number | null;
  day: string;
}

export type DayFigures = Omit<DailyPayload, 'schema' | 'station' | 'ts' | 'seq' | 'office' | 'timeZone'>;

export interface DayRow {
  station: string;
  day: string;
  province: string;
  regency: string;
  office: string;
  figures: DayFigures;
}

/** A day as a station's part of its offices' figures reads it (dashboard/books.ts): where it was sent from is in its office. */
export type BookDay = Pick<DayRow, 'station' | 'day' | 'office' | 'figures'>;

export interface OfficeRow {
  office: string;
  province: string;
  regency: string;
  name: string | null;
  storeStation: string | null;
  figures: { transitDays?: number; leadDays?: number; boxSize?: number; rollPrice?: { ribbon?: number; film?: number } };
}

/** What changed in the books, for what is made from them (dashboard/books.ts). */
export interface AccountsWatcher {
  /** A day of this station was written (a new day, or newer running totals). */
  day?(station: string, office: string, day: string): void;
  /** A new entry, as the reconciliation reads it. */
  entry?(e: EntryRow): void;
  /** The offices' table was written. */
  office?(): void;
  /** A station was retired: its figures leave every sum. */
  retired?(station: string): void;
}

const ENTRY_COLUMNS = 'station, seq, regency, province, office, book, entry, kind, supply, quantity, transfer, other, corrects, day';

export class Accounts {
  private readonly watchers = new Set<AccountsWatcher>();

  /** `reader`: a second connection to the same file for the reads, where there is one. */
  constructor(
    private readonly db: Queryable,
    private readonly reader: Queryable = db,
  ) {}

  watch(w: AccountsWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  /** False for a duplicate (QoS 1 delivers twice; the seq says so). */
  async addEntry(place: Place, p: OfficeEntryPayload): Promise<boolean> {
    const r = await this.db.run(
      `INSERT OR IGNORE INTO office_entries (station, seq, province, regency, office, book, entry, kind, supply, quantity, counted, batch, document, lot, transfer, other, corrects, forced, day, time_zone, ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [place.station, p.seq, place.province, place.regency, p.office, p.book, p.entry, p.kind, p.supply, p.quantity, p.counted, p.batch, p.document, p.lot, p.transfer, p.other, p.corrects, p.forced ? 1 : 0, p.day, p.timeZone, p.ts],
    );
    if (r.changes === 0) return false;
    const row: EntryRow = { station: place.station, seq: p.seq, regency: place.regency, province: place.province, office: p.office, book: p.book, entry: p.entry, kind: p.kind, supply: p.supply, quantity: p.quantity, transfer: p.transfer ?? null, other: p.other ?? null, corrects: p.corrects ?? null, day: p.day };
    for (const w of this.watchers) w.entry?.(row);
    return true;
  }

  /** The day's totals, kept only when its seq is higher than the one held: the newest running totals win. */
  async addDay(place: Place, p: DailyPayload): Promise<boolean> {
    const { schema: _s, station: _st, ts: _ts, seq: _seq, office: _o, timeZone: _tz, ...figures } = p;
    const r = await this.db.run(
      `INSERT INTO station_days (station, day, seq, province, regency, office, figures) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (station, day) DO UPDATE SET seq = excluded.seq, province = excluded.province, regency = excluded.regency, office = excluded.office, figures = excluded.figures
       WHERE excluded.seq > station_days.seq`,
      [place.station, p.day, p.seq, place.province, place.regency, p.office, JSON.stringify(figures)],
    );
    if (r.changes === 0) return false;
    for (const w of this.watchers) w.day?.(place.station, p.office, p.day);
    return true;
  }

  /** What a status says of its office: where it is, and at its store PC the figures it counts with. */
  async noteOffice(place: Place, office: NonNullable<StatusPayload['office']>): Promise<void> {
    const { id, name, store, ...figures } = office;
    await this.db.run(
      `INSERT INTO offices (office, province, regency, name, store_station, figures) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (office) DO UPDATE SET province = excluded.province, regency = excluded.regency,
         name = COALESCE(excluded.name, offices.name),
         store_station = COALESCE(excluded.store_station, offices.store_station),
         figures = COALESCE(excluded.figures, offices.figures)`,
      [id, place.province, place.regency, name ?? null, store ? place.station : null, store ? JSON.stringify(figures) : null],
    );
    for (const w of this.watchers) w.office?.();
  }

  async offices(): Promise<OfficeRow[]> {
    const rows = await this.reader.all<{ office: string; province: string; regency: string; name: string | null; store_station: string | null; figures: string | null }>('SELECT * FROM offices');
    return rows.map((r) => ({ office: r.office, province: r.province, regency: r.regency, name: r.name, storeStation: r.store_station, figures: r.figures ? (JSON.parse(r.figures) as OfficeRow['figures']) : {} }));
  }

  /** A station gone for good: its books stay, its figures leave every sum. */
  async retire(station: string, at: string, reason: string): Promise<void> {
    await this.db.run('INSERT INTO retired (station, at, reason) VALUES (?, ?, ?) ON CONFLICT (station) DO UPDATE SET at = excluded.at, reason = excluded.reason', [station, at, reason]);
    for (const w of this.watchers) w.retired?.(station);
  }

  async retired(): Promise<{ station: string; at: string; reason: string }[]> {
    return this.db.all('SELECT station, at, reason FROM retired ORDER BY station');
  }

  /**
   * Offices and stations the books hold under more than one province: a province speaking for
   * another's, or one id used twice. One pass over the (station, province, office) each day and
   * entry was sent under, which an index holds (the days themselves are not read).
   */
  async claims(): Promise<{ offices: Map<string, string[]>; stations: Map<string, string[]> }> {
    const rows = await this.reader.all<{ station: string; province: string; office: string }>(
      `SELECT DISTINCT station, province, office FROM station_days WHERE ${LIVE} UNION SELECT DISTINCT station, province, office FROM office_entries WHERE ${LIVE}`,
    );
    const of = (key: 'office' | 'station') => {
      const provinces = new Map<string, Set<string>>();
      for (const r of rows) {
        const set = provinces.get(r[key]);
        if (set) set.add(r.province);
        else provinces.set(r[key], new Set([r.province]));
      }
      return new Map([...provinces].filter(([, p]) => p.size > 1).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, p]) => [id, [...p].sort()]));
    };
    return { offices: of('office'), stations: of('station') };
  }

  /** Every office each station has sent days under (retired stations left out). */
  async stationOffices(): Promise<{ station: string; office: string }[]> {
    return this.reader.all(`SELECT DISTINCT station, office FROM station_days WHERE ${LIVE}`);
  }

  /** The good cards of each station's days from `sinceDay` (the ranking's week, loaded at start). */
  async goodDays(sinceDay: string): Promise<{ station: string; day: string; seq: number; good: number | null }[]> {
    return this.reader.all(`SELECT station, day, seq, json_extract(figures, '$.good') AS good FROM station_days WHERE day >= ? AND ${LIVE}`, [sinceDay]);
  }

  /** Every day on or before `toDay` of the stations of these offices (the reconciliation sums from the first). */
  async days(offices: readonly string[], toDay: string): Promise<DayRow[]> {
    return parsedDays(
      await this.reader.all<Omit<DayRow, 'figures'> & { figures: string }>(`SELECT station, day, province, regency, office, figures FROM station_days WHERE office IN (SELECT value FROM json_each(?)) AND day <= ? AND ${LIVE} ORDER BY station, day`, [JSON.stringify(offices), toDay]),
    );
  }

  /** Every day on or before `toDay` (and from `fromDay`, where given) of these stations, whatever office they were sent under. */
  async daysOf(stations: readonly string[], toDay: string, fromDay = ''): Promise<BookDay[]> {
    // The columns a part needs and no more: a nation's month is 310,000 rows made into objects here.
    return parsedDays(
      await this.reader.all<Omit<BookDay, 'figures'> & { figures: string }>(`SELECT station, day, office, figures FROM station_days WHERE station IN (SELECT value FROM json_each(?)) AND day <= ? AND day >= ? AND ${LIVE} ORDER BY station, day`, [JSON.stringify(stations), toDay, fromDay]),
    );
  }

  /** Entries of these offices on or before `toDay`, and every entry elsewhere naming one of them as the other end. */
  async entries(offices: readonly string[], toDay: string): Promise<EntryRow[]> {
    const ids = JSON.stringify(offices);
    // Two lookups by index, not one scan of every entry for either.
    return this.reader.all<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM office_entries WHERE office IN (SELECT value FROM json_each(?)) AND day <= ? AND ${LIVE}
        UNION SELECT ${ENTRY_COLUMNS} FROM office_entries WHERE other IN (SELECT value FROM json_each(?)) AND day <= ? AND ${LIVE}
        ORDER BY station, seq`,
      [ids, toDay, ids, toDay],
    );
  }

  /** The entries of blanks that name a transfer (the only ones a reconciliation matches), after (station, seq), a page at a time. */
  async transferEntries(after: { station: string; seq: number } | null, limit: number): Promise<EntryRow[]> {
    return this.reader.all<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM office_entries WHERE transfer IS NOT NULL AND supply = 'blanks' AND ${LIVE} AND (station, seq) > (?, ?) ORDER BY station, seq LIMIT ?`,
      [after?.station ?? '', after?.seq ?? -Infinity, limit],
    );
  }
}

function parsedDays<T extends { figures: string }>(rows: T[]): (Omit<T, 'figures'> & { figures: DayFigures })[] {
  return rows.map((r) => ({ ...r, figures: JSON.parse(r.figures) as DayFigures }));
}
