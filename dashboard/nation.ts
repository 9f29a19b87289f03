/**
 * The nation's view: provinces → regencies → offices → stations, the worst first at each level,
 * each level's figures summed from the offices below it (stations up, printed today and this
 * month, blanks on hand and months of stock, offices below their request point, regencies
 * printing under dashboard.minCardsPerDay, the month's reconciliation). Figures from a place the
 * dashboard cannot vouch for (a regency code that does not exist or is not in its province, an
 * office or a station claimed by two provinces) are flagged by name and left out of every sum,
 * never guessed. An office whose stations' books say what a printer cannot print or a room cannot
 * hold (dashboard/plausible.ts) stays in the tree with its own figures, marked, and is left out of
 * every sum above it, each level saying which offices it left out and why. Pure: the API hands it
 * the rows, the offices' stock and the flags.
 */
import type { Text } from '../core/i18n.js';
import type { StationRow } from './fleet.js';
import type { OfficeStock, MonthFigures } from './office-api.js';
import type { PlacedImplausible } from './plausible.js';

/** Implausible figures listed at a level above an office, at most (every office left out is named in leftOut). */
const IMPLAUSIBLE_SHOWN = 50;

export type LevelKind = 'nation' | 'province' | 'regency' | 'office';

export interface Level {
  kind: LevelKind;
  id: string;
  name: string | null;
  stations: { up: number; total: number };
  printedToday: number;
  printedMonth: number;
  /** Blanks in store rooms, printers and transit; null when no office below reports. */
  blanks: number | null;
  ratePerDay: number;
  /** Blanks over the recent rate, in months of 30 days; null when nothing is printed. */
  monthsOfStock: number | null;
  officesLow: string[];
  /** Regencies below printing under minCardsPerDay (the nation's and a province's levels). */
  regenciesSlow: string[];
  /** The month's figures summed over the offices below (balanced as each office's is). */
  month: MonthFigures;
  /** Offices below whose own reconciliation names a problem this month. */
  unbalanced: string[];
  /** At an office: its figures that cannot be (counted in its own figures). Above: those of the offices left out (the first 50). */
  implausible: PlacedImplausible[];
  /** Offices below left out of this level's figures for implausible figures. */
  leftOut: string[];
  children: Level[];
  /** At an office: its stations. */
  stationRows?: { station: string; up: boolean; printedToday: number | null; severity: number }[];
}

export type FlagKind = 'regency_unknown' | 'regency_outside_province' | 'office_two_provinces' | 'station_two_provinces';
export interface Flag {
  kind: FlagKind;
  /** The regency code, office id or station id flagged. */
  id: string;
  provinces: string[];
  words: Text;
}

export interface NationInput {
  rows: readonly StationRow[];
  stocks: readonly OfficeStock[];
  /** Places the dashboard's books hold more than one province for: office → provinces, station → provinces. */
  claims: { offices: Map<string, string[]>; stations: Map<string, string[]> };
  /** The name of a province or regency code; null for a code that does not exist. */
  names: (code: string) => string | null;
  minCardsPerDay: number;
}

export interface Nation {
  nation: Level;
  flags: Flag[];
}

const ZERO: MonthFigures = { opening: 0, received: 0, borrowed: 0, lent: 0, printed: 0, spoiled: 0, corrections: 0, closing: 0, problems: 0 };

