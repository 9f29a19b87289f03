import type { Queryable } from '../../platform/db.js';
import { Ledger } from './blanks.js';
import { SupplyLedger } from './supplies.js';
import type { SpoilCode } from './spoil-codes.js';

/**
 * A card that came out of the printer, printed or spoiled, in the caller's transaction: one
 * blank off the blank-card ledger, and one card counted against the ribbon and the film in the
 * printer (a spoiled card used them too). Every way a card is settled goes through here, so
 * the ledgers cannot disagree after a crash. A spoiled card carries its reason's code (what the
 * province counts) and, where a person gave them, their words (kept on the station).
 */
export async function postCard(tx: Queryable, outcome: 'print' | 'spoil', at: number, recordId: string, reasonCode: SpoilCode | null = null, reason: string | null = null): Promise<void> {
  const spoil = outcome === 'spoil';
  await Ledger.post(tx, { kind: outcome, qty: -1, at, recordId, reasonCode: spoil ? (reasonCode ?? 'other') : null, reason: spoil && reason ? reason : undefined });
  await SupplyLedger.postCard(tx, at, recordId);
}
