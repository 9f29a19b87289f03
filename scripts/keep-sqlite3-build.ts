/**
 * Keeps this machine's build of SQLite for the sqlite3 package where prebuild-install looks
 * before it downloads: its cache, under the name of the release's archive for this platform.
 * sqlite3's install downloads that archive from GitHub, which a machine with only the npm
 * registry cannot reach, so `npm ci` compiles SQLite there (about two minutes on two cores).
 * With the archive in the cache, the next `npm ci` on this machine unpacks it instead.
 *
 * Run by .ci/run after `npm ci`. Does nothing when the cache has the archive already, or when
 * node_modules holds no sqlite3 build. The archive holds the one file the release's does
 * (build/Release/node_sqlite3.node), at the version, N-API level and platform in its name, so a
 * new sqlite3 version is built once and kept under its own name.
 *
 *   node build/scripts/keep-sqlite3-build.js          keep it if it is not kept yet
 *   node build/scripts/keep-sqlite3-build.js --help   this text
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { prebuildCacheFile, SQLITE3_BINARY, sqlite3Prebuild } from './windows-package/sqlite3.js';

const ROOT = join(import.meta.dirname, '../..');
const say = (text: string): void => {
  process.stdout.write(`keep-sqlite3-build: ${text}\n`);
};

function main(): void {
  if (process.argv.includes('--help')) {
    say("keeps this machine's sqlite3 build in prebuild-install's cache, so that the next npm ci unpacks it rather than compiling SQLite");
    return;
  }
  const module = join(ROOT, 'node_modules/sqlite3');
  const binary = join(module, SQLITE3_BINARY);
  const file = prebuildCacheFile(sqlite3Prebuild(ROOT, { os: platform(), cpu: arch() }).url);
  if (existsSync(file)) return say(`already kept: ${file}`);
  if (!existsSync(binary)) return say(`no build to keep: ${binary} is missing`);
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed: an archive cut short by a stop is never taken for a whole one.
  const part = `${file}.part`;
  execFileSync('tar', ['-czf', part, '-C', module, SQLITE3_BINARY]);
  renameSync(part, file);
  say(`kept ${binary} as ${file}`);
}

main();
