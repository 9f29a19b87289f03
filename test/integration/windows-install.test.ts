/**
 * deploy/windows/install.ps1 decides from the agent's own commands: the versions from
 * `station-agent --version`, the database from `store init`'s exit code, whether to start from
 * `diagnose --json`. It cannot run here; what it reads of the agent can, so a change to one of
 * those answers fails here rather than on a station. The script itself is parsed in
 * test/unit/powershell.test.ts.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../agent/config/load.js';
import { runCli, testConfig } from '../support/agent.js';
import { parsePowershell, REPO } from '../support/powershell.js';
import { tempDir } from '../support/sim.js';

const WINDOWS = join(REPO, 'deploy/windows');
const install = readFileSync(join(WINDOWS, 'install.ps1'), 'utf8');
const common = readFileSync(join(WINDOWS, 'install-common.ps1'), 'utf8');

/** The exit codes a `switch ($r.Code)` of install.ps1 handles, in the order written, after the line naming `command`. */
async function handledCodes(command: string): Promise<string[]> {
  const tree = await parsePowershell(install);
  const after = install.indexOf(command);
  const sw = tree.rootNode.descendantsOfType('switch_statement').find((s) => s !== null && s.startIndex > after && s.text.startsWith('switch ($r.Code)'));
  const codes = (sw?.descendantsOfType('switch_clause_condition') ?? []).map((c) => c?.text ?? '');
  tree.delete();
  return codes;
}

function stationFile(dir: string): string {
  const file = join(dir, 'agent.yaml');
  writeFileSync(file, stringify(testConfig('mqtt://127.0.0.1:9', { dataDir: join(dir, 'data') })));
  return file;
}

describe('what install.ps1 reads of the agent', () => {
  it('--version prints the package version alone, in the form the script accepts', async () => {
    const form = /-match '(\^\\d[^']*)'/.exec(common)?.[1];
    expect(form).toBeDefined();
    const { code, stdout } = await runCli(['--version']);
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    expect(code).toBe(0);
    expect(stdout).toBe(`${version}\n`);
    expect(stdout.trim()).toMatch(new RegExp(form!));
    // A version with a pre-release part is accepted too, and a word is not.
    expect('1.2.0-rc.1').toMatch(new RegExp(form!));
    expect('station-agent 1.2.0').not.toMatch(new RegExp(form!));
  });

  it('store init answers 0 made, 1 already there, 64 kept before and lost, 78 a wrong configuration: the codes the script handles', async () => {
    expect(await handledCodes("@('store', 'init'")).toEqual(['0', '1', '64', '78', 'default']);
    const dir = tempDir();
    const config = stationFile(dir);
    const made = await runCli(['store', 'init', '--config', config, '--lang', 'en']);
    expect(made.code, made.stderr).toBe(0);
    expect((await runCli(['store', 'init', '--config', config])).code).toBe(1);
    rmSync(join(dir, 'data', 'station.db'));
    const lost = await runCli(['store', 'init', '--config', config, '--lang', 'id']);
    expect(lost.code).toBe(64);
    expect(lost.stderr).toContain('Pulihkan station.db dari cadangan');
    writeFileSync(config, 'station: { id: "a/b" }\n');
    expect((await runCli(['store', 'init', '--config', config])).code).toBe(78);
  });

  it('diagnose --json exits 0, 1 or 2 with {status, checks: [{status, title, hint}]} in the language asked, as the script reads it', async () => {
    expect(install).toContain("$r.Code -notin @(0, 1, 2)");
    expect(install).toMatch(/Where-Object \{ \$_\.status -eq 'fail' \}/);
    const dir = tempDir();
    const config = stationFile(dir);
    mkdirSync(join(dir, 'data'), { recursive: true });
    const { code, stdout } = await runCli(['diagnose', '--json', '--config', config, '--lang', 'id']);
    expect([0, 1, 2]).toContain(code);
    const report = JSON.parse(stdout) as { status: string; checks: { status: string; title: unknown; hint: unknown }[] };
    // The broker at port 9 does not answer: a failure the script would list with its hint.
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(report.status).toBe('fail');
    expect(code).toBe(2);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) {
      expect(typeof c.title).toBe('string');
      expect(typeof c.hint).toBe('string');
    }
    expect(report.checks.find((c) => c.status === 'pass' && typeof c.title === 'string' && c.title.startsWith('Konfigurasi'))).toBeDefined();
  });

  it('the starter configuration the script writes is a valid one for a Windows station', () => {
    const config = loadConfig(join(WINDOWS, 'agent.example.yaml'));
    expect(config.printer).toMatchObject({ driver: 'windows', windows: { name: 'FARGO HDP5000', dpi: 300 } });
    expect(config.ups).toMatchObject({ driver: 'nut', host: '127.0.0.1' });
    const raw = readFileSync(join(WINDOWS, 'agent.example.yaml'), 'utf8');
    expect(raw).toContain("dataDir: 'C:\\ProgramData\\station-agent\\data'");
    expect(install).toContain("'deploy\\windows\\agent.example.yaml'");
  });
});
