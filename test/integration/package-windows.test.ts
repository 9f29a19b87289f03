/**
 * `npm run package:windows` builds here, as a maintainer would: node.exe and
 * @napi-rs/canvas's Windows build come from the npm registry (checked against their pins), the
 * rest from this checkout. SQLite's Windows binary and WinSW cannot be fetched here: the complete
 * build is given stand-ins for them (headers of a Windows x64 program, which is all the packager
 * checks); the incomplete one is given nothing. Each full build takes about a minute on this
 * 2-core machine (about 60 MB of zip, 11,000 files).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { productionModules } from '../../scripts/windows-package/modules.js';
import { isWindowsX64 } from '../../scripts/windows-package/pe.js';
import { NODE_WIN } from '../../scripts/windows-package/pins.js';
import { Proc } from '../support/process.js';
import { REPO } from '../support/powershell.js';
import { memoryDir, tempDir } from '../support/sim.js';
import { fakeWindowsX64, readZip, tarGz } from '../support/windows-package.js';

const SCRIPT = join(REPO, 'build/scripts/package-windows.js');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const TOP = `station-agent-${VERSION}-win-x64`;
const BUILD_MS = 300_000;

async function packageWindows(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  expect(existsSync(SCRIPT), 'npm run build first').toBe(true);
  const p = new Proc(process.execPath, [SCRIPT, ...args], { cwd: REPO });
  const { code } = await p.exited;
  return { code, stdout: p.stdout, stderr: p.stderr };
}

type Files = Map<string, { data: Buffer; mode: number }>;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function distFiles(dir = join(REPO, 'dist'), prefix = 'dist'): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? distFiles(join(dir, d.name), `${prefix}/${d.name}`) : [`${prefix}/${d.name}`]));
}

/** What every package holds, complete or not: the checks a station would otherwise make for us. */
function checkLayout(files: Files): void {
  const get = (rel: string) => files.get(`${TOP}/${rel}`)?.data;
  expect([...files.keys()].filter((f) => !f.startsWith(`${TOP}/`))).toEqual([]);
  // The program as it is laid out in C:\Program Files\station-agent, and the Windows parts at its top.
  for (const rel of ['install.ps1', 'uninstall.ps1', 'station-agent.cmd', 'station-agent-service.xml', 'node/node.exe', 'node/README.txt', 'package.json', 'PACKAGE.json', 'README.md', 'deploy/windows/printer-helper.ps1', 'deploy/windows/install-common.ps1', 'deploy/windows/agent.example.yaml', 'docs/windows.md', 'agent/operator/web/index.html', 'telemetry/schemas/station.health.1.json']) {
    expect(get(rel), rel).toBeDefined();
  }
  expect(get('install.ps1')?.toString()).toBe(readFileSync(join(REPO, 'deploy/windows/install.ps1'), 'utf8'));
  for (const rel of distFiles()) expect(get(rel)?.equals(readFileSync(join(REPO, rel))), rel).toBe(true);
  // Node.js: the pinned one, of the line we build and test on.
  expect(sha256(get('node/node.exe')!)).toBe(NODE_WIN.exeSha256);
  expect(NODE_WIN.version.split('.')[0]).toBe(process.versions.node.split('.')[0]);
  const manifest = JSON.parse(get('PACKAGE.json')!.toString()) as { agent: string; node: { version: string; integrity: string; sha256: string } };
  expect(manifest).toMatchObject({ agent: VERSION, node: { version: NODE_WIN.version, integrity: NODE_WIN.integrity, sha256: NODE_WIN.exeSha256 } });
  // The service runs the package's Node, with the flags of the source's XML.
  const xml = get('station-agent-service.xml')!.toString();
  expect(xml).toContain('<executable>%BASE%\\node\\node.exe</executable>');
  expect(xml).toContain(/<arguments>.*<\/arguments>/.exec(readFileSync(join(REPO, 'deploy/windows/station-agent-service.xml'), 'utf8'))![0]);
  // Every production module of the lock, at its version.
  for (const m of productionModules(REPO)) {
    const pkg = get(`${m.path}/package.json`);
    expect(pkg, m.path).toBeDefined();
    expect((JSON.parse(pkg!.toString()) as { version: string }).version, m.path).toBe(m.version);
  }
  // Every package the bundle loads by name is there (the rest is inside the bundle).
  const bare = new Set<string>();
  for (const rel of distFiles().filter((f) => f.endsWith('.js'))) {
    for (const m of readFileSync(join(REPO, rel), 'utf8').matchAll(/require\(["']([^"'./][^"']*)["']\)/g)) {
      const spec = m[1]!;
      if (isBuiltin(spec)) continue;
      bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
    }
  }
  expect(bare.size).toBeGreaterThan(3);
  for (const name of bare) expect(get(`node_modules/${name}/package.json`), name).toBeDefined();
  // Native code: Windows x64 only. No Linux binary, no other platform's package or prebuild.
  const elf = [...files].filter(([, f]) => f.data.subarray(0, 4).toString('latin1') === '\x7fELF').map(([n]) => n);
  expect(elf).toEqual([]);
  for (const [name, f] of files) if (/\.(node|exe|dll)$/.test(name)) expect(isWindowsX64(f.data), name).toBe(true);
  expect(get('node_modules/@napi-rs/canvas-win32-x64-msvc/skia.win32-x64-msvc.node')).toBeDefined();
  expect(get('node_modules/node-hid/prebuilds/HID-win32-x64/node-napi-v4.node')).toBeDefined();
  expect([...files.keys()].filter((f) => /canvas-(linux|darwin|android)|prebuilds\/[^/]*(linux|darwin)/.test(f))).toEqual([]);
  // Windows' 260-character path limit, in the folder install.ps1 copies to before the swap.
  const longest = Math.max(...[...files.keys()].map((f) => `C:\\Program Files\\station-agent.new\\${f.slice(TOP.length + 1)}`.length));
  expect(longest).toBeLessThan(260);
}

/** Each build's folder: about 60 MB of zip, removed after its test; in memory, where its 11,000 files are staged and removed. */
const made: string[] = [];
function outDir(): string {
  const dir = memoryDir('package-windows-');
  made.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm run package:windows', () => {
  it('without SQLite\'s Windows binary and WinSW: names each, where it comes from and how to give it, exits 1, makes no zip', async () => {
    const out = outDir();
    const r = await packageWindows(['--out', out, '--npm-cache', tempDir()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no package made: 2 part(s) could not be had on this PC');
    expect(r.stderr).toMatch(/1\. SQLite's Windows binary for sqlite3 \S+ \(sqlite3-v\S+-napi-v6-win32-x64\.tar\.gz/);
    expect(r.stderr).toContain('https://github.com/TryGhost/node-sqlite3/releases/download/');
    expect(r.stderr).toContain('--sqlite3 PATH-TO/');
    expect(r.stderr).toContain('2. WinSW 2.12.0 (WinSW-x64.exe)');
    expect(r.stderr).toContain('https://github.com/winsw/winsw/releases/download/v2.12.0/WinSW-x64.exe');
    expect(r.stderr).toContain('--winsw PATH-TO/WinSW-x64.exe');
    expect(r.stderr).toContain('--allow-missing');
    expect(readdirSync(out)).toEqual([]);
  });

  it('given both: a complete zip, with their bytes where the station loads them and no MISSING.txt', async () => {
    const out = outDir();
    const inputs = tempDir();
    const sqlite = fakeWindowsX64('stand-in for node_sqlite3.node');
    writeFileSync(join(inputs, 'sqlite3-win32-x64.tar.gz'), tarGz({ 'build/Release/node_sqlite3.node': sqlite }));
    writeFileSync(join(inputs, 'WinSW-x64.exe'), fakeWindowsX64('stand-in for WinSW'));
    const r = await packageWindows(['--out', out, '--sqlite3', join(inputs, 'sqlite3-win32-x64.tar.gz'), '--winsw', join(inputs, 'WinSW-x64.exe')]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out)).toEqual([`${TOP}.zip`]);
    const files = await readZip(join(out, `${TOP}.zip`));
    checkLayout(files);
    expect(files.get(`${TOP}/node_modules/sqlite3/build/Release/node_sqlite3.node`)?.data.equals(sqlite)).toBe(true);
    expect(files.get(`${TOP}/station-agent-service.exe`)?.data.toString()).toContain('stand-in for WinSW');
    expect(files.has(`${TOP}/MISSING.txt`)).toBe(false);
    expect(JSON.parse(files.get(`${TOP}/PACKAGE.json`)!.data.toString())).toMatchObject({ missing: [], winsw: { version: '2.12.0' }, sqlite3Binary: { sha256: sha256(sqlite) } });
    // Nothing of sqlite3's Linux build (its objects, its sources) came along.
    expect([...files.keys()].filter((f) => f.includes('/node_modules/sqlite3/') && /\/(deps|src|build\/Release\/obj)/.test(f))).toEqual([]);
  }, BUILD_MS);

  it('with --allow-missing: ...-INCOMPLETE.zip, with MISSING.txt naming exactly what was not given, and everything else in place', async () => {
    const out = outDir();
    const r = await packageWindows(['--out', out, '--npm-cache', tempDir(), '--allow-missing']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('INCOMPLETE');
    expect(readdirSync(out)).toEqual([`${TOP}-INCOMPLETE.zip`]);
    const files = await readZip(join(out, `${TOP}-INCOMPLETE.zip`));
    checkLayout(files);
    const missing = files.get(`${TOP}/MISSING.txt`)?.data.toString() ?? '';
    expect(missing).toMatch(/^THIS PACKAGE IS INCOMPLETE: install\.ps1 refuses it\./);
    expect([...missing.matchAll(/^\d+\. (.*)$/gm)].map((m) => m[1])).toEqual([expect.stringMatching(/^SQLite's Windows binary for sqlite3/), expect.stringMatching(/^WinSW 2\.12\.0/)]);
    expect(JSON.parse(files.get(`${TOP}/PACKAGE.json`)!.data.toString())).toMatchObject({ winsw: null, sqlite3Binary: null });
    // What it names is what is absent, and nothing else is.
    expect(files.has(`${TOP}/node_modules/sqlite3/build/Release/node_sqlite3.node`)).toBe(false);
    expect(files.has(`${TOP}/station-agent-service.exe`)).toBe(false);
    // install.ps1 refuses a package with MISSING.txt before it changes anything.
    expect(readFileSync(join(REPO, 'deploy/windows/install.ps1'), 'utf8')).toMatch(/if \(Test-Path -LiteralPath \(Join-Path \$Pkg 'MISSING\.txt'\)\) \{\n\s+Stop-Install/);
  }, BUILD_MS);
});
