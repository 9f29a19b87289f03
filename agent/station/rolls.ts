import type { PrinterReading } from '../../hal/printer/types.js';
import { ROLL_KINDS, type RollKind } from '../ledger/supplies.js';

/** A level that rises by this many points between two readings is a new roll, not a wobble. */
const NEW_ROLL_RISE = 20;

/**
 * Rolls the printer shows were changed between two readings, where it can show it: a level
 * that jumps up (a printer that reports levels), or its own "ribbon-empty" / "film-empty" that
 * clears (a printer that only says empty). Each is recorded as a roll installed by the printer,
 * so the count starts again without waiting for a person to type it.
 */
export function rollChanges(prev: PrinterReading | undefined, cur: PrinterReading): { kind: RollKind; why: string }[] {
  if (!prev) return [];
  const out: { kind: RollKind; why: string }[] = [];
  for (const kind of ROLL_KINDS) {
    const p = prev.supplies.find((s) => s.kind === kind);
    const c = cur.supplies.find((s) => s.kind === kind);
    const wasEmpty = prev.reasons.includes(`${kind}-empty`) || p?.status === 'empty';
    const isEmpty = cur.reasons.includes(`${kind}-empty`) || c?.status === 'empty';
    if (p?.levelPercent != null && c?.levelPercent != null && c.levelPercent >= p.levelPercent + NEW_ROLL_RISE) {
      out.push({ kind, why: `the printer's ${kind} level rose from ${p.levelPercent} % to ${c.levelPercent} %` });
    } else if (wasEmpty && !isEmpty) {
      out.push({ kind, why: `the printer no longer says ${kind}-empty` });
    }
  }
  return out;
}
