import { writeFileSync } from 'node:fs';
import { note } from '../../agent/jobs/notes.js';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { JobRepo } from '../../agent/jobs/repo.js';
import { Store } from '../../agent/store/store.js';
import { Db } from '../../platform/db.js';
import { runCli, testConfig } from '../support/agent.js';
import { tempDir } from '../support/sim.js';

function configIn(dir: string): string {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, stringify(testConfig('embedded')));
  return file;
}

describe('jobs and stock from the command line', () => {
  it('jobs add takes ids as arguments and from standard input, refuses a NIK and a duplicate, and exits 1 when it refused any', async () => {
    const cfg = configIn(tempDir());
    const piped = await runCli(['jobs', 'add', '-', '--config', cfg], { input: 'REC-1\nREC-2\n\nREC-3\n' });
    expect(piped.code).toBe(0);
    expect(piped.stdout).toContain('queued: REC-1, REC-2, REC-3');
    const again = await runCli(['jobs', 'add', 'REC-3', 'REC-4', '5371012345678901', '--config', cfg]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('queued: REC-4');
    expect(again.stderr).toMatch(/refused REC-3: already in the queue \(queued\)/);
    expect(again.stderr).toMatch(/refused 5371012345678901: this looks like a NIK/);
    const list = JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout) as { recordId: string; state: string }[];
    expect(list.map((j) => `${j.recordId}:${j.state}`)).toEqual(['REC-1:queued', 'REC-2:queued', 'REC-3:queued', 'REC-4:queued']);
    const shown = await runCli(['jobs', 'show', 'REC-1', '--config', cfg]);
    expect(shown.stdout).toMatch(/-\s+-> queued\s+added/);
  });

  it('jobs verify needs exactly one outcome, and only settles a card that needs verification', async () => {
    const cfg = configIn(tempDir());
    await runCli(['jobs', 'add', 'REC-1', '--config', cfg]);
    const none = await runCli(['jobs', 'verify', 'REC-1', '--config', cfg]);
    expect(none.code).toBe(64);
    expect(none.stderr).toMatch(/exactly one of --printed, --not-printed or --spoiled/);
    const wrong = await runCli(['jobs', 'verify', 'REC-1', '--printed', '--config', cfg]);
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toMatch(/REC-1 is queued, not needs_verification/);
    const unknown = await runCli(['jobs', 'cancel', 'NOPE', '--config', cfg]);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/no job for record NOPE/);
    expect((await runCli(['jobs', 'cancel', 'REC-1', '--config', cfg])).stdout).toContain('REC-1: cancelled');
  });

  it('jobs verify settles uncertain cards: printed and spoiled are posted to the ledger, not-printed is queued again', async () => {
    const dir = tempDir();
    const cfg = configIn(dir);
    await runCli(['jobs', 'add', 'V-1', 'V-2', 'V-3', '--config', cfg]);
    // Three cards left printing by a crash (as the engine would leave them).
    const store = await Store.open(join(dir, 'data'));
    for (const id of ['V-1', 'V-2', 'V-3']) {
      await store.db.transaction(async (tx) => {
        await JobRepo.move(tx, id, ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
        await JobRepo.move(tx, id, ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
      });
    }
    await store.close();
    const restarted = await Store.open(join(dir, 'data'));
    expect((await new JobRepo(restarted.db).recoverAfterRestart()).needsVerification).toEqual(['V-1', 'V-2', 'V-3']);
    await restarted.close();
    expect((await runCli(['jobs', 'verify', 'V-1', '--printed', '--config', cfg])).stdout).toContain('V-1: printed');
    expect((await runCli(['jobs', 'verify', 'V-2', '--spoiled', '--reason', 'kartu tersangkut', '--code', 'jam', '--config', cfg])).stdout).toContain('V-2: spoiled');
    expect((await runCli(['jobs', 'verify', 'V-3', '--not-printed', '--config', cfg])).stdout).toContain('V-3: queued (it will be printed again)');
    const stock = JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfg])).stdout) as Record<string, number>;
    expect(stock).toMatchObject({ printed: 1, spoiled: 1 });
    // The spoiled blank carries the person's words and the code the province counts.
    const history = JSON.parse((await runCli(['stock', 'history', '--json', '--config', cfg])).stdout) as { kind: string; recordId: string; reason: string | null }[];
    expect(history.filter((e) => e.kind === 'spoil')).toEqual([expect.objectContaining({ recordId: 'V-2', reason: 'kartu tersangkut' })]);
    const db = await Db.open(join(dir, 'data', 'station.db'), { readOnly: true });
    expect(await db.all("SELECT reason_code AS code FROM ledger WHERE kind = 'spoil'")).toEqual([{ code: 'jam' }]);
    await db.close();
    const misplaced = await runCli(['jobs', 'verify', 'V-1', '--printed', '--reason', 'x', '--config', cfg]);
    expect(misplaced.code).toBe(64);
    expect(misplaced.stderr).toMatch(/--reason and --code go with --spoiled only/);
    const twice = await runCli(['jobs', 'verify', 'V-1', '--printed', '--config', cfg]);
    expect(twice.code).toBe(64);
    expect(twice.stderr).toMatch(/V-1 is printed, not needs_verification/);
  });

  it('stock receive, count and show keep received + adjusted = printed + spoiled + on hand', async () => {
    const cfg = configIn(tempDir());
    expect((await runCli(['stock', 'receive', '500', '--batch', 'JKT-2026-11', '--config', cfg])).stdout).toContain('on hand: 500');
    expect((await runCli(['stock', 'count', '497', '--reason', 'monthly count', '--config', cfg])).stdout).toContain('adjustment -3; on hand: 497');
    const shown = JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfg])).stdout) as Record<string, number>;
    expect(shown).toEqual({ received: 500, printed: 0, spoiled: 0, adjusted: -3, returned: 0, onHand: 497 });
    const bad = await runCli(['stock', 'receive', '12x', '--batch', 'B', '--config', cfg]);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/expected a whole number/);
    const noBatch = await runCli(['stock', 'receive', '10', '--config', cfg]);
    expect(noBatch.code).toBe(64);
    expect(noBatch.stderr).toMatch(/--batch/);
  });
});
