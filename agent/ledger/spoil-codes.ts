/**
 * Why a card was spoiled, as a code the province counts (the words a clerk typed stay on the
 * station): jam, smudge, misprint, wrong-data, chip, other. A clerk may give the code; otherwise
 * it is read from the words, in Indonesian or English.
 */
import type { Text } from '../../core/i18n.js';

export const SPOIL_CODES = ['jam', 'smudge', 'misprint', 'wrong-data', 'chip', 'other'] as const;
export type SpoilCode = (typeof SPOIL_CODES)[number];

/** Each code as a clerk chooses it on the station page. */
export const SPOIL_WORDS: Record<SpoilCode, Text> = {
  jam: { id: 'macet di printer', en: 'jammed in the printer' },
  smudge: { id: 'luntur atau kotor', en: 'smudged or dirty' },
  misprint: { id: 'salah cetak (miring, pudar)', en: 'misprinted (crooked, faded)' },
  'wrong-data': { id: 'data salah', en: 'wrong data' },
  chip: { id: 'chip rusak', en: 'faulty chip' },
  other: { id: 'lainnya', en: 'other' },
};

const WORDS: readonly [SpoilCode, RegExp][] = [
  ['jam', /\b(jam|jammed|macet|tersangkut|nyangkut|media-jam)\b/i],
  ['chip', /\b(chip|cip)\b/i],
  ['wrong-data', /\b(wrong data|data salah|salah data|salah nama|salah ketik|typo)\b/i],
  ['smudge', /\b(smudge|smudged|luntur|noda|kotor|blur|belang|tergores|scratch)\b/i],
  ['misprint', /\b(misprint|salah cetak|miring|geser|warna|pudar|faded|crooked|shifted)\b/i],
];

/** The code a clerk's words name, `other` when none. */
export function spoilCodeOf(words: string): SpoilCode {
  for (const [code, re] of WORDS) if (re.test(words)) return code;
  return 'other';
}

export function isSpoilCode(v: string): v is SpoilCode {
  return (SPOIL_CODES as readonly string[]).includes(v);
}
