import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mapWalk, type SnmpVarbind, type SnmpView } from '../../hal/printer/snmp/codec.js';
import { SNMP_TYPES } from '../../hal/printer/snmp/values.js';
import { parseWalkText } from '../../hal/printer/snmp/walk-text.js';
import { PRINTER_STATES, SUPPLY_STATUSES } from '../../hal/printer/types.js';
import { errorOctets, healthyCardPrinter, jammedEmptyHopperPrinter, walkOf, withFaults } from '../support/snmp-printer.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/snmp');
const fixture = (name: string) => parseWalkText(readFileSync(join(FIXTURES, `${name}.walk`), 'utf8'));
const map = (vbs: SnmpVarbind[], lowPercent = 10) => mapWalk(vbs, { lowPercent });
const supply = (v: SnmpView, kind: string) => v.supplies.find((s) => s.kind === kind);
const walk = (text: string) => map(parseWalkText(text));
const P = '.1.3.6.1.2.1';

describe('SNMP mapping on walks captured from snmpd (test/fixtures/snmp)', () => {
  it('a jammed retransfer printer with an empty hopper: ribbon 30 % by prints, film 4 % low, blanks empty, the jam, stopped', () => {
    const v = map(fixture('retransfer-jam-hopper-empty'));
    expect(v.printerMib).toBe(true);
    expect(v.model).toBe('Retransfer ID card printer (fixture: FARGO-like)');
    expect(v.uptimeSeconds).toBe(0);
    expect(supply(v, 'ribbon')).toEqual({ kind: 'ribbon', name: 'YMCKO ribbon', levelPercent: 30, remaining: 150, capacity: 500, status: 'ok' });
    expect(supply(v, 'film')).toEqual({ kind: 'film', name: 'HDP film', levelPercent: 4, remaining: null, capacity: null, status: 'low' });
    expect(supply(v, 'blanks')).toEqual({ kind: 'blanks', name: 'Card hopper', levelPercent: 0, remaining: 0, capacity: 100, status: 'empty' });
    expect(v.reasons).toEqual(expect.arrayContaining(['media-empty', 'media-jam', 'film-low']));
    expect(v.reasons).not.toContain('ribbon-low');
    expect(v.state).toBe('stopped');
    expect(v.alerts).toEqual(['Card jam at the retransfer roller']);
    expect(v.notes).toEqual([]);
  });

  it('a ribbonWax ribbon in percent, film measured in inches (a percentage, never cards), a waste receptacle left out, idle', () => {
    const v = map(fixture('retransfer-ribbonwax-ok'));
    expect(supply(v, 'ribbon')).toEqual({ kind: 'ribbon', name: 'Monochrome resin ribbon K', levelPercent: 62, remaining: null, capacity: null, status: 'ok' });
    expect(supply(v, 'film')).toEqual({ kind: 'film', name: 'Retransfer film', levelPercent: 25, remaining: null, capacity: null, status: 'ok' });
    expect(supply(v, 'blanks')).toEqual({ kind: 'blanks', name: 'Input hopper', levelPercent: 19, remaining: 37, capacity: 200, status: 'ok' });
    expect(v).toMatchObject({ state: 'idle', reasons: [], notes: [] });
  });

  it('MIB-II only (a network option without the Printer MIB): online with its uptime and name, no opinion on state, supplies unknown, not zero', () => {
    const v = map(fixture('mib2-only'));
    expect(v).toMatchObject({ printerMib: false, state: null, reasons: [], model: 'Card printer network option (MIB-II only)', uptimeSeconds: 0, notes: [] });
    for (const s of v.supplies) expect(s).toMatchObject({ levelPercent: null, remaining: null, capacity: null, status: 'unknown' });
    expect(walk(`${P}.1.3.0 = Timeticks: (36000123) 4 days, 4:00:01.23\n`).uptimeSeconds).toBe(360001);
  });

  it('the same printer served as the harness describes it maps the same (the fixture is what the harness serves)', () => {
    // The captured fixture and the model it was captured from map alike (snmpd and snmpwalk changed nothing).
    const { uptimeSeconds: _u, ...captured } = map(fixture('retransfer-jam-hopper-empty'));
    const { uptimeSeconds: _v, ...served } = walk(walkOf(jammedEmptyHopperPrinter()));
    expect(served).toEqual(captured);
    const m = walkOf(withFaults(healthyCardPrinter(), ['media-jam']));
    expect(walk(m)).toMatchObject({ state: 'stopped', reasons: ['media-jam'] });
    expect(walk(walkOf(healthyCardPrinter()))).toMatchObject({ state: 'idle', reasons: [] });
  });
});

