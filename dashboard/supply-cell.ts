/**
 * A station's supplies as its row shows them: the worst of each kind (a printer may report two
 * ribbons), against the office's own stock where the station keeps a ledger, and the roll in the
 * printer. Pure, from the health alone.
 */
import type { HealthPayload } from '../telemetry/payloads.js';
import type { SupplyCell, WatchedKind } from './fleet.js';

const UNKNOWN_CELL: SupplyCell = { levelPercent: null, daysLeft: null, status: 'unknown' };

/** The worst of the supplies of one kind (a printer may report two ribbons). */
export function supplyCell(h: HealthPayload | null, kind: WatchedKind): SupplyCell {
  if (!h) return UNKNOWN_CELL;
  if (kind === 'blanks') {
    const hopper = h.printer.supplies.find((s) => s.kind === 'blanks');
    // The office stock (the ledger) is what runs out, not the hopper a clerk refills from the
    // shelf; the hopper speaks only where no ledger is kept.
    const onHand = h.stock.blanksOnHand;
    const status = onHand === null ? (hopper?.status ?? 'unknown') : onHand === 0 ? 'empty' : h.alerts.includes('supply.blanks.low') ? 'low' : 'ok';
    return { levelPercent: hopper?.levelPercent ?? null, daysLeft: onHand === null ? (hopper?.daysLeft ?? null) : h.stock.daysLeft, status };
  }
  const order = { empty: 0, low: 1, ok: 2, unknown: 3 } as const;
  const of = h.printer.supplies.filter((s) => s.kind === kind);
  if (of.length === 0) return UNKNOWN_CELL;
  const worst = of.reduce((a, b) => (order[b.status] < order[a.status] || (b.status === a.status && (b.daysLeft ?? Infinity) < (a.daysLeft ?? Infinity)) ? b : a));
  // The office's days (the roll in the printer and the rolls on the shelf) where the station says them: what runs out.
  const office = kind === 'ribbon' ? h.stock.ribbonDaysLeft : h.stock.filmDaysLeft;
  return { levelPercent: worst.levelPercent, daysLeft: worst.status === 'empty' ? worst.daysLeft : (office ?? worst.daysLeft), status: worst.status };
}

export function roll(h: HealthPayload | null, kind: 'ribbon' | 'film'): { remaining: number | null; capacity: number | null } {
  const s = h?.printer.supplies.find((x) => x.kind === kind);
  return { remaining: s?.remaining ?? null, capacity: s?.capacity ?? null };
}
