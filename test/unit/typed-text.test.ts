/**
 * The typed-text rule itself (core/typed-text.ts): which characters are refused and how they are
 * named, what is kept, how numbers are compared, how stored text is shown on a terminal; and
 * that the command line reaches the terminal only through the writer that escapes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findUnseen, sameKey, shownSafely, typed, unseenWords } from '../../core/typed-text.js';
import { Retirement, type RetireDeps } from '../../dashboard/retire.js';
import { HttpError } from '../../platform/http.js';

const ROOT = join(import.meta.dirname, '../..');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

describe('typed text: refused by name and place, never stripped', () => {
  it('every C0 and C1 control, DEL, the zero-width characters and the direction marks, overrides and isolates', () => {
    const refused = [
      ...range(0x00, 0x1f),
      '\u007f',
      ...range(0x80, 0x9f),
      ...['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'],
      ...range(0x202a, 0x202e),
      ...range(0x2066, 0x2069),
      ...['\u200e', '\u200f', '\u061c', '\u2028', '\u2029', '\u00ad'],
    ];
    for (const ch of refused) {
      const u = findUnseen(`S1${ch}`);
      expect(u, `U+${ch.codePointAt(0)?.toString(16)}`).toMatchObject({ code: ch.codePointAt(0), position: 3, more: 0 });
    }
  });

  it('names the character as Unicode does, says what kind it is, and counts the others', () => {
    expect(findUnseen('S1\u200b')).toEqual({ code: 0x200b, name: 'U+200B ZERO WIDTH SPACE', kind: 'invisible', position: 3, more: 0 });
    expect(findUnseen('S1\u0085')).toMatchObject({ name: 'U+0085 NEXT LINE', kind: 'line' });
    expect(findUnseen('\u202eSYN')).toMatchObject({ name: 'U+202E RIGHT-TO-LEFT OVERRIDE', kind: 'direction', position: 1 });
    expect(findUnseen('a\u001b[31mb\u001b[0m')).toMatchObject({ name: 'U+001B ESCAPE', kind: 'control', position: 2, more: 1 });
    expect(findUnseen('\u{e0041}')).toMatchObject({ name: 'U+E0041', kind: 'invisible' });
    // Positions count characters as a person sees them: an emoji before it is one.
    expect(findUnseen('😀\u2066x')).toMatchObject({ name: 'U+2066 LEFT-TO-RIGHT ISOLATE', position: 2 });
    const zw = findUnseen('S1\u200b');
    if (!zw) throw new Error('the zero-width space was not found');
    const w = unseenWords({ id: 'Nomor batch', en: 'Batch number' }, zw);
    expect(w.message).toEqual({
      id: 'Nomor batch: karakter tak terlihat `U+200B ZERO WIDTH SPACE` pada posisi 3',
      en: 'Batch number: invisible character U+200B ZERO WIDTH SPACE at position 3',
    });
    expect(w.hint.en).toMatch(/type it again by hand.*Nothing was recorded\.$/);
  });

  it('a field is one line; only a list of ids may break lines and hold tabs between them', () => {
    expect(findUnseen('hitung\tbulanan')).toMatchObject({ name: 'U+0009 CHARACTER TABULATION' });
    expect(findUnseen('a\r\nb')).toMatchObject({ name: 'U+000D CARRIAGE RETURN', more: 1 });
    expect(findUnseen('SYN-1\r\nSYN-2\tSYN-3', { lines: true })).toBeNull();
    expect(findUnseen('SYN-1\nSYN-\u200b2', { lines: true })).toMatchObject({ name: 'U+200B ZERO WIDTH SPACE', position: 11 });
  });

  it('passes what people write: Indonesian, accents, other scripts, emoji, punctuation and plain spaces', () => {
    for (const s of ['hitung bulanan', 'tinta luntur; kartu #3 (rusak)', 'José Ñ-12/ä', 'ราชการ', 'عربي', '日本語', '👍 ok', 'S 1 — 2…', '5371-DINAS-T12']) expect(findUnseen(s), s).toBeNull();
  });
});

describe('typed text at the dashboard', () => {
  it("a retirement's reason, typed at the command line or sent to the API, by the same rule: 400 naming the character", async () => {
    const deps = { fleet: { entries: new Map() }, store: { events: () => Promise.resolve([{}]) } } as unknown as RetireDeps;
    const refused = await new Retirement(deps).retire('it-02', 'PC \u202ediganti').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(400);
    expect((refused as HttpError).text.en).toBe('reason: text-direction character (it can reorder what is read) U+202E RIGHT-TO-LEFT OVERRIDE at position 4');
  });
});

describe('typed text: kept in one form, compared by its key', () => {
  it('kept NFC and trimmed', () => {
    expect(typed('  S\u030c-1 ')).toBe('\u0160-1');
  });

  it('one key for a number in either normal form, in any case, with odd spaces, or with a character an older version let in', () => {
    const keys = ['\u0160-1', 'S\u030c-1', '\u0161-1', ' \u0160-1\u200b', '\u0160\u200d-1'].map(sameKey);
    expect(new Set(keys).size).toBe(1);
    expect(sameKey('BA 7')).toBe(sameKey('ba\u00a0 7'));
    expect(sameKey('S1')).not.toBe(sameKey('S2'));
  });
});

describe('typed text: shown on a terminal as visible escapes', () => {
  it('ESC, C1 and direction characters become \\u escapes; line feeds and tabs stay; the rest is untouched', () => {
    expect(shownSafely('x\u001b[2Jy')).toBe('x\\u001b[2Jy');
    expect(shownSafely('a\u0085b\u202ec\u009bd')).toBe('a\\u0085b\\u202ec\\u009bd');
    expect(shownSafely('line 1\n\tline 2 José 👍')).toBe('line 1\n\tline 2 José 👍');
    expect(shownSafely('\u{e0041}')).toBe('\\udb40\\udc41');
  });

  it('what is refused on the way in is escaped on the way out, and JSON stays the same JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        const shown = shownSafely(s);
        expect(findUnseen(shown, { lines: true })).toBeNull();
        expect(shown === s).toBe(findUnseen(s.replace(/[\n\t]/g, '')) === null);
        const json = JSON.stringify({ s }, null, 2);
        expect((JSON.parse(shownSafely(json)) as { s: string }).s).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('the command line writes to the terminal only through platform/terminal.ts', () => {
    const files = [
      'agent/cli.ts',
      ...readdirSync(join(ROOT, 'agent/cli')).map((f) => `agent/cli/${f}`),
      ...readdirSync(join(ROOT, 'agent/diagnose')).map((f) => `agent/diagnose/${f}`),
      ...readdirSync(join(ROOT, 'dashboard')).filter((f) => /cli\.ts$/.test(f)).map((f) => `dashboard/${f}`),
    ].filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(15);
    const direct = files.filter((f) => /process\.std(out|err)\.write|console\.(log|error|warn|info)/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(direct).toEqual([]);
  });
});
