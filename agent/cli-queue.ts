import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadStationFile } from './cli/station-file.js';
import { AgentError, EXIT } from '../platform/errors.js';
import { JobRepo } from './jobs/repo.js';
import { Ledger } from './stock.js';
import { Store } from './store/store.js';

/** The queue and the ledger are used from the command line while the daemon runs: same file, WAL. */
async function withStore<T>(configFile: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await Store.open(loadStationFile(configFile).dataDir);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number such as 500');
  return n;
}

const iso = (ms: number) => new Date(ms).toISOString();
const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

export function addQueueCommands(program: Command, configOption: () => Option, version: string): void {
  const jobs = program.command('jobs').description('the print queue: add records, list them, settle uncertain cards').version(version, '-V, --version');

  jobs
    .command('add')
    .description('queue records for printing, by record id ("-" reads ids from standard input, one per line)')
    .argument('<ids...>', 'record ids from the print-ready list (never a NIK)')
    .addOption(configOption())
    .action(async (ids: string[], opts: { config?: string }) => {
      const all = ids.flatMap((id) => (id === '-' ? readFileSync(0, 'utf8').split(/\s+/).filter(Boolean) : [id]));
      const r = await withStore(opts.config, (s) => new JobRepo(s.db).add(all));
      if (r.added.length) out(`queued: ${r.added.join(', ')}`);
      if (r.requeued.length) out(`queued again: ${r.requeued.join(', ')}`);
      for (const x of r.refused) process.stderr.write(`refused ${x.recordId}: ${x.why}\n`);
      if (r.refused.length) process.exitCode = EXIT.failure;
    });

  jobs
    .command('list')
    .description('every job and its state (no personal data: record ids only)')
    .addOption(configOption())
    .option('--json', 'a JSON array of {recordId, state, fetchAttempts, printerJobId, lastError, createdAt, updatedAt}')
    .action(async (opts: { config?: string; json?: boolean }) => {
      const list = await withStore(opts.config, (s) => new JobRepo(s.db).list());
      if (opts.json) {
        out(JSON.stringify(list.map((j) => ({ ...j, createdAt: iso(j.createdAt), updatedAt: iso(j.updatedAt), nextFetchAt: undefined })), null, 2));
        return;
      }
      if (list.length === 0) return out('the queue is empty; add records with: station-agent jobs add ID...');
      for (const j of list) out(`${j.recordId.padEnd(24)} ${j.state.padEnd(19)} ${iso(j.updatedAt)}${j.lastError ? `  ${j.lastError}` : ''}`);
    });

  jobs
    .command('show')
    .description("one job's audit trail: every state it went through, when and why")
    .argument('<id>', 'record id')
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string }) => {
      const events = await withStore(opts.config, (s) => new JobRepo(s.db).history(id));
      if (events.length === 0) throw new AgentError('job-unknown', `no job for record ${id}`, { hint: 'See station-agent jobs list.', exitCode: EXIT.usage });
      for (const e of events) out(`${iso(e.at)}  ${(e.from ?? '-').padEnd(18)} -> ${e.to.padEnd(18)} ${e.reason}`);
    });

  jobs
    .command('verify')
    .description('settle a card whose outcome was uncertain (the agent stopped while it printed): look at the printer output first')
    .argument('<id>', 'record id')
    .option('--printed', 'the card came out right')
    .option('--not-printed', 'no card came out: print it again')
    .option('--spoiled', 'a card came out but is unusable (it counts as a spoiled blank)')
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string; printed?: boolean; notPrinted?: boolean; spoiled?: boolean }) => {
      const chosen = [opts.printed && 'printed', opts.notPrinted && 'not-printed', opts.spoiled && 'spoiled'].filter(Boolean) as ('printed' | 'not-printed' | 'spoiled')[];
      if (chosen.length !== 1) throw new AgentError('usage', 'give exactly one of --printed, --not-printed or --spoiled', { exitCode: EXIT.usage });
      const state = await withStore(opts.config, (s) => new JobRepo(s.db).verify(id, chosen[0] ?? 'printed'));
      out(`${id}: ${state}${state === 'queued' ? ' (it will be printed again)' : ''}`);
    });

  jobs
    .command('cancel')
    .description('take a queued or failed record out of the queue')
    .argument('<id>', 'record id')
    .addOption(configOption())
    .action(async (id: string, opts: { config?: string }) => {
      await withStore(opts.config, (s) => new JobRepo(s.db).cancel(id));
      out(`${id}: cancelled`);
    });

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
