import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/agent.js';

const DOCS = ['docs/technician.md', 'docs/technician.id.md'].map((f) => join(import.meta.dirname, '../..', f));
const GROUPS = new Set(['jobs', 'stock', 'ups']);

/** Every `station-agent ...` command line in the docs' shell blocks, as argv after the program name. */
function documentedCommands(file: string): string[][] {
  const text = readFileSync(file, 'utf8');
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks
    .flatMap((b) => b.split('\n'))
    .map((l) => l.replace(/#.*$/, '').replace(/\|.*$/, '').trim())
    .filter((l) => /^(sudo )?station-agent /.test(l))
    .map((l) => l.replace(/^sudo /, '').split(/\s+/).slice(1));
}

describe('the technician guides name only commands and options the CLI has', () => {
  for (const file of DOCS) {
    it(file.split('/').slice(-2).join('/'), async () => {
      const commands = documentedCommands(file);
      expect(commands.length).toBeGreaterThan(10);
      const paths = new Map<string, Set<string>>();
      for (const argv of commands) {
        const path = GROUPS.has(argv[0] ?? '') ? argv.slice(0, 2) : argv.slice(0, 1);
        const key = path.join(' ');
        const opts = paths.get(key) ?? new Set<string>();
        for (const a of argv) if (a.startsWith('--')) opts.add(a.split('=')[0] ?? a);
        paths.set(key, opts);
      }
      await Promise.all(
        [...paths].map(async ([path, opts]) => {
          const help = await runCli([...path.split(' '), '--help']);
          expect(help.code, `${path} --help`).toBe(0);
          // The help of the command itself, not of its parent (an unknown subcommand shows the parent's).
          expect(help.stdout, path).toContain(`Usage: station-agent ${path} `);
          for (const o of opts) expect(help.stdout, `${path} ${o}`).toContain(o);
        }),
      );
    }, 30_000);
  }
});
