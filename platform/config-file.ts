/**
 * Reading a configuration file (YAML or JSON; YAML is a superset of JSON) and validating it
 * against a zod schema, with every problem named by its path, what was given and what was
 * expected. Shared by the agent and the dashboard; each owns its schema.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.js';

/** A configuration file's contents, parsed but not yet validated; {} for an empty file. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the file: ${(err as Error).message}` }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}` : '';
    throw new ConfigError(path, [{ path: '', message: `not valid YAML or JSON${where}: ${(err as Error).message.split('\n')[0]}` }]);
  }
  return raw ?? {};
}

/** Any schema, with every problem named by its path, what was given and what was expected. */
export function validateWith<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(describeIssue));
  return result.data;
}

/**
 * Make the file paths named by `keys` (dotted, e.g. "mqtt.ca") absolute against `baseDir`, in
 * place: a relative path in a file is taken from the file's own folder, so a service finds it
 * whatever its working folder. Keys that are absent, or not text, are left as they are.
 */
export function resolveFileKeys(section: unknown, keys: readonly string[], baseDir: string): void {
  for (const key of keys) {
    const parts = key.split('.');
    const last = parts.pop();
    let node: unknown = section;
    for (const p of parts) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[p] : undefined;
    if (last === undefined || typeof node !== 'object' || node === null) continue;
    const obj = node as Record<string, unknown>;
    const value = obj[last];
    if (typeof value === 'string' && !isAbsolute(value)) obj[last] = resolve(baseDir, value);
  }
}

/** Never echo a secret back: user:password@ in a URL is blanked in messages. */
function redactUserinfo(s: string): string {
  return s.replace(/(:\/\/)[^/@\s]*@/g, '$1[redacted]@');
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') value = redactUserinfo(value);
  const s = JSON.stringify(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map(String).join('.');
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: path ? `${path}.${k}` : k, message: 'unknown key; check its spelling against the configuration reference' }));
    case 'invalid_type':
      return [{ path, message: input === undefined ? `missing; expected ${issue.expected}` : `expected ${issue.expected}, given ${show(input)}` }];
    case 'invalid_value':
      return [{ path, message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, given ${show(input)}` }];
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator && options) {
        const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[discriminator] : input;
        return [{ path, message: `expected one of ${options.map((o) => JSON.stringify(o)).join(', ')}, given ${show(given)}` }];
      }
      return [{ path, message: `${issue.message}, given ${show(input)}` }];
    }
    default:
      return [{ path, message: input === undefined ? issue.message : `${issue.message}; given ${show(input)}` }];
  }
}
