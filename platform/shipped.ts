import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../core/package-root.js';
import { AgentError } from '../core/errors.js';
import type { Text } from '../core/i18n.js';

/**
 * The folder of `file` (a path like `dashboard/web/index.html`), which ships at that path in the
 * package this runs from (core/package-root.ts). Missing, the installation is incomplete: the
 * error says so, and what to do, in both languages.
 */
export function shippedFolder(file: string, from: string, what: Text): string {
  const root = packageRoot(from);
  if (root && existsSync(join(root, file))) return dirname(join(root, file));
  const where = root ? join(root, dirname(file)) : `${dirname(file)} (no station-agent package.json in ${from} or above)`;
  throw new AgentError(
    'install-incomplete',
    {
      en: `${what.en} are not in ${where}: the installation is incomplete`,
      id: `${what.id} tidak ada di ${where}: instalasinya tidak lengkap`,
    },
    { hint: { en: 'install the agent again (its package ships these folders beside dist/)', id: 'pasang ulang agen (paketnya membawa folder ini di samping dist/)' } },
  );
}
