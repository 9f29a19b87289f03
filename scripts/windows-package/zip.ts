/**
 * The zip: every file under the package's folder, in name order, with one fixed time
 * (SOURCE_DATE_EPOCH where the build gives one), so that the same inputs make the same zip.
 * yazl writes it: a small, widely used zip writer (vsce builds VS Code's extension packages
 * with it), whose zips Windows' own Expand-Archive and Explorer open.
 */
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ZipFile } from 'yazl';

/** Every file under `dir`, relative, with forward slashes, in name order. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const rel = prefix ? `${prefix}/${name}` : name;
      return statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), rel) : [rel];
    });
}

export function buildTime(env: NodeJS.ProcessEnv = process.env): Date {
  const epoch = Number(env.SOURCE_DATE_EPOCH);
  // 2000-01-01: zip's times start in 1980, and a fixed time beats the time of the build.
  return new Date(Number.isFinite(epoch) && epoch > 315532800 ? epoch * 1000 : Date.UTC(2000, 0, 1));
}

/** Writes `dir` as `zipFile`, its files under `top/`; returns how many files went in. */
export async function writeZip(dir: string, top: string, zipFile: string, mtime: Date): Promise<number> {
  const zip = new ZipFile();
  const files = filesUnder(dir);
  for (const rel of files) {
    const executable = (statSync(join(dir, rel)).mode & 0o111) !== 0;
    zip.addFile(join(dir, rel), `${top}/${rel}`, { mtime, mode: executable ? 0o100755 : 0o100644 });
  }
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(zipFile));
  return files.length;
}
