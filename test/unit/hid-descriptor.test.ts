import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HalError } from '../../hal/errors.js';
import { parseDescriptorHex, parseReportsHex } from '../../hal/ups/hid/capture.js';
import { decodeReport, encodeField, fieldValue, readBits } from '../../hal/ups/hid/decode.js';
import { parseDescriptor, reportKey, type HidField } from '../../hal/ups/hid/descriptor.js';
import { HidError } from '../../hal/ups/hid/error.js';
import { bytesOf, HID_FIXTURES, loadHidFixture } from '../support/hid-fixtures.js';

const parse = (hex: string) => parseDescriptor(bytesOf(hex));
const only = (hex: string): HidField => {
  const f = parse(hex).fields[0];
  if (!f) throw new Error('no field');
  return f;
};
const failure = (fn: () => unknown): HidError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof HidError) return err;
    throw err;
  }
  throw new Error('expected a HidError, got a result');
};

// A minimal UPS: PowerSummary, feature report 0x0c with RemainingCapacity (8 bits) and RunTimeToEmpty (16 bits).
const SMALL = '05 84 09 04 a1 01 09 24 a1 02 85 0c 75 08 95 01 15 00 26 ff 00 05 85 09 66 b1 02 75 10 27 ff ff 00 00 09 68 b1 02 c0 c0';