describe('hrPrinterDetectedErrorState: bits from the most significant bit of the first octet', () => {
  const state = (hex: string, printerStatus = 3) => walk(`${P}.25.3.2.1.2.1 = OID: ${P}.25.3.1.5\n${P}.25.3.5.1.1.1 = INTEGER: ${printerStatus}\n${P}.25.3.5.1.2.1 = Hex-STRING: ${hex}\n`);

  it('maps each bit to its reason, in RFC 2790/3805 order, not the other way round', () => {
    expect(state('80 00').reasons).toEqual(['media-low']); // bit 0 lowPaper
    expect(state('40 00').reasons).toEqual(['media-empty']); // bit 1 noPaper
    expect(state('08 00').reasons).toEqual(['cover-open']); // bit 4 doorOpen
    expect(state('04 00').reasons).toEqual(['media-jam']); // bit 5 jammed
    expect(state('20 00').reasons).toEqual(['marker-supply-low']); // bit 2 lowToner
    expect(state('00 20').reasons).toEqual(['marker-supply-missing']); // bit 10
    expect(state('00 04').reasons).toEqual(['media-empty']); // bit 13 inputTrayEmpty
    expect(state('00 80').reasons).toEqual(['input-tray-missing']); // bit 8
    expect(state('00 00').reasons).toEqual([]);
    // One octet is allowed (RFC 2790): the second is all clear.
    expect(state('04').reasons).toEqual(['media-jam']);
    expect(errorOctets([1, 5, 13])).toBe('44 04');
  });

  it('stopping conditions stop; warnings do not; offline is offline unless a card is still going', () => {
    expect(state('04 00').state).toBe('stopped');
    expect(state('80 00').state).toBe('idle');
    expect(state('01 00').reasons).toEqual(['service-requested']);
    expect(state('01 00').state).toBe('idle');
    expect(state('02 00')).toMatchObject({ state: 'offline', reasons: ['offline'] });
    expect(state('02 00', 4).state).toBe('printing');
  });

  it('noPaper with no input table still says the hopper is empty', () => {
    expect(supply(state('40 00'), 'blanks')).toMatchObject({ status: 'empty', levelPercent: null, remaining: null });
  });
});

