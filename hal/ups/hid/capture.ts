import { decodeReport } from './decode.js';
import { parseDescriptor, type ReportDescriptor } from './descriptor.js';
import { HidError } from './error.js';
import { HID_HINT } from './hints.js';
import { applyQuirks } from './quirks.js';
import { FieldValues, toReading, type HidReading } from './reading.js';

/**
 * The capture files of `ups dump` / `ups decode`: a report descriptor as hex text, and reports
 * one a line as hex, report id first. Lenient about layout (spaces, commas, "0x", "#"
 * comments), strict about content: anything that is not hex is an error naming the line.
 */

function hexBytes(text: string, line: number): Uint8Array {
  const cleaned = text.replace(/0x/gi, '').replace(/[\s,:;]+/g, '');
  if (!/^[0-9a-f]*$/i.test(cleaned)) {
    const bad = /[^0-9a-f]/i.exec(cleaned)?.[0] ?? '?';
    throw new HidError('hid-hex-invalid', `line ${line}: "${bad}" is not a hex digit`, HID_HINT.hex, line);
  }
  if (cleaned.length % 2 !== 0) throw new HidError('hid-hex-invalid', `line ${line}: an odd number of hex digits (${cleaned.length}); a byte is two digits`, HID_HINT.hex, line);
  const out = new Uint8Array(cleaned.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(cleaned.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l, i) => ({ text: l.replace(/#.*/, '').trim(), line: i + 1 }))
    .filter((l) => l.text !== '');

export function parseDescriptorHex(text: string): Uint8Array {
  const parts = lines(text).map((l) => hexBytes(l.text, l.line));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface ReportLine {
  line: number;
  bytes: Uint8Array;
}

export function parseReportsHex(text: string): ReportLine[] {
  return lines(text).map((l) => ({ line: l.line, bytes: hexBytes(l.text, l.line) }));
}

export const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');

export interface DecodedCapture {
  descriptor: ReportDescriptor;
  reading: HidReading;
  quirks: string[];
  reports: number;
}

export interface CaptureOptions {
  vendorId?: number | undefined;
  productId?: number | undefined;
  model?: string | null;
}

/** Decode a whole capture. An error in a report names its line in the reports file. */
export function decodeCapture(descriptorBytes: Uint8Array, reports: readonly ReportLine[], opts: CaptureOptions = {}): DecodedCapture {
  const { descriptor, applied } = applyQuirks(parseDescriptor(descriptorBytes), opts.vendorId, opts.productId);
  const values = new FieldValues();
  for (const r of reports) {
    try {
      values.update(decodeReport(descriptor, r.bytes));
    } catch (err) {
      if (err instanceof HidError) throw new HidError(err.code, `reports line ${r.line}: ${err.message}`, err.hintWords, r.line);
      throw err;
    }
  }
  return { descriptor, reading: toReading(descriptor, values, { vendorId: opts.vendorId, model: opts.model ?? null }), quirks: applied, reports: reports.length };
}
