import { AgentError } from '../../core/errors.js';
import type { Said } from '../../core/i18n.js';
import type { ClaimAnswer } from '../../hal/records/types.js';
import type { Claims } from './claims.js';
import type { JobRepo } from './repo.js';
import { heldWords } from './words.js';

export interface AddResult {
  added: string[];
  requeued: string[];
  refused: { recordId: string; why: Said }[];
  /** Queued without a claim now (the record service did not answer): claimed before their cards. */
  unasked: string[];
}

/**
 * Queue records, and where the record source keeps claims, claim each at once: a record another
 * station holds is refused now, naming it (state refused), rather than when its card would
 * start. Where the source cannot say, the rest are queued as they are and claimed before their
 * cards; a record with an outcome still to tell (a spoiled card's reprint) is claimed then too,
 * after the outcome.
 */
export async function addClaimed(repo: JobRepo, ids: readonly string[], claims: Claims | undefined): Promise<AddResult> {
  const r = await repo.add(ids);
  const out: AddResult = { ...r, unasked: [] };
  if (!claims?.kept) return out;
  for (const id of [...r.added, ...r.requeued]) {
    // Once the service failed to answer, the rest are not asked: each would wait as long.
    if (out.unasked.length > 0) {
      out.unasked.push(id);
      continue;
    }
    let answer: ClaimAnswer | undefined;
    try {
      answer = await claims.claimIfNothingUntold(id);
    } catch {
      out.unasked.push(id);
      continue;
    }
    if (!answer || answer.granted) continue;
    try {
      await repo.refuse(id, ['queued'], answer.claimedBy, answer.at);
    } catch (err) {
      // The queue took it meanwhile: its own claim, before the card, refuses it.
      if (err instanceof AgentError && err.code === 'job-state') continue;
      throw err;
    }
    out.added = out.added.filter((x) => x !== id);
    out.requeued = out.requeued.filter((x) => x !== id);
    out.refused.push({ recordId: id, why: heldWords(answer.claimedBy, answer.at, answer.claimedBy === claims.station) });
  }
  return out;
}
