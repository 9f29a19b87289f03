import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/agent.js';

const REPO = join(import.meta.dirname, '../..');
/** Every document that tells a person what to type, with the fewest commands each must have (a parser that finds none fails). */
const DOCS: Record<string, number> = {
  'README.md': 15,
  'docs/technician.md': 10,
  'docs/technician.id.md': 10,
  'docs/operations.md': 2,
  'docs/windows.md': 1,
  'docs/printers.md': 1,
};
const GROUPS = new Set(['jobs', 'stock', 'supply', 'ups', 'printer', 'office', 'dashboard']);

/** The lines inside fenced code blocks, fences indented in a list item included. */
function codeLines(text: string): string[] {
  const lines: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) inside = !inside;
    else if (inside) lines.push(line);
  }
  return lines;
}

/** Inline code spans in the prose and tables (`station-agent status [--json]`). */
function inlineSpans(text: string): string[] {
  const prose = text.replace(/^\s*```[\s\S]*?^\s*```/gm, '');
  return [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] ?? '').replace(/\\\|/g, ' ').replace(/[[\]]/g, ' '));
}

const PROGRAM = /^(?:sudo |npx )?station-agent\s+/;

/** Every `station-agent ...` command a document shows, one per command of a `&&`, `||` or `;` chain, as its text after the program name. */
function documentedCommands(text: string): string[] {
  return [...codeLines(text), ...inlineSpans(text)]
    .map((l) => l.replace(/\s#.*$/, '').replace(/\s\|\s.*$/, '').trim())
    .flatMap((l) => l.split(/\s*(?:&&|\|\||;)\s*/))
    .filter((l) => PROGRAM.test(l))
    .map((l) => l.replace(PROGRAM, ''));
}

/** An option named in help text as a whole word: --printed is not found inside --not-printed. */
function namesOption(help: string, option: string): boolean {
  return new RegExp(`(?<![\\w-])${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`).test(help);
}

/**
 * Each command's --help, asked once for every document, four at a time: all at once (60 or more
 * processes per document) held a loaded machine past the test's time.
 */
const helps = new Map<string, Promise<Awaited<ReturnType<typeof runCli>>>>();
let running = 0;
const waiting: (() => void)[] = [];
async function helpOf(path: string): ReturnType<typeof runCli> {
  let help = helps.get(path);
  if (!help) {
    help = (async () => {
      while (running >= 4) await new Promise<void>((r) => waiting.push(r));
      running += 1;
      try {
        return await runCli([...path.split(' '), '--help']);
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    })();
    helps.set(path, help);
  }
  return help;
}

describe('the documents name only commands and options the CLI has', () => {
  it('options are matched as whole words', () => {
    expect(namesOption('  --not-printed   the card did not come out', '--printed')).toBe(false);
    expect(namesOption('  --printed       the card came out\n  --not-printed', '--printed')).toBe(true);
    expect(namesOption('  -c, --config <file>', '--config')).toBe(true);
    expect(namesOption('  --json-lines', '--json')).toBe(false);
  });

  it('nothing is chained after diagnose with &&: it exits 1 or 2 on a fresh station (no database yet, agent not running), so what follows would never run', () => {
    for (const doc of Object.keys(DOCS)) {
      const text = readFileSync(join(REPO, doc), 'utf8');
      const chained = [...codeLines(text), ...inlineSpans(text)].filter((l) => /station-agent\s+diagnose\b[^#]*&&/.test(l));
      expect(chained, `${doc}: put the command after diagnose on a line of its own (see docs/technician.md section 2)`).toEqual([]);
    }
  });

  for (const [doc, least] of Object.entries(DOCS)) {
    it(doc, async () => {
      const commands = documentedCommands(readFileSync(join(REPO, doc), 'utf8'));
      expect(commands.length, `commands found in ${doc}`).toBeGreaterThanOrEqual(least);
      const paths = new Map<string, Set<string>>();
      for (const command of commands) {
        const argv = command.split(/\s+/);
        // A group's subcommand is its second word (`dashboard` also runs on its own: `dashboard --config F`).
        const path = GROUPS.has(argv[0] ?? '') && argv[1] !== undefined && !argv[1].startsWith('-') ? argv.slice(0, 2) : argv.slice(0, 1);
        const key = path.join(' ');
        const opts = paths.get(key) ?? new Set<string>();
        for (const o of command.match(/(?<![\w-])--[a-z][\w-]*/g) ?? []) opts.add(o);
        paths.set(key, opts);
      }
      await Promise.all(
        [...paths].map(async ([path, opts]) => {
          const help = await helpOf(path);
          expect(help.code, `${doc}: station-agent ${path} --help`).toBe(0);
          // The help of the command itself, not of its parent (an unknown subcommand shows the parent's).
          expect(help.stdout, `${doc} names "station-agent ${path}", which the CLI does not have`).toContain(`Usage: station-agent ${path} `);
          for (const o of opts) expect(namesOption(help.stdout, o), `${doc} names "station-agent ${path} ${o}", an option that command does not have`).toBe(true);
        }),
      );
    }, 120_000);
  }
});
