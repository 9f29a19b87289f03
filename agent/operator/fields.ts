/**
 * The station page's field checks: each names the field, what was given and what is expected, in
 * both languages, before anything is written.
 */
import type { Text } from '../../core/i18n.js';
import { findUnseen, typed, unseenWords } from '../../core/typed-text.js';

/** A field that failed its check: the page shows the message beside the field. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly text: Text,
  ) {
    super(text.en);
  }
}

export type Body = Record<string, unknown>;
const shown = (v: unknown) => JSON.stringify(v)?.slice(0, 40) ?? String(v);

export function whole(b: Body, field: string, min: number, max: number, what: Text): number {
  const v = typeof b[field] === 'string' && /^\s*\d+\s*$/.test(b[field]) ? Number(b[field]) : b[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FieldError(field, {
      id: `${what.id}: diberikan ${v === undefined || v === '' ? 'kosong' : shown(b[field])}, harus bilangan bulat ${min} sampai ${max}`,
      en: `${what.en}: got ${v === undefined || v === '' ? 'nothing' : shown(b[field])}, expected a whole number from ${min} to ${max}`,
    });
  }
  return v;
}

/**
 * Text the clerk typed, by the rule the command line follows too (core/typed-text.ts): a
 * control, invisible or direction character is refused by name and place; what is kept is NFC
 * and trimmed. Only a list (`lines`, the record ids) may break lines and hold tabs.
 */
export function text(b: Body, field: string, max: number, what: Text, required: boolean, lines = false): string | undefined {
  const v = b[field];
  if ((v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) && !required) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new FieldError(field, { id: `${what.id}: wajib diisi`, en: `${what.en}: required` });
  const unseen = findUnseen(v, { lines });
  if (unseen) {
    const w = unseenWords(what, unseen);
    throw new FieldError(field, { id: `${w.message.id}. ${w.hint.id}`, en: `${w.message.en}. ${w.hint.en}` });
  }
  if (v.length > max) throw new FieldError(field, { id: `${what.id}: paling banyak ${max} karakter`, en: `${what.en}: at most ${max} characters` });
  return typed(v);
}

export function flag(b: Body, field: string): boolean {
  const v = b[field];
  if (v === undefined || v === null || v === false) return false;
  if (v === true) return true;
  throw new FieldError(field, { id: `${field}: harus true atau false, diberikan ${shown(v)}`, en: `${field}: expected true or false, got ${shown(v)}` });
}

export function oneOf<T extends string>(b: Body, field: string, choices: readonly T[], what: Text): T {
  const v = b[field];
  if (typeof v === 'string' && (choices as readonly string[]).includes(v)) return v as T;
  throw new FieldError(field, { id: `${what.id}: diberikan ${shown(v)}, harus salah satu dari ${choices.join(', ')}`, en: `${what.en}: got ${shown(v)}, expected one of ${choices.join(', ')}` });
}

