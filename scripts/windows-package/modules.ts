/**
 * The production packages for a Windows x64 station, as package-lock.json pins them: every
 * package that is not a development one and whose "os" and "cpu" admit win32 and x64. A package
 * installed here (the same version) is copied from node_modules; one only Windows installs
 * (@napi-rs/canvas-win32-x64-msvc) is fetched from the registry and checked against the lock's
 * integrity. What only this PC's build made is left out: other platforms' prebuilt binaries and
 * the sqlite3 module's Linux build, whose Windows binary comes apart (sqlite3.ts).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fetchTarball } from './npm.js';
import { TARGET } from './pins.js';
import { readTarGz } from './tar.js';

interface LockEntry {
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  os?: string[];
  cpu?: string[];
}

export interface Module {
  /** Its folder, as in the lock: node_modules/a, node_modules/a/node_modules/b. */
  path: string;
  name: string;
  version: string;
  integrity: string | null;
  /** Copied from this checkout's node_modules, or fetched from the registry. */
  from: 'checkout' | 'registry';
}

/** Whether npm's list ("os": ["win32"], ["!win32"]) admits `value`; no list admits everything. */
function admits(list: string[] | undefined, value: string): boolean {
  if (!list || list.length === 0) return true;
  if (list.includes(`!${value}`)) return false;
  const wanted = list.filter((v) => !v.startsWith('!'));
  return wanted.length === 0 || wanted.includes(value);
}

function installedVersion(root: string, path: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The production packages of the lock in `root` for Windows x64, in the lock's order. */
export function productionModules(root: string): Module[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
  return Object.entries(lock.packages)
    .filter(([path, e]) => path.startsWith('node_modules/') && !e.dev && !e.link && admits(e.os, TARGET.os) && admits(e.cpu, TARGET.cpu))
    .map(([path, e]) => {
      const version = e.version ?? '';
      const here = installedVersion(root, path) === version;
      return { path, name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), version, integrity: e.integrity ?? null, from: here ? 'checkout' : 'registry' };
    });
}

/**
 * Left out of a copied package: its own node_modules (each nested package is copied as its own
 * entry), a prebuilds folder for another platform, and sqlite3's build of this PC with the
 * sources it was built from.
 */
export function leftOut(name: string, inPackage: string): boolean {
  const parts = inPackage.split(/[\\/]/);
  if (parts[0] === 'node_modules') return true;
  const prebuilds = parts.indexOf('prebuilds');
  if (prebuilds !== -1 && parts.length > prebuilds + 1 && !parts[prebuilds + 1]!.endsWith(TARGET.tag)) return true;
  if (name === 'sqlite3' && ['build', 'deps', 'src', 'binding.gyp'].includes(parts[0] ?? '')) return true;
  return false;
}

/** Copies (or fetches) every module into `dest`/node_modules/...; returns the modules written. */
export function writeModules(root: string, modules: Module[], dest: string): void {
  for (const m of modules) {
    const to = join(dest, m.path);
    if (m.from === 'checkout') {
      const from = join(root, m.path);
      cpSync(from, to, {
        recursive: true,
        filter: (src) => src === from || !leftOut(m.name, relative(from, src).split(sep).join('/')),
      });
      continue;
    }
    if (!m.integrity) throw new Error(`${m.path}: not installed here and the lock gives no integrity to check a download against`);
    for (const f of readTarGz(fetchTarball(m.name, m.version, m.integrity))) {
      const inPackage = f.path.replace(/^[^/]+\//, '');
      if (leftOut(m.name, inPackage)) continue;
      mkdirSync(dirname(join(to, inPackage)), { recursive: true });
      writeFileSync(join(to, inPackage), f.data, { mode: f.mode & 0o777 });
    }
  }
}

/** Whether `dest` holds every module's package.json (a copy that lost one fails here, not on a station). */
export function missingModules(modules: Module[], dest: string): string[] {
  return modules.filter((m) => !existsSync(join(dest, m.path, 'package.json'))).map((m) => `${m.name}@${m.version}`);
}
