import { reportKey, type HidField, type ReportDescriptor, type ReportKind, type ReportLayout } from './descriptor.js';
import { HidError } from './error.js';
import { HID_HINT, HID_SAYS } from './hints.js';

/**
 * Report bytes → field values, pure. A value goes through the steps NUT's usbhid-ups takes
 * (logical → physical range → unit exponent) so that the numbers match what NUT shows for the
 * same device. A value outside its logical range is null: HID's "null state", never clamped
 * into a number the UPS did not send.
 */

export interface FieldValue {
  field: HidField;
  /** Physical value in SI units (volts, seconds, percent); null when out of range or unreadable. */
  value: number | null;
}

export interface DecodedReport {
  layout: ReportLayout;
  values: FieldValue[];
}

const hex2 = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

/** Little-endian bits, as HID lays them out; up to 32 bits. */
export function readBits(data: Uint8Array, bitOffset: number, bitSize: number): number {
  let value = 0;
  for (let i = 0; i < bitSize; i++) {
    const bit = bitOffset + i;
    if (((data[bit >> 3] ?? 0) >> (bit & 7)) & 1) value += 2 ** i;
  }
  return value;
}

export function writeBits(data: Uint8Array, bitOffset: number, bitSize: number, value: number): void {
  const unsigned = value < 0 ? value + 2 ** bitSize : value;
  for (let i = 0; i < bitSize; i++) {
    const bit = bitOffset + i;
    const on = Math.floor(unsigned / 2 ** i) % 2 === 1;
    const byte = data[bit >> 3] ?? 0;
    data[bit >> 3] = on ? byte | (1 << (bit & 7)) : byte & ~(1 << (bit & 7));
  }
}

/** The logical value: sign-extended when the range has negatives; null outside the range. */
export function logicalValue(field: HidField, data: Uint8Array): number | null {
  if (field.bitSize > 32 || field.bitOffset + field.bitSize > data.length * 8) return null;
  let v = readBits(data, field.bitOffset, field.bitSize);
  if (field.logicalMin < 0 && v >= 2 ** (field.bitSize - 1)) v -= 2 ** field.bitSize;
  return v < field.logicalMin || v > field.logicalMax ? null : v;
}

/**
 * Power of ten that turns a unit of HID's SI-linear system (centimetre, gram) into SI (metre,
 * kilogram): a volt is g·cm²/(s³·A), 10^-7 V, so a voltage with unit exponent 7 is in volts.
 * NUT keeps the same rule as a table (volt, watt and VA: 7); other systems are left as sent.
 */
export function siExponent(unit: number): number {
  if ((unit & 0xf) !== 1) return 0;
  const nibble = (shift: number) => {
    const n = (unit >>> shift) & 0xf;
    return n >= 8 ? n - 16 : n;
  };
  return -(2 * nibble(4) + 3 * nibble(8));
}

function scale(value: number, exponent: number): number {
  // Dividing keeps 2290 × 10^-1 at exactly 229 rather than 228.99999999999997.
  return exponent >= 0 ? value * 10 ** exponent : value / 10 ** -exponent;
}

/** Null when the field's unit exponent is malformed: its scale is unknown. */
export function physicalValue(field: HidField, logical: number): number | null {
  if (field.unitExponent === null) return null;
  let v = logical;
  const { physicalMin: pmin, physicalMax: pmax, logicalMin: lmin, logicalMax: lmax } = field;
  // HID: physical extents undefined (or both 0) mean physical = logical.
  if (pmin !== null && pmax !== null && !(pmin === 0 && pmax === 0) && pmax > pmin && lmax > lmin) {
    v = ((logical - lmin) * (pmax - pmin)) / (lmax - lmin) + pmin;
    v = Math.min(pmax, Math.max(pmin, v));
  }
  return scale(v, field.unitExponent + siExponent(field.unit));
}

export function fieldValue(field: HidField, data: Uint8Array): number | null {
  const logical = logicalValue(field, data);
  return logical === null ? null : physicalValue(field, logical);
}

function describeLayouts(layouts: ReportLayout[]): string {
  return layouts.map((l) => `${l.byteLength + 1} bytes as ${l.kind} report`).join(' or ');
}

/**
 * Decode one report as received (report id first; 0 for a descriptor without ids). Every
 * layout of that id whose length matches is decoded: many UPSes use one id for an input and a
 * feature report of the same shape.
 */
export function decodeReport(desc: ReportDescriptor, bytes: Uint8Array, kinds: readonly ReportKind[] = ['input', 'feature']): DecodedReport[] {
  const id = bytes[0];
  if (id === undefined) throw new HidError('hid-report-invalid', HID_SAYS.emptyReport, HID_HINT.recapture);
  const layouts = kinds.map((k) => desc.reports.get(reportKey(k, id))).filter((l): l is ReportLayout => l !== undefined);
  if (layouts.length === 0) {
    const known = [...desc.reports.values()].filter((l) => kinds.includes(l.kind)).map((l) => hex2(l.reportId));
    throw new HidError(
      'hid-report-unknown',
      `report ${hex2(id)} is not in the report descriptor, which has ${kinds.join('/')} reports ${[...new Set(known)].join(', ') || '(none)'}`,
      HID_HINT.sameUps,
    );
  }
  const data = bytes.subarray(1);
  const fitting = layouts.filter((l) => l.byteLength === data.length);
  if (fitting.length === 0) {
    throw new HidError(
      'hid-report-length',
      `report ${hex2(id)} is ${bytes.length} bytes long; the descriptor gives it ${describeLayouts(layouts)} (report id byte included)`,
      HID_HINT.sameUpsRecapture,
    );
  }
  return fitting.map((layout) => ({ layout, values: layout.fields.map((field) => ({ field, value: fieldValue(field, data) })) }));
}

/** Write a physical value into a report's data bytes (the inverse of fieldValue), for replay and tests. */
export function encodeField(field: HidField, data: Uint8Array, value: number): void {
  if (field.unitExponent === null) throw new RangeError('this field has a malformed unit exponent: no value can be written to it');
  let v = scale(value, -(field.unitExponent + siExponent(field.unit)));
  const { physicalMin: pmin, physicalMax: pmax, logicalMin: lmin, logicalMax: lmax } = field;
  if (pmin !== null && pmax !== null && !(pmin === 0 && pmax === 0) && pmax > pmin && lmax > lmin) {
    v = ((v - pmin) * (lmax - lmin)) / (pmax - pmin) + lmin;
  }
  const logical = Math.round(v);
  if (logical < lmin || logical > lmax) {
    throw new RangeError(`${value} is outside what this field can carry (logical ${lmin}..${lmax})`);
  }
  writeBits(data, field.bitOffset, field.bitSize, logical);
}
