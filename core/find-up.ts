import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The first `<folder>/<relative>` that exists, looking in `from` and then in each folder above it:
 * how the program finds what ships beside its code (web pages, JSON Schemas, the Windows helper,
 * package.json) whether it runs from the source tree (agent/operator/), from tsc's output
 * (dist/agent/operator/) or from the bundle (dist/bin/chunks/), where every module shares one folder.
 * `accept` narrows what counts (a package.json of this package, not any). Null when none is found.
 */
export function findUp(relative: string, from: string, accept: (path: string) => boolean = existsSync): string | null {
  let dir = from;
  for (;;) {
    const candidate = join(dir, relative);
    if (accept(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
