/** `station-agent ups decode`, loaded only when that command runs (the HID parser is not needed elsewhere). */
import { readFileSync } from 'node:fs';
import type { UpsStatus } from '../../hal/ups/types.js';
import { decodeCapture, parseDescriptorHex, parseReportsHex, type DecodedCapture } from '../../hal/ups/hid/capture.js';
import { HidError } from '../../hal/ups/hid/error.js';
import type { HidReading } from '../../hal/ups/hid/reading.js';
import { AgentError, EXIT } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { tr } from './lang.js';
import { HID_HINT } from '../../hal/ups/hid/hints.js';
import { printLine } from '../../platform/terminal.js';

/** A reports file with no report in it: the wrong file given, or a UPS that sent nothing. No driver sees this: it is the command's own check. */
const REPORTS_EMPTY_HINT: Text = {
  id: `Berikan berkas .reports.hex yang ditulis station-agent ups dump; bila berkas itu kosong, UPS tidak mengirim apa pun: ${HID_HINT.recapture.id}`,
  en: `Give the .reports.hex file that station-agent ups dump wrote; if that one is empty, the UPS sent nothing: ${HID_HINT.recapture.en}`,
};

const WRITTEN_BY_DUMP = (ext: string): Text => ({ id: `berkas ${ext} yang ditulis station-agent ups dump`, en: `the ${ext} file that station-agent ups dump wrote` });

function readInput(file: string, option: string, expected: Text): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why: Text =
      code === 'ENOENT'
        ? { id: 'berkas itu tidak ada', en: 'there is no such file' }
        : code === 'EACCES'
          ? { id: 'izin ditolak', en: 'permission denied' }
          : code === 'EISDIR'
            ? { id: 'itu sebuah folder', en: 'it is a folder' }
            : { id: code, en: code };
    throw new AgentError('file-unreadable', { id: `tidak bisa membaca ${option} ${file}: ${why.id}`, en: `cannot read ${option} ${file}: ${why.en}` }, {
      hint: { id: `Berikan ${expected.id}.`, en: `Give ${expected.en}.` },
      exitCode: EXIT.noInput,
    });
  }
}

/** The parser's message names the line or byte; its hint, in both languages, says what to do. */
function malformed(file: string, err: unknown): never {
  if (err instanceof HidError) throw new AgentError(err.code, { id: `${file}: tangkapan tidak sah: ${err.message}`, en: `${file}: ${err.message}` }, { hint: err.hintWords, exitCode: EXIT.dataError });
  throw err;
}

const STATUS_WORDS: Record<UpsStatus, Text> = {
  online: { id: 'listrik PLN (online)', en: 'online' },
  on_battery: { id: 'memakai baterai', en: 'on_battery' },
  low_battery: { id: 'baterai lemah', en: 'low_battery' },
  unknown: { id: 'tidak diketahui', en: 'unknown' },
};
const UNKNOWN: Text = { id: 'tidak diketahui', en: 'unknown' };
const yesNo = (v: boolean | null) => tr(v === null ? UNKNOWN : v ? { id: 'ya', en: 'yes' } : { id: 'tidak', en: 'no' });
const num = (v: number | null, unit: string) => (v === null ? tr({ id: 'tidak diketahui (tidak dilaporkan)', en: 'unknown (not reported)' }) : `${v}${unit}`);

export function formatReading(r: HidReading, d: Pick<DecodedCapture, 'quirks' | 'reports'>): string {
  const runtime = r.runtimeSeconds === null ? num(null, '') : tr({ id: `${r.runtimeSeconds} detik (${Math.floor(r.runtimeSeconds / 60)} menit)`, en: `${r.runtimeSeconds} s (${Math.floor(r.runtimeSeconds / 60)} min)` });
  const rows: [Text, string][] = [
    [{ id: 'status', en: 'status' }, tr(STATUS_WORDS[r.status])],
    [{ id: 'memakai baterai', en: 'on battery' }, yesNo(r.onBattery)],
    [{ id: 'isi baterai', en: 'charge' }, num(r.chargePercent, ' %')],
    [{ id: 'waktu cadangan', en: 'runtime' }, runtime],
    [{ id: 'tegangan masuk', en: 'input voltage' }, num(r.inputVoltage, ' V')],
    [{ id: 'beban', en: 'load' }, num(r.loadPercent, ' %')],
    [{ id: 'segera mati', en: 'shutdown imminent' }, yesNo(r.shutdownImminent)],
    [{ id: 'sedang diisi', en: 'charging' }, yesNo(r.charging)],
    [{ id: 'baterai terpakai', en: 'discharging' }, yesNo(r.discharging)],
    [{ id: 'baterai perlu diganti', en: 'battery to replace' }, yesNo(r.needReplacement)],
    [{ id: 'model', en: 'model' }, r.model ?? tr(UNKNOWN)],
  ];
  const width = Math.max(20, ...rows.map(([k]) => tr(k).length + 2));
  // A vendor fix is the driver's own description of what it corrected: kept as it says it.
  const fixes = d.quirks.length ? d.quirks.map((q) => `  ${tr({ id: 'perbaikan khusus merek', en: 'vendor fix' })}: ${q}`) : [`  ${tr({ id: 'perbaikan khusus merek: tidak perlu', en: 'vendor fixes: none needed' })}`];
  const heading = tr({ id: `Bacaan UPS dari ${d.reports} laporan:`, en: `UPS reading from ${d.reports} report${d.reports === 1 ? '' : 's'}:` });
  return [heading, ...rows.map(([k, v]) => `  ${tr(k).padEnd(width)}${v}`), ...fixes].join('\n');
}

export function decode(opts: { descriptor: string; reports: string; vendor?: number; product?: number; json?: boolean }): void {
  const descText = readInput(opts.descriptor, '--descriptor', WRITTEN_BY_DUMP('.descriptor.hex'));
  const reportsText = readInput(opts.reports, '--reports', WRITTEN_BY_DUMP('.reports.hex'));
  let descriptor: Uint8Array;
  let lines: ReturnType<typeof parseReportsHex>;
  try {
    descriptor = parseDescriptorHex(descText);
  } catch (err) {
    malformed(opts.descriptor, err);
  }
  try {
    lines = parseReportsHex(reportsText);
  } catch (err) {
    malformed(opts.reports, err);
  }
  // No report at all would decode to a reading of nothing but unknowns, as if the UPS said so.
  if (lines.length === 0) {
    throw new AgentError(
      'hid-reports-empty',
      {
        id: `${opts.reports}: berkas ini tidak berisi laporan (hanya baris kosong atau komentar #); seharusnya satu laporan per baris, hex, id laporan di depan`,
        en: `${opts.reports}: the file holds no reports (only blank lines or # comments); expected one report a line, hex, report id first`,
      },
      { hint: REPORTS_EMPTY_HINT, exitCode: EXIT.dataError },
    );
  }
  let decoded: DecodedCapture;
  try {
    decoded = decodeCapture(descriptor, lines, { vendorId: opts.vendor, productId: opts.product });
  } catch (err) {
    malformed(err instanceof HidError && err.code === 'hid-descriptor-invalid' ? opts.descriptor : opts.reports, err);
  }
  const out = opts.json ? JSON.stringify({ ...decoded.reading, quirks: decoded.quirks }, null, 2) : formatReading(decoded.reading, decoded);
  printLine(out);
}
