import { readFileSync } from 'node:fs';
import { findUp } from '../../core/find-up.js';

function ownPackage(file: string): { version?: string } | null {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    return pkg.name === 'station-agent' ? pkg : null;
  } catch {
    return null;
  }
}

/** The package version, found from source (agent/), the build (dist/agent/) and the bundle (dist/bin/) alike. */
function readVersion(): string {
  const file = findUp('package.json', import.meta.dirname, (f) => ownPackage(f) !== null);
  return (file && ownPackage(file)?.version) || '0.0.0-unknown';
}

export const VERSION = readVersion();
