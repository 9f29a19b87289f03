import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { HalError } from '../../hal/errors.js';
import { hex4 } from '../../hal/ups/hid/transport.js';
import { AgentError, EXIT } from '../../core/errors.js';
import type { Text } from '../../core/i18n.js';
import { subcommand } from './common.js';
import { tr } from './lang.js';
import { systemClock } from '../../core/clock.js';
import { printErrLine, printLine } from '../../platform/terminal.js';

/**
 * `station-agent ups decode | dump`: the USB HID UPS on the bench, for technicians and bug
 * reports. `dump` captures a connected UPS into two hex files; `decode` turns such files into
 * the contract's UPS reading, exactly as the hid driver would read that UPS.
 */

const EXIT_CODES: Text = {
  id: `
Kode keluar: 0 selesai, 1 tidak ada UPS yang bisa dibaca, 64 salah pakai, 65 tangkapan tidak sah
atau berkas laporan tidak berisi laporan (pesannya menyebut berkas serta bita atau barisnya),
66 berkas tidak bisa dibaca, 73 folder keluaran tidak bisa ditulisi.`,
  en: `
Exit codes: 0 done, 1 no UPS could be read, 64 usage error, 65 the capture is malformed or the
reports file holds no reports (the message names the file and byte or line), 66 a file cannot
be read, 73 the output folder cannot be written.`,
};

const VENDOR: Text = { id: 'vendor', en: 'vendor' };
const PRODUCT: Text = { id: 'produk', en: 'product' };

function usbId(what: Text) {
  return (value: string): number => {
    if (!/^(0x)?[0-9a-f]{1,4}$/i.test(value.trim())) {
      throw new InvalidArgumentError(tr({ id: `harapkan id ${what.id} USB dalam hex seperti yang dicetak lsusb, misalnya 051d atau 0x051d`, en: `expected a USB ${what.en} id in hex as lsusb prints it, e.g. 051d or 0x051d` }));
    }
    return parseInt(value.trim().replace(/^0x/i, ''), 16);
  };
}

