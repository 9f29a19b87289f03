import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { HalError } from '../../hal/errors.js';
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
    .action(async (opts: { descriptor: string; reports: string; vendor?: number; product?: number; json?: boolean }) => {
      (await import('./ups-decode.js')).decode(opts);
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
