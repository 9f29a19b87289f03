/**
 * Packages from the npm registry, through npm itself (its registry settings and its cache: a
 * second build fetches nothing), each checked against the integrity pinned for it.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An integrity string as npm writes it: "sha512-<base64>". */
export function integrityOf(data: Buffer, algorithm = 'sha512'): string {
  return `${algorithm}-${createHash(algorithm).update(data).digest('base64')}`;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The tarball of `name@version`, whose integrity must be `integrity`; throws saying which otherwise. */
export function fetchTarball(name: string, version: string, integrity: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'package-windows-'));
  try {
    const r = spawnSync('npm', ['pack', `${name}@${version}`, '--pack-destination', dir, '--json', '--silent'], {
      encoding: 'utf8',
      shell: process.platform === 'win32',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`npm pack ${name}@${version} failed (exit ${String(r.status)}): ${(r.stderr || r.error?.message || '').trim()}`);
    const [packed] = JSON.parse(r.stdout) as { filename: string }[];
    if (!packed) throw new Error(`npm pack ${name}@${version} named no file`);
    const data = readFileSync(join(dir, packed.filename));
    const got = integrityOf(data, integrity.split('-')[0]);
    if (got !== integrity) throw new Error(`${name}@${version}: the tarball's integrity is ${got}, not the pinned ${integrity}: not used`);
    return data;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