describe('levels and alerts as the Printer MIB defines them', () => {
  const supplies = (rows: [type: number, desc: string, unit: number, max: number, level: number][]) =>
    rows.flatMap(([type, desc, unit, max, level], i) => [
      `${P}.43.11.1.1.5.1.${i + 1} = INTEGER: ${type}`,
      `${P}.43.11.1.1.6.1.${i + 1} = STRING: "${desc}"`,
      `${P}.43.11.1.1.7.1.${i + 1} = INTEGER: ${unit}`,
      `${P}.43.11.1.1.8.1.${i + 1} = INTEGER: ${max}`,
      `${P}.43.11.1.1.9.1.${i + 1} = INTEGER: ${level}`,
    ]);

  it('-1 other and -2 unknown are unknown; -3 "some left" is ok with no number; never 0', () => {
    const v = walk(supplies([[7, 'Ribbon', 7, 500, -3], [20, 'Film', 19, 100, -2]]).join('\n'));
    expect(supply(v, 'ribbon')).toMatchObject({ levelPercent: null, remaining: null, capacity: null, status: 'ok' });
    expect(supply(v, 'film')).toMatchObject({ levelPercent: null, status: 'unknown' });
    expect(supply(walk(supplies([[7, 'Ribbon', 7, -2, -1]]).join('\n')), 'ribbon')).toMatchObject({ levelPercent: null, remaining: null, status: 'unknown' });
    // A count with an unknown maximum: cards left, no percentage.
    expect(supply(walk(supplies([[7, 'Ribbon', 7, -2, 120]]).join('\n')), 'ribbon')).toMatchObject({ levelPercent: null, remaining: 120, capacity: null, status: 'ok' });
  });

  it('finds ribbon and film by description when the type says other; two ribbons: the lower one counts', () => {
    const v = walk(supplies([[1, 'Pita YMCKO', 19, 100, 70], [1, 'Film retransfer', 19, 100, 50], [7, 'Ribbon K', 19, 100, 40], [7, 'Ribbon YMC', 19, 100, 20]]).join('\n'));
    expect(supply(v, 'ribbon')).toMatchObject({ name: 'Ribbon YMC', levelPercent: 20 });
    expect(supply(v, 'film')).toMatchObject({ name: 'Film retransfer', levelPercent: 50 });
    // A thermal transfer ribbon is a ribbon, not a film.
    expect(supply(walk(supplies([[1, 'Thermal transfer ribbon', 19, 100, 70]]).join('\n')), 'film')?.status).toBe('unknown');
  });

  it('alerts name the supply they are about: subunitEmpty on the film, almost empty on the hopper, a ribbon code, an unknown critical one', () => {
    const alert = (i: number, severity: number, group: number, index: number, code: number) =>
      [`${P}.43.18.1.1.2.1.${i} = INTEGER: ${severity}`, `${P}.43.18.1.1.4.1.${i} = INTEGER: ${group}`, `${P}.43.18.1.1.5.1.${i} = INTEGER: ${group === 0 ? -1 : index}`, `${P}.43.18.1.1.7.1.${i} = INTEGER: ${code}`];
    const base = supplies([[7, 'Ribbon', 19, 100, 60], [20, 'Film', 19, 100, 60]]);
    const filmEmpty = walk([...base, ...alert(1, 3, 11, 2, 13)].join('\n'));
    expect(filmEmpty.reasons).toEqual(['film-empty']);
    expect(supply(filmEmpty, 'film')?.status).toBe('empty');
    expect(filmEmpty.state).toBe('stopped');
    const hopperLow = walk([...base, ...alert(1, 4, 8, 1, 12)].join('\n'));
    expect(hopperLow).toMatchObject({ reasons: ['media-low'], state: null });
    expect(supply(hopperLow, 'blanks')?.status).toBe('low');
    expect(walk([...base, ...alert(1, 3, 11, 1, 1103)].join('\n')).reasons).toEqual(['ribbon-empty']);
    const unknownCritical = walk([...base, ...alert(1, 3, 5, 1, 1004), `${P}.43.18.1.1.8.1.1 = STRING: "Heater failure"`].join('\n'));
    expect(unknownCritical).toMatchObject({ reasons: ['other'], state: 'stopped', alerts: ['Heater failure'] });
    // A warning about a door that closed again changes nothing.
    expect(walk([...base, ...alert(1, 5, 6, 1, 4)].join('\n'))).toMatchObject({ reasons: [], state: null });
  });

  it('reads only the printer among several devices: the hrDevicePrinter one', () => {
    const text = [
      `${P}.25.3.2.1.2.1 = OID: ${P}.25.3.1.4`,
      `${P}.25.3.2.1.2.3 = OID: ${P}.25.3.1.5`,
      `${P}.25.3.2.1.3.3 = STRING: "Card printer"`,
      `${P}.43.11.1.1.5.1.1 = INTEGER: 7`,
      `${P}.43.11.1.1.9.1.1 = INTEGER: 0`,
      `${P}.43.11.1.1.5.3.1 = INTEGER: 7`,
      `${P}.43.11.1.1.7.3.1 = INTEGER: 19`,
      `${P}.43.11.1.1.9.3.1 = INTEGER: 55`,
    ].join('\n');
    expect(walk(text)).toMatchObject({ model: 'Card printer' });
    expect(supply(walk(text), 'ribbon')).toMatchObject({ levelPercent: 55, status: 'ok' });
  });

  it('a level in percent above 100 is unknown and noted, not a full supply; 100 itself is full', () => {
    for (const level of [101, 2147483647]) {
      const v = walk(supplies([[20, 'Film', 19, 100, level]]).join('\n'));
      expect(supply(v, 'film')).toMatchObject({ levelPercent: null, remaining: null, status: 'unknown' });
      expect(v.notes).toEqual([`prtMarkerSupplies.1 level ${level} is in percent and above 100, which no supply can be`]);
    }
    const full = walk(supplies([[20, 'Film', 19, 100, 100]]).join('\n'));
    expect(supply(full, 'film')).toMatchObject({ levelPercent: 100, status: 'ok' });
    expect(full.notes).toEqual([]);
  });

  it('the low mark is the configured one (the Printer MIB has none)', () => {
    const text = supplies([[20, 'Film', 19, 100, 15]]).join('\n');
    expect(supply(map(parseWalkText(text), 10), 'film')?.status).toBe('ok');
    expect(supply(map(parseWalkText(text), 20), 'film')?.status).toBe('low');
  });
});

