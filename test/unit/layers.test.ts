import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
// The lint configuration is plain JavaScript: loaded by path, so the type checker does not need its types.
const CONFIG = join(REPO, 'eslint.config.js');
const { LAYERS, layersPlugin } = (await import(CONFIG)) as { LAYERS: Record<string, string[]>; layersPlugin: NonNullable<Linter.Config['plugins']>[string] };

function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: REPO });
  const messages = linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { layers: layersPlugin }, rules: { 'layers/imports-downward': 'error' } }],
    { filename: join(REPO, file) },
  );
  return messages.map((m) => m.message);
}

describe('layers: imports run downwards, and lint says so', () => {
  it('refuses an upward import, naming both folders and what is allowed', () => {
    const [msg] = lint('hal/ups/nut/driver.ts', "import type { Config } from '../../../agent/config/schema.js';");
    expect(msg).toMatch(/^hal\/ must not import agent\/ .*hal\/ may import only core\/$|hal\/ may import only core\/\./);
    expect(lint('core/clock.ts', "import { HalError } from '../hal/errors.js';")[0]).toMatch(/^core\/ must not import hal\/ .*core\/ may import only nothing of the project/);
    expect(lint('telemetry/outbox.ts', "export { Store } from '../agent/store/store.js';")[0]).toMatch(/telemetry\/ must not import agent\//);
    expect(lint('telemetry/outbox.ts', "const m = await import('../platform/db.js');")[0]).toMatch(/telemetry\/ must not import platform\//);
    expect(lint('dashboard/main.ts', "import { x } from '../agent/daemon.js';")[0]).toMatch(/dashboard\/ must not import agent\//);
  });

  it('lets a folder import below it and within itself', () => {
    expect(lint('telemetry/connection.ts', "import { withTimeout } from '../hal/errors.js';\nimport { x } from './topics.js';")).toEqual([]);
    expect(lint('agent/process/daemon.ts', "import { a } from '../../telemetry/stack.js';\nimport { b } from '../../platform/db.js';\nimport { c } from '../../core/clock.js';")).toEqual([]);
    expect(lint('hal/ups/index.ts', "import { z } from 'zod';\nimport { hidUps } from './hid/config.js';")).toEqual([]);
  });

  it('only the CLI, the composition root, wires the dashboard into the agent', () => {
    expect(lint('agent/cli.ts', "import { addDashboardCommand } from '../dashboard/cli.js';")).toEqual([]);
    expect(lint('agent/cli/station-file.ts', "import { s } from '../../dashboard/section.js';")).toEqual([]);
    expect(lint('agent/config/schema.ts', "import { s } from '../../dashboard/section.js';")[0]).toMatch(/agent\/ must not import dashboard\//);
  });

  it('the table of layers has no cycle, so no two folders can come to import each other', () => {
    const done = new Set<string>();
    const visit = (folder: string, path: string[]): void => {
      expect(path, `cycle: ${[...path, folder].join(' -> ')}`).not.toContain(folder);
      if (done.has(folder)) return;
      for (const below of LAYERS[folder] ?? []) visit(below, [...path, folder]);
      done.add(folder);
    };
    for (const folder of Object.keys(LAYERS)) visit(folder, []);
    expect(done.size).toBe(Object.keys(LAYERS).length);
  });
});
