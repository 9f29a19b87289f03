/**
 * Reading a configuration file (YAML or JSON; YAML is a superset of JSON) and validating it
 * against a zod schema, with every problem named by its path, what was given and what was
 * expected. Shared by the agent and the dashboard; each owns its schema.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { FILE_PATH_MARK } from '../hal/config-fields.js';
import { ConfigError, type ConfigProblem } from '../core/errors.js';

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

/** The part of a JSON Schema the walk below reads. */
interface Node {
  properties?: Record<string, Node>;
  oneOf?: Node[];
  anyOf?: Node[];
  const?: unknown;
  [FILE_PATH_MARK]?: boolean;
}

/**
 * A copy of `value` (already validated by `schema`) with every key the schema marks as a file
 * path (hal/config-fields.ts `filePath`) made absolute against `baseDir`: a relative path in a
 * file is taken from the file's own folder, so a service finds it whatever its working folder.
 * Inside a union (the drivers of a family) the member whose constants match the value is followed.
 */
export function resolveFilePaths<T>(schema: z.ZodType, value: T, baseDir: string): T {
  // Once per reading of a file (the schema is built for it, agent/config/schema.ts): no cache.
  const root = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Node;
  const walk = (node: Node, v: unknown): unknown => {
    if (node[FILE_PATH_MARK] === true && typeof v === 'string') return isAbsolute(v) ? v : resolve(baseDir, v);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    const obj = v as Record<string, unknown>;
    const members = node.oneOf ?? node.anyOf;
    if (members) {
      const fits = (m: Node) => m.properties !== undefined && Object.entries(m.properties).every(([k, p]) => p.const === undefined || p.const === obj[k]);
      const member = members.find(fits);
      return member ? walk(member, obj) : obj;
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key in obj) obj[key] = walk(child, obj[key]);
    }
    return obj;
  };
  return walk(root, structuredClone(value)) as T;
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
