import { describe, expect, it } from 'vitest';
import { formatReport, overall } from '../../agent/diagnose/run.js';
import type { CheckResult } from '../../agent/diagnose/types.js';
import type { DiagnosticsPayload } from '../../telemetry/payloads.js';

const report = (lang: 'en' | 'id'): DiagnosticsPayload => ({
  schema: 'station.diagnostics/1',
  station: '5371-01',
  ts: '2027-01-05T08:00:00.000Z',
  lang,
  status: 'fail',
  checks: [
    { id: 'clock', status: 'pass', title: 'Clock sane', facts: { now: 'x' }, hint: null, ms: 1 },
    { id: 'printer', status: 'fail', title: 'Card printer', facts: { film: 'empty 0 %' }, hint: 'Empty: film.', ms: 2 },
  ],
});

describe('the diagnose report', () => {
  it('uses the status words of its language, and colour only when asked (a terminal)', () => {
    const plain = formatReport(report('id'), false);
    expect(plain).toContain('[OK]');
    expect(plain).toContain('[GAGAL]');
    expect(plain).toContain('-> Empty: film.');
    expect(plain).toContain('Ada kegagalan');
    expect(plain).not.toContain('\x1b[');
    expect(formatReport(report('en'), true)).toContain('\x1b[31m[FAIL]');
  });

  it('is as bad as its worst check', () => {
    const r = (status: CheckResult['status']): CheckResult => ({ id: 'x', title: { en: '', id: '' }, status, facts: {}, hint: null, ms: 0 });
    expect(overall([r('pass'), r('pass')])).toBe('pass');
    expect(overall([r('pass'), r('warn')])).toBe('warn');
    expect(overall([r('warn'), r('fail'), r('pass')])).toBe('fail');
  });
});
