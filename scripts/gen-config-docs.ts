/**
 * Writes docs/configuration.md from the zod configuration schema (agent/config/schema.ts).
 * Run `npm run docs` after changing the schema; a test fails while the file differs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderConfigReference, undescribedKeys } from './config-reference.js';

const file = process.argv[2] ?? 'docs/configuration.md';
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, renderConfigReference());
console.log(`wrote ${file}`);
const missing = undescribedKeys();
if (missing.length > 0) console.warn(`keys without a description (add .describe() where the key is defined: agent/config/schema.ts, or the driver's config.ts): ${missing.join(', ')}`);
