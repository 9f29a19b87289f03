import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Text } from '../../core/i18n.js';
import { holdWords } from '../../agent/jobs/gate.js';
import { NOTE_CODES, noteWords } from '../../agent/jobs/notes.js';
import { spoilWords } from '../../agent/jobs/reprint.js';
import { formatStatus } from '../../agent/station/status.js';
import { alertName } from '../../agent/station/view.js';
import { PRINTER_REASON_WORDS, printerReasonWords } from '../../hal/printer/reason-words.js';
import { ALERT_CODES, HOLD_CODES } from '../../telemetry/codes.js';
import { rng, SimStation } from '../../scripts/fleet-model.js';
import { foreignWords } from '../support/language.js';
import { sourceTexts } from '../support/texts.js';

const ROOT = join(import.meta.dirname, '../..');

/** The other language's words in each side of each text, as "where: words :: text". */
function mixed(texts: { where: string; text: Text }[]): string[] {
  const out: string[] = [];
  for (const { where, text } of texts) {
    const inId = foreignWords(text.id, 'id');
    const inEn = foreignWords(text.en, 'en');
    if (inId.length) out.push(`${where} (id) English: ${inId.join(', ')} :: ${text.id}`);
    if (inEn.length) out.push(`${where} (en) Indonesian: ${inEn.join(', ')} :: ${text.en}`);
  }
  return out;
}

/** Machine codes left in words people read: media-jam, jobs.held, on_battery (a command line, a quoted value and the names below are not). */
const CODE = /\b[a-z]+(?:[-_.][a-z]+)+\b/g;
const NAMES = /KTP-el|e-KTP|kabupaten\/kota|sehari-hari|`[^`]*`|"[^"]*"|\bstation-agent\b[^;,)\n]*/g;
const codesIn = (s: string): string[] => s.replace(NAMES, ' ').match(CODE) ?? [];

/** A snapshot with every kind of trouble: a stopped printer with reasons, alerts, held, on battery. */
function troubled() {
  const h = new SimStation(0, rng(1)).health('2026-11-20T02:00:00.000Z', 1);
  Object.assign(h.printer, { state: 'stopped', reasons: ['media-jam', 'cover-open', 'ribbon-low'], error: null });
  Object.assign(h.ups, { status: 'on_battery', onBattery: true, powerState: 'low_battery', chargePercent: 15 });
  Object.assign(h.jobs, { held: 'the printer is stopped (media-jam, cover-open)', heldCode: 'printer_stopped', needsVerification: 1, needsVerificationIds: ['SYN-0001'] });
  h.alerts = [...ALERT_CODES];
  h.agent.version = '0.1.0';
  return h;
}

describe('one language per screen', () => {
  it('the checker finds a sentence left in the other language, and passes what a machine reads inside a text', () => {
    expect(foreignWords('Printer berhenti: the printer is stopped', 'id')).toEqual(['the', 'is', 'stopped']);
    expect(foreignWords('Wait for the battery to recharge; printing resumes by itself', 'en')).toEqual([]);
    expect(foreignWords('Tunggu; the card sudah habis', 'en')).toEqual(['tunggu', 'sudah', 'habis']);
    expect(foreignWords('jalankan `station-agent jobs verify ID --printed` lalu periksa printer.driver: none', 'id')).toEqual([]);
  });

  it('every text written in the source ({id, en}) is Indonesian on one side and English on the other', () => {
    const texts = sourceTexts(ROOT);
    expect(texts.length).toBeGreaterThan(900);
    expect(mixed(texts.map((t) => ({ where: `${t.file}:${t.line}`, text: { id: t.id, en: t.en } })))).toEqual([]);
  });

  it('every hold, job note, printer reason, alert and spoiled card, as rendered, is in one language with no code left for a person', () => {
    const h = troubled();
    const rendered: { where: string; text: Text }[] = [
      ...HOLD_CODES.flatMap((c) => {
        const w = holdWords(c, h);
        return [{ where: `hold ${c} why`, text: w.why }, { where: `hold ${c} todo`, text: w.todo }];
      }),
      ...NOTE_CODES.map((c) => ({ where: `note ${c}`, text: noteWords({ code: c, from: 'failed', attempts: 2, error: 'unavailable', reasons: ['media-jam'], by: 'up-02', words: 'luntur', text: 'x' }) })),
      ...[...Object.keys(PRINTER_REASON_WORDS), 'media-jam-error'].map((k) => ({ where: `printer reason ${k}`, text: printerReasonWords(k) })),
      ...ALERT_CODES.map((c) => ({ where: `alert ${c}`, text: alertName(c) })),
      ...(['reprinting', 'reprinted', 'held', 'other'] as const).map((now) => ({ where: `spoil ${now}`, text: spoilWords({ recordId: 'SYN-0001', reasons: ['media-jam'], now }) })),
    ];
    expect(mixed(rendered)).toEqual([]);
    const left = rendered.flatMap(({ where, text }) => [...codesIn(text.id), ...codesIn(text.en)].map((c) => `${where}: ${c}`));
    expect(left).toEqual([]);
    // Every alert code and printer reason has its own words, not the fallback that names the code.
    expect(ALERT_CODES.filter((c) => alertName(c).id.includes(c))).toEqual([]);
  });

  it('status, in either language, says a troubled station in that language only, with no code for a person', () => {
    const report = { dataDir: '/x', health: troubled(), ageSeconds: 3, stale: false, agent: null, spoils: [{ recordId: 'SYN-0002', at: 0, reasons: ['media-jam'], now: 'reprinting' as const, state: 'queued' as const }] };
    for (const lang of ['id', 'en'] as const) {
      // The command line a technician types is named in status; codes the clerk does not need are not.
      const lines = formatStatus(report, lang).split('\n');
      const text = lines.join('\n');
      expect(foreignWords(text, lang), text).toEqual([]);
      expect(codesIn(text), text).toEqual([]);
    }
    expect(formatStatus(report, 'id')).toMatch(/kartu macet, penutup printer terbuka/);
  });

  it('the glossary spellings hold on every Indonesian screen: blangko, KTP-el, stok', () => {
    const glossary = readFileSync(join(ROOT, 'docs/glossary.md'), 'utf8');
    const wrong: [RegExp, string][] = [
      [/\bblanko\b/i, 'blangko'],
      [/\be-KTP\b/, 'KTP-el'],
      [/\bdi tangan\b/i, 'stok'],
      [/\(semua\)/, 'sejak …'],
    ];
    for (const [, right] of wrong) expect(glossary, `docs/glossary.md names ${right}`).toContain(right);
    const found = sourceTexts(ROOT).flatMap((t) => wrong.filter(([re]) => re.test(t.id)).map(([, right]) => `${t.file}:${t.line}: write ${right} :: ${t.id}`));
    // The pages' own word tables are JavaScript objects of the same shape: read too.
    expect(found).toEqual([]);
  });
});
