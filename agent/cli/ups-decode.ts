/** `station-agent ups decode`, loaded only when that command runs (the HID parser is not needed elsewhere). */
import { readFileSync } from 'node:fs';
import { decodeCapture, parseDescriptorHex, parseReportsHex, type DecodedCapture } from '../../hal/ups/hid/capture.js';
import { HidError, RECAPTURE_HINT } from '../../hal/ups/hid/error.js';
import type { HidReading } from '../../hal/ups/hid/reading.js';
import { AgentError, EXIT } from '../../platform/errors.js';

function readInput(file: string, option: string, expected: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : code;
    throw new AgentError('file-unreadable', `cannot read ${option} ${file}: ${why}`, { hint: `Give ${expected}.`, exitCode: EXIT.noInput });
  }
}

function malformed(file: string, err: unknown): never {
  if (err instanceof HidError) throw new AgentError(err.code, `${file}: ${err.message}`, { hint: err.hint, exitCode: EXIT.dataError });
  throw err;
}

const yesNo = (v: boolean | null) => (v === null ? 'unknown' : v ? 'yes' : 'no');
const num = (v: number | null, unit: string) => (v === null ? 'unknown (not reported)' : `${v}${unit}`);

export function formatReading(r: HidReading, d: Pick<DecodedCapture, 'quirks' | 'reports'>): string {
  const runtime = r.runtimeSeconds === null ? num(null, '') : `${r.runtimeSeconds} s (${Math.floor(r.runtimeSeconds / 60)} min)`;
  const rows: [string, string][] = [
    ['status', r.status],
    ['on battery', yesNo(r.onBattery)],
    ['charge', num(r.chargePercent, ' %')],
    ['runtime', runtime],
    ['input voltage', num(r.inputVoltage, ' V')],
    ['load', num(r.loadPercent, ' %')],
    ['shutdown imminent', yesNo(r.shutdownImminent)],
    ['charging', yesNo(r.charging)],
    ['discharging', yesNo(r.discharging)],
    ['battery to replace', yesNo(r.needReplacement)],
    ['model', r.model ?? 'unknown'],
  ];
  const fixes = d.quirks.length ? d.quirks.map((q) => `  vendor fix: ${q}`) : ['  vendor fixes: none needed'];
  return [`UPS reading from ${d.reports} report${d.reports === 1 ? '' : 's'}:`, ...rows.map(([k, v]) => `  ${k.padEnd(20)}${v}`), ...fixes].join('\n');
}

export function decode(opts: { descriptor: string; reports: string; vendor?: number; product?: number; json?: boolean }): void {
      const descText = readInput(opts.descriptor, '--descriptor', 'the .descriptor.hex file that station-agent ups dump wrote');
      const reportsText = readInput(opts.reports, '--reports', 'the .reports.hex file that station-agent ups dump wrote');
      let descriptor: Uint8Array;
      let lines: ReturnType<typeof parseReportsHex>;
      try {
        descriptor = parseDescriptorHex(descText);
      } catch (err) {
        malformed(opts.descriptor, err);
      }
      try {
        lines = parseReportsHex(reportsText);
        // No report at all would decode to a reading of nothing but unknowns, as if the UPS said so.
        if (lines.length === 0) {
          throw new HidError('hid-reports-empty', 'the file holds no reports (only blank lines or # comments); expected one report a line, hex, report id first', `Give the .reports.hex file that station-agent ups dump wrote; if that one is empty, the UPS sent nothing: ${RECAPTURE_HINT}`);
        }
      } catch (err) {
        malformed(opts.reports, err);
      }
      let decoded: DecodedCapture;
      try {
        decoded = decodeCapture(descriptor, lines, { vendorId: opts.vendor, productId: opts.product });
      } catch (err) {
        malformed(err instanceof HidError && err.code === 'hid-descriptor-invalid' ? opts.descriptor : opts.reports, err);
      }
      const out = opts.json ? JSON.stringify({ ...decoded.reading, quirks: decoded.quirks }, null, 2) : formatReading(decoded.reading, decoded);
      process.stdout.write(`${out}\n`);
}
