import type { CardOutcomeWord, ClaimAnswer, ClaimHolder, OutcomeAnswer } from '../types.js';

/**
 * What the centre that serves the records decides about claims, apart from where it keeps
 * them: the simulated centre keeps them in a file its agents share (centre.ts), the tests' stand-in
 * record service in memory. One row per record: who holds it, in which state, and since when.
 */
export interface ClaimRow {
  station: string;
  installId: string | null;
  state: 'claimed' | 'printed' | 'spoiled';
  /** Since when (RFC 3339): the claim, the print or the spoil. */
  at: string;
}

/** What becomes of the row: kept as it is, replaced, or dropped (the record is free again). */
export type RowChange = { kind: 'keep' } | { kind: 'put'; row: ClaimRow } | { kind: 'drop' };

const KEEP: RowChange = { kind: 'keep' };

/**
 * A claim before a card starts. Free: granted. Printed anywhere: refused, even to the station
 * that printed it (a second print is what this is for). Held or spoiled by another station:
 * refused. Held or spoiled by the same station: granted again (a retry, a restart, the reprint
 * of a card it spoiled).
 */
export function claimRule(row: ClaimRow | undefined, holder: ClaimHolder, now: string): { answer: ClaimAnswer; change: RowChange } {
  if (!row) return { answer: { granted: true, claimedBy: holder.station }, change: { kind: 'put', row: { station: holder.station, installId: holder.installId, state: 'claimed', at: now } } };
  if (row.state === 'printed' || row.station !== holder.station) return { answer: { granted: false, claimedBy: row.station, at: row.at }, change: KEEP };
  const at = row.state === 'spoiled' ? now : row.at;
  return { answer: { granted: true, claimedBy: holder.station }, change: { kind: 'put', row: { station: holder.station, installId: holder.installId, state: 'claimed', at } } };
}

/**
 * The outcome after a card. Only the station that holds the record (or anyone, for a record
 * nobody holds) may give it: printed closes the record for everyone, spoiled leaves it to the same
 * station's reprint, not printed frees it. A record kept as printed stays printed: "not printed"
 * cannot reopen it.
 */
export function outcomeRule(row: ClaimRow | undefined, station: string, outcome: CardOutcomeWord, now: string): { answer: OutcomeAnswer; change: RowChange } {
  if (row && (row.station !== station || (row.state === 'printed' && outcome === 'not_printed'))) {
    return { answer: { taken: false, claimedBy: row.station, at: row.at }, change: KEEP };
  }
  if (outcome === 'not_printed') return { answer: { taken: true }, change: row ? { kind: 'drop' } : KEEP };
  return { answer: { taken: true }, change: { kind: 'put', row: { station, installId: row?.installId ?? null, state: outcome, at: now } } };
}
