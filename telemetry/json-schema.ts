import { z } from 'zod';
import { PAYLOAD_SCHEMAS } from './payloads.js';

/** `station.health/1` → `station.health.1.json` */
export function schemaFileName(id: string): string {
  return `${id.replace('/', '.')}.json`;
}

/** The JSON Schema documents for every payload, as the text committed in telemetry/schemas/. */
export function renderJsonSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [id, schema] of Object.entries(PAYLOAD_SCHEMAS)) {
    const doc = { $id: `urn:ektp-station:schema:${id}`, title: id, ...z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) };
    out.set(schemaFileName(id), `${JSON.stringify(doc, null, 2)}\n`);
  }
  return out;
}
