import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { HalError } from '../../hal/errors.js';
import { decodeCapture, parseDescriptorHex, parseReportsHex, type DecodedCapture } from '../../hal/ups/hid/capture.js';
import { HidError, RECAPTURE_HINT } from '../../hal/ups/hid/error.js';
import type { HidReading } from '../../hal/ups/hid/reading.js';
import { hex4 } from '../../hal/ups/hid/transport.js';
import { AgentError, EXIT } from '../../platform/errors.js';

/**
 * `station-agent ups decode | dump`: the USB HID UPS on the bench, for technicians and bug
 * reports. `dump` captures a connected UPS into two hex files; `decode` turns such files into
 * the contract's UPS reading, exactly as the hid driver would read that UPS.
 */

const EXIT_CODES = `
Exit codes: 0 done, 1 no UPS could be read, 64 usage error, 65 the capture is malformed or the
reports file holds no reports (the message names the file and byte or line), 66 a file cannot
be read, 73 the output folder cannot be written.`;

function usbId(what: string) {
  return (value: string): number => {
    if (!/^(0x)?[0-9a-f]{1,4}$/i.test(value.trim())) throw new InvalidArgumentError(`expected a USB ${what} id in hex as lsusb prints it, e.g. 051d or 0x051d`);
    return parseInt(value.trim().replace(/^0x/i, ''), 16);
  };
}

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

export function addUpsCommands(program: Command, version: string): void {
  const ups = program.command('ups').description('a USB HID UPS on the bench: capture it, decode a capture').version(version, '-V, --version');

  ups
    .command('decode')
    .description("decode a captured UPS (report descriptor + reports, as hex) into the agent's UPS reading")
    .requiredOption('--descriptor <file>', 'the report descriptor as hex text (ups dump writes *.descriptor.hex)')
    .requiredOption('--reports <file>', 'reports, one a line, hex, report id first (ups dump writes *.reports.hex)')
    .option('--vendor <id>', 'USB vendor id, for the vendor fixes (APC 051d, CyberPower 0764, Eaton 0463)', usbId('vendor'))
    .option('--product <id>', 'USB product id (narrows the vendor fixes as NUT does)', usbId('product'))
    .option('--json', 'print the reading as JSON: {status, onBattery, chargePercent, runtimeSeconds, inputVoltage, loadPercent, model, shutdownImminent, ..., quirks}')
    .addHelpText('after', EXIT_CODES)
    .action((opts: { descriptor: string; reports: string; vendor?: number; product?: number; json?: boolean }) => {
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
    });

  ups
    .command('dump')
    .description('capture a connected USB HID UPS into <vvvv>-<pppp>-<time>.descriptor.hex and .reports.hex, for ups decode or a bug report')
    .requiredOption('--out-dir <dir>', 'folder to write the two files to (made if missing)')
    .option('--vendor <id>', 'USB vendor id of the UPS, as lsusb prints it', usbId('vendor'))
    .option('--product <id>', 'USB product id of the UPS', usbId('product'))
    .option('--path <path>', 'device path, e.g. /dev/hidraw0, when several are attached')
    .option('--seconds <n>', 'how long to collect the input reports the UPS pushes', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 600) throw new InvalidArgumentError('expected seconds from 0 to 600');
      return n;
    }, 3)
    .addHelpText('after', `\nStop the agent (or NUT's usbhid-ups) first if it holds the UPS. No serial number is written.${EXIT_CODES}`)
    .action(async (opts: { outDir: string; vendor?: number; product?: number; path?: string; seconds: number }) => {
      const { openNodeHid } = await import('../../hal/ups/hid/node-hid.js');
      const { captureUps, descriptorText, reportsText } = await import('../../hal/ups/hid/dump.js');
      let capture;
      try {
        const t = await openNodeHid({ vendorId: opts.vendor, productId: opts.product, path: opts.path });
        try {
          capture = await captureUps(t, opts.seconds * 1000, (ms) => new Promise((r) => setTimeout(r, ms)));
        } finally {
          await t.close().catch(() => undefined);
        }
      } catch (err) {
        if (err instanceof HalError) throw new AgentError(err.code, err.message, { hint: err.hint, exitCode: EXIT.failure });
        throw err;
      }
      const now = new Date();
      const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const base = join(resolve(opts.outDir), `${hex4(capture.vendorId)}-${hex4(capture.productId)}-${stamp}`);
      try {
        mkdirSync(opts.outDir, { recursive: true });
        writeFileSync(`${base}.descriptor.hex`, descriptorText(capture));
        writeFileSync(`${base}.reports.hex`, reportsText(capture, now));
      } catch (err) {
        throw new AgentError('out-dir-unwritable', `cannot write to ${opts.outDir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { hint: 'Give a folder the agent may write to, e.g. --out-dir ./ups-capture.', exitCode: EXIT.cantCreate });
      }
      process.stdout.write(`wrote ${base}.descriptor.hex (${capture.descriptor.length} bytes) and ${base}.reports.hex (${capture.reports.length} reports${capture.refused.length ? `, ${capture.refused.length} refused` : ''})\n`);
      if (capture.descriptorError) process.stderr.write(`the descriptor does not parse: ${capture.descriptorError}\n`);
      process.stdout.write(`decode it with: station-agent ups decode --descriptor ${base}.descriptor.hex --reports ${base}.reports.hex --vendor ${hex4(capture.vendorId)} --product ${hex4(capture.productId)}\n`);
    });
}