describe('hostile values: left out and noted, never a crash, never a made-up number', () => {
  it('wrong types, impossible numbers, huge values', () => {
    const v = walk(
      [
        `${P}.43.11.1.1.5.1.1 = INTEGER: 7`,
        `${P}.43.11.1.1.9.1.1 = STRING: "forty"`,
        `${P}.43.11.1.1.5.1.2 = INTEGER: 20`,
        `${P}.43.11.1.1.7.1.2 = INTEGER: 19`,
        `${P}.43.11.1.1.9.1.2 = INTEGER: 2147483647`,
        `${P}.43.8.2.1.8.1.1 = INTEGER: 8`,
        `${P}.43.8.2.1.9.1.1 = INTEGER: 2147483647`,
        `${P}.43.8.2.1.10.1.1 = INTEGER: 2147483000`,
        `${P}.25.3.5.1.2.1 = INTEGER: 4`,
        `${P}.1.3.0 = STRING: "yesterday"`,
      ].join('\n'),
    );
    expect(supply(v, 'ribbon')).toMatchObject({ levelPercent: null, status: 'unknown' });
    expect(supply(v, 'film')).toMatchObject({ levelPercent: null, status: 'unknown' });
    expect(supply(v, 'blanks')).toMatchObject({ levelPercent: 100, remaining: null, capacity: null });
    expect(v.uptimeSeconds).toBeNull();
    expect(v.reasons).toEqual([]);
    expect(v.notes.join('\n')).toMatch(/prtMarkerSupplies\.1 level is octets .* not an integer/);
    expect(v.notes.join('\n')).toMatch(/prtMarkerSupplies\.2 level 2147483647 is in percent and above 100/);
    expect(v.notes.join('\n')).toMatch(/more than any card printer holds/);
    expect(v.notes.join('\n')).toMatch(/hrPrinterDetectedErrorState .* not an OCTET STRING/);
    expect(v.notes.join('\n')).toMatch(/sysUpTime is octets/);
    expect(supply(walk(`${P}.43.11.1.1.5.1.1 = INTEGER: 7\n${P}.43.11.1.1.9.1.1 = INTEGER: -7\n`), 'ribbon')?.status).toBe('unknown');
  });

  it('a table of thousands of rows is read up to a bound', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({ oid: `1.3.6.1.2.1.43.11.1.1.9.1.${i + 1}`, type: 'integer' as const, value: 50 }));
    const t0 = Date.now();
    const v = map(rows);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(v.supplies).toHaveLength(3);
  });

  it('any values at all give a well-formed view (fast-check)', () => {
    const roots = ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.1.0', '1.3.6.1.2.1.25.3.2.1', '1.3.6.1.2.1.25.3.5.1', '1.3.6.1.2.1.43.8.2.1', '1.3.6.1.2.1.43.11.1.1', '1.3.6.1.2.1.43.18.1.1'];
    const oid = fc.oneof(
      fc.tuple(fc.constantFrom(...roots), fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 4 })).map(([r, rest]) => [r, ...rest].join('.')),
      fc.string({ maxLength: 30 }),
    );
    const value = fc.oneof(
      fc.integer(),
      fc.integer({ min: -5, max: 120 }),
      fc.bigInt(),
      fc.double(),
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 40 }),
      fc.constantFrom(null, undefined, true, {}, [], '1.3.6.1.2.1.25.3.1.5', `${P}.25.3.1.5`),
    );
    const varbind = fc.record({ oid, type: fc.oneof(fc.constantFrom(...SNMP_TYPES), fc.string({ maxLength: 8 })), value }) as fc.Arbitrary<SnmpVarbind>;
    fc.assert(
      fc.property(fc.array(varbind, { maxLength: 80 }), fc.integer({ min: 0, max: 100 }), (vbs, low) => {
        const v = map(vbs, low);
        expect(v.state === null || PRINTER_STATES.includes(v.state)).toBe(true);
        expect(v.supplies.map((s) => s.kind)).toEqual(['ribbon', 'film', 'blanks']);
        for (const s of v.supplies) {
          expect(SUPPLY_STATUSES).toContain(s.status);
          for (const n of [s.levelPercent, s.remaining, s.capacity]) if (n !== null) expect(Number.isFinite(n) && n >= 0).toBe(true);
          if (s.levelPercent !== null) expect(s.levelPercent).toBeLessThanOrEqual(100);
          if (s.remaining !== null && s.capacity !== null) expect(s.remaining).toBeLessThanOrEqual(s.capacity);
        }
        expect(v.reasons.every((r) => /^[a-z0-9-]+$/.test(r))).toBe(true);
        expect(v.uptimeSeconds === null || (Number.isInteger(v.uptimeSeconds) && v.uptimeSeconds >= 0)).toBe(true);
        expect(v.model === null || v.model.length <= 120).toBe(true);
        expect(v.notes.length).toBeLessThanOrEqual(21);
      }),
      { numRuns: 400 },
    );
  });
});

