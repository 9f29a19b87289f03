/**
 * Writes telemetry/schemas/*.json from the zod payload schemas.
 * Run `npm run schemas` after changing telemetry/payloads.ts or a schema it gathers (health-schema.ts,
 * account-schemas.ts, payload-parts.ts); a test fails while they differ.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchemas } from '../telemetry/json-schema.js';

const dir = process.argv[2] ?? 'telemetry/schemas';
mkdirSync(dir, { recursive: true });
for (const [name, text] of renderJsonSchemas()) {
  writeFileSync(join(dir, name), text);
  console.log(`wrote ${join(dir, name)}`);
}
