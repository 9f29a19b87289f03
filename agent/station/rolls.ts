import type { PrinterReading } from '../../hal/printer/types.js';
import { ROLL_KINDS, type RollKind } from '../ledger/supplies.js';

/** A level that rises by this many points between two readings is a new roll, not a wobble. */
const NEW_ROLL_RISE = 20;
/**
 * An empty that clears after this many polls or fewer, with no level that rose, is a flicker
 * (a sensor, a door opened), not a new roll: at the default 2-second poll no one changes a roll
 * that fast. An empty that lasted longer, on a printer that gives no level, is a new roll.
 */
export const FLICKER_POLLS = 2;

export type RollChange = { kind: RollKind; why: string };

/** What is kept of one kind between readings. */
interface Seen {
  /** The last level read while the printer did not say empty. */
  level: number | null;
  /** Readings in a row that said empty (0: the last did not). */
  emptyPolls: number;
}

/**
 * Rolls the printer shows were changed, reading by reading, where it can show it: a level that
 * jumps up (a printer that reports levels), or its own "ribbon-empty" / "film-empty" that
 * clears (a printer that only says empty). Each is recorded as a roll installed by the printer,
 * so the count starts again without waiting for a person to type it. An empty is measured
 * against the level before it (some printers read 0 % while they say empty), so an empty that
 * clears back to the same level is nothing.
 */
export class RollWatch {
  private readonly seen = new Map<RollKind, Seen>();

  see(cur: PrinterReading): RollChange[] {
    const out: RollChange[] = [];
    for (const kind of ROLL_KINDS) {
      const c = cur.supplies.find((s) => s.kind === kind);
      const isEmpty = cur.reasons.includes(`${kind}-empty`) || c?.status === 'empty';
      const level = c?.levelPercent ?? null;
      const was = this.seen.get(kind);
      if (isEmpty) {
        this.seen.set(kind, { level: was?.level ?? null, emptyPolls: (was?.emptyPolls ?? 0) + 1 });
        continue;
      }
      this.seen.set(kind, { level, emptyPolls: 0 });
      if (!was) continue;
      const rose = was.level !== null && level !== null ? level >= was.level + NEW_ROLL_RISE : null;
      if (rose) {
        out.push({ kind, why: `the printer's ${kind} level rose from ${was.level} % to ${level} %` });
      } else if (was.emptyPolls > 0 && rose === null && was.emptyPolls > FLICKER_POLLS) {
        out.push({ kind, why: `the printer no longer says ${kind}-empty` });
      }
    }
    return out;
  }
}
