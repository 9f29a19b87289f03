import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorCode, parseListVar, splitWords, toReading } from '../../hal/ups/nut/codec.js';

// Captured from NUT 2.8.0 upsd with dummy-ups (see test/support/nut.ts): LIST VAR, a missing
// variable, an unknown UPS, LOGOUT.
const session = readFileSync(join(import.meta.dirname, '../fixtures/nut/dummy-ups-2.8-on-battery.session.txt'), 'utf8').split('\n');

describe('NUT protocol codec', () => {
  it('splits words with quotes and backslash escapes', () => {
    expect(splitWords('VAR ups device.model "Back-UPS \\"ES\\" 700"')).toEqual(['VAR', 'ups', 'device.model', 'Back-UPS "ES" 700']);
    expect(splitWords('VAR ups ups.status ""')).toEqual(['VAR', 'ups', 'ups.status', '']);
  });

  it('reads a captured LIST VAR answer into the reading: on battery, numbers as numbers', () => {
    const end = session.indexOf('END LIST VAR ups');
    const vars = parseListVar(session.slice(0, end + 1), 'ups');
    expect(vars.get('ups.status')).toBe('OB DISCHRG');
    expect(toReading(vars)).toMatchObject({
      status: 'on_battery',
      onBattery: true,
      chargePercent: 64,
      runtimeSeconds: 1260,
      inputVoltage: 0,
      loadPercent: 37,
      model: 'Dummy Manufacturer Dummy UPS',
    });
  });

  it('reads the error lines as codes', () => {
    expect(session.filter((l) => errorCode(l)).map((l) => errorCode(l))).toEqual(['VAR-NOT-SUPPORTED', 'UNKNOWN-UPS']);
    expect(errorCode('OK Goodbye')).toBeUndefined();
  });

  it('maps the status tokens; what it cannot tell is unknown or null, never online or 0', () => {
    const r = (status: string, more: Record<string, string> = {}) => toReading(new Map(Object.entries({ 'ups.status': status, ...more })));
    expect(r('OL CHRG')).toMatchObject({ status: 'online', onBattery: false });
    expect(r('OB LB')).toMatchObject({ status: 'low_battery', onBattery: true });
    expect(r('OL LB')).toMatchObject({ status: 'low_battery', onBattery: false });
    expect(r('OB FSD')).toMatchObject({ status: 'low_battery' });
    expect(r('WAIT')).toMatchObject({ status: 'unknown', onBattery: null });
    expect(r('OL', { 'battery.charge': '' })).toMatchObject({ chargePercent: null, runtimeSeconds: null, inputVoltage: null, model: null });
  });
});