export function addUpsCommands(program: Command, version: string): void {
  const ups = subcommand(program, 'ups', tr({ id: 'UPS USB HID di meja teknisi: tangkap datanya, uraikan hasil tangkapan', en: 'a USB HID UPS on the bench: capture it, decode a capture' }), version);

  ups
    .command('decode')
    .description(tr({ id: 'uraikan tangkapan UPS (deskriptor laporan + laporan, dalam hex) menjadi bacaan UPS, persis seperti agen membacanya', en: "decode a captured UPS (report descriptor + reports, as hex) into the agent's UPS reading" }))
    .requiredOption('--descriptor <file>', tr({ id: 'deskriptor laporan sebagai teks hex (ups dump menulis *.descriptor.hex)', en: 'the report descriptor as hex text (ups dump writes *.descriptor.hex)' }))
    .requiredOption('--reports <file>', tr({ id: 'laporan, satu per baris, hex, id laporan di depan (ups dump menulis *.reports.hex)', en: 'reports, one a line, hex, report id first (ups dump writes *.reports.hex)' }))
    .option('--vendor <id>', tr({ id: 'id vendor USB, untuk perbaikan khusus merek (APC 051d, CyberPower 0764, Eaton 0463)', en: 'USB vendor id, for the vendor fixes (APC 051d, CyberPower 0764, Eaton 0463)' }), usbId(VENDOR))
    .option('--product <id>', tr({ id: 'id produk USB (mempersempit perbaikan khusus merek, seperti NUT)', en: 'USB product id (narrows the vendor fixes as NUT does)' }), usbId(PRODUCT))
    .option(
      '--json',
      tr({
        id: 'cetak bacaan sebagai JSON: {status, onBattery, chargePercent, runtimeSeconds, inputVoltage, loadPercent, model, shutdownImminent, ..., quirks}',
        en: 'print the reading as JSON: {status, onBattery, chargePercent, runtimeSeconds, inputVoltage, loadPercent, model, shutdownImminent, ..., quirks}',
      }),
    )
    .addHelpText('after', tr(EXIT_CODES))
    .action(async (opts: { descriptor: string; reports: string; vendor?: number; product?: number; json?: boolean }) => {
      (await import('./ups-decode.js')).decode(opts);
    });

  ups
    .command('dump')
    .description(
      tr({
        id: 'tangkap UPS USB HID yang tersambung ke <vvvv>-<pppp>-<waktu>.descriptor.hex dan .reports.hex, untuk ups decode atau laporan bug',
        en: 'capture a connected USB HID UPS into <vvvv>-<pppp>-<time>.descriptor.hex and .reports.hex, for ups decode or a bug report',
      }),
    )
    .requiredOption('--out-dir <dir>', tr({ id: 'folder tujuan kedua berkas (dibuat bila belum ada)', en: 'folder to write the two files to (made if missing)' }))
    .option('--vendor <id>', tr({ id: 'id vendor USB dari UPS, seperti yang dicetak lsusb', en: 'USB vendor id of the UPS, as lsusb prints it' }), usbId(VENDOR))
    .option('--product <id>', tr({ id: 'id produk USB dari UPS', en: 'USB product id of the UPS' }), usbId(PRODUCT))
    .option('--path <path>', tr({ id: 'jalur perangkat, misalnya /dev/hidraw0, bila ada beberapa yang tersambung', en: 'device path, e.g. /dev/hidraw0, when several are attached' }))
    .option(
      '--seconds <n>',
      tr({ id: 'berapa lama mengumpulkan laporan masukan yang dikirim UPS', en: 'how long to collect the input reports the UPS pushes' }),
      (v) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n < 0 || n > 600) throw new InvalidArgumentError(tr({ id: 'harapkan detik dari 0 sampai 600', en: 'expected seconds from 0 to 600' }));
        return n;
      },
      3,
    )
    .addHelpText(
      'after',
      tr({
        id: `\nHentikan agen (atau usbhid-ups milik NUT) lebih dulu bila sedang memegang UPS. Nomor seri tidak ditulis.${EXIT_CODES.id}`,
        en: `\nStop the agent (or NUT's usbhid-ups) first if it holds the UPS. No serial number is written.${EXIT_CODES.en}`,
      }),
    )
    .action(async (opts: { outDir: string; vendor?: number; product?: number; path?: string; seconds: number }) => {
      const { openNodeHid } = await import('../../hal/ups/hid/node-hid.js');
      const { captureUps, descriptorText, reportsText } = await import('../../hal/ups/hid/dump.js');
      let capture;
      try {
        const t = await openNodeHid({ vendorId: opts.vendor, productId: opts.product, path: opts.path });
        try {
          capture = await captureUps(t, opts.seconds * 1000, systemClock);
        } finally {
          await t.close().catch(() => undefined);
        }
      } catch (err) {
        // The driver's message names the device it looked for or found; its hint, in both languages, says what to do.
        if (err instanceof HalError) {
          throw new AgentError(err.code, { id: `UPS tidak bisa dibaca: ${err.text.message?.id ?? err.message}`, en: err.message }, { hint: err.hintWords, exitCode: EXIT.failure });
        }
        throw err;
      }
      const now = new Date(systemClock.now());
      const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
      const base = join(resolve(opts.outDir), `${hex4(capture.vendorId)}-${hex4(capture.productId)}-${stamp}`);
      try {
        mkdirSync(opts.outDir, { recursive: true });
        writeFileSync(`${base}.descriptor.hex`, descriptorText(capture));
        writeFileSync(`${base}.reports.hex`, reportsText(capture, now));
      } catch (err) {
        const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        throw new AgentError('out-dir-unwritable', { id: `tidak bisa menulis ke ${opts.outDir}: ${why}`, en: `cannot write to ${opts.outDir}: ${why}` }, {
          hint: { id: 'Berikan folder yang boleh ditulisi agen, misalnya --out-dir ./ups-capture.', en: 'Give a folder the agent may write to, e.g. --out-dir ./ups-capture.' },
          exitCode: EXIT.cantCreate,
        });
      }
      const refused = capture.refused.length;
      const reports = capture.reports.length;
      printLine(
        tr({
          id: `ditulis ${base}.descriptor.hex (${capture.descriptor.length} bita) dan ${base}.reports.hex (${reports} laporan${refused ? `, ${refused} ditolak` : ''})`,
          en: `wrote ${base}.descriptor.hex (${capture.descriptor.length} bytes) and ${base}.reports.hex (${reports} reports${refused ? `, ${refused} refused` : ''})`,
        }),
      );
      if (capture.descriptorError) printErrLine(`${tr({ id: 'deskriptor tidak bisa diurai', en: 'the descriptor does not parse' })}: ${capture.descriptorError}`);
      const decodeCommand = `station-agent ups decode --descriptor ${base}.descriptor.hex --reports ${base}.reports.hex --vendor ${hex4(capture.vendorId)} --product ${hex4(capture.productId)}`;
      printLine(`${tr({ id: 'uraikan dengan', en: 'decode it with' })}: ${decodeCommand}`);
    });
}
