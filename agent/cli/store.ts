import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AgentError, EXIT } from '../../platform/errors.js';
import { configOption, out } from './common.js';
import { loadStationFile } from './station-file.js';

/** `station-agent store ...`: the station's database itself. */
export function addStoreCommands(program: Command, version: string): void {
  const store = program.command('store').description("the station's database: start a new one where it is missing").version(version, '-V, --version');

  store
    .command('init')
    .description('make a new, empty database where none is; where one was kept before, only with --fresh')
    .option('--fresh', 'start afresh where a database was kept before and is now missing: its print history, queue and ledgers are forgotten')
    .addOption(configOption())
    .addHelpText(
      'after',
      `
A database that is missing where one was kept (the data folder has seq.hwm) is not made again by
any other command: a new, empty one forgets which records were printed, and they could be
printed again. Restore station.db from a backup if there is one; use --fresh only if there is
none. Exit codes: 0 made, 1 a database is already there, 64 --fresh needed.`,
    )
    .action(async (opts: { fresh?: boolean; config?: string }) => {
      const config = loadStationFile(opts.config);
      const file = join(config.dataDir, 'station.db');
      if (existsSync(file)) throw new AgentError('store-exists', `${file} is already there; nothing was changed.`, { hint: 'To start afresh, stop the agent and move that file aside first (keep it: it holds the print history).' });
      const { SeqGuard } = await import('../store/seq-guard.js');
      const { Store } = await import('../store/store.js');
      const { CLOCK_FLOOR_MS } = await import('../../hal/clock.js');
      const kept = SeqGuard.exists(config.dataDir);
      if (kept && !opts.fresh) {
        throw new AgentError('usage', `A database was kept in ${config.dataDir} before and is missing now.`, {
          hint: 'Restore station.db from a backup; if there is none, run this again with --fresh, knowing that records printed before could be printed again.',
          exitCode: EXIT.usage,
        });
      }
      const s = await Store.open(config.dataDir, Date.now, CLOCK_FLOOR_MS, { fresh: true });
      await s.close();
      out(`made ${file}${kept ? ': a fresh start. Forgotten: which records were printed, the queue, the blank-card and ribbon/film ledgers. Check the printed cards on hand before queueing records again, and record the blanks and the rolls (stock count, supply replace).' : ''}`);
    });
}
