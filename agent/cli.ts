#!/usr/bin/env -S node --max-old-space-size=128 --expose-gc
import { Command, CommanderError } from 'commander';
import { configOption, subcommand } from './cli/common.js';
import { cliLang, commanderMessage, HELP_TEXT, helpTitle, initLang, langOption, tr, VERSION_TEXT } from './cli/lang.js';
import { addJobsCommands } from './cli/jobs.js';
import { addOfficeCommands } from './cli/office.js';
import { addPrinterCommands } from './cli/printer.js';
import { addStockCommands } from './cli/stock.js';
import { addStoreCommands } from './cli/store.js';
import { addSupplyCommands } from './cli/supply.js';
import { addUpsCommands } from './cli/ups.js';
import { loadStationFile, loadStationFilePartly } from './cli/station-file.js';
import { AgentError, describeError, EXIT } from '../core/errors.js';
import { VERSION } from './process/version.js';
import { addDashboardCommand } from '../dashboard/cli.js';
import { systemClock } from '../core/clock.js';
import { printErrLine, printLine, writeErr, writeOut } from '../platform/terminal.js';
import { checkTypedArgs } from './cli/typed-args.js';

/** Every command takes --lang and says --help in the command line's language. */
function forEveryCommand(cmd: Command): void {
  cmd.helpOption('-h, --help', tr(HELP_TEXT));
  if (cmd.commands.length > 0) cmd.helpCommand('help [command]', tr({ id: 'tampilkan bantuan untuk perintah', en: 'display help for command' }));
  if (cmd.commands.length === 0 && !cmd.options.some((o) => o.long === '--lang')) cmd.addOption(langOption());
  for (const sub of cmd.commands) forEveryCommand(sub);
}

