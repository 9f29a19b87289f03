/**
 * `station-agent dashboard retire STATION --reason R`: asks the running dashboard (its own
 * listen address, with its token when it has one) to retire a station, and says what went.
 * The dashboard does the work (dashboard/retire.ts), so its page, metrics and broker agree.
 */
import { type Command, Option } from 'commander';
import { systemClock } from '../core/clock.js';
import type { Text } from '../core/i18n.js';
import { AgentError, EXIT } from '../core/errors.js';
import { printLine } from '../platform/terminal.js';

export function addRetireCommand(dashboard: Command, tr: (text: Text) => string): void {
  dashboard
    .command('retire')
    .description(
      tr({
        id: 'pensiunkan stasiun yang sudah tidak dipakai: baris, peringatan, metrik dan topik tersimpannya hilang, riwayatnya disimpan, angkanya tidak dihitung lagi',
        en: 'retire a station gone for good: its row, alerts, metrics and retained topics go, its history is kept, its figures no longer count',
      }),
    )
    .argument('<station>', tr({ id: 'id stasiun, misalnya 5371-03', en: 'the station id, e.g. 5371-03' }))
    .requiredOption('--reason <text>', tr({ id: 'alasannya, 3 sampai 200 karakter, tanpa nama orang (misalnya "PC diganti, stasiun baru 5371-04")', en: 'why, 3 to 200 characters, no names of people (e.g. "PC replaced, new station 5371-04")' }))
    .addOption(new Option('-c, --config <file>', tr({ id: 'berkas konfigurasi dasbor yang sedang berjalan', en: "the running dashboard's configuration file" })).env('STATION_DASHBOARD_CONFIG'))
    .option('--json', tr({ id: 'keluaran JSON', en: 'JSON output' }))
    .addHelpText('after', tr({ id: '\nDasbor harus sedang berjalan. Kode keluar: 0 dipensiunkan, 1 gagal (dasbor tidak berjalan, stasiun tidak dikenal), 64 salah pakai.', en: '\nThe dashboard must be running. Exit codes: 0 retired, 1 failure (dashboard not running, station unknown), 64 usage error.' }))
    .action(async (station: string, opts: { reason: string; config?: string; json?: boolean }, cmd: Command) => {
      const parent = cmd.parent?.opts<{ config?: string }>() ?? {};
      const [{ loadDashboardConfig }, { readToken }, { splitListen }] = await Promise.all([import('./config.js'), import('./main.js'), import('../platform/listen.js')]);
      const source = opts.config ?? parent.config;
      const cfg = loadDashboardConfig(source);
      const token = readToken(cfg, source ?? '(dashboard defaults)');
      const { host, port } = splitListen(cfg.dashboard.listen);
      const to = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const url = `http://${to}:${port}/api/stations/${encodeURIComponent(station)}/retire`;
      // 15 s for the dashboard's answer, its body included; the command's own clock is the system's.
      const deadline = new AbortController();
      const cancel = systemClock.setTimer(() => deadline.abort(new Error('waited 15 s')), 15_000, { unref: true });
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token.toString('utf8')}` } : {}) }, body: JSON.stringify({ reason: opts.reason }), signal: deadline.signal });
      } catch (err) {
        cancel();
        throw new AgentError('dashboard-unreachable', { id: `dasbor di ${to}:${port} tidak menjawab (${(err as Error).message})`, en: `the dashboard at ${to}:${port} did not answer (${(err as Error).message})` }, { hint: { id: 'Jalankan dasbor dulu (station-agent dashboard), dengan --config yang sama.', en: 'Start the dashboard first (station-agent dashboard), with the same --config.' }, exitCode: EXIT.failure });
      }
      const body = (await res.json().catch(() => ({}))) as { error?: Text; words?: Text };
      cancel();
      if (!res.ok) throw new AgentError('retire-refused', body.error ?? { id: `dasbor menjawab ${res.status}`, en: `the dashboard answered ${res.status}` }, { exitCode: res.status === 400 ? EXIT.usage : EXIT.failure });
      printLine(opts.json ? JSON.stringify(body) : tr(body.words ?? { id: 'dipensiunkan', en: 'retired' }));
    });
}
