/**
 * .ci/run keeps the sqlite3 build of this machine in prebuild-install's cache, so that the next
 * `npm ci` here unpacks it rather than compiling SQLite. What is checked: the archive is named as
 * prebuild-install names the release it would download for this platform, and looked for in its
 * cache, and it holds the installed binary at the release's path, and nothing else.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlite3Prebuild } from '../../scripts/windows-package/sqlite3.js';
import { readTarGz } from '../../scripts/windows-package/tar.js';
import { REPO } from '../support/powershell.js';
import { tempDir } from '../support/sim.js';

const SCRIPT = join(REPO, 'build/scripts/keep-sqlite3-build.js');
const requireFromSqlite3 = createRequire(join(REPO, 'node_modules/sqlite3/package.json'));
const util = requireFromSqlite3('prebuild-install/util') as { getDownloadUrl: (o: object) => string; cachedPrebuild: (url: string) => string };

describe("the sqlite3 build kept in prebuild-install's cache", () => {
  it("is this platform's release asset, at the place prebuild-install looks, holding the installed binary", () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'node_modules/sqlite3/package.json'), 'utf8')) as { name: string; version: string; binary: object };
    const url = sqlite3Prebuild(REPO, { os: platform(), cpu: arch() }).url;
    // prebuild-install -r napi on glibc Linux: N-API 6, no libc suffix, tags named v<version> (its default).
    expect(url).toBe(util.getDownloadUrl({ pkg, runtime: 'napi', abi: '6', platform: platform(), arch: arch(), libc: '', 'tag-prefix': 'v' }));

    const cache = tempDir('prebuild-cache-');
    const env = { ...process.env, npm_config_cache: cache };
    const first = execFileSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' });
    process.env.npm_config_cache = cache;
    const file = util.cachedPrebuild(url);
    delete process.env.npm_config_cache;
    expect(first).toBe(`keep-sqlite3-build: kept ${join(REPO, 'node_modules/sqlite3/build/Release/node_sqlite3.node')} as ${file}\n`);
    const files = readTarGz(readFileSync(file));
    expect(files.map((f) => f.path)).toEqual(['build/Release/node_sqlite3.node']);
    expect(files[0]?.data.equals(readFileSync(join(REPO, 'node_modules/sqlite3/build/Release/node_sqlite3.node')))).toBe(true);
    expect(readdirSync(join(cache, '_prebuilds'))).toEqual([file.split('/').pop()]);

    // Once kept, left as it is.
    expect(execFileSync(process.execPath, [SCRIPT], { env, encoding: 'utf8' })).toBe(`keep-sqlite3-build: already kept: ${file}\n`);
  });
});
