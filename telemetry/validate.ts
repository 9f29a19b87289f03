import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv } from 'ajv';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { packageRoot } from '../core/package-root.js';

// ajv-formats is CommonJS with a default export that ESM interop wraps; require() unwraps it.
const addFormats = (createRequire(import.meta.url)('ajv-formats') as { default: (ajv: Ajv) => Ajv }).default;

/**
 * Where the committed JSON Schemas are: telemetry/schemas in the package this runs from. The
 * dashboard passes the folder it found (platform/shipped.ts, which says what to do if it is not).
 */
function schemaDir(): string {
  const root = packageRoot(import.meta.dirname);
  if (!root) throw new Error(`no station-agent package.json in ${import.meta.dirname} or above, to find telemetry/schemas in`);
  return join(root, 'telemetry', 'schemas');
}

/**
 * Validators built from the committed JSON Schema files (not from the zod source), so what is
 * checked is what a consumer in another language would check.
 */
export function schemaValidators(dir = schemaDir()): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const out = new Map<string, ValidateFunction>();
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { title: string };
    out.set(doc.title, ajv.compile(doc));
  }
  return out;
}

/** The schema errors of a payload, by its own `schema` field; [] when it is valid. */
export function payloadErrors(validators: Map<string, ValidateFunction>, payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return ['not a JSON object'];
  const id = (payload as Record<string, unknown>).schema;
  const validate = typeof id === 'string' ? validators.get(id) : undefined;
  if (!validate) return [`no JSON Schema for schema id ${JSON.stringify(id)}`];
  if (validate(payload)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
