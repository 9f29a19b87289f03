/**
 * The month's reconciliation of blank cards (laporan rekonsiliasi blangko) for an office, a
 * regency or the province, from what the stations sent (their days and their books' entries),
 * balanced to the card:
 *   closing = opening + received + borrowed − lent − printed − spoiled + corrections
 *   store + Σ printers + inTransit = closing + Σ problems.difference
 * Moves inside the unit (store ↔ printer; office ↔ office inside a regency, for the regency) do
 * not appear: they net out, and where their two ends disagree the difference is a problem with
 * its transfer. What nothing explains is a problem too ("unexplained"): no figure is adjusted.
 */
import type { DayFigures, DayRow, EntryRow, OfficeRow } from './accounts.js';
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
}

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
}

const lastDayOf = (month: string) => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, m ?? 1, 0)).toISOString().slice(0, 10);
};
const minusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);
const daysFrom = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
};

/** A day's change to a printer's blanks and to a store's, as its own ledgers count them. */
function printerFlow(f: DayFigures) {
  return { received: f.received ?? 0, moved: (f.transfersIn ?? 0) - (f.returned ?? 0), printed: f.good ?? 0, spoiled: f.spoiled ?? 0, corrections: f.corrections ?? 0 };
}
function storeFlow(f: DayFigures) {
  const s = f.store?.blanks;
  return s ? { received: s.received, moved: s.returned - s.sent, borrowed: s.borrowed, lent: s.lent, corrections: s.corrections } : null;
}

export function reconcile(i: ReconcileInput): Reconciliation {
  const monthStart = `${i.month}-01`;
  const through = [lastDayOf(i.month), i.today].sort()[0] ?? lastDayOf(i.month);
  const officeOf = new Map<string, { regency: string; province: string }>();
  for (const o of i.offices) officeOf.set(o.office, o);
  for (const d of i.days) if (!officeOf.has(d.office)) officeOf.set(d.office, d);
  const inScope = (office: string | null) => {
    const o = office === null ? undefined : officeOf.get(office);
    if (!o || office === null) return false;
    if (i.scope.kind === 'nation') return true;
    return i.scope.kind === 'office' ? office === i.scope.id : i.scope.kind === 'regency' ? o.regency === i.scope.id : o.province === i.scope.id;
  };
  const days = i.days.filter((d) => inScope(d.office) && d.day <= through);
  const entries = i.entries.filter((e) => e.day <= through && e.supply === 'blanks');

  // Moves inside the unit, by transfer: what each end's book says, corrections included.
  const moves = new Map<string, { sent: number; got: number; sentDay: string | null; from: EntryRow | null; to: EntryRow | null; loan: boolean; internal: boolean }>();
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
  // Corrections of the unit's own moves are part of the move, not of the unit's corrections.
  const movedCorrection = new Map<string, number>();
  for (const e of entries) if (e.kind === 'correction' && e.transfer && moves.get(e.transfer)?.internal && inScope(e.office)) movedCorrection.set(`${e.station}|${e.day}`, (movedCorrection.get(`${e.station}|${e.day}`) ?? 0) + e.quantity);
  const internalLoan = new Map<string, number>();
  for (const [t, m] of moves) {
    if (!m.loan || !m.internal) continue;
    for (const x of [m.from, m.to]) if (x && inScope(x.office)) internalLoan.set(`${x.station}|${x.day}|${x.kind}`, (internalLoan.get(`${x.station}|${x.day}|${x.kind}`) ?? 0) + Math.abs(x.quantity));
    void t;
  }

  const flows = { received: 0, borrowed: 0, lent: 0, printed: 0, spoiled: 0, corrections: 0 };
  const spoiledByCode: Record<string, number> = {};
  let opening = 0;
  const printers: Record<string, number> = {};
  let store = 0;
  const silent = new Set<string>();
  const problems: Problem[] = [];
  const byStation = new Map<string, DayRow[]>();
  for (const d of days) byStation.set(d.station, [...(byStation.get(d.station) ?? []), d]);
  for (const [station, rows] of byStation) {
    let position = { printer: 0, store: 0 };
    let hasPrinter = false;
    let hasStore = false;
    rows.forEach((row, n) => {
      const f = row.figures;
      const p = f.good === null ? null : printerFlow(f);
      const s = storeFlow(f);
      const fixes = movedCorrection.get(`${station}|${row.day}`) ?? 0;
      const loansOut = internalLoan.get(`${station}|${row.day}|loan_out`) ?? 0;
      const loansIn = internalLoan.get(`${station}|${row.day}|loan_in`) ?? 0;
      const change = {
        received: (p?.received ?? 0) + (s?.received ?? 0),
        borrowed: (s?.borrowed ?? 0) - loansIn,
        lent: (s?.lent ?? 0) - loansOut,
        printed: p?.printed ?? 0,
        spoiled: p?.spoiled ?? 0,
        corrections: (p?.corrections ?? 0) + (s?.corrections ?? 0) - fixes,
      };
      // Before its first day a station held what its first day's figures imply: the unit's opening.
      if (n === 0) {
        const held = (p && f.onHandEnd !== null ? f.onHandEnd - p.received - p.moved + p.printed + p.spoiled - p.corrections : 0) + (s && f.store ? f.store.blanks.onHandEnd - s.received - s.moved - s.borrowed + s.lent - s.corrections : 0);
        opening += held;
        position = { printer: p && f.onHandEnd !== null ? f.onHandEnd - (p.received + p.moved - p.printed - p.spoiled + p.corrections) : 0, store: s && f.store ? f.store.blanks.onHandEnd - (s.received + s.moved + s.borrowed - s.lent + s.corrections) : 0 };
      }
      if (row.day < monthStart) opening += change.received + change.borrowed - change.lent - change.printed - change.spoiled + change.corrections;
      else {
        for (const k of Object.keys(flows) as (keyof typeof flows)[]) flows[k] += change[k];
        for (const [code, n2] of Object.entries(f.spoiledByCode ?? {})) spoiledByCode[code] = (spoiledByCode[code] ?? 0) + n2;
      }
      if (p) {
        hasPrinter = true;
        position.printer = f.onHandEnd ?? position.printer + p.received + p.moved - p.printed - p.spoiled + p.corrections;
      }
      if (s && f.store) {
        hasStore = true;
        position.store = f.store.blanks.onHandEnd;
      }
    });
    if (hasPrinter) printers[station] = position.printer;
    if (hasStore) store += position.store;
    const first = rows[0]?.day ?? through;
    const have = new Set(rows.map((r) => r.day));
    const missing = daysFrom(first > monthStart ? first : monthStart, through).filter((d) => !have.has(d));
    if (missing.length > 0) {
      silent.add(station);
      problems.push({ kind: 'station_silent', station, entry: null, transfer: null, difference: null, words: problemWords('station_silent', { station, days: missing.length, from: missing[0] ?? '' }) });
    }
  }

  let inTransit = 0;
  const transit = (office: string | null) => i.offices.find((o) => o.office === office)?.figures.transitDays ?? i.transitDays ?? 2;
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
  const offices = [...new Set(days.map((d) => d.office))].sort();
  const name = i.scope.kind === 'office' ? (i.offices.find((o) => o.office === i.scope.id)?.name ?? null) : null;
  return { scope: i.scope, name, month: i.month, through, opening, ...flows, spoiledByCode, closing, where: { store, printers, inTransit }, problems, silent: [...silent].sort(), offices };
}
