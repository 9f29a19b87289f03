import type { Command } from 'commander';
import { Ledger } from '../ledger/blanks.js';
import { configOption, out, wholeNumber, withStore } from './common.js';

/** `station-agent stock ...`: the blank-card ledger, usable while the daemon runs (same file, WAL). */
export function addStockCommands(program: Command, version: string): void {
  const stock = program.command('stock').description('the blank-card ledger: deliveries, counts, what is on hand').version(version, '-V, --version');

  stock
    .command('receive')
    .description('record a delivery of blank cards')
    .argument('<n>', 'number of cards received', wholeNumber)
    .requiredOption('--batch <b>', 'the batch or handover reference of the delivery')
    .addOption(configOption())
    .action(async (n: number, opts: { batch: string; config?: string }) => {
      const s = await withStore(opts.config, (st) => new Ledger(st.db).receive(n, opts.batch));
      out(`received ${n} (batch ${opts.batch.trim()}); on hand: ${s.onHand}`);
    });

  stock
    .command('count')
    .description('record a physical count; the difference from the ledger is kept as a signed adjustment')
    .argument('<n>', 'cards counted on hand', wholeNumber)
    .requiredOption('--reason <r>', 'why the count was made, e.g. "monthly count"')
    .addOption(configOption())
    .action(async (n: number, opts: { reason: string; config?: string }) => {
      const r = await withStore(opts.config, (st) => new Ledger(st.db).count(n, opts.reason));
      out(`counted ${n}; adjustment ${r.adjustment >= 0 ? '+' : ''}${r.adjustment}; on hand: ${r.summary.onHand}`);
    });

  stock
    .command('show')
    .description('the ledger in sum: received + adjusted = printed + spoiled + on hand')
    .addOption(configOption())
    .option('--json', 'print {received, printed, spoiled, adjusted, onHand}')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const s = await withStore(opts.config, (st) => new Ledger(st.db).summary());
      const { kept: _kept, ...figures } = s;
      if (opts.json) return out(JSON.stringify(figures, null, 2));
      out(`received ${s.received}, printed ${s.printed}, spoiled ${s.spoiled}, adjusted ${s.adjusted >= 0 ? '+' : ''}${s.adjusted}, on hand ${s.onHand}`);
    });
}
