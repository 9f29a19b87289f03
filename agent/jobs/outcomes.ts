import type { Queryable } from '../../platform/db.js';
import type { CardOutcomeWord } from '../../hal/records/types.js';

/**
 * What became of a card, kept to tell the record service (agent/jobs/claims.ts sends them, oldest
 * first). Written inside the transaction that moves the job, so an outcome is never lost to a
 * crash between the move and the telling, nor told for a move that did not happen.
 */
export function tellLater(tx: Queryable, recordId: string, outcome: CardOutcomeWord, at: number): Promise<unknown> {
  return tx.run('INSERT INTO record_outcomes (record_id, outcome, at) VALUES (?, ?, ?)', [recordId, outcome, at]);
}

export interface UntoldOutcome {
  id: number;
  recordId: string;
  outcome: CardOutcomeWord;
}

/** The outcomes not yet told, oldest first. */
export function untold(q: Queryable, limit: number, recordId?: string): Promise<UntoldOutcome[]> {
  return q.all<UntoldOutcome>('SELECT id, record_id AS recordId, outcome FROM record_outcomes WHERE (? IS NULL OR record_id = ?) ORDER BY id LIMIT ?', [recordId ?? null, recordId ?? null, limit]);
}

export function told(q: Queryable, id: number): Promise<unknown> {
  return q.run('DELETE FROM record_outcomes WHERE id = ?', [id]);
}
