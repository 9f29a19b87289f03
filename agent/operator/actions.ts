/**
 * What the clerk can do on the station page, each a small JSON request checked field by field
 * before anything is written: a refusal names the field, what was given and what is expected,
 * in both languages, and writes nothing. The work itself is the same code the command line
 * runs (the job repository and the two ledgers), in one transaction each.
 */
import { AgentError } from '../../core/errors.js';
import type { Said, Text } from '../../core/i18n.js';
import { addClaimed } from '../jobs/add.js';
import type { Claims } from '../jobs/claims.js';
import { JobRepo } from '../jobs/repo.js';
import { Ledger } from '../ledger/blanks.js';
import { sameRollWords } from '../ledger/same-roll-words.js';
import { ROLL_KINDS, ROLL_WORDS, SupplyLedger, type RollKind, type Yields } from '../ledger/supplies.js';
import type { Store } from '../store/store.js';
import type { Config } from '../config/schema.js';
import { CARD_ACTIONS } from './card-actions.js';
import { FieldError, flag, oneOf, text, whole, type Body } from './fields.js';
import { OFFICE_ACTIONS } from './office-actions.js';

export { FieldError } from './fields.js';

export interface ActionResult {
  message: Text;
  /** Per-record refusals of an add, each with its reason. */
  refused?: { recordId: string; why: Said }[];
  /** A movement made: its transfer id, for the hand-over slip. */
  transfer?: string;
}

export interface ActionDeps {
  store: Store;
  yields: Yields;
  now: () => number;
  /** Where the office's stock is kept: the store's book here, or stacks taken from it. */
  config: Pick<Config, 'station' | 'office'>;
  /** The record source's claims: a record another station holds is refused as it is added. */
  claims?: Claims;
}

const MAX_IDS = 500;

const REASON: Text = { id: 'Alasan', en: 'Reason' };

export const ACTIONS = {
  async 'jobs-add'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const raw = text(b, 'ids', 64 * 1024, { id: 'ID rekaman', en: 'Record ids' }, false, true) ?? '';
    const ids = [...new Set(raw.split(/[\s,;]+/).filter(Boolean))];
    if (ids.length === 0) throw new FieldError('ids', { id: 'tidak ada ID rekaman: tulis satu atau lebih, satu per baris', en: 'no ids given: write one or more, one per line' });
    if (ids.length > MAX_IDS) throw new FieldError('ids', { id: `${ids.length} ID sekaligus; paling banyak ${MAX_IDS}`, en: `${ids.length} ids at once; at most ${MAX_IDS}` });
    const r = await addClaimed(new JobRepo(d.store.db, d.now), ids, d.claims);
    const queued = [...r.added, ...r.requeued];
    const later: Text = r.unasked.length
      ? { id: ` (server data tidak menjawab sekarang: ${r.unasked.join(', ')} diklaim sebelum kartunya dicetak)`, en: ` (the record service did not answer now: ${r.unasked.join(', ')} claimed before each card is printed)` }
      : { id: '', en: '' };
    return {
      message: {
        id: `${queued.length} rekaman diantrekan${queued.length ? `: ${queued.join(', ')}` : ''}${later.id}`,
        en: `${queued.length} record${queued.length === 1 ? '' : 's'} queued${queued.length ? `: ${queued.join(', ')}` : ''}${later.en}`,
      },
      refused: r.refused,
    };
  },

  async 'stock-count'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const n = whole(b, 'n', 0, 1_000_000, { id: 'Kartu yang dihitung', en: 'Cards counted' });
    const reason = text(b, 'reason', 200, REASON, true) as string;
    const r = await new Ledger(d.store.db).count(n, reason, d.now());
    const diff = `${r.adjustment > 0 ? '+' : ''}${r.adjustment}`;
    return { message: { id: `dihitung ${n}; penyesuaian ${diff}; stok: ${r.summary.onHand}`, en: `counted ${n}; adjustment ${diff}; on hand: ${r.summary.onHand}` } };
  },

  async 'supply-replace'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const kind = oneOf<RollKind>(b, 'kind', ROLL_KINDS, { id: 'Jenis', en: 'Kind' });
    const given = b.yield === undefined || b.yield === null || b.yield === '' ? undefined : whole(b, 'yield', 1, 100_000, { id: 'Kartu per gulungan (dari kotaknya)', en: 'Cards per roll (from its box)' });
    const lot = text(b, 'lot', 64, { id: 'Nomor lot', en: 'Lot number' }, false);
    const c = await new SupplyLedger(d.store.db, d.yields).replace(kind, { yield: given, lot, early: flag(b, 'early'), by: 'person', at: d.now() });
    if (c.sameRoll) return { message: sameRollWords(kind, c) };
    return {
      message: {
        id: `gulungan ${ROLL_WORDS[kind].id} baru terpasang, diperkirakan ${c.yield} kartu; di rak: ${c.onShelf ?? 0}`,
        en: `new ${ROLL_WORDS[kind].en} roll in the printer, expected to give ${c.yield} cards; on the shelf: ${c.onShelf ?? 0}`,
      },
    };
  },
  ...CARD_ACTIONS,
  ...OFFICE_ACTIONS,
} as const satisfies Record<string, (d: ActionDeps, b: Body) => Promise<ActionResult>>;

export type ActionName = keyof typeof ACTIONS;

/** An AgentError (a refusal the code already words) as the page shows it. */
export function refusal(err: AgentError): { message: Text; hint: Text | null } {
  return { message: err.text?.message ?? { id: err.message, en: err.message }, hint: err.text?.hint ?? (err.hint ? { id: err.hint, en: err.hint } : null) };
}
