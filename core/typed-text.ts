/**
 * Text that people type into the ledgers (batch and document numbers, lots, reasons, station and
 * office names, record ids): one rule for the command line and the station page, and its mirror
 * for what the command line prints.
 *
 * In: control characters (C0, DEL, C1 such as U+0085), invisible ones (zero-width spaces and
 * joiners, U+2060, U+FEFF, the soft hyphen and the other format characters), the marks and
 * overrides that change the direction of text (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
 * U+061C) and line or paragraph separators are refused by name and position, never stripped:
 * "S1" followed by a zero-width space looks like S1 but would be a new batch, and a right-to-left
 * override makes a clerk read what was not typed. Every field is one line; only a list of record
 * ids (the page's box) may break lines and use tabs, which separate the ids. What is kept is
 * NFC (one form of each accented letter) and trimmed.
 *
 * Compared: batch and document numbers by `sameKey`, so a number typed in another normal form,
 * another case or with a refused character an older version let in is the same number.
 *
 * Out: `shownSafely` writes those characters as visible `\uXXXX` escapes, so an old row holding
 * ESC cannot drive a technician's terminal (and JSON stays JSON: the escape is JSON's own).
 */
import { charName } from './char-names.js';
import type { Text } from './i18n.js';

/** Refused in typed text, escaped on a terminal: controls, format characters, line and paragraph separators, lone surrogates. */
const UNSEEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSEEN_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** What a list of record ids may hold between its ids. */
const BETWEEN_LINES = new Set([0x09, 0x0a, 0x0d]);
const DIRECTION = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const LINE_BREAK = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x85, 0x2028, 0x2029]);

export type UnseenKind = 'control' | 'line' | 'invisible' | 'direction' | 'broken';

/** The first refused character of a text: which, and where (counted in characters from 1, as typed). */
export interface Unseen {
  code: number;
  /** "U+200B ZERO WIDTH SPACE" */
  name: string;
  kind: UnseenKind;
  position: number;
  /** How many more refused characters follow it. */
  more: number;
}

function kindOf(cp: number): UnseenKind {
  if (LINE_BREAK.has(cp)) return 'line';
  if (cp < 0xa0) return 'control';
  if (DIRECTION.has(cp)) return 'direction';
  if (cp >= 0xd800 && cp <= 0xdfff) return 'broken';
  return 'invisible';
}

/** The refused characters of `s`, or null when it has none. `lines`: a list that may break lines (tab, LF, CR). */
export function findUnseen(s: string, o: { lines?: boolean } = {}): Unseen | null {
  if (!UNSEEN.test(s)) return null;
  let first: Unseen | null = null;
  let position = 0;
  for (const ch of s) {
    position += 1;
    const cp = ch.codePointAt(0) ?? 0;
    if (!UNSEEN.test(ch) || (o.lines && BETWEEN_LINES.has(cp))) continue;
    if (first) first.more += 1;
    else first = { code: cp, name: charName(cp), kind: kindOf(cp), position, more: 0 };
  }
  return first;
}

const KIND_WORDS: Record<UnseenKind, Text> = {
  control: { id: 'karakter kendali', en: 'control character' },
  line: { id: 'pindah baris (isian ini hanya satu baris)', en: 'line break (this field is one line)' },
  invisible: { id: 'karakter tak terlihat', en: 'invisible character' },
  direction: { id: 'karakter pengubah arah teks (bisa membalik urutan yang terbaca)', en: 'text-direction character (it can reorder what is read)' },
  broken: { id: 'karakter rusak', en: 'broken character' },
};

/** What a surface says about a refused character in `field` (the flag, or the page's label), and what to do. */
export function unseenWords(field: Text, u: Unseen): { message: Text; hint: Text } {
  const k = KIND_WORDS[u.kind];
  return {
    message: {
      id: `${field.id}: ${k.id} \`${u.name}\` pada posisi ${u.position}${u.more ? ` (dan ${u.more} lagi)` : ''}`,
      en: `${field.en}: ${k.en} ${u.name} at position ${u.position}${u.more ? ` (and ${u.more} more)` : ''}`,
    },
    hint: {
      id: 'Hapus isian itu lalu ketik ulang dengan tangan: karakter seperti ini terbawa saat menyalin dari PDF, surel atau pesan. Tidak ada yang dicatat.',
      en: 'Clear the field and type it again by hand: such characters come along when copying from a PDF, an e-mail or a chat. Nothing was recorded.',
    },
  };
}

/** Text as kept: one form of each letter (NFC), trimmed. */
export const typed = (s: string): string => s.normalize('NFC').trim();

/** An optional text as kept: NFC and trimmed, null when nothing was given. */
export const typedOrNull = (s: string | undefined | null): string | null => (s === undefined || s === null ? null : typed(s) || null);

/**
 * A batch or document number as compared: NFC, without the characters refused above (an older
 * row may hold one), any run of spaces as one, trimmed, in lower case (a number is the same
 * however its letters were cased, as SQLite's lower() compared it before).
 */
export function sameKey(s: string): string {
  return s.normalize('NFC').replace(UNSEEN_ALL, '').replace(/\s+/gu, ' ').trim().toLowerCase();
}

const escape = (ch: string): string => {
  let out = '';
  for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
};

/**
 * Text for a terminal: every refused character but the line feed and the tab written as its
 * `\uXXXX` escape (ESC as `\u001b`), so stored text cannot move the cursor, clear the screen or
 * reorder a line.
 */
export function shownSafely(s: string): string {
  if (!UNSEEN.test(s)) return s;
  return s.replace(UNSEEN_ALL, (ch) => (ch === '\n' || ch === '\t' ? ch : escape(ch)));
}
