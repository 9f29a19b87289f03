/**
 * The alerts of the consumables: ribbon, film and blank cards low or empty, one running out long
 * before the others, and a printer's stack to refill from the office's store.
 */
import type { StationBody, SupplyPayload } from '../../telemetry/payloads.js';
import type { RuleBody } from './alert-rule.js';

const days = (d: number) => (d < 1 ? 'less than a day' : `about ${Math.round(d)} day${Math.round(d) === 1 ? '' : 's'}`);

/**
 * Days left on a borrowed rate (the office's other printers', or the first estimate, until a day
 * of the station's own use) are shown, marked as estimates, but raise nothing: "order now" on a
 * guess would reach the province for every new station.
 */
const estimated = (h: StationBody) => h.stock.rateSource === 'office' || h.stock.rateSource === 'expected';

/**
 * Days left that count for a consumable: the office's, where known (blanks on the shelf and in
 * the hopper; the ribbon or film roll in the printer and those on the shelf), else the roll's.
 */
function daysLeftOf(h: StationBody, kind: 'ribbon' | 'film' | 'blanks'): number | null {
  if (estimated(h)) return null;
  if (kind === 'blanks') return h.stock.daysLeft;
  const office = kind === 'ribbon' ? h.stock.ribbonDaysLeft : h.stock.filmDaysLeft;
  if (office !== undefined && office !== null) return office;
  if (h.printer.state === 'unknown') return null;
  return h.printer.supplies.find((s) => s.kind === kind)?.daysLeft ?? null;
}

/** Spare rolls on the shelf; null for blanks, or when no roll of the kind was ever recorded. */
function shelfOf(h: StationBody, kind: 'ribbon' | 'film' | 'blanks'): number | null {
  if (kind === 'blanks') return null;
  return (kind === 'ribbon' ? h.stock.ribbonRolls : h.stock.filmRolls) ?? null;
}

export function supplyRules(kind: 'ribbon' | 'film' | 'blanks'): RuleBody[] {
  const find = (h: StationBody): SupplyPayload | undefined =>
    h.printer.state === 'unknown' ? undefined : h.printer.supplies.find((s) => s.kind === kind);
  const describe = (s: SupplyPayload) =>
    s.source === 'counted'
      ? `about ${s.remaining ?? '?'} cards left of ${s.capacity ?? '?'} by count`
      : s.remaining !== null
        ? `${s.remaining} left of ${s.capacity ?? '?'}`
        : s.levelPercent !== null
          ? `${s.levelPercent} %`
          : s.status;
  const shelfWords = (n: number | null) => (n === null ? '' : n === 0 ? ', no spare roll on the shelf' : `, ${n} spare roll${n === 1 ? '' : 's'} on the shelf`);
  return [
    {
      code: `supply.${kind}.low`,
      evaluate(h, wasActive, limits) {
        const s = find(h);
        const left = daysLeftOf(h, kind);
        const printerKnows = s !== undefined && !(s.status === 'unknown' && s.levelPercent === null);
        if (!printerKnows && left === null) return 'unknown';
        const saysLow = s !== undefined && (s.status === 'low' || s.status === 'empty');
        const level = s?.levelPercent ?? null;
        const lead = limits.leadDays[kind];
        // Raise at the printer's word, at the configured mark, or when it runs out within the
        // time a new one takes to arrive; clear only clearly above each.
        const band = wasActive ? 1 : 0;
        const levelLow = level !== null && level <= limits.supplyLowPercent + band * limits.hysteresisPercent;
        // A roll running low is no shortage while a spare waits on the shelf: the office is
        // short only when the shelf is empty too (or its days run out within the lead time).
        const shelf = shelfOf(h, kind);
        const rollLow = (saysLow || levelLow) && !(shelf !== null && shelf > 0);
        // One day of margin: use is counted in whole days and levels in whole percent. A printer's
        // stack, where the office keeps a store book, is fetched from the store: office.restock.
        const stackOnly = kind === 'blanks' && typeof limits.restockHours === 'number';
        const soon = !stackOnly && left !== null && left <= (lead + 1) * (1 + band * 0.1);
        const active = rollLow || soon;
        const name = !s ? kind : s.source === 'counted' ? `the ${kind} roll` : `${s.name} (${kind})`;
        const what = s ? describe(s) : 'level unknown';
        const where = kind === 'blanks' ? ' in the office stock' : shelf !== null && shelf > 0 ? ' with the shelf' : '';
        const when = left === null ? '' : `; ${days(left)} left${where} at ${h.stock.cardsPerDay ?? '?'} cards a day`;
        const order = soon ? `, order now: a new one takes ${lead} days` : '';
        return { active, message: `${name} is ${active ? 'low' : 'no longer low'}: ${what}${shelfWords(shelf)}${when}${active ? order : ''}` };
      },
    },
    {
      code: `supply.${kind}.empty`,
      evaluate(h) {
        const s = find(h);
        if (!s || s.status === 'unknown') return 'unknown';
        // Only the printer says empty: a count reaching zero is an estimate (low, by count).
        const active = s.status === 'empty' || (s.source !== 'counted' && s.remaining === 0);
        return { active, message: active ? `${s.name} (${kind}) is empty: the station cannot print` : `${s.name} (${kind}) refilled: ${describe(s)}` };
      },
    },
  ];
}

/**
 * One supply running out long before the others: the film gone while thousands of blanks wait
 * on the shelf. Names both, so the order goes out for the right one.
 */
export const imbalanceRule: RuleBody = {
  code: 'supply.imbalance',
  evaluate(h, wasActive, limits) {
    const known = (['ribbon', 'film', 'blanks'] as const)
      .map((kind) => ({ kind, left: daysLeftOf(h, kind) }))
      .filter((x): x is { kind: 'ribbon' | 'film' | 'blanks'; left: number } => x.left !== null)
      .sort((a, b) => a.left - b.left);
    const first = known[0];
    const last = known[known.length - 1];
    if (!first || !last || first === last) return 'unknown';
    const within = limits.imbalanceWithinDays * (wasActive ? 1.1 : 1);
    const ratio = limits.imbalanceRatio * (wasActive ? 0.9 : 1);
    const active = first.left <= within && last.left >= first.left * ratio && last.left - first.left >= 1;
    const label = (k: string) => (k === 'blanks' ? 'the blank cards' : k === 'film' ? 'the retransfer film' : 'the ribbon');
    return {
      active,
      message: active
        ? `${label(first.kind)} runs out in ${days(first.left)}, long before ${label(last.kind)} (${days(last.left)}): order ${first.kind} now, or ${label(last.kind)} will wait unused`
        : 'supplies run out at a similar pace again',
    };
  },
};

/**
 * At a printing PC of an office with a store book: the stack here lasting only hours is a hint to
 * fetch blanks from the office's store (the office's stock is the store's, not this stack).
 */
export const restockRule: RuleBody = {
  code: 'office.restock',
  evaluate(h, wasActive, limits) {
    const hours = limits.restockHours;
    if (typeof hours !== 'number') return { active: false, message: 'the office keeps no store book: the stock here is the office\'s' };
    const left = estimated(h) ? null : h.stock.daysLeft;
    if (left === null) return 'unknown';
    const active = left * 24 <= hours * (wasActive ? 1.25 : 1);
    const rate = h.stock.cardsPerDay ?? '?';
    return {
      active,
      message: active
        ? `fetch blanks from the office's store: the stack here (${h.stock.blanksOnHand ?? '?'} cards) lasts about ${Math.max(0, Math.round(left * 24))} hours at ${rate} cards a day`
        : 'the stack here lasts the day',
    };
  },
};
