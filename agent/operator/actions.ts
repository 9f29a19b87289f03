/**
 * What the clerk can do on the station page, each a small JSON request checked field by field
 * before anything is written: a refusal names the field, what was given and what is expected,
 * in both languages, and writes nothing. The work itself is the same code the command line
 * runs (the job repository and the two ledgers), in one transaction each.
 */
import { AgentError } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { JobRepo, checkRecordId } from '../jobs/repo.js';
import { Ledger } from '../ledger/blanks.js';
import { ROLL_KINDS, ROLL_WORDS, SupplyLedger, type RollKind, type Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';

/** A field that failed its check: the page shows the message beside the field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly text: Text,
  ) {
    super(text.en);
  }
}

export interface ActionResult {
  message: Text;
  /** Per-record refusals of an add, each with its reason. */
  refused?: { recordId: string; why: Text }[];
}

export interface ActionDeps {
  store: Store;
  yields: Yields;
  now: () => number;
}

type Body = Record<string, unknown>;
const MAX_IDS = 500;
const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

function whole(b: Body, field: string, min: number, max: number, what: Text): number {
  const v = typeof b[field] === 'string' && /^\s*\d+\s*$/.test(b[field]) ? Number(b[field]) : b[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FieldError(field, {
      id: `${what.id}: diberikan ${v === undefined || v === '' ? 'kosong' : shown(b[field])}, harus bilangan bulat ${min} sampai ${max}`,
      en: `${what.en}: got ${v === undefined || v === '' ? 'nothing' : shown(b[field])}, expected a whole number from ${min} to ${max}`,
    });
  }
  return v;
}

