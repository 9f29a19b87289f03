import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Whether `file` is this package's package.json (not a dependency's, nor dist/bin's "type" file). */
function isOurs(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'station-agent';
  } catch {
    return false;
  }
}

/**
 * The folder of this package: the nearest folder at or above `from` whose package.json is
 * station-agent's. What ships beside the code (the pages, the JSON Schemas, the Windows printer
 * helper, package.json itself) is at the same path under it in the checkout and in every
 * installation: one layout, the program bundled in dist/bin/ (its modules in dist/bin/chunks/)
 * and those folders as they are in the source (package.json "files" lists them). Null when no
 * folder above has it: the program was copied out of its package.
 */
export function packageRoot(from: string): string | null {
  for (let dir = from; ; ) {
    if (isOurs(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
