import { Command } from 'commander';
import { pino } from 'pino';
import { systemClock } from '../../core/clock.js';
import { errorWords } from '../../core/errors.js';
import { withTimeout } from '../../hal/errors.js';
import { printerFacts } from '../../hal/printer/index.js';
import type { PrinterDriver, PrinterReading, SupplyReading } from '../../hal/printer/types.js';
import type { PrintRecord } from '../../hal/records/types.js';
import type { Text } from '../../core/i18n.js';
import { configOption, out, subcommand } from './common.js';
import { cliLang, tr } from './lang.js';
import { loadStationFile } from './station-file.js';

/**
 * `station-agent printer test [--print]`: a technician's self-test of the configured printer
 * driver, whichever it is (sim, ipp, windows). Reads the state and supplies; prints nothing unless
 * asked, and then one card that cannot be taken for an e-KTP.
 */

const EXIT_CODES: Text = {
  id: '\nKode keluar: 0 printer terbaca (dan kartu uji tercetak bila diminta), 1 printer terbaca tetapi berhenti atau offline, 2 printer tidak terbaca atau kartu uji gagal.',
  en: '\nExit codes: 0 the printer reads (and the test card printed, if asked), 1 it reads but is stopped or offline, 2 it cannot be read or the test card failed.',
};

/** A card that says on its face what it is; no person's data. */
export function testCard(now: number): PrintRecord {
  const day = new Date(now).toISOString().slice(0, 10);
  return {
    recordId: `PRINTER-TEST-${now}`,
    nik: '0000000000000000',
    name: 'KARTU UJI - BUKAN KTP / TEST CARD',
    birthPlace: 'UJI',
    birthDate: '2000-01-01',
    sex: 'LAKI-LAKI', // one of the two the record allows; every other field says UJI
    bloodType: null,
    address: { street: 'KARTU UJI PRINTER', rtRw: '000/000', village: 'UJI', district: 'UJI' },
    religion: 'UJI',
    maritalStatus: 'UJI',
    occupation: 'UJI',
    nationality: 'UJI',
    validUntil: 'TIDAK BERLAKU',
    province: 'UJI PRINTER',
    regency: 'STATION-AGENT',
    issuedAt: day,
    photoBase64: null,
  };
}

function supplyLine(s: SupplyReading): string {
  const level =
    s.levelPercent !== null
      ? `${s.levelPercent} %${s.remaining !== null ? ` (${s.remaining} ${tr({ id: 'kartu', en: 'cards' })})` : ''}`
      : s.remaining !== null
        ? `${s.remaining} ${tr({ id: 'kartu', en: 'cards' })}`
        : tr({ id: 'printer tidak melaporkan sisanya', en: 'the printer reports no level' });
  const status: Record<SupplyReading['status'], Text> = {
    ok: { id: 'baik', en: 'ok' },
    low: { id: 'menipis', en: 'low' },
    empty: { id: 'habis', en: 'empty' },
    unknown: { id: 'tidak diketahui', en: 'unknown' },
  };
  return `  ${s.kind.padEnd(7)} ${tr(status[s.status])}: ${level}`;
}

const STATES: Record<PrinterReading['state'], Text> = {
  idle: { id: 'siap', en: 'idle' },
  printing: { id: 'sedang mencetak', en: 'printing' },
  stopped: { id: 'berhenti', en: 'stopped' },
  offline: { id: 'offline', en: 'offline' },
};