function text(b: Body, field: string, max: number, what: Text, required: boolean, lines = false): string | undefined {
  const v = b[field];
  if ((v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new FieldError(field, { id: `${what.id}: wajib diisi`, en: `${what.en}: required` });
  if (v.length > max || (lines ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/ : /[\u0000-\u001f\u007f]/).test(v)) {
    throw new FieldError(field, { id: `${what.id}: paling banyak ${max} karakter, tanpa karakter kendali`, en: `${what.en}: at most ${max} characters, no control characters` });
  }
  return v.trim();
}

function flag(b: Body, field: string): boolean {
  const v = b[field];
  if (v === undefined || v === null || v === false) return false;
  if (v === true) return true;
  throw new FieldError(field, { id: `${field}: harus true atau false, diberikan ${shown(v)}`, en: `${field}: expected true or false, got ${shown(v)}` });
}

function oneOf<T extends string>(b: Body, field: string, choices: readonly T[], what: Text): T {
  const v = b[field];
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  throw new FieldError(field, { id: `${what.id}: diberikan ${shown(v)}, harus salah satu dari ${choices.join(', ')}`, en: `${what.en}: got ${shown(v)}, expected one of ${choices.join(', ')}` });
}

function recordId(b: Body, field = 'recordId'): string {
  const id = text(b, field, 64, { id: 'ID rekaman', en: 'Record id' }, true) as string;
  const bad = checkRecordId(id);
  if (bad) throw new FieldError(field, bad);
  return id;
}

const REASON: Text = { id: 'Alasan', en: 'Reason' };

export const ACTIONS = {
  async 'jobs-add'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const raw = text(b, 'ids', 64 * 1024, { id: 'ID rekaman', en: 'Record ids' }, false, true) ?? '';
    const ids = [...new Set(raw.split(/[\s,;]+/).filter(Boolean))];
    if (ids.length === 0) throw new FieldError('ids', { id: 'tidak ada ID rekaman: tulis satu atau lebih, satu per baris', en: 'no ids given: write one or more, one per line' });
    if (ids.length > MAX_IDS) throw new FieldError('ids', { id: `${ids.length} ID sekaligus; paling banyak ${MAX_IDS}`, en: `${ids.length} ids at once; at most ${MAX_IDS}` });
    const r = await new JobRepo(d.store.db, d.now).add(ids);
    const queued = [...r.added, ...r.requeued];
    return {
      message: { id: `${queued.length} rekaman diantrekan${queued.length ? `: ${queued.join(', ')}` : ''}`, en: `${queued.length} record${queued.length === 1 ? '' : 's'} queued${queued.length ? `: ${queued.join(', ')}` : ''}` },
      refused: r.refused,
    };
  },

  async 'jobs-verify'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const id = recordId(b);
    const outcome = oneOf(b, 'outcome', ['printed', 'not-printed', 'spoiled'] as const, { id: 'Hasil', en: 'Outcome' });
    const state = await new JobRepo(d.store.db, d.now).verify(id, outcome);
    const said: Record<string, Text> = {
      printed: { id: `${id}: tercatat tercetak`, en: `${id}: recorded as printed` },
      queued: { id: `${id}: tidak tercetak, diantrekan lagi`, en: `${id}: not printed, queued again` },
      spoiled: { id: `${id}: tercatat rusak. Cetak ulang dengan menambahkannya lagi ke antrean.`, en: `${id}: recorded as spoiled. Print it again by adding it to the queue.` },
    };
    return { message: said[state] ?? { id: `${id}: ${state}`, en: `${id}: ${state}` } };
  },

  async 'jobs-spoil'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const id = recordId(b);
    const reason = text(b, 'reason', 200, REASON, true) as string;
    const reprint = flag(b, 'reprint');
    const repo = new JobRepo(d.store.db, d.now);
    await repo.spoil(id, reason);
    if (!reprint) return { message: { id: `${id}: rusak, tercatat di buku kartu blanko`, en: `${id}: spoiled, posted to the blank-card ledger` } };
    const r = await repo.add([id]);
    if (r.refused.length > 0) return { message: { id: `${id}: rusak, tercatat; cetak ulang ditolak`, en: `${id}: spoiled and recorded; the reprint was refused` }, refused: r.refused };
    return { message: { id: `${id}: rusak, tercatat; dicetak ulang (masuk antrean)`, en: `${id}: spoiled and recorded; queued to print again` } };
  },

  async 'stock-receive'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const n = whole(b, 'n', 1, 100_000, { id: 'Jumlah kartu', en: 'Number of cards' });
    const batch = text(b, 'batch', 64, { id: 'Nomor batch', en: 'Batch number' }, true) as string;
    const s = await new Ledger(d.store.db).receive(n, batch, { again: flag(b, 'again'), at: d.now() });
    return { message: { id: `diterima ${n} kartu (batch ${batch}, entri #${s.entry}); di tangan: ${s.onHand}`, en: `received ${n} cards (batch ${batch}, entry #${s.entry}); on hand: ${s.onHand}` } };
  },

  async 'stock-count'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const n = whole(b, 'n', 0, 1_000_000, { id: 'Kartu yang dihitung', en: 'Cards counted' });
    const reason = text(b, 'reason', 200, REASON, true) as string;
    const r = await new Ledger(d.store.db).count(n, reason, d.now());
    const diff = `${r.adjustment > 0 ? '+' : ''}${r.adjustment}`;
    return { message: { id: `dihitung ${n}; penyesuaian ${diff}; di tangan: ${r.summary.onHand}`, en: `counted ${n}; adjustment ${diff}; on hand: ${r.summary.onHand}` } };
  },

  async 'supply-receive'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const kind = oneOf<RollKind>(b, 'kind', ROLL_KINDS, { id: 'Jenis', en: 'Kind' });
    const n = whole(b, 'n', 1, 1000, { id: 'Jumlah gulungan', en: 'Number of rolls' });
    const lot = text(b, 'lot', 64, { id: 'Nomor lot', en: 'Lot number' }, false);
    const c = await new SupplyLedger(d.store.db, d.yields).receive(kind, n, { lot, at: d.now() });
    return { message: { id: `diterima ${n} gulungan ${ROLL_WORDS[kind].id}; di rak: ${c.onShelf ?? 0}`, en: `received ${n} ${ROLL_WORDS[kind].en} roll${n === 1 ? '' : 's'}; on the shelf: ${c.onShelf ?? 0}` } };
  },

  async 'supply-replace'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const kind = oneOf<RollKind>(b, 'kind', ROLL_KINDS, { id: 'Jenis', en: 'Kind' });
    const given = b.yield === undefined || b.yield === null || b.yield === '' ? undefined : whole(b, 'yield', 1, 100_000, { id: 'Kartu per gulungan (dari kotaknya)', en: 'Cards per roll (from its box)' });
    const lot = text(b, 'lot', 64, { id: 'Nomor lot', en: 'Lot number' }, false);
    const c = await new SupplyLedger(d.store.db, d.yields).replace(kind, { yield: given, lot, early: flag(b, 'early'), by: 'person', at: d.now() });
    return {
      message: {
        id: `gulungan ${ROLL_WORDS[kind].id} baru terpasang, diperkirakan ${c.yield} kartu; di rak: ${c.onShelf ?? 0}`,
        en: `new ${ROLL_WORDS[kind].en} roll in the printer, expected to give ${c.yield} cards; on the shelf: ${c.onShelf ?? 0}`,
      },
    };
  },
} as const satisfies Record<string, (d: ActionDeps, b: Body) => Promise<ActionResult>>;

export type ActionName = keyof typeof ACTIONS;

/** An AgentError (a refusal the code already words) as the page shows it. */
export function refusal(err: AgentError): { message: Text; hint: Text | null } {
  return { message: err.text?.message ?? { id: err.message, en: err.message }, hint: err.text?.hint ?? (err.hint ? { id: err.hint, en: err.hint } : null) };
}