describe('HID report descriptor parser', () => {
  it('lays out report ids, sizes, counts and bit offsets per report type', () => {
    const d = parse(SMALL);
    const layout = d.reports.get(reportKey('feature', 0x0c));
    expect(layout?.byteLength).toBe(3);
    expect(layout?.fields.map((f) => [f.usage.toString(16), f.bitOffset, f.bitSize])).toEqual([
      ['850066', 0, 8],
      ['850068', 8, 16],
    ]);
    expect(layout?.fields[0]?.collections.map((c) => [c.usage.toString(16), c.type])).toEqual([
      ['840004', 1],
      ['840024', 2],
    ]);
    expect(d.reports.has(reportKey('input', 0x0c))).toBe(false);
  });

  it('reads logical minimum and maximum as signed per their item size', () => {
    expect(only('15 ff 25 7f 75 08 95 01 81 02')).toMatchObject({ logicalMin: -1, logicalMax: 127, logicalMaxAssumed: false });
    expect(only('16 00 80 26 ff 7f 75 10 95 01 81 02')).toMatchObject({ logicalMin: -32768, logicalMax: 32767 });
    // A one-byte maximum 0xff below a minimum of 0 is a vendor slip: read unsigned, marked assumed.
    expect(only('15 00 25 ff 75 08 95 01 81 02')).toMatchObject({ logicalMin: 0, logicalMax: 255, logicalMaxAssumed: true });
    expect(only('35 c4 47 c4 ff 1d 00 75 08 95 01 81 02')).toMatchObject({ physicalMin: -60, physicalMax: 1966020 });
  });

  it('reads unit and unit exponent (a signed nibble)', () => {
    expect(only('67 21 d1 f0 00 55 0e 75 08 95 01 81 02')).toMatchObject({ unit: 0x00f0d121, unitExponent: -2 });
    expect(only('55 07 75 08 95 01 81 02').unitExponent).toBe(7);
    expect(only('55 fe 75 08 95 01 81 02').unitExponent).toBe(-2);
  });

  it('a malformed unit exponent: a one-byte item keeps its low nibble (as NUT), a wider one out of -8..7 reads null, never a clamped scale', () => {
    // 0x1e: the low nibble 0xe is -2, so 2290 reads 22.9, not 2290 × 10^7.
    const oneByte = only('15 00 26 ff 7f 55 1e 75 10 95 01 81 02');
    expect(oneByte.unitExponent).toBe(-2);
    expect(fieldValue(oneByte, Uint8Array.from([0xf2, 0x08]))).toBeCloseTo(22.9, 9);
    expect(only('56 fe ff 75 08 95 01 81 02').unitExponent).toBe(-2);
    const wide = only('15 00 26 ff 00 56 fe 00 75 08 95 01 81 02');
    expect(wide.unitExponent).toBeNull();
    expect(fieldValue(wide, Uint8Array.from([100]))).toBeNull();
    expect(decodeReport(parse('15 00 26 ff 00 57 00 01 00 00 75 08 95 01 81 02'), Uint8Array.from([0, 100]))[0]?.values[0]?.value).toBeNull();
  });

  it('takes 32-bit usages whole, and expands usage minimum..maximum', () => {
    expect(only('05 84 0b 16 00 86 ff 75 18 95 01 b1 02').usage).toBe(0xff860016);
    const d = parse('05 85 19 44 29 46 75 01 95 03 81 02 75 05 95 01 81 01');
    expect(d.fields.map((f) => f.usage.toString(16))).toEqual(['850044', '850045', '850046', '0']);
    // Fewer usages than fields: the last one repeats.
    expect(parse('05 85 09 44 09 45 75 01 95 03 81 02').fields.map((f) => f.usage.toString(16))).toEqual(['850044', '850045', '850045']);
  });

  it('skips long items whole', () => {
    const plain = parse(SMALL);
    const withLong = parse(SMALL.replace('85 0c', 'fe 03 10 aa bb cc 85 0c'));
    expect(withLong.fields.map((f) => [f.usage, f.bitOffset])).toEqual(plain.fields.map((f) => [f.usage, f.bitOffset]));
  });

  it('Push and Pop save and restore the global state', () => {
    const d = parse('75 08 95 01 a4 75 10 81 02 b4 81 02');
    expect(d.fields.map((f) => f.bitSize)).toEqual([16, 8]);
  });

  it('locals end at each main item: a field without a usage is padding', () => {
    const d = parse('05 85 09 44 75 01 95 01 81 02 75 07 81 03');
    expect(d.fields.map((f) => f.usage)).toEqual([0x850044, 0]);
    expect(d.reports.get(reportKey('input', 0))?.byteLength).toBe(1);
  });

  it.each([
    ['an item cut short', '05 84 09', /item 0x09 needs 1 data byte/],
    ['a long item cut short', '05 84 fe 05 10 aa', /long item runs past the end/],
    ['End Collection with none open', '05 84 c0', /End Collection without an open Collection/],
    ['a collection never closed', '05 84 09 04 a1 01 09 24 a1 00', /2 collection\(s\) not closed/],
    ['Pop without Push', 'b4', /Pop without a Push/],
    ['Report ID 0', '85 00', /Report ID 0 is outside 1..255/],
    ['Usage Maximum below Minimum', '19 10 29 01', /Usage Maximum 0x1 is below Usage Minimum 0x10/],
    ['an unknown main item', 'd1 00', /unknown main item tag 0xd/],
    ['a report count beyond any UPS', '96 00 40', /Report Count 16384/],
    ['fields before the first report id', '75 08 95 01 81 02 85 01 81 02', /before the first Report ID/],
    ['nothing at all', '', /empty/],
  ])('%s is a typed error at a byte offset', (_what, hex, message) => {
    const err = failure(() => parseDescriptor(hex ? bytesOf(hex) : new Uint8Array()));
    expect(err).toBeInstanceOf(HalError);
    expect(err.code).toBe('hid-descriptor-invalid');
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(/at byte \d+/);
    expect(err.hint).toMatch(/ups dump/);
  });

  it.each(HID_FIXTURES)('%s cut anywhere is an error, never a partial descriptor taken as whole', (name) => {
    const bytes = loadHidFixture(name).descriptor;
    for (let cut = 1; cut < bytes.length; cut += 7) {
      expect(() => parseDescriptor(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(HidError);
    }
  });
});

describe('report decoding', () => {
  const d = parse(SMALL);

  it('decodes values and rejects wrong lengths and unknown ids with what was expected', () => {
    expect(decodeReport(d, bytesOf('0c 64 58 02'))[0]?.values.map((v) => v.value)).toEqual([100, 600]);
    const short = failure(() => decodeReport(d, bytesOf('0c 64 58')));
    expect(short.code).toBe('hid-report-length');
    expect(short.message).toBe('report 0x0c is 3 bytes long; the descriptor gives it 4 bytes as feature report (report id byte included)');
    expect(failure(() => decodeReport(d, bytesOf('0c 64 58 02 00'))).code).toBe('hid-report-length');
    const unknown = failure(() => decodeReport(d, bytesOf('0d 00')));
    expect(unknown.code).toBe('hid-report-unknown');
    expect(unknown.message).toMatch(/report 0x0d is not in the report descriptor, which has input\/feature reports 0x0c/);
    expect(failure(() => decodeReport(d, new Uint8Array())).code).toBe('hid-report-invalid');
  });

  it('a value outside its logical range is null, not clamped into a number', () => {
    const f = only('15 00 25 64 75 08 95 01 81 02');
    expect(fieldValue(f, Uint8Array.from([100]))).toBe(100);
    expect(fieldValue(f, Uint8Array.from([101]))).toBeNull();
    expect(fieldValue(f, Uint8Array.from([0xff]))).toBeNull();
  });

  it('sign-extends when the range has negatives, and scales physical range and unit exponent', () => {
    expect(fieldValue(only('15 ff 26 ff 7f 75 10 95 01 81 02'), Uint8Array.from([0xff, 0xff]))).toBe(-1);
    // Volts in HID's centimetre-gram system: exponent 7 is volts, 6 tenths of a volt.
    expect(fieldValue(only('15 00 26 ff 00 67 21 d1 f0 00 55 06 75 08 95 01 81 02'), Uint8Array.from([240]))).toBe(24);
    expect(fieldValue(only('15 00 26 ff 7f 35 00 46 e8 03 75 10 95 01 81 02'), Uint8Array.from([0xff, 0x7f]))).toBeCloseTo(1000, 6);
  });
});

describe('hex capture files', () => {
  it('take spaces, commas, 0x and comments; name the line of anything else', () => {
    expect([...parseDescriptorHex('# APC\n0x05, 0x84\n09 04 # usage\n')]).toEqual([0x05, 0x84, 0x09, 0x04]);
    expect(parseReportsHex('0c 64 58 02\n\n# x\n0d 01').map((r) => r.line)).toEqual([1, 4]);
    const bad = failure(() => parseReportsHex('0c 64\n0c 6g'));
    expect(bad).toMatchObject({ code: 'hid-hex-invalid', at: 2 });
    expect(bad.message).toMatch(/line 2: "g" is not a hex digit/);
    expect(failure(() => parseDescriptorHex('05 8')).message).toMatch(/odd number of hex digits/);
  });
});

describe('random input (fast-check): a typed error or a sane result, never a crash or a made-up value', () => {
  /** Every value given maps back to exactly the bits that were sent: nothing clamped or invented. */
  const saneValues = (values: { field: HidField; value: number | null }[], data: Uint8Array) => {
    for (const { field, value } of values) {
      if (value === null) continue;
      expect(Number.isFinite(value)).toBe(true);
      const again = new Uint8Array(data.length);
      encodeField(field, again, value);
      expect(readBits(again, field.bitOffset, field.bitSize)).toBe(readBits(data, field.bitOffset, field.bitSize));
    }
  };

  it('random bytes as a descriptor', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const d = parseDescriptor(bytes);
          for (const f of d.fields) expect(f.bitOffset + f.bitSize).toBeLessThanOrEqual(4096 * 8);
        } catch (err) {
          expect(err).toBeInstanceOf(HidError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('real descriptors with random bytes changed', () => {
    const real = HID_FIXTURES.map((n) => loadHidFixture(n).descriptor);
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (base, edits) => {
        const bytes = Uint8Array.from(base);
        for (const [i, v] of edits) bytes[i % bytes.length] = v;
        try {
          parseDescriptor(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(HidError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random reports against real descriptors: values are null or inside their logical range', () => {
    const fixtures = HID_FIXTURES.map((n) => parseDescriptor(loadHidFixture(n).descriptor));
    // Mostly reports shaped as the descriptor lays them out (right id, right length, random
    // data), so the values are really decoded; some random bytes for the error paths.
    const shaped = fc
      .constantFrom(...fixtures.flatMap((d) => [...d.reports.values()].map((layout) => ({ d, layout }))))
      .chain(({ d, layout }) => fc.uint8Array({ minLength: layout.byteLength, maxLength: layout.byteLength }).map((data) => ({ d, bytes: Uint8Array.from([layout.reportId, ...data]) })));
    const random = fc.record({ d: fc.constantFrom(...fixtures), bytes: fc.uint8Array({ minLength: 0, maxLength: 20 }) });
    const runs = 3000;
    let decodedRuns = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: shaped, weight: 9 }, { arbitrary: random, weight: 1 }), ({ d, bytes }) => {
        try {
          const decoded = decodeReport(d, bytes);
          for (const r of decoded) {
            saneValues(r.values, bytes.subarray(1));
            expect(r.layout.byteLength + 1).toBe(bytes.length);
          }
          if (decoded.some((r) => r.values.length > 0)) decodedRuns += 1;
        } catch (err) {
          expect(err).toBeInstanceOf(HidError);
        }
      }),
      { numRuns: runs },
    );
    // The property says little if hardly any report decodes: most runs must reach the values.
    expect(decodedRuns).toBeGreaterThan(runs * 0.8);
  });
});
