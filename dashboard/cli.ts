import { type Command, Option } from 'commander';
import { chooseLang, langInArgv, type Text } from '../core/i18n.js';
import { addRetireCommand } from './retire-cli.js';

/**
 * The language of the station agent's command line, chosen as it chooses it (--lang, else the
 * locale, else Indonesian): the dashboard may not import the agent's CLI, so the CLI may pass its
 * own `tr` instead.
 */
const sayFromArgv = (text: Text): string => text[chooseLang({ flag: langInArgv(process.argv), env: process.env })];

export function addDashboardCommand(program: Command, version: string, tr: (text: Text) => string = sayFromArgv): void {
  const dashboard = program
    .command('dashboard')
    .description(
      tr({
        id: 'dasbor provinsi: setiap stasiun di provinsi yang diawasi dalam satu halaman, dengan API di bawah /api/',
        en: 'the provincial dashboard: every station of the watched provinces on one page, with an API under /api/',
      }),
    )
    .version(version, '-V, --version', tr({ id: 'tampilkan nomor versi', en: 'output the version number' }))
    .addOption(
      new Option(
        '-c, --config <file>',
        tr({ id: 'berkas konfigurasi (YAML atau JSON): mqtt, dataDir, log, dan bagian dashboard', en: 'configuration file (YAML or JSON): mqtt, dataDir, log and the dashboard section' }),
      ).env('STATION_DASHBOARD_CONFIG'),
    )
    .addHelpText(
      'after',
      tr({
        id: `
Tanpa --config: broker di mqtt://127.0.0.1:1883, setiap provinsi di bawah ektp/v1,
halaman di http://127.0.0.1:8080, data di ./dashboard-data.
Melayani di luar PC ini (dashboard.listen) memerlukan dashboard.tokenFile.
Provinsi simulasi untuk diawasi:  npm run fleet -- --stations 40
API: docs/dashboard.md. Kode keluar: 0 berhenti dengan rapi, 1 gagal, 64 salah pakai, 78 konfigurasi salah.`,
        en: `
Without --config: the broker at mqtt://127.0.0.1:1883, every province under ektp/v1,
the page at http://127.0.0.1:8080, data in ./dashboard-data.
Listening beyond this PC (dashboard.listen) needs dashboard.tokenFile.
A simulated province to watch:  npm run fleet -- --stations 40
API: docs/dashboard.md. Exit codes: 0 clean stop, 1 failure, 64 usage error, 78 configuration error.`,
      }),
    )
    .action(async (opts: { config?: string }) => {
      // Loaded only for this command: the station agent's other commands never load the dashboard.
      const [{ createLogger, openLogFile }, { untilSignal }, { loadDashboardConfig }, { runDashboard }] = await Promise.all([
        import('../platform/log.js'),
        import('../platform/until-signal.js'),
        import('./config.js'),
        import('./main.js'),
      ]);
      const config = loadDashboardConfig(opts.config);
      const log = createLogger({ level: config.log.level, destination: config.log.file ? await openLogFile(config.log.file, opts.config) : undefined });
      await untilSignal(log, () => runDashboard(config, log, opts.config ?? '(dashboard defaults)'));
    });
  addRetireCommand(dashboard, tr);
}
