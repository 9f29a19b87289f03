import { writeFileSync } from 'node:fs';
import { note } from '../../agent/jobs/notes.js';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { JobRepo } from '../../agent/jobs/repo.js';
import { postCard } from '../../agent/ledger/card.js';
import { Store } from '../../agent/store/store.js';
import { runCli, testConfig } from '../support/agent.js';
import { Proc } from '../support/process.js';
import { tempDir } from '../support/sim.js';

function station(over: Record<string, unknown> = {}): { dir: string; cfg: string } {
  const dir = tempDir('clerk-');
  const cfg = join(dir, 'agent.yaml');
  writeFileSync(cfg, stringify({ ...testConfig('embedded'), ...over }));
  return { dir, cfg };
}

/** A card the engine printed: the job moved through printing to printed, the card posted. */
async function printed(dir: string, recordId: string): Promise<void> {
  const store = await Store.open(join(dir, 'data'));
  try {
    await store.db.transaction(async (tx) => {
      await JobRepo.move(tx, recordId, ['queued'], 'fetching', 1, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, recordId, ['fetching'], 'ready', 2, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, recordId, ['ready'], 'printing', 3, note('legacy', { text: 'test' }));
      await JobRepo.move(tx, recordId, ['printing'], 'printed', 4, note('legacy', { text: 'test' }));
      await postCard(tx, 'print', 4, recordId);
    });
  } finally {
    await store.close();
  }
}

const stock = async (cfg: string) => JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfg])).stdout) as Record<string, number>;

