/**
 * A card the clerk settles on the station page: one whose outcome was uncertain (printed, not
 * printed, spoiled), a printed card found spoiled, a record taken out of the queue. A spoiled
 * card is said the same way from the verify box and from the spoil form: why (the words, and the
 * code the province counts, chosen or read from the words), and whether to print it again.
 */
import type { Text } from '../../core/i18n.js';
import { addClaimed } from '../jobs/add.js';
import { JobRepo, checkRecordId } from '../jobs/repo.js';
import { SPOIL_CODES, type SpoilCode } from '../ledger/spoil-codes.js';
import type { ActionDeps, ActionResult } from './actions.js';
import { FieldError, flag, oneOf, text, type Body } from './fields.js';

export function recordId(b: Body, field = 'recordId'): string {
  const id = text(b, field, 64, { id: 'ID rekaman', en: 'Record id' }, true) as string;
  const bad = checkRecordId(id);
  if (bad) throw new FieldError(field, bad);
  return id;
}

interface Spoiled {
  reason: string;
  code: SpoilCode | undefined;
  reprint: boolean;
}

/** Why a card was spoiled, checked before anything is written: the words are needed, the code is a choice. */
function spoiledFields(b: Body): Spoiled {
  const reason = text(b, 'reason', 200, { id: 'Alasan', en: 'Reason' }, false);
  if (reason === undefined) {
    throw new FieldError('reason', { id: 'Alasan: kartu rusak perlu alasan, misalnya "tinta luntur"; tidak ada yang dicatat', en: 'Reason: a spoiled card needs a reason, for example "smudged"; nothing was recorded' });
  }
  const code = b.code === undefined || b.code === null || b.code === '' ? undefined : oneOf<SpoilCode>(b, 'code', SPOIL_CODES, { id: 'Jenis kerusakan', en: 'Kind of damage' });
  return { reason, code, reprint: flag(b, 'reprint') };
}

/** After a spoiled card: its record queued again where the clerk asked, as the spoil form does. */
async function reprintIf(d: ActionDeps, repo: JobRepo, id: string, reprint: boolean): Promise<ActionResult> {
  if (!reprint) return { message: { id: `${id}: rusak, tercatat di buku kartu blangko`, en: `${id}: spoiled, posted to the blank-card ledger` } };
  const r = await addClaimed(repo, [id], d.claims);
  if (r.refused.length > 0) return { message: { id: `${id}: rusak, tercatat; cetak ulang ditolak`, en: `${id}: spoiled and recorded; the reprint was refused` }, refused: r.refused };
  return { message: { id: `${id}: rusak, tercatat; dicetak ulang (masuk antrean)`, en: `${id}: spoiled and recorded; queued to print again` } };
}

export const CARD_ACTIONS = {
  async 'jobs-verify'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const id = recordId(b);
    const outcome = oneOf(b, 'outcome', ['printed', 'not-printed', 'spoiled'] as const, { id: 'Hasil', en: 'Outcome' });
    const repo = new JobRepo(d.store.db, d.now);
    if (outcome === 'spoiled') {
      const s = spoiledFields(b);
      await repo.verify(id, 'spoiled', { reason: s.reason, code: s.code });
      return reprintIf(d, repo, id, s.reprint);
    }
    const state = await repo.verify(id, outcome);
    const said: Record<string, Text> = {
      printed: { id: `${id}: tercatat tercetak`, en: `${id}: recorded as printed` },
      queued: { id: `${id}: tidak tercetak, diantrekan lagi`, en: `${id}: not printed, queued again` },
    };
    return { message: said[state] ?? { id: `${id}: ${state}`, en: `${id}: ${state}` } };
  },

  async 'jobs-spoil'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const id = recordId(b);
    const s = spoiledFields(b);
    const repo = new JobRepo(d.store.db, d.now);
    await repo.spoil(id, s.reason, s.code);
    return reprintIf(d, repo, id, s.reprint);
  },

  async 'jobs-cancel'(d: ActionDeps, b: Body): Promise<ActionResult> {
    const id = recordId(b);
    await new JobRepo(d.store.db, d.now).cancel(id);
    return { message: { id: `${id}: dibatalkan, keluar dari antrean`, en: `${id}: cancelled, out of the queue` } };
  },
} as const satisfies Record<string, (d: ActionDeps, b: Body) => Promise<ActionResult>>;
