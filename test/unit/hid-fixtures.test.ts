import { describe, expect, it } from 'vitest';
import { decodeCapture } from '../../hal/ups/hid/capture.js';
import { decodeReport, encodeField } from '../../hal/ups/hid/decode.js';
import { parseDescriptor, reportKey } from '../../hal/ups/hid/descriptor.js';
import { applyQuirks } from '../../hal/ups/hid/quirks.js';
import { FieldValues, toReading } from '../../hal/ups/hid/reading.js';
import { fieldPath, USAGE } from '../../hal/ups/hid/usages.js';
import { bytesOf, HID_FIXTURES, loadHidFixture } from '../support/hid-fixtures.js';

// Descriptors captured from real UPSes and the values NUT decoded from the same UPSes' reports
// (test/fixtures/hid/README.md says where each came from). NUT is the oracle.

/** A NUT name we also know, so that its path can be compared whole. */
const standardPath = (path: string) => !/(APC|ff86|ff01|ffff|Efficiency|PowerFactor|ShutdownTimer|TestPeriod|Country)/.test(path);

describe.each(HID_FIXTURES)('captured UPS %s', (name) => {
  const fx = loadHidFixture(name);
  const parsed = parseDescriptor(fx.descriptor);
  const { descriptor } = applyQuirks(parsed, fx.vendorId, fx.productId);

  it('parses whole: every byte read, collections balanced, report ids used', () => {
    expect(parsed.length).toBe(fx.descriptor.length);
    expect(parsed.usesReportIds).toBe(true);
    expect(parsed.fields.length).toBeGreaterThan(20);
    for (const f of parsed.fields) expect(f.collections[0]?.usage, fieldPath(f)).toBe(USAGE.ups);
  });

  it.each(fx.oracle.hidFields.map((f) => [`${f.type} ${f.reportId} +${f.offset} ${f.path}`, f] as const))('%s decodes to NUT\'s value', (_label, nut) => {
    const kind = nut.type === 'Input' ? 'input' : 'feature';
    const decoded = decodeReport(descriptor, bytesOf(nut.report), [kind]);
    const hit = decoded[0]?.values.find((v) => v.field.bitOffset === nut.offset && v.field.bitSize === nut.size);
    expect(hit, 'a field at that offset and size').toBeDefined();
    expect(hit?.field.reportId).toBe(parseInt(nut.reportId, 16));
    if (standardPath(nut.path)) expect(fieldPath(hit!.field)).toBe(nut.path);
    expect(hit?.value).not.toBeNull();
    expect(hit?.value).toBeCloseTo(nut.value, 6);
  });

  it('the reports file reads as NUT reported the UPS (upsc)', () => {
    const { reading } = decodeCapture(fx.descriptor, fx.reports, { vendorId: fx.vendorId, productId: fx.productId });
    const upsc = fx.oracle.upsc;
    const online = String(upsc['ups.status']).split(' ').includes('OL');
    expect(reading).toMatchObject({
      status: online ? 'online' : 'on_battery',
      onBattery: !online,
      chargePercent: upsc['battery.charge'],
      runtimeSeconds: upsc['battery.runtime'],
      inputVoltage: upsc['input.voltage'] ?? null,
      loadPercent: upsc['ups.load'],
      // Unknown where the descriptor has no ShutdownImminent at all (this CyberPower), never false.
      shutdownImminent: descriptor.fields.some((f) => f.usage === USAGE.shutdownImminent) ? false : null,
      model: null,
    });
    expect(reading.charging).toBe(String(upsc['ups.status']).includes('CHRG'));
  });
});

