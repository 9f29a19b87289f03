/**
 * SQLite's Windows binary for the sqlite3 package. Its install fetches it from the package's
 * GitHub releases (prebuild-install), which a PC with only the npm registry cannot reach. It is
 * taken from a file given on the command line (the release's .tar.gz, or the .node in it) or
 * from prebuild-install's own cache, where a PC that ran `npm ci` on Windows, or fetched it, has
 * it; else it is missing, and the package says so.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { isWindowsX64 } from './pe.js';
import { TARGET } from './pins.js';
import { readTarGz } from './tar.js';

/** Where the binary sits in the release's archive and in the installed package. */
export const SQLITE3_BINARY = 'build/Release/node_sqlite3.node';

export interface Prebuild {
  asset: string;
  url: string;
}

/**
 * The release asset prebuild-install downloads for Windows x64, or for `target`
 * (`prebuild-install -r napi`: the highest N-API version listed).
 */
export function sqlite3Prebuild(root: string, target: { os: string; cpu: string } = TARGET): Prebuild & { version: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'node_modules/sqlite3/package.json'), 'utf8')) as { version: string; binary?: { napi_versions?: number[] }; repository?: { url?: string } };
  const napi = Math.max(...(pkg.binary?.napi_versions ?? [6]));
  const repo = (pkg.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
  const asset = `sqlite3-v${pkg.version}-napi-v${napi}-${target.os}-${target.cpu}.tar.gz`;
  return { version: pkg.version, asset, url: `${repo}/releases/download/v${pkg.version}/${asset}` };
}

/** prebuild-install's cache file for `url`, as it names it: the npm cache's _prebuilds, a digest of the URL, the file name. */
export function prebuildCacheFile(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.npm_config_cache || (env.APPDATA ? join(env.APPDATA, 'npm-cache') : join(homedir(), '.npm'));
  const digest = createHash('sha512').update(url).digest('hex').slice(0, 6);
  return join(cache, '_prebuilds', `${digest}-${url.split('/').pop()!.replace(/[^a-zA-Z0-9.]+/g, '-')}`);
}

export interface Found {
  binary: Buffer;
  source: string;
}

/** The Windows x64 binary from `file` (the release .tar.gz or a .node); throws if it is neither. */
export function readSqlite3Binary(file: string): Buffer {
  const data = readFileSync(file);
  const binary = file.endsWith('.node') ? data : readTarGz(data).find((f) => f.path.replace(/^\.\//, '') === SQLITE3_BINARY)?.data;
  if (!binary) throw new Error(`${file} has no ${SQLITE3_BINARY}`);
  if (!isWindowsX64(binary)) throw new Error(`${file}: ${SQLITE3_BINARY} is not a Windows x64 binary`);
  return binary;
}

/** The binary from the command line's file, else prebuild-install's cache; null when neither has it. */
export function findSqlite3Binary(root: string, given: string | undefined, env: NodeJS.ProcessEnv = process.env): Found | null {
  if (given) return { binary: readSqlite3Binary(given), source: given };
  const cached = prebuildCacheFile(sqlite3Prebuild(root).url, env);
  return existsSync(cached) ? { binary: readSqlite3Binary(cached), source: cached } : null;
}
