/**
 * The month's reconciliation of blank cards (laporan rekonsiliasi blangko) for an office, a
 * regency or the province, from what the stations sent (their days and their books' entries),
 * balanced to the card:
 *   closing = opening + received + borrowed − lent − printed − spoiled + corrections
 *   store + Σ printers + inTransit = closing + Σ problems.difference
 * Moves inside the unit (store ↔ printer; office ↔ office inside a regency, for the regency) do
 * not appear: they net out, and where their two ends disagree the difference is a problem with
 * its transfer. What nothing explains is a problem too ("unexplained"): no figure is adjusted.
 * Each station's own part (dashboard/reconcile-fold.ts) does not depend on the unit; the moves,
 * read from the entries, do, and are applied as the stations are added up (`combine`).
 */
import type { DayRow, EntryRow, OfficeRow } from './accounts.js';
import { dayLimit, type DayLimit, type PlacedImplausible } from './plausible.js';
import { FLOW_KEYS, foldImplausible, foldStation, hasDay, lastDayOf, noFlows, type StationFold } from './reconcile-fold.js';
import { problemWords, type Problem } from './reconcile-words.js';

/** An office, a regency, a province, or the nation (every office the dashboard knows; its id is ignored). */
export type Scope = { kind: 'office' | 'regency' | 'province' | 'nation'; id: string };

export interface Reconciliation {
  scope: Scope;
  name: string | null;
  month: string;
  /** The last day counted: the month's end, or today while it runs. */
  through: string;
  opening: number;
  received: number;
  borrowed: number;
  lent: number;
  printed: number;
  spoiled: number;
  spoiledByCode: Record<string, number>;
  corrections: number;
  closing: number;
  where: { store: number; printers: Record<string, number>; inTransit: number };
  problems: Problem[];
  silent: string[];
  offices: string[];
  /**
   * Figures of the stations' days beyond what a printer can print or a room can hold
   * (dashboard/plausible.ts). An office's own reconciliation counts them and lists them here; a
   * regency's, a province's and the nation's leave their offices out (`leftOut`) and list them.
   */
  implausible: PlacedImplausible[];
  /** Offices left out of these figures for implausible figures (a regency's, a province's, the nation's). */
  leftOut: string[];
}

/** The most cards a station can print in a day, by its printer's speed where the dashboard heard it. */
export type LimitOf = (station: string) => DayLimit;
const NO_SPEED: LimitOf = () => dayLimit(null);

export interface ReconcileInput {
  scope: Scope;
  month: string;
  /** Today, as the stations count days (the dashboard's day; a station ahead by a zone is a few hours early). */
  today: string;
  offices: readonly OfficeRow[];
  days: readonly DayRow[];
  entries: readonly EntryRow[];
  /** office.transitDays where the store PC did not say (2). */
  transitDays?: number;
  limitOf?: LimitOf;
}

/** The unit's stations' own parts, ready to add up: their days in the unit up to `through`, in the order the days were given. */
export interface CombineInput {
  scope: Scope;
  month: string;
  through: string;
  offices: readonly OfficeRow[];
  /** Where each office is (the offices' table, and the days for an office it does not hold). */
  officeOf: ReadonlyMap<string, { regency: string; province: string }>;
  /** `offices` by id, where the caller has it made already (every office's stock adds up each office with the same). */
  officeRows?: ReadonlyMap<string, OfficeRow>;
  /** One per station with a day counted, in order of station. */
  folds: Iterable<StationFold>;
  entries: readonly EntryRow[];
  transitDays?: number;
  /** Each station's day limit of cards, for its implausible figures (a card a second where not given). */
  limitOf?: LimitOf;
}

const minusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** The last day counted of a month: its end, or today while it runs. */
export const throughOf = (month: string, today: string) => [lastDayOf(month), today].sort()[0] ?? lastDayOf(month);

export function reconcile(i: ReconcileInput): Reconciliation {
  const through = throughOf(i.month, i.today);
  const officeOf = new Map<string, { regency: string; province: string }>();
  for (const o of i.offices) officeOf.set(o.office, o);
  for (const d of i.days) if (!officeOf.has(d.office)) officeOf.set(d.office, d);
  const inScope = scopeTest(i.scope, officeOf);
  const byStation = new Map<string, DayRow[]>();
  for (const d of i.days) {
    if (!inScope(d.office) || d.day > through) continue;
    const rows = byStation.get(d.station);
    if (rows) rows.push(d);
    else byStation.set(d.station, [d]);
  }
  const folds = [...byStation].map(([station, rows]) => foldStation(station, rows, `${i.month}-01`, through));
  return combine({ scope: i.scope, month: i.month, through, offices: i.offices, officeOf, folds, entries: i.entries, transitDays: i.transitDays, limitOf: i.limitOf });
}