describe('vendor quirks, on the real descriptors', () => {
  it('CyberPower: output voltage copies High Voltage Transfer\'s range; without the fix 121 V reads null, never 136', () => {
    const fx = loadHidFixture('cyberpower-cp1500pfclcd');
    const raw = parseDescriptor(fx.descriptor);
    const value = (d: typeof raw) => decodeReport(d, bytesOf('12 79 00'))[0]?.values[0]?.value;
    expect(value(raw)).toBeNull();
    const fixed = applyQuirks(raw, 0x0764, 0x0501);
    expect(value(fixed.descriptor)).toBe(121);
    expect(fixed.applied.join('\n')).toMatch(/output voltage \(report 0x12\) range 0\.\.511/);
    expect(fixed.applied.join('\n')).toMatch(/nominal power \(report 0x18\) maximum 2048/);
    // The parsed original is left alone.
    expect(value(raw)).toBeNull();
  });

  it('APC Back-UPS: a 230 V input (a report made through the descriptor\'s own layout) reads 230, not null', () => {
    const fx = loadHidFixture('apc-back-ups-xs-1400u');
    const raw = parseDescriptor(fx.descriptor);
    const voltage = raw.reports.get(reportKey('feature', 0x31))?.fields[0];
    expect(voltage && [voltage.logicalMin, voltage.logicalMax]).toEqual([75, 140]);
    const report = bytesOf('31 e6 00'); // 230 = 0x00e6, written as the UPS would
    expect(decodeReport(raw, report)[0]?.values[0]?.value).toBeNull();
    const fixed = applyQuirks(raw, 0x051d, 0x0002);
    expect(decodeReport(fixed.descriptor, report)[0]?.values[0]?.value).toBe(230);
    const values = new FieldValues();
    for (const r of fx.reports) values.update(decodeReport(fixed.descriptor, r.bytes));
    values.update(decodeReport(fixed.descriptor, report));
    expect(toReading(fixed.descriptor, values, { vendorId: 0x051d }).inputVoltage).toBe(230);
  });

  it('quirks apply only to their vendor', () => {
    const fx = loadHidFixture('cyberpower-cp1500pfclcd');
    expect(applyQuirks(parseDescriptor(fx.descriptor), 0x051d, 0x0002).applied).toEqual([]);
    expect(applyQuirks(parseDescriptor(fx.descriptor), undefined, undefined).applied).toEqual([]);
  });

  it('Eaton: the mains voltage is PowerConverter.Input.[1], and a charge over 100 % is unknown rather than a number', () => {
    const fx = loadHidFixture('eaton-5sc-750');
    const desc = parseDescriptor(fx.descriptor);
    const values = new FieldValues();
    for (const r of fx.reports) values.update(decodeReport(desc, r.bytes));
    expect(toReading(desc, values).inputVoltage).toBe(229);
    const charge = desc.reports.get(reportKey('input', 0x06));
    const data = new Uint8Array(charge?.byteLength ?? 0);
    encodeField(charge!.fields[0]!, data, 120);
    values.update(decodeReport(desc, Uint8Array.from([0x06, ...data])));
    expect(toReading(desc, values).chargePercent).toBeNull();
  });
});

describe('status from the flags, as usbhid-ups sets ups.status', () => {
  const fx = loadHidFixture('cyberpower-cp1500pfclcd');
  const { descriptor } = applyQuirks(parseDescriptor(fx.descriptor), fx.vendorId, fx.productId);
  const status = (flags: number) => {
    const values = new FieldValues();
    for (const r of fx.reports) values.update(decodeReport(descriptor, r.bytes));
    values.update(decodeReport(descriptor, Uint8Array.from([0x0b, flags])));
    return toReading(descriptor, values, { vendorId: 0x0764 });
  };
  // Report 0x0b bits: ACPresent, Charging, Discharging, BelowRemainingCapacityLimit, FullyCharged, RemainingTimeLimitExpired.
  it.each([
    [0b000001, 'online', false],
    [0b000100, 'on_battery', true],
    [0b001100, 'low_battery', true],
    [0b100100, 'low_battery', true],
    [0b000101, 'online', false], // on mains while discharging: a self-test, not a power cut
    [0b000000, 'on_battery', true], // ACPresent known and 0: NUT's "offline"
  ])('flags %i → %s', (flags, want, onBattery) => {
    expect(status(flags)).toMatchObject({ status: want, onBattery });
  });
});
