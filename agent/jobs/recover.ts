import type { Clock } from '../../core/clock.js';
import { withTimeout } from '../../hal/errors.js';
import type { Db } from '../../platform/db.js';
import { postCard } from '../ledger/card.js';
import type { JobState } from './job.js';
import { note } from './notes.js';
import { tellLater } from './outcomes.js';
import { JobRepo } from './repo.js';

/** What the printer's own job history says of a card the agent sent, where the driver can read it, and the clock its answer is awaited on. */
export interface PrinterProof {
  outcome: (agentJobId: string) => Promise<'completed' | 'aborted' | 'unknown'>;
  clock: Clock;
}
export interface Recovered {
  needsVerification: string[];
  requeued: string[];
  proven: string[];
}

/**
 * After a crash or power cut: a job left `printing` may or may not have come out, so it is
 * held for a person (never sent again by itself), unless the printer's history proves it
 * completed; fetched data lived in memory only, so `fetching` and `ready` go back to `queued`.
 */
export async function recoverAfterRestart(db: Db, at: number, proof?: PrinterProof): Promise<Recovered> {
  // Ask the printer first (outside the transaction: it is a network call).
  const printing = await db.all<{ record_id: string; agent_job_id: string | null }>("SELECT record_id, agent_job_id FROM jobs WHERE state = 'printing'");
  const outcomes = new Map<string, 'completed' | 'aborted' | 'unknown'>();
  for (const p of printing) {
    if (proof && p.agent_job_id) {
      // A printer that does not answer must not hold up the start: unknown, then a person decides.
      outcomes.set(p.record_id, await withTimeout(proof.clock, proof.outcome(p.agent_job_id), 5000, "the printer's job history").catch(() => 'unknown' as const));
    }
  }
  return db.transaction(async (tx) => {
    const rows = await tx.all<{ record_id: string; state: JobState }>("SELECT record_id, state FROM jobs WHERE state IN ('printing', 'fetching', 'ready')");
    const out: Recovered = { needsVerification: [], requeued: [], proven: [] };
    for (const r of rows) {
      const outcome = outcomes.get(r.record_id);
      if (r.state === 'printing' && outcome === 'completed') {
        await JobRepo.move(tx, r.record_id, ['printing'], 'printed', at, note('recovered_printed'));
        await postCard(tx, 'print', at, r.record_id);
        await tellLater(tx, r.record_id, 'printed', at);
        out.proven.push(r.record_id);
      } else if (r.state === 'printing') {
        await JobRepo.move(tx, r.record_id, ['printing'], 'needs_verification', at, note('recovered_verify'));
        out.needsVerification.push(r.record_id);
      } else {
        await JobRepo.move(tx, r.record_id, [r.state], 'queued', at, note('recovered_requeued'));
        out.requeued.push(r.record_id);
      }
    }
    return out;
  });
}
