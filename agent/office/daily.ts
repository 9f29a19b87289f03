/**
 * A station's day in its own zone, from its ledgers: blank cards received, taken from the store,
 * sent back, printed good and spoiled, corrected, and on hand at the end; rolls the same way; and
 * at the store PC the store's book. Each figure balances with the ledger it comes from:
 * onHandEnd(day) = onHandEnd(day before) + received + transfersIn − returned − good − spoiled + corrections.
 */
import type { Queryable } from '../../platform/db.js';
import type { DailyPayload } from '../../telemetry/payloads.js';
import { dayStart, nextDay } from './days.js';
import type { Supply } from './refusals.js';

export type DayFigures = Omit<DailyPayload, 'schema' | 'station' | 'ts' | 'seq' | 'office' | 'timeZone'>;
type SpoilCode = 'jam' | 'smudge' | 'misprint' | 'wrong-data' | 'chip' | 'other';
const SPOIL_CODES: readonly SpoilCode[] = ['jam', 'smudge', 'misprint', 'wrong-data', 'chip', 'other'];

interface LedgerRow {
  kind: string;
  moved: number;
  corrected: number;
  code: string | null;
  total: number;
}

async function blanksOf(q: Queryable, start: number, end: number) {
  const rows = await q.all<LedgerRow>(
    `SELECT kind, transfer IS NOT NULL AS moved, corrects IS NOT NULL AS corrected, reason_code AS code, SUM(qty) AS total
       FROM ledger WHERE at >= ? AND at < ? GROUP BY kind, moved, corrected, code`,
    [start, end],
  );
  const sum = (f: (r: LedgerRow) => boolean) => rows.filter(f).reduce((s, r) => s + r.total, 0);
  const spoiledByCode: Partial<Record<SpoilCode, number>> = {};
  for (const r of rows.filter((x) => x.kind === 'spoil')) {
    const code = SPOIL_CODES.includes(r.code as SpoilCode) ? (r.code as SpoilCode) : 'other';
    spoiledByCode[code] = (spoiledByCode[code] ?? 0) - r.total;
  }
  for (const [k, v] of Object.entries(spoiledByCode)) if (v === 0) delete spoiledByCode[k as SpoilCode];
  const end_ = await q.get<{ onHand: number | null; kept: number }>(
    "SELECT SUM(qty) AS onHand, SUM(kind IN ('receive', 'adjust')) AS kept FROM ledger WHERE at < ?",
    [end],
  );
  return {
    received: sum((r) => r.kind === 'receive' && !r.moved && !r.corrected),
    transfersIn: sum((r) => r.kind === 'receive' && r.moved === 1 && !r.corrected),
    returned: 0 - sum((r) => r.kind === 'return' && !r.corrected),
    good: 0 - sum((r) => r.kind === 'print'),
    spoiled: 0 - sum((r) => r.kind === 'spoil'),
    spoiledByCode,
    corrections: sum((r) => r.kind === 'adjust' || (r.corrected === 1 && (r.kind === 'receive' || r.kind === 'return'))),
    onHandEnd: (end_?.kept ?? 0) > 0 ? (end_?.onHand ?? 0) : null,
  };
}

async function rollsOf(q: Queryable, kind: 'ribbon' | 'film', start: number, end: number): Promise<DayFigures['ribbon']> {
  // An install with a reason (same-roll) names a roll the printer already recorded: not another.
  const r = await q.get<{ received: number | null; transfersIn: number | null; installed: number | null }>(
    `SELECT SUM(CASE WHEN entry = 'receive' AND transfer IS NULL THEN rolls END) AS received,
            SUM(CASE WHEN entry = 'receive' AND transfer IS NOT NULL THEN rolls END) AS transfersIn,
            SUM(entry = 'install' AND reason IS NULL) AS installed
       FROM supply_ledger WHERE kind = ? AND at >= ? AND at < ?`,
    [kind, start, end],
  );
  const shelf = await q.get<{ rolls: number | null; n: number }>('SELECT SUM(rolls) AS rolls, COUNT(*) AS n FROM supply_ledger WHERE kind = ? AND at < ?', [kind, end]);
  return { received: r?.received ?? 0, transfersIn: r?.transfersIn ?? 0, returned: 0, installed: r?.installed ?? 0, corrections: 0, onHandEnd: (shelf?.n ?? 0) > 0 ? (shelf?.rolls ?? 0) : null };
}

async function storeOf(q: Queryable, day: string): Promise<NonNullable<DayFigures['store']>> {
  const rows = await q.all<{ supply: Supply; kind: string; total: number }>('SELECT supply, kind, SUM(qty) AS total FROM office_book WHERE day = ? GROUP BY supply, kind', [day]);
  const ends = await q.all<{ supply: Supply; total: number }>('SELECT supply, SUM(qty) AS total FROM office_book WHERE day <= ? GROUP BY supply', [day]);
  const one = (supply: Supply) => {
    const k = (kind: string) => rows.find((r) => r.supply === supply && r.kind === kind)?.total ?? 0;
    return {
      received: k('delivery'),
      sent: 0 - k('transfer_out'),
      returned: k('transfer_in'),
      lent: 0 - k('loan_out'),
      borrowed: k('loan_in'),
      corrections: k('count') + k('correction'),
      onHandEnd: ends.find((r) => r.supply === supply)?.total ?? 0,
    };
  };
  return { blanks: one('blanks'), ribbon: one('ribbon'), film: one('film') };
}

/** The figures of `day`: the printer's where the PC has one, the store's where it keeps the book. */
export async function dayFigures(q: Queryable, day: string, o: { timeZone: string; hasPrinter: boolean; store: boolean; today: string }): Promise<DayFigures> {
  const start = dayStart(day, o.timeZone);
  const end = dayStart(nextDay(day), o.timeZone);
  const printer = o.hasPrinter ? await blanksOf(q, start, end) : null;
  const waiting = o.hasPrinter && day === o.today ? ((await q.get<{ n: number }>("SELECT COUNT(*) AS n FROM jobs WHERE state = 'needs_verification'"))?.n ?? 0) : null;
  return {
    day,
    final: day < o.today,
    received: printer?.received ?? null,
    transfersIn: printer?.transfersIn ?? null,
    returned: printer?.returned ?? null,
    good: printer?.good ?? null,
    spoiled: printer?.spoiled ?? null,
    spoiledByCode: printer?.spoiledByCode ?? null,
    corrections: printer?.corrections ?? null,
    onHandEnd: printer?.onHandEnd ?? null,
    needsVerification: waiting,
    ribbon: o.hasPrinter ? await rollsOf(q, 'ribbon', start, end) : null,
    film: o.hasPrinter ? await rollsOf(q, 'film', start, end) : null,
    store: o.store ? await storeOf(q, day) : null,
  };
}