describe('captured walk text (snmpwalk -On)', () => {
  it('reads what snmpwalk prints with and without MIB files', () => {
    const vbs = parseWalkText(
      [
        '# a comment',
        '.1.3.6.1.2.1.25.3.5.1.1.1 = INTEGER: idle(3)',
        '.1.3.6.1.2.1.25.3.5.1.2.1 = BITS: 04 00 jammed(5)',
        'iso.3.6.1.2.1.1.3.0 = Timeticks: (1234) 0:00:12.34',
        '.1.3.6.1.2.1.1.1.0 = STRING: "Printer \\"A\\""',
        '.1.3.6.1.2.1.43.5.1.1.17.1 = Hex-STRING: 41 42 43 44 45 46 47 48 49 4A 4B 4C 4D 4E 4F 50',
        '51 52',
        '.1.3.6.1.2.1.43.11.1.1.6.1.1 = ""',
        '.1.3.6.1.2.1.43.11.1.1.6.1.2 = No Such Instance currently exists at this OID',
        '.1.3.6.1.2.1.43.10.2.1.4.1.1 = Counter32: 1234',
        '.1.3.6.1.2.1.43.10.2.1.5.1.1 = Counter64: 18446744073709551615',
        '.1.3.6.1.2.1.25.3.2.1.2.1 = OID: .1.3.6.1.2.1.25.3.1.5',
      ].join('\n'),
    );
    expect(vbs.map((v) => v.oid)).toHaveLength(9);
    expect(vbs[0]).toEqual({ oid: '1.3.6.1.2.1.25.3.5.1.1.1', type: 'integer', value: 3 });
    expect(vbs[1]).toEqual({ oid: '1.3.6.1.2.1.25.3.5.1.2.1', type: 'octets', value: Uint8Array.from([4, 0]) });
    expect(vbs[2]).toMatchObject({ oid: '1.3.6.1.2.1.1.3.0', type: 'timeticks', value: 1234 });
    expect(new TextDecoder().decode(vbs[3]?.value as Uint8Array)).toBe('Printer "A"');
    expect((vbs[4]?.value as Uint8Array).length).toBe(18);
    expect(vbs[7]).toMatchObject({ type: 'counter64', value: 18446744073709551615n });
  });

  it('text that is not a walk is refused, naming the line', () => {
    expect(() => parseWalkText('hello world')).toThrow(/line 1/);
    expect(() => parseWalkText('.1.3.6 = INTEGER: many')).toThrow(/line 1: expected a number/);
    expect(() => parseWalkText('.1.3.6 = Float: 1.5')).toThrow(/unknown type/);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          map(parseWalkText(text));
        } catch (err) {
          expect((err as Error).message).toMatch(/^line \d+/);
        }
      }),
    );
  });
});
