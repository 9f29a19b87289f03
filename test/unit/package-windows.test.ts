/**
 * The Windows package's parts that need no build (the package itself is built in
 * test/integration/package-windows.test.ts): which modules go in, what is left out of them, and
 * where SQLite's Windows binary is looked for.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leftOut, productionModules } from '../../scripts/windows-package/modules.js';
import { isWindowsX64 } from '../../scripts/windows-package/pe.js';
import { findSqlite3Binary, prebuildCacheFile, sqlite3Prebuild } from '../../scripts/windows-package/sqlite3.js';
import { readTarGz } from '../../scripts/windows-package/tar.js';
import { REPO } from '../support/powershell.js';
import { tempDir } from '../support/sim.js';
import { fakeWindowsX64, tarGz } from '../support/windows-package.js';

describe('the production modules for Windows x64, from package-lock.json', () => {
  const modules = productionModules(REPO);
  const byName = new Map(modules.map((m) => [m.name, m]));

  it("are the lock's production packages: the runtime ones in, the development ones out", () => {
    for (const name of ['sqlite3', 'mqtt', 'pino', '@napi-rs/canvas', 'node-hid', 'systeminformation']) expect(byName.has(name), name).toBe(true);
    for (const name of ['vitest', 'typescript', 'web-tree-sitter', 'tree-sitter-powershell', 'yazl', 'rolldown']) expect(byName.has(name), name).toBe(false);
  });

  it("take @napi-rs/canvas's Windows build, fetched from the registry at the lock's version and integrity, and no other platform's", () => {
    const win = byName.get('@napi-rs/canvas-win32-x64-msvc');
    expect(win).toMatchObject({ from: 'registry', version: byName.get('@napi-rs/canvas')?.version });
    expect(win?.integrity).toMatch(/^sha512-/);
    expect(modules.filter((m) => m.name.startsWith('@napi-rs/canvas-') && m.name !== '@napi-rs/canvas-win32-x64-msvc')).toEqual([]);
  });

  it("leave out other platforms' prebuilt binaries, sqlite3's own build and sources, and nested node_modules (copied as their own entries)", () => {
    expect(leftOut('node-hid', 'prebuilds/HID-win32-x64/node-napi-v4.node')).toBe(false);
    expect(leftOut('node-hid', 'prebuilds/HID_hidraw-linux-x64/node-napi-v4.node')).toBe(true);
    expect(leftOut('node-hid', 'prebuilds/HID-win32-ia32/node-napi-v4.node')).toBe(true);
    expect(leftOut('node-hid', 'prebuilds')).toBe(false);
    expect(leftOut('sqlite3', 'build/Release/node_sqlite3.node')).toBe(true);
    expect(leftOut('sqlite3', 'deps/sqlite-autoconf.tar.gz')).toBe(true);
    expect(leftOut('sqlite3', 'lib/sqlite3.js')).toBe(false);
    expect(leftOut('mqtt', 'node_modules/lru-cache/package.json')).toBe(true);
    expect(leftOut('mqtt', 'build/index.js')).toBe(false);
  });
});

describe("SQLite's Windows binary", () => {
  it('is the release asset prebuild-install would download for Windows x64 (N-API, the highest version sqlite3 lists)', () => {
    const p = sqlite3Prebuild(REPO);
    expect(p.asset).toBe(`sqlite3-v${p.version}-napi-v6-win32-x64.tar.gz`);
    expect(p.url).toBe(`https://github.com/TryGhost/node-sqlite3/releases/download/v${p.version}/${p.asset}`);
  });

  it("is looked for in prebuild-install's cache under the very name prebuild-install gives it", () => {
    const util = createRequire(join(REPO, 'node_modules/sqlite3/package.json'))('prebuild-install/util') as { cachedPrebuild: (url: string) => string };
    const { url } = sqlite3Prebuild(REPO);
    const cache = tempDir();
    const saved = process.env.npm_config_cache;
    process.env.npm_config_cache = cache;
    try {
      expect(prebuildCacheFile(url)).toBe(util.cachedPrebuild(url));
    } finally {
      if (saved === undefined) delete process.env.npm_config_cache;
      else process.env.npm_config_cache = saved;
    }
  });

  it('is found there, or in a file given; a Linux binary is refused', () => {
    const cache = tempDir();
    const env = { npm_config_cache: cache };
    expect(findSqlite3Binary(REPO, undefined, env)).toBeNull();
    const file = prebuildCacheFile(sqlite3Prebuild(REPO).url, env);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, tarGz({ 'build/Release/node_sqlite3.node': fakeWindowsX64('sqlite3 for Windows') }));
    const found = findSqlite3Binary(REPO, undefined, env);
    expect(found?.source).toBe(file);
    expect(found?.binary.toString('latin1')).toContain('sqlite3 for Windows');
    const linux = join(tempDir(), 'linux.tar.gz');
    writeFileSync(linux, tarGz({ 'build/Release/node_sqlite3.node': Buffer.from('\x7fELF linux binary') }));
    expect(() => findSqlite3Binary(REPO, linux, env)).toThrow(/not a Windows x64 binary/);
  });
});

describe('reading what the packager is handed', () => {
  it("reads a .tar.gz: names and bytes (npm's own tarballs are read in the package's build)", () => {
    const files = readTarGz(tarGz({ 'package/a.txt': Buffer.from('one'), 'package/b/c.txt': Buffer.from('two') }));
    expect(files.map((f) => [f.path, f.data.toString()])).toEqual([
      ['package/a.txt', 'one'],
      ['package/b/c.txt', 'two'],
    ]);
  });

  it('tells a Windows x64 binary from others', () => {
    expect(isWindowsX64(fakeWindowsX64(''))).toBe(true);
    const x86 = fakeWindowsX64('');
    x86.writeUInt16LE(0x14c, 0x84);
    expect(isWindowsX64(x86)).toBe(false);
    expect(isWindowsX64(Buffer.from('\x7fELF'.padEnd(512, '\0')))).toBe(false);
  });
});