describe("the clerk's commands", () => {
  it('jobs spoil posts a printed card as spoiled and jobs add prints it again; in Indonesian with --lang id', async () => {
    const { dir, cfg } = station();
    await runCli(['stock', 'receive', '10', '--batch', 'SYN-BATCH-1', '--config', cfg]);
    await runCli(['jobs', 'add', 'SYN-0001', '--config', cfg]);
    await printed(dir, 'SYN-0001');
    expect(await stock(cfg)).toMatchObject({ received: 10, printed: 1, spoiled: 0, onHand: 9 });

    const refusedReprint = await runCli(['jobs', 'add', 'SYN-0001', '--lang', 'id', '--config', cfg]);
    expect(refusedReprint.code).toBe(1);
    expect(refusedReprint.stderr).toMatch(/jobs spoil/);

    const noReason = await runCli(['jobs', 'spoil', 'SYN-0001', '--lang', 'id', '--config', cfg]);
    expect(noReason.code).toBe(64);
    expect(noReason.stderr).toMatch(/opsi wajib '--reason <r>' tidak diberikan/);

    const spoiled = await runCli(['jobs', 'spoil', 'SYN-0001', '--reason', 'tinta luntur', '--lang', 'id', '--config', cfg]);
    expect(spoiled.code).toBe(0);
    expect(spoiled.stdout).toMatch(/SYN-0001: rusak, tercatat di buku kartu blangko\. Cetak ulang dengan: station-agent jobs add SYN-0001/);
    // One card came out and it is spoiled: no blank returns to the shelf, the reason is kept.
    expect(await stock(cfg)).toMatchObject({ received: 10, printed: 0, spoiled: 1, onHand: 9 });
    const history = await runCli(['stock', 'history', '--json', '--config', cfg]);
    expect(JSON.parse(history.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'spoil', recordId: 'SYN-0001', reason: 'tinta luntur' })]));

    const twice = await runCli(['jobs', 'spoil', 'SYN-0001', '--reason', 'again', '--lang', 'id', '--config', cfg]);
    expect(twice.code).toBe(64);
    expect(twice.stderr).toMatch(/berstatus rusak, bukan tercetak/);
    expect(await stock(cfg)).toMatchObject({ printed: 0, spoiled: 1 });

    const reprint = await runCli(['jobs', 'add', 'SYN-0001', '--lang', 'id', '--config', cfg]);
    expect(reprint.code).toBe(0);
    const list = JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout) as { recordId: string; state: string }[];
    expect(list).toEqual([expect.objectContaining({ recordId: 'SYN-0001', state: 'queued' })]);
    const shown = await runCli(['jobs', 'show', 'SYN-0001', '--config', cfg]);
    expect(shown.stdout).toMatch(/printed\s+-> spoiled\s+marked spoiled by a person: tinta luntur/);
    // The same trail in the reader's language: states and notes in Indonesian, no English left.
    const shownId = await runCli(['jobs', 'show', 'SYN-0001', '--lang', 'id', '--config', cfg]);
    expect(shownId.stdout).toMatch(/tercetak\s+-> rusak\s+ditandai rusak oleh petugas: tinta luntur/);
    expect(shownId.stdout).toMatch(/ditambahkan lagi setelah rusak/);
    expect(shownId.stdout).not.toMatch(/\b(printed|spoiled|added|queued|by a person)\b/);

    const notPrinted = await runCli(['jobs', 'spoil', 'SYN-0001', '--reason', 'x', '--config', cfg]);
    expect(notPrinted.code).toBe(64);
    expect(notPrinted.stderr).toMatch(/record SYN-0001 is queued, not printed: only a printed card can be marked spoiled/);
  });

  it('a batch received twice is refused naming the first entry; --again takes it; stock correct reverses an entry once', async () => {
    const { cfg } = station();
    const first = await runCli(['stock', 'receive', '200', '--batch', 'SYN-BAST-001', '--config', cfg]);
    expect(first.stdout).toMatch(/received 200 \(batch SYN-BAST-001, entry #(\d+)\); on hand: 200/);
    const entry = /entry #(\d+)/.exec(first.stdout)?.[1];

    const twice = await runCli(['stock', 'receive', '200', '--batch', 'SYN-BAST-001', '--lang', 'id', '--config', cfg]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`batch SYN-BAST-001 sudah diterima: entri #${entry}, 200 kartu`);
    expect(twice.stderr).toMatch(/Tidak ada yang dicatat/);
    expect(twice.stderr).toMatch(/--again/);
    expect(await stock(cfg)).toMatchObject({ received: 200, onHand: 200 });

    const again = await runCli(['stock', 'receive', '50', '--batch', 'SYN-BAST-001', '--again', '--config', cfg]);
    expect(again.code).toBe(0);
    expect(await stock(cfg)).toMatchObject({ received: 250, onHand: 250 });
    const secondEntry = /entry #(\d+)/.exec(again.stdout)?.[1];

    const noReason = await runCli(['stock', 'correct', String(secondEntry), '--config', cfg]);
    expect(noReason.code).toBe(64);
    const corrected = await runCli(['stock', 'correct', `#${secondEntry}`, '--reason', 'tercatat dua kali', '--lang', 'id', '--config', cfg]);
    expect(corrected.code).toBe(0);
    expect(corrected.stdout).toMatch(new RegExp(`entri #${secondEntry} \\(.*\\+50\\) dibalik oleh entri #\\d+`));
    expect(await stock(cfg)).toMatchObject({ received: 200, onHand: 200 });
    const correctedTwice = await runCli(['stock', 'correct', String(secondEntry), '--reason', 'again', '--config', cfg]);
    expect(correctedTwice.code).not.toBe(0);
    expect(await stock(cfg)).toMatchObject({ received: 200, onHand: 200 });
    const history = await runCli(['stock', 'history', '--config', cfg]);
    expect(history.stdout.split('\n')[0]).toMatch(/^ENTRY\s+TIME \(UTC\)\s+KIND\s+QTY\s+NOTE/);
    expect(history.stdout).toContain(`corrected by #`);
  });

  it('the language: --lang wins, then LANG/LC_ALL, then the config key language, then Indonesian', async () => {
    const { cfg } = station();
    const { cfg: englishCfg } = station({ language: 'en' });
    const say = (args: string[], env: NodeJS.ProcessEnv) => runCli([...args, '--config', cfg], { env });
    const noLocale = { LANG: '', LC_ALL: '', LC_MESSAGES: '' };
    expect((await say(['stock', 'show'], noLocale)).stdout).toMatch(/stok \d/);
    expect((await say(['stock', 'show'], { ...noLocale, LANG: 'id_ID.UTF-8' })).stdout).toMatch(/stok \d/);
    expect((await say(['stock', 'show'], { ...noLocale, LC_ALL: 'en_US.UTF-8' })).stdout).toMatch(/on hand/);
    expect((await say(['stock', 'show', '--lang', 'en'], { ...noLocale, LANG: 'id_ID.UTF-8' })).stdout).toMatch(/on hand/);
    expect((await runCli(['stock', 'show', '--config', englishCfg], { env: noLocale })).stdout).toMatch(/on hand/);
    expect((await runCli(['stock', 'show', '--config', englishCfg], { env: { ...noLocale, LANG: 'id_ID.UTF-8' } })).stdout).toMatch(/stok \d/);
    const help = await say(['jobs', '--help'], noLocale);
    expect(help.stdout).toMatch(/^Cara pakai:/m);
    expect(help.stdout).toMatch(/tandai kartu yang sudah tercetak sebagai rusak/);
    const bad = await say(['jobs', 'list', '--state', 'lost'], noLocale);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toMatch(/status tidak dikenal/);
    const badLang = await say(['stock', 'show', '--lang', 'fr'], noLocale);
    expect(badLang.code).toBe(64);
    expect(badLang.stderr).toMatch(/Pilihan: id, en/);
    const badKind = await say(['supply', 'receive', 'toner', '1'], noLocale);
    expect(badKind.code).toBe(64);
    expect(badKind.stderr).toMatch(/galat: nilai 'toner' untuk argumen 'kind' tidak sah\. Pilihan: ribbon, film\.\n\(jalankan dengan --help untuk cara pakai\)/);
    expect(help.stdout).toMatch(/help \[command\]\s+tampilkan bantuan untuk perintah/);
  });

  it('jobs list has a header and filters; a closed pipe ends it quietly; an empty jobs add - exits 64', async () => {
    const { dir, cfg } = station();
    const many = Array.from({ length: 2000 }, (_, i) => `SYN-${String(i).padStart(4, '0')}`);
    await runCli(['jobs', 'add', '-', '--config', cfg], { input: many.join('\n') });
    await printed(dir, 'SYN-0000');
    const list = await runCli(['jobs', 'list', '--config', cfg]);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^RECORD\s+STATE\s+CHANGED \(UTC\)\s+NOTE$/);
    expect(lines).toHaveLength(2001);
    const onlyPrinted = await runCli(['jobs', 'list', '--state', 'printed', '--config', cfg]);
    expect(onlyPrinted.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['SYN-0000']);
    const future = await runCli(['jobs', 'list', '--since', '2099-01-01', '--config', cfg]);
    expect(future.code).toBe(0);
    expect(future.stdout).not.toMatch(/SYN-/);
    const badSince = await runCli(['jobs', 'list', '--since', 'yesterday-ish', '--config', cfg]);
    expect(badSince.code).toBe(64);

    // `jobs list | head -1`: the reader goes away after one line (2,000 lines overflow the pipe).
    const head = new Proc('bash', ['-c', `"${process.execPath}" dist/bin/station-agent.js jobs list --config "${cfg}" | head -1; exit \${PIPESTATUS[0]}`], {
      env: { LANG: 'en_US.UTF-8' },
    });
    expect((await head.exited).code).toBe(0);
    expect(head.stdout.split('\n')[0]).toMatch(/^RECORD/);
    expect(head.stderr).not.toMatch(/EPIPE|Error|at /);

    const empty = await runCli(['jobs', 'add', '-', '--config', cfg], { input: '\n\n' });
    expect(empty.code).toBe(64);
    expect(empty.stderr).toMatch(/no ids given/);
  });
});