export function scopeTest(scope: Scope, officeOf: ReadonlyMap<string, { regency: string; province: string }>): (office: string | null) => boolean {
  return (office) => {
    const o = office === null ? undefined : officeOf.get(office);
    if (!o || office === null) return false;
    if (scope.kind === 'nation') return true;
    return scope.kind === 'office' ? office === scope.id : scope.kind === 'regency' ? o.regency === scope.id : o.province === scope.id;
  };
}

type Move = { sent: number; got: number; sentDay: string | null; from: EntryRow | null; to: EntryRow | null; loan: boolean; internal: boolean };

/** What a unit's moves take off its stations' own figures, by station and day: corrections of its own moves, and loans between its own offices. */
function movesOf(entries: readonly EntryRow[], inScope: (office: string | null) => boolean) {
  // Moves inside the unit, by transfer: what each end's book says, corrections included.
  const moves = new Map<string, Move>();
  for (const e of entries) {
    if (!e.transfer) continue;
    const loan = e.kind === 'loan_out' || e.kind === 'loan_in';
    const m = moves.get(e.transfer) ?? { sent: 0, got: 0, sentDay: null, from: null, to: null, loan, internal: false };
    moves.set(e.transfer, m);
    if (e.kind === 'transfer_out' || e.kind === 'loan_out') Object.assign(m, { from: e, sentDay: e.day, loan });
    if (e.kind === 'transfer_in' || e.kind === 'loan_in') Object.assign(m, { to: e, loan });
  }
  for (const e of entries) {
    const m = e.transfer ? moves.get(e.transfer) : undefined;
    if (!m) continue;
    const sender = m.from && e.station === m.from.station;
    if (e.kind === 'transfer_out' || e.kind === 'loan_out' || (e.kind === 'correction' && sender)) m.sent -= e.quantity;
    else if (e.kind === 'transfer_in' || e.kind === 'loan_in' || e.kind === 'correction') m.got += e.quantity;
  }
  for (const m of moves.values()) {
    const ends = [m.from, m.to].filter((x) => x !== null);
    // A loan is the unit's own when both offices are in it; a store-printer transfer always is.
    m.internal = m.loan ? ends.length === 2 ? ends.every((x) => inScope(x.office)) : ends.every((x) => inScope(x.office)) && ends.some((x) => inScope(x.other)) : true;
  }
  // station → day → what the day's own figures count that the unit does not: corrections of its own moves, loans between its own offices.
  const off = new Map<string, Map<string, { fixes: number; loansIn: number; loansOut: number }>>();
  const at = (station: string, day: string) => {
    let byDay = off.get(station);
    if (!byDay) off.set(station, (byDay = new Map<string, { fixes: number; loansIn: number; loansOut: number }>()));
    let x = byDay.get(day);
    if (!x) byDay.set(day, (x = { fixes: 0, loansIn: 0, loansOut: 0 }));
    return x;
  };
  // Corrections of the unit's own moves are part of the move, not of the unit's corrections.
  for (const e of entries) if (e.kind === 'correction' && e.transfer && moves.get(e.transfer)?.internal && inScope(e.office)) at(e.station, e.day).fixes += e.quantity;
  for (const m of moves.values()) {
    if (!m.loan || !m.internal) continue;
    for (const x of [m.from, m.to]) {
      if (!x || !inScope(x.office)) continue;
      if (x.kind === 'loan_out') at(x.station, x.day).loansOut += Math.abs(x.quantity);
      if (x.kind === 'loan_in') at(x.station, x.day).loansIn += Math.abs(x.quantity);
    }
  }
  return { moves, off };
}

