import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../core/package-root.js';

/** The package version, from the package.json of the package this runs from (core/package-root.ts). */
function readVersion(): string {
  const root = packageRoot(import.meta.dirname);
  if (!root) return '0.0.0-unknown';
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  return pkg.version || '0.0.0-unknown';
}

export const VERSION = readVersion();