/** Commands share --help/--version, usage errors exit 64, a newer database 65 and configuration errors 78. */
export function buildProgram(): Command {
  const program = new Command('station-agent')
    .description(
      tr({
        id: 'Agen stasiun cetak KTP-el: mengawasi printer, persediaannya, dan UPS, mencetak antrean, dan melapor ke provinsi lewat MQTT.',
        en: 'Agent for an e-KTP card-printing station: watches the printer, its supplies and the UPS, prints the queue, and reports to the province over MQTT.',
      }),
    )
    // Set before the subcommands are made: they inherit the headings, the error wording and exitOverride.
    .configureHelp({ styleTitle: helpTitle })
    // Commander's help and errors go through the one writer that escapes control characters.
    .configureOutput({ writeOut, writeErr, outputError: (text, write) => write(commanderMessage(text)) })
    .version(VERSION, '-V, --version', tr(VERSION_TEXT))
    .showHelpAfterError(tr({ id: '(jalankan dengan --help untuk cara pakai)', en: '(run with --help for usage)' }))
    .exitOverride()
    // Every text a command is given is checked before it acts (agent/cli/typed-args.ts).
    .hook('preAction', (_program, action) => checkTypedArgs(action));

  subcommand(program, 'run', tr({ id: 'jalankan agen (daemon) sampai SIGTERM atau SIGINT', en: 'run the agent (the daemon) until SIGTERM or SIGINT' }), VERSION)
    .addOption(configOption())
    .addHelpText(
      'after',
      tr({
        id: `
Tanpa --config: printer dan UPS simulasi, broker MQTT bawaan di 127.0.0.1:1883,
data di ./data. Amati dengan:  mosquitto_sub -h 127.0.0.1 -t 'ektp/#' -v
SIGHUP membaca ulang log.level dari berkas konfigurasi (systemctl reload station-agent).
Kode keluar: 0 berhenti dengan rapi, 1 gagal, 64 salah pakai, 65 basis data dari agen yang
lebih baru (atau hilang setelah pernah ada), 75 agen lain sudah berjalan dengan folder data
yang sama (satu folder data untuk satu agen), 78 konfigurasi salah.`,
        en: `
Without --config: simulated printer and UPS, an embedded MQTT broker on 127.0.0.1:1883,
data in ./data. Watch it with:  mosquitto_sub -h 127.0.0.1 -t 'ektp/#' -v
SIGHUP re-reads log.level from the configuration file (systemctl reload station-agent).
Exit codes: 0 clean stop, 1 failure, 64 usage error, 65 database from a newer agent (or
missing after one was kept), 75 another agent already runs on the same data folder (one data
folder, one agent), 78 configuration error.`,
      }),
    )
    .action(async (opts: { config?: string }) => {
      // Each command loads what it needs when it runs: the daemon never loads diagnose, the
      // dashboard or the HID capture tools (npm run bench:footprint).
      const [{ runAgent }, { createLogger, openLogFile, reloadLevelOn }, { untilSignal }, { lockDataDir }] = await Promise.all([
        import('./process/daemon.js'),
        import('../platform/log.js'),
        import('../platform/until-signal.js'),
        import('./process/data-lock.js'),
      ]);
      const config = loadStationFile(opts.config);
      // One agent per data folder: a second is refused here (exit 75), before its log, its database or a connection.
      const lock = await lockDataDir(config.dataDir);
      try {
        const log = createLogger({ level: config.log.level, destination: config.log.file ? await openLogFile(config.log.file, opts.config) : undefined });
        if (lock.unlocked) log.warn({ file: lock.unlocked.file, err: lock.unlocked.why }, 'the data folder could not be locked: a second agent on it would not be refused');
        // SIGHUP re-reads log.level (systemctl reload); Windows has no such signal.
        const stopReload = process.platform === 'win32' ? () => undefined : reloadLevelOn('SIGHUP', log, () => loadStationFile(opts.config).log.level);
        log.info({ config }, opts.config ? `configuration ${opts.config}` : 'no --config: running the simulated demo');
        try {
          await untilSignal(log, () => runAgent(config, log, { configSource: opts.config ?? '(demo defaults)' }));
        } finally {
          stopReload();
        }
      } finally {
        // After the clean stop, its database closed: only then may another agent open it.
        await lock.release();
      }
    });

  subcommand(program, 'status', tr({ id: 'tampilkan keadaan stasiun seperti terakhir dicatat agen di folder datanya', en: "show the station's state as the agent last recorded it in its data folder" }), VERSION)
    .addOption(configOption())
    .option('--json', tr({ id: 'cetak JSON: {dataDir, health, ageSeconds, stale, agent}', en: 'print JSON: {dataDir, health, ageSeconds, stale, agent}' }))
    .action(async (opts: { config?: string; json?: boolean }) => {
      const { formatStatus, readStatus } = await import('./station/status.js');
      const config = loadStationFile(opts.config);
      const report = await readStatus(config);
      const { zoneOf } = await import('./office/days.js');
      printLine(opts.json ? JSON.stringify(report, null, 2) : formatStatus(report, cliLang(), zoneOf(config.station)));
    });

  subcommand(
    program,
    'diagnose',
    tr({
      id: 'periksa semua yang dibutuhkan stasiun dan katakan yang perlu dilakukan: konfigurasi, data, basis data, jam, printer, UPS, broker, server rekaman, agen, PC',
      en: 'check everything a station needs and say what to do: config, data, database, clock, printer, UPS, broker, record server, the agent, the PC',
    }),
    VERSION,
  )
    .addOption(configOption())
    .option('--json', tr({ id: 'cetak laporan sebagai JSON: {status, checks: [{id, status, title, facts, hint}]}', en: 'print the report as JSON: {status, checks: [{id, status, title, facts, hint}]}' }))
    .option('--publish', tr({ id: 'juga terbitkan laporan, tersimpan (retained), di topik diagnostics stasiun', en: "also publish the report, retained, on the station's diagnostics topic" }))
    .addHelpText(
      'after',
      tr({
        id: '\nKode keluar: 0 semua lulus, 1 ada peringatan, 2 ada kegagalan. Bisa dipakai baik agen berjalan maupun tidak: selama agen berjalan, printer dan UPS dibaca dari bacaan terakhir agen, tidak dibuka kedua kalinya. Bagian konfigurasi yang salah disebut beserta yang harus ditulis; pemeriksaan lain tetap berjalan.',
        en: "\nExit codes: 0 all passed, 1 warnings, 2 failures. Usable whether or not the agent runs: while it runs, the printer and the UPS are read from the agent's last reading, never opened a second time. A wrong section of the configuration is named with what to write there; the other checks still run.",
      }),
    )
    .action(async (opts: { config?: string; json?: boolean; publish?: boolean }) => {
      const { diagnose, formatReport, publishReport } = await import('./diagnose/run.js');
      const tty = process.stderr.isTTY === true && !opts.json;
      // The station's language counts too, so the report's language is read after its file.
      const { report, config } = await diagnose(opts.config, () => cliLang(), loadStationFilePartly, (r) => {
        if (tty) printErrLine(`  ${r.status === 'pass' ? 'ok' : r.status} ${r.id} (${r.ms} ms)`);
      });
      printLine(opts.json ? JSON.stringify(report, null, 2) : formatReport(report, process.stdout.isTTY === true));
      if (opts.publish && config) {
        await publishReport(config, opts.config ?? '(demo defaults)', report).catch((err: Error) =>
          printErrLine(`station-agent: ${tr({ id: 'laporan tidak terbit', en: 'the report was not published' })}: ${err.message}`),
        );
      } else if (opts.publish) {
        printErrLine(`station-agent: ${tr({ id: 'laporan tidak terbit: konfigurasinya salah (lihat di atas)', en: 'the report was not published: the configuration is wrong (see above)' })}`);
      }
      process.exitCode = report.status === 'pass' ? 0 : report.status === 'warn' ? 1 : 2;
    });

  addJobsCommands(program, VERSION);
  addStockCommands(program, VERSION);
  addOfficeCommands(program, VERSION);
  addSupplyCommands(program, VERSION);
  addStoreCommands(program, VERSION);
  addDashboardCommand(program, VERSION, tr);
  addUpsCommands(program, VERSION);
  addPrinterCommands(program, VERSION);

  return program;
}

export async function main(argv: string[]): Promise<number> {
  initLang(argv);
  // `station-agent jobs list | head -3`: a reader that closes the pipe ends the command quietly.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT.ok);
    throw err;
  });
  const program = buildProgram();
  forEveryCommand(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    printErrLine(`station-agent: ${describeError(err, cliLang())}`);
    return err instanceof AgentError ? err.exitCode : EXIT.failure;
  }
}

// Not a top-level await: the bundle every launcher runs is CommonJS (scripts/build-dist.ts says why).
void main(process.argv).then((code) => {
  process.exitCode = code;
  // Everything is closed after a clean stop; if a stray handle kept the process alive, do not hang.
  systemClock.setTimer(() => process.exit(code), 1000, { unref: true });
});
