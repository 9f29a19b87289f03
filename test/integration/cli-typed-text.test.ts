/**
 * Typed text through the real command line (issue 32, defect 6): invisible, control and
 * direction characters refused by name with exit 64 and nothing written; a batch typed in
 * another normal form is the batch already received; and what an older version stored with ESC
 * in it is printed as visible escapes, never as commands to the technician's terminal.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { Store } from '../../agent/store/store.js';
import { runCli, testConfig } from '../support/agent.js';
import { tempDir } from '../support/sim.js';

function station(): { dir: string; cfg: string } {
  const dir = tempDir('typed-cli-');
  const cfg = join(dir, 'agent.yaml');
  writeFileSync(cfg, stringify(testConfig('embedded')));
  return { dir, cfg };
}

const stock = async (cfg: string) => JSON.parse((await runCli(['stock', 'show', '--json', '--config', cfg])).stdout) as Record<string, number>;
/** A raw control, invisible or direction character: what must never reach the terminal from stored text. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;

describe('the command line refuses invisible and control characters by name', () => {
  it('a zero-width space in --batch, U+0085 and a right-to-left override in --reason: exit 64, the character, its place and the flag named, nothing written', async () => {
    const { cfg } = station();
    const zw = await runCli(['stock', 'receive', '10', '--batch', 'S1\u200b', '--config', cfg]);
    expect(zw.code).toBe(64);
    expect(zw.stderr).toMatch(/--batch: invisible character U\+200B ZERO WIDTH SPACE at position 3\nWhat to do: Clear the field and type it again by hand.*Nothing was recorded\./);
    const nel = await runCli(['stock', 'receive', '10', '--batch', 'S1\u0085', '--lang', 'id', '--config', cfg]);
    expect(nel.code).toBe(64);
    expect(nel.stderr).toMatch(/--batch: pindah baris \(isian ini hanya satu baris\) `U\+0085 NEXT LINE` pada posisi 3\nYang perlu dilakukan: Hapus isian itu.*Tidak ada yang dicatat\./);
    const rlo = await runCli(['stock', 'count', '0', '--reason', 'hitung \u202eanalub', '--config', cfg]);
    expect(rlo.code).toBe(64);
    expect(rlo.stderr).toMatch(/--reason: text-direction character \(it can reorder what is read\) U\+202E RIGHT-TO-LEFT OVERRIDE at position 8/);
    // A record id, a positional argument, is checked the same way.
    const id = await runCli(['jobs', 'add', 'SYN-0001', 'SYN-\u200d0002', '--config', cfg]);
    expect(id.code).toBe(64);
    expect(id.stderr).toMatch(/argument 2 <ids\.\.\.>: invisible character U\+200D ZERO WIDTH JOINER at position 5/);
    for (const r of [zw, nel, rlo, id]) expect(r.stderr).not.toMatch(RAW);
    expect(await stock(cfg)).toMatchObject({ received: 0, adjusted: 0 });
    expect(JSON.parse((await runCli(['jobs', 'list', '--json', '--config', cfg])).stdout)).toEqual([]);
  });

  it('a batch typed in another normal form is the batch already received: refused as a second delivery, exit 1', async () => {
    const { cfg } = station();
    expect((await runCli(['stock', 'receive', '10', '--batch', 'SYN-\u0160-1', '--config', cfg])).code).toBe(0);
    const twice = await runCli(['stock', 'receive', '10', '--batch', 'SYN-S\u030c-1', '--config', cfg]);
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/batch SYN-\u0160-1 was already received: entry #1/);
    expect(await stock(cfg)).toMatchObject({ received: 10 });
  });
});

describe('what the command line prints from stored text is escaped', () => {
  it('an ESC sequence and a right-to-left override an older version stored: shown as \\u escapes; --json still parses to the stored text', async () => {
    const { dir, cfg } = station();
    const reason = 'hitung\u001b[2J\u001b]0;owned\u0007 \u202eanalub';
    const store = await Store.open(join(dir, 'data'));
    try {
      await store.db.run("INSERT INTO ledger (at, kind, qty, batch, reason) VALUES (1, 'receive', 5, ?, ?)", ['B\u001b[31m7', reason]);
    } finally {
      await store.close();
    }
    const history = await runCli(['stock', 'history', '--config', cfg]);
    expect(history.code).toBe(0);
    expect(history.stdout).not.toMatch(RAW);
    expect(history.stdout).toContain('batch B\\u001b[31m7; hitung\\u001b[2J\\u001b]0;owned\\u0007 \\u202eanalub');
    const json = await runCli(['stock', 'history', '--json', '--config', cfg]);
    expect(json.stdout).not.toMatch(RAW);
    expect((JSON.parse(json.stdout) as { reason: string }[])[0]?.reason).toBe(reason);
  });
});
