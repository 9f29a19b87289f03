import { type Command, Option } from 'commander';

export function addDashboardCommand(program: Command, version: string): void {
  program
    .command('dashboard')
    .description("the provincial dashboard: every station of the watched provinces on one page, with an API under /api/")
    .version(version, '-V, --version')
    .addOption(new Option('-c, --config <file>', 'configuration file (YAML or JSON): mqtt, dataDir, log and the dashboard section').env('STATION_DASHBOARD_CONFIG'))
    .addHelpText(
      'after',
      `
Without --config: the broker at mqtt://127.0.0.1:1883, every province under ektp/v1,
the page at http://127.0.0.1:8080, data in ./dashboard-data.
Listening beyond this PC (dashboard.listen) needs dashboard.tokenFile.
A simulated province to watch:  npm run fleet -- --stations 40
API: docs/dashboard.md. Exit codes: 0 clean stop, 1 failure, 64 usage error, 78 configuration error.`,
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
      // The launcher gives every command the station agent's 128 MB; a province needs more.
      const { rerunWithHeap } = await import('../platform/heap.js');
      const rerun = await rerunWithHeap(config.dashboard.heapMegabytes);
      if (rerun !== null) return void (process.exitCode = rerun);
      const log = createLogger({ level: config.log.level, destination: config.log.file ? await openLogFile(config.log.file, opts.config) : undefined });
      await untilSignal(log, () => runDashboard(config, log, opts.config ?? '(dashboard defaults)'));
    });
}