export function combine(c: CombineInput): Reconciliation {
  const { through } = c;
  const monthStart = `${c.month}-01`;
  const inScope = scopeTest(c.scope, c.officeOf);
  const entries = c.entries.filter((e) => e.day <= through && e.supply === 'blanks');
  const { moves, off } = movesOf(entries, inScope);

  const flows = noFlows();
  const spoiledByCode: Record<string, number> = {};
  let opening = 0;
  const printers: Record<string, number> = {};
  let store = 0;
  const silent = new Set<string>();
  const problems: Problem[] = [];
  const offices = new Set<string>();
  const implausible: PlacedImplausible[] = [];
  const limitOf = c.limitOf ?? NO_SPEED;
  for (const f of c.folds) {
    for (const x of foldImplausible(f, limitOf(f.station))) implausible.push({ ...x, station: f.station, office: f.offices[0] ?? null });
    opening += f.opening;
    for (const k of FLOW_KEYS) flows[k] += f.flows[k];
    for (const [code, n] of Object.entries(f.spoiledByCode)) spoiledByCode[code] = (spoiledByCode[code] ?? 0) + n;
    for (const [day, x] of off.get(f.station) ?? []) {
      if (!hasDay(f, day)) continue;
      if (day < monthStart) opening += x.loansOut - x.loansIn - x.fixes;
      else {
        flows.borrowed -= x.loansIn;
        flows.lent -= x.loansOut;
        flows.corrections -= x.fixes;
      }
    }
    if (f.printer !== null) printers[f.station] = f.printer;
    if (f.store !== null) store += f.store;
    for (const o of f.offices) offices.add(o);
    if (f.missing) {
      silent.add(f.station);
      problems.push({ kind: 'station_silent', station: f.station, entry: null, transfer: null, difference: null, words: problemWords('station_silent', { station: f.station, days: f.missing.days, from: f.missing.from }) });
    }
  }

  let inTransit = 0;
  const rows = c.officeRows ?? new Map(c.offices.map((o) => [o.office, o]));
  const transit = (office: string | null) => (office === null ? undefined : rows.get(office))?.figures.transitDays ?? c.transitDays ?? 2;
  for (const [transfer, m] of moves) {
    const where = m.from ?? m.to;
    if (!where || !inScope(where.office) && !inScope(where.other)) continue;
    const station = where.station;
    const entry = where.entry;
    if (m.loan && !m.internal) {
      if (!m.from || !m.to) problems.push({ kind: 'loan_unmatched', station, entry, transfer, difference: 0, words: problemWords('loan_unmatched', { transfer, n: m.sent || m.got, other: where.other ?? '' }) });
      continue;
    }
    if (!m.from) {
      if (m.got !== 0) problems.push({ kind: m.loan ? 'loan_unmatched' : 'transfer_unknown', station, entry, transfer, difference: m.got, words: problemWords(m.loan ? 'loan_unmatched' : 'transfer_unknown', { transfer, n: m.got, other: where.other ?? '' }) });
      continue;
    }
    if (!m.to || m.got === 0) {
      if (m.sent === 0) continue; // sent and reversed
      const late = (m.sentDay ?? through) < minusDays(through, transit(m.from.office));
      if (!m.loan && !late) inTransit += m.sent;
      else problems.push({ kind: m.loan ? 'loan_unmatched' : 'transfer_unconfirmed', station, entry, transfer, difference: -m.sent, words: problemWords(m.loan ? 'loan_unmatched' : 'transfer_unconfirmed', { transfer, n: m.sent, other: m.from.other ?? '' }) });
      continue;
    }
    if (m.got !== m.sent) problems.push({ kind: m.loan ? 'loan_unmatched' : 'transfer_short', station: m.to.station, entry: m.to.entry, transfer, difference: m.got - m.sent, words: problemWords(m.loan ? 'loan_unmatched' : 'transfer_short', { transfer, n: m.sent, got: m.got, other: m.to.station }) });
  }

  const closing = opening + flows.received + flows.borrowed - flows.lent - flows.printed - flows.spoiled + flows.corrections;
  const explained = problems.reduce((sum, p) => sum + (p.difference ?? 0), 0);
  const residual = store + Object.values(printers).reduce((a, b) => a + b, 0) + inTransit - closing - explained;
  if (residual !== 0) problems.push({ kind: 'unexplained', station: null, entry: null, transfer: null, difference: residual, words: problemWords('unexplained', { n: residual }) });
  const name = c.scope.kind === 'office' ? (rows.get(c.scope.id)?.name ?? null) : null;
  return { scope: c.scope, name, month: c.month, through, opening, ...flows, spoiledByCode, closing, where: { store, printers, inTransit }, problems, silent: [...silent].sort(), offices: [...offices].sort(), implausible, leftOut: [] };
}
