import { dirname } from 'node:path';
import { findUp } from '../core/find-up.js';
import { AgentError } from '../core/errors.js';
import type { Text } from '../core/i18n.js';

/**
 * The folder of `file` (a path like `dashboard/web/index.html`), which ships beside the code and
 * is found above `from` (core/find-up.ts). Missing, the installation is incomplete: the error says
 * so, and what to do, in both languages.
 */
export function shippedFolder(file: string, from: string, what: Text): string {
  const found = findUp(file, from);
  if (found) return dirname(found);
  const where = dirname(file);
  throw new AgentError(
    'install-incomplete',
    {
      en: `${what.en} (${where}) are not in ${from} or any folder above it: the installation is incomplete`,
      id: `${what.id} (${where}) tidak ada di ${from} maupun folder di atasnya: instalasinya tidak lengkap`,
    },
    { hint: { en: 'install the agent again (npm run build copies these files into dist/)', id: 'pasang ulang agen (npm run build menyalin berkas ini ke dist/)' } },
  );
}
