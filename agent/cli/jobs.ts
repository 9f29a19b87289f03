import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { AgentError, EXIT } from '../../platform/errors.js';
import { JobRepo } from '../jobs/repo.js';
import { configOption, iso, out, withStore } from './common.js';

/** `station-agent jobs ...`: the print queue, usable while the daemon runs (same file, WAL). */
export function addJobsCommands(program: Command, version: string): void {
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
}
