/**
 * Ribbon, film and blanks from the Printer MIB's supply tables: prtMarkerSuppliesTable for the
 * ribbon and the film, prtInputTable for the card hopper. Levels in the MIB's own terms become
 * numbers, or unknown with a note; never a made-up level.
 */
import type { SupplyReading, SupplyStatus } from '../types.js';
import { COL, COUNTED_UNITS, FILM_TYPES, FILM_WORDS, PERCENT_UNIT, RECEPTACLE_THAT_IS_FILLED, RIBBON_TYPES, RIBBON_WORDS, SUPPLY_TYPES } from './mib.js';
import type { Row } from './tables.js';
import { intOf, textOf, type Notes } from './values.js';

/** Cards in a supply or a hopper above this are no card printer's: left out as unknown. */
const MAX_COUNT = 1_000_000;

export type Kind = 'ribbon' | 'film' | 'blanks';
export interface Flags {
  low: boolean;
  empty: boolean;
}

interface Level {
  percent: number | null;
  remaining: number | null;
  capacity: number | null;
  /** -3: the printer knows at least one unit is left, and no more. */
  someLeft: boolean;
}

/** A level and its maximum in the MIB's terms (-1 other, -2 unknown, -3 some left) → numbers or null. */
function levelOf(level: number | null, max: number | null, unit: number | null, where: string, notes: Notes): Level {
  const unknown: Level = { percent: null, remaining: null, capacity: null, someLeft: false };
  if (level === null || level === -1 || level === -2) return unknown;
  if (level === -3) return { ...unknown, someLeft: true };
  if (level < -3) {
    notes.add(`${where} level ${level} is below -3, which the Printer MIB does not allow`);
    return unknown;
  }
  if (max !== null && max < -2) notes.add(`${where} maximum ${max} is below -2, which the Printer MIB does not allow`);
  const top = max !== null && max > 0 ? max : null;
  if (unit === PERCENT_UNIT) {
    if (level > 100) {
      notes.add(`${where} level ${level} is in percent and above 100, which no supply can be`);
      return unknown;
    }
    return { ...unknown, percent: level };
  }
  const counted = unit !== null && COUNTED_UNITS.includes(unit);
  const percent = top !== null ? Math.round((Math.min(level, top) / top) * 100) : null;
  if (!counted) return { ...unknown, percent };
  if ((top ?? level) > MAX_COUNT) {
    notes.add(`${where} counts ${top ?? level} cards, more than any card printer holds: its count is left out`);
    return { ...unknown, percent };
  }
  return { percent, remaining: top !== null ? Math.min(level, top) : level, capacity: top, someLeft: false };
}

export interface Candidate extends Level {
  index: string;
  name: string;
  type: number | null;
}

export function markersOf(rows: [string, Row][], notes: Notes): Candidate[] {
  const out: Candidate[] = [];
  for (const [index, row] of rows) {
    const where = `prtMarkerSupplies.${index}`;
    const c = COL.supply;
    if (intOf(row.get(c.class), `${where} class`, notes) === RECEPTACLE_THAT_IS_FILLED) continue;
    const type = intOf(row.get(c.type), `${where} type`, notes);
    const name = textOf(row.get(c.description), `${where} description`, notes) ?? (type !== null ? SUPPLY_TYPES[type] : undefined) ?? `supply ${index}`;
    const lvl = levelOf(intOf(row.get(c.level), `${where} level`, notes), intOf(row.get(c.max), `${where} maximum`, notes), intOf(row.get(c.unit), `${where} unit`, notes), where, notes);
    out.push({ index, name, type, ...lvl });
  }
  return out;
}

export function inputsOf(rows: [string, Row][], notes: Notes): Candidate[] {
  return rows.map(([index, row]) => {
    const where = `prtInput.${index}`;
    const c = COL.input;
    const name =
      textOf(row.get(c.name), `${where} name`, notes) ?? textOf(row.get(c.description), `${where} description`, notes) ?? textOf(row.get(c.mediaName), `${where} media name`, notes) ?? `input ${index}`;
    const lvl = levelOf(intOf(row.get(c.level), `${where} current level`, notes), intOf(row.get(c.max), `${where} maximum`, notes), intOf(row.get(c.unit), `${where} unit`, notes) ?? 8, where, notes);
    return { index, name, type: intOf(row.get(c.type), `${where} type`, notes), ...lvl };
  });
}

export const known = (c: Candidate) => c.percent !== null || c.remaining !== null || c.someLeft;

/** The one of several that runs out first stops the printer first: the lowest known level. */
function lowest(found: Candidate[]): Candidate | undefined {
  const withLevel = found.filter((c) => c.percent !== null);
  return withLevel.length > 0 ? withLevel.reduce((a, b) => ((b.percent ?? 0) < (a.percent ?? 0) ? b : a)) : found[0];
}

export function pickMarkers(markers: Candidate[]): { ribbon: Candidate | undefined; film: Candidate | undefined } {
  const byType = (types: readonly number[]) => markers.filter((m) => m.type !== null && types.includes(m.type));
  const ribbon = lowest(byType(RIBBON_TYPES)) ?? lowest(markers.filter((m) => RIBBON_WORDS.test(m.name) && !FILM_WORDS.test(m.name)));
  const film = lowest(byType(FILM_TYPES)) ?? lowest(markers.filter((m) => m !== ribbon && FILM_WORDS.test(m.name)));
  return { ribbon, film };
}

const FALLBACK: Record<Kind, string> = { ribbon: 'Ribbon', film: 'Retransfer film', blanks: 'Card hopper' };
export const TAG: Record<Kind, string> = { ribbon: 'ribbon', film: 'film', blanks: 'media' };

export function supplyOf(kind: Kind, c: Candidate | undefined, flags: Flags, lowPercent: number): SupplyReading {
  const percent = c?.percent ?? null;
  const remaining = c?.remaining ?? null;
  let status: SupplyStatus;
  if (flags.empty || percent === 0 || remaining === 0) status = 'empty';
  else if (flags.low || (percent !== null && percent <= lowPercent)) status = 'low';
  else if (c && known(c)) status = 'ok';
  else status = 'unknown';
  return { kind, name: c?.name ?? FALLBACK[kind], levelPercent: percent, remaining, capacity: c?.capacity ?? null, status };
}