/** Which places are flagged, and why; what they name is left out of the figures. */
export function flagsOf(i: Pick<NationInput, 'rows' | 'stocks' | 'claims' | 'names'>): Flag[] {
  const flags = new Map<string, Flag>();
  const add = (kind: FlagKind, id: string, provinces: string[], words: Text) => flags.set(`${kind}:${id}`, { kind, id, provinces, words });
  const regencies = new Map<string, Set<string>>();
  for (const p of [...i.rows, ...i.stocks]) {
    const set = regencies.get(p.regency) ?? new Set<string>();
    set.add(p.province);
    regencies.set(p.regency, set);
  }
  for (const [regency, provinces] of regencies) {
    const list = [...provinces].sort();
    if (i.names(regency) === null) add('regency_unknown', regency, list, { id: `kode kabupaten/kota ${regency} tidak ada dalam daftar Kemendagri maupun konfigurasi`, en: `regency code ${regency} is neither in the Kemendagri list nor in the configuration` });
    else if (list.some((p) => !regency.startsWith(p))) add('regency_outside_province', regency, list, { id: `kabupaten/kota ${regency} dilaporkan di bawah provinsi ${list.join(', ')}, bukan provinsinya sendiri (${regency.slice(0, 2)})`, en: `regency ${regency} reported under province ${list.join(', ')}, not its own (${regency.slice(0, 2)})` });
  }
  for (const [office, provinces] of i.claims.offices) add('office_two_provinces', office, provinces, { id: `kantor ${office} diakui oleh ${provinces.length} provinsi (${provinces.join(', ')})`, en: `office ${office} is claimed by ${provinces.length} provinces (${provinces.join(', ')})` });
  for (const [station, provinces] of i.claims.stations) add('station_two_provinces', station, provinces, { id: `stasiun ${station} dilaporkan oleh ${provinces.length} provinsi (${provinces.join(', ')})`, en: `station ${station} is reported by ${provinces.length} provinces (${provinces.join(', ')})` });
  return [...flags.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const up = (r: StationRow) => !r.stale && r.online !== false;

/** Worst first: more offices below their request point, then fewer months of stock, then more stations down. */
function worse(a: Level, b: Level): number {
  return (
    b.officesLow.length - a.officesLow.length ||
    (a.monthsOfStock ?? Infinity) - (b.monthsOfStock ?? Infinity) ||
    b.stations.total - b.stations.up - (a.stations.total - a.stations.up) ||
    a.id.localeCompare(b.id)
  );
}

function level(kind: LevelKind, id: string, name: string | null, below: readonly OfficeStock[], rows: readonly StationRow[], children: Level[], minCardsPerDay: number): Level {
  // An office's own level shows its figures as they are, marked; above it, an office with a figure that cannot be is not added up.
  const offices = kind === 'office' ? below : below.filter((o) => !o.implausible?.length);
  const leftOut = kind === 'office' ? [] : below.filter((o) => o.implausible?.length).map((o) => o.office).sort();
  const implausible = below.flatMap((o) => o.implausible ?? []).slice(0, kind === 'office' ? undefined : IMPLAUSIBLE_SHOWN);
  const month = { ...ZERO };
  for (const o of offices) for (const k of Object.keys(ZERO) as (keyof MonthFigures)[]) month[k] += o.month[k];
  const blanks = offices.length ? offices.reduce((s, o) => s + o.onHand + o.inTransit, 0) : null;
  const ratePerDay = round1(offices.reduce((s, o) => s + o.ratePerDay, 0));
  const regencyRates = new Map<string, number>();
  for (const o of offices) regencyRates.set(o.regency, (regencyRates.get(o.regency) ?? 0) + o.ratePerDay);
  return {
    kind,
    id,
    name,
    stations: { up: rows.filter(up).length, total: rows.length },
    printedToday: offices.reduce((s, o) => s + o.printedToday, 0),
    printedMonth: month.printed,
    blanks,
    ratePerDay,
    monthsOfStock: blanks === null || ratePerDay <= 0 ? null : round1(blanks / ratePerDay / 30),
    officesLow: offices.filter((o) => o.low).map((o) => o.office).sort(),
    regenciesSlow: kind === 'nation' || kind === 'province' ? [...regencyRates].filter(([, r]) => r < minCardsPerDay).map(([g]) => g).sort() : [],
    month,
    unbalanced: offices.filter((o) => o.month.problems > 0).map((o) => o.office).sort(),
    implausible,
    leftOut,
    children: children.sort(worse),
  };
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

/** The whole tree, flagged places left out and listed. */
export function nation(i: NationInput): Nation {
  const flags = flagsOf(i);
  const badRegency = new Set(flags.filter((f) => f.kind.startsWith('regency')).map((f) => f.id));
  const badOffice = new Set(flags.filter((f) => f.kind === 'office_two_provinces').map((f) => f.id));
  const badStation = new Set(flags.filter((f) => f.kind === 'station_two_provinces').map((f) => f.id));
  const stocks = i.stocks.filter((o) => !badRegency.has(o.regency) && !badOffice.has(o.office));
  // A station's office as its books say (its days), else as its status says.
  const officeOf = new Map<string, string>();
  for (const r of i.rows) if (r.office) officeOf.set(r.station, r.office);
  for (const o of i.stocks) for (const s of o.stations) officeOf.set(s, o.office);
  const rows = i.rows.filter((r) => !badRegency.has(r.regency) && !badStation.has(r.station) && !badOffice.has(officeOf.get(r.station) ?? ''));
  const rowsBy = (pick: (r: StationRow) => string) => groupBy(rows, pick);
  const rowsOfProvince = rowsBy((r) => r.province);
  const rowsOfRegency = rowsBy((r) => r.regency);
  const rowsOfOffice = groupBy(rows.filter((r) => officeOf.has(r.station)), (r) => officeOf.get(r.station) ?? '');
  const min = i.minCardsPerDay;

  const officeLevel = (o: OfficeStock): Level => {
    const own = rowsOfOffice.get(o.office) ?? [];
    const l = level('office', o.office, o.name, [o], own, [], min);
    l.stationRows = own.map((r) => ({ station: r.station, up: up(r), printedToday: r.printedToday, severity: r.severity })).sort((a, b) => b.severity - a.severity || a.station.localeCompare(b.station));
    return l;
  };
  const regencyLevel = (code: string, offices: OfficeStock[]) => level('regency', code, i.names(code), offices, rowsOfRegency.get(code) ?? [], offices.map(officeLevel), min);
  const provinceLevel = (code: string, offices: OfficeStock[]) => {
    const byRegency = groupBy(offices, (o) => o.regency);
    for (const r of rowsOfProvince.get(code) ?? []) if (!byRegency.has(r.regency)) byRegency.set(r.regency, []);
    return level('province', code, i.names(code), offices, rowsOfProvince.get(code) ?? [], [...byRegency].map(([g, os]) => regencyLevel(g, os)), min);
  };
  const byProvince = groupBy(stocks, (o) => o.province);
  for (const p of rowsOfProvince.keys()) if (!byProvince.has(p)) byProvince.set(p, []);
  const top = level('nation', 'nation', null, stocks, rows, [...byProvince].map(([p, os]) => provinceLevel(p, os)), min);
  return { nation: top, flags };
}

/** One level of the tree found by kind and id (the page and the API drill down with it). */
export function findLevel(root: Level, kind: LevelKind, id: string): Level | null {
  if (root.kind === kind && root.id === id) return root;
  for (const c of root.children) {
    const f = findLevel(c, kind, id);
    if (f) return f;
  }
  return null;
}

/** A copy of a level with its grandchildren's lists dropped, so a drill-down answer stays small. */
export function shallow(l: Level): Level {
  return { ...l, children: l.children.map((c) => ({ ...c, children: [] })) };
}