async function selfTest(opts: { config?: string; print?: boolean; json?: boolean }): Promise<number> {
  const config = loadStationFile(opts.config);
  const { createPrinter } = await import('../../hal/printer/index.js');
  const report: { driver: string; printer: string; reading: PrinterReading | null; error: string | null; hint: string | null; printed: { printerJobId: string } | null; printError: string | null } = {
    driver: config.printer.driver,
    printer: tr(printerFacts(config.printer).label),
    reading: null,
    error: null,
    hint: null,
    printed: null,
    printError: null,
  };
  const say = (s: string) => {
    if (!opts.json) out(s);
  };
  say(`${tr({ id: 'printer', en: 'printer' })}: ${report.printer} (driver ${config.printer.driver})`);
  let printer: PrinterDriver | undefined;
  let code = 0;
  try {
    printer = await createPrinter(config.printer, { clock: systemClock, log: pino({ level: 'silent' }) });
    await printer.start();
    // As long as the driver's table line says its first reading may take (Windows: PowerShell starting).
    const r = await withTimeout(systemClock, printer.read(), printerFacts(config.printer).firstReadingMs, 'the printer');
    report.reading = r;
    say(`${tr({ id: 'keadaan', en: 'state' })}: ${tr(STATES[r.state])}${r.reasons.length ? ` (${r.reasons.join(', ')})` : ''}`);
    if (r.model) say(`${tr({ id: 'model', en: 'model' })}: ${r.model}`);
    for (const s of r.supplies) say(supplyLine(s));
    if (r.supplies.some((s) => (s.kind === 'ribbon' || s.kind === 'film') && s.levelPercent === null && s.remaining === null)) {
      say(tr({ id: '  (pita dan film yang tidak dilaporkan printer dihitung oleh agen: station-agent supply show)', en: '  (ribbon and film the printer does not report are counted by the agent: station-agent supply show)' }));
    }
    if (r.state === 'stopped' || r.state === 'offline') code = 1;
  } catch (err) {
    const words = errorWords(err, cliLang());
    report.error = words.message;
    report.hint = words.hint ?? null;
    say(`${tr({ id: 'printer tidak terbaca', en: 'the printer cannot be read' })}: ${report.error}`);
    if (report.hint) say(`${tr({ id: 'periksa', en: 'check' })}: ${report.hint}`);
    code = 2;
  }
  try {
    if (opts.print && printer && code === 0) {
      const { renderFor } = await import('../card/format.js');
      const now = systemClock.now();
      const card = await renderFor(testCard(now), printer.cardFormat);
      say(tr({ id: 'mencetak satu kartu uji (bertuliskan KARTU UJI - BUKAN KTP)...', en: 'printing one test card (it reads KARTU UJI - BUKAN KTP)...' }));
      try {
        report.printed = await printer.print({ jobId: `printer-test@${now}`, recordId: `PRINTER-TEST-${now}`, document: card.document, mimeType: card.mimeType });
        say(`${tr({ id: 'kartu uji tercetak', en: 'test card printed' })}: ${tr({ id: 'pekerjaan printer', en: 'printer job' })} ${report.printed.printerJobId}`);
        say(
          tr({
            id: 'Kartu ini memakai satu blangko yang tidak tercatat di buku stok: hitung ulang stok (station-agent stock count N --reason "kartu uji printer").',
            en: 'It used one blank the stock ledger does not know of: count the stock again (station-agent stock count N --reason "printer test card").',
          }),
        );
      } catch (err) {
        report.printError = (err as Error).message;
        say(`${tr({ id: 'kartu uji gagal', en: 'the test card failed' })}: ${report.printError}`);
        code = 2;
      }
    } else if (opts.print && code === 1) {
      say(tr({ id: 'kartu uji tidak dicetak: printer berhenti atau offline', en: 'no test card printed: the printer is stopped or offline' }));
    }
  } finally {
    await printer?.stop();
  }
  if (opts.json) out(JSON.stringify(report, null, 2));
  return code;
}

export function addPrinterCommands(program: Command, version: string): void {
  const printer = subcommand(program, 'printer', tr({ id: 'printer kartu yang dikonfigurasi: uji mandiri untuk teknisi', en: "the configured card printer: a technician's self-test" }), version);

  printer
    .command('test')
    .description(
      tr({
        id: 'baca keadaan dan persediaan printer lewat drivernya (sim, ipp, windows); tidak mencetak apa pun kecuali dengan --print',
        en: 'read the printer state and supplies through its driver (sim, ipp, windows); prints nothing unless --print',
      }),
    )
    .addOption(configOption())
    .option('--print', tr({ id: 'lalu cetak satu kartu uji yang jelas bukan KTP (memakai satu blangko)', en: 'then print one test card that is plainly not an e-KTP (it uses one blank)' }))
    .option('--json', tr({ id: 'cetak hasil sebagai JSON: {driver, printer, reading, error, hint, printed, printError}', en: 'print the result as JSON: {driver, printer, reading, error, hint, printed, printError}' }))
    .addHelpText('after', tr(EXIT_CODES))
    .action(async (opts: { config?: string; print?: boolean; json?: boolean }) => {
      process.exitCode = await selfTest(opts);
    });
}
