/**
 * One roll, one record (issue 31). On a printer that reports levels, or says "ribbon-empty",
 * a new roll is seen twice: by the printer (its level jumps up, its empty clears; the station
 * records it) and by the clerk (`supply replace`, on the page or the command line). Recorded as
 * two rolls, the shelf gave two, the clerk's roll was closed with 0 cards and its lot was lost.
 * So the two, within SAME_ROLL_WINDOW_MS of each other and whichever came first, are one roll:
 * the printer after the person records nothing; the person after the printer names the roll
 * the printer saw (its lot, the box's yield, an early removal of the one before) in an
 * `install` entry with reason SameRollReason, which takes nothing from the shelf.
 */
import type { EntryBy } from './supplies.js';

/** How far apart a person's `supply replace` and the printer's sign of a new roll are still one roll. */
export const SAME_ROLL_WINDOW_MS = 30 * 60_000;

/**
 * The reason on an `install` entry that names the roll already in the printer rather than
 * installing another; `-early`: and the roll before it was taken out early (not learned from).
 */
export const SAME_ROLL_REASONS = ['same-roll', 'same-roll-early'] as const;
export type SameRollReason = (typeof SAME_ROLL_REASONS)[number];

export const isSameRollReason = (reason: string | null): reason is SameRollReason => (SAME_ROLL_REASONS as readonly string[]).includes(reason ?? '');

/** The roll in the printer as its install entry has it. */
export interface OpenInstall {
  at: number;
  by: EntryBy;
  /** A person already named it (a same-roll entry follows it). */
  named: boolean;
}

/**
 * What a new sighting of a roll by `by` at `at` is, given the roll in the printer: another roll,
 * the same one already recorded by a person (nothing to record), or the printer's roll that the
 * person now names.
 *
 * The window is measured between stored wall times, not on the monotonic clock: the two come
 * from different processes (the station loop in the daemon, `supply replace` on the command line
 * with its own clock origin), and a restart may fall between them, so the ledger's stamps are the
 * only time both share. A wall clock stepped between the two lengthens or shortens the window by
 * the step; the difference is taken either way round, so a small step back (NTP slowing a fast
 * PC) still matches, and a large step gives two rolls, as before this rule: a person can take one
 * out with `supply show`, a lost lot could not be brought back.
 */
export function sighting(open: OpenInstall | null, by: EntryBy, at: number): 'another' | 'already' | 'names' {
  if (!open || Math.abs(at - open.at) > SAME_ROLL_WINDOW_MS) return 'another';
  if (by === 'printer' && (open.by === 'person' || open.named)) return 'already';
  if (by === 'person' && open.by === 'printer' && !open.named) return 'names';
  return 'another';
}
