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
import { schemaMessageId } from './config-messages.js';

/** A configuration file's contents, parsed but not yet validated; {} for an empty file. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const why = (err as Error).message;
    throw new ConfigError(path, [{ path: '', message: `cannot read the file: ${why}`, text: { en: `cannot read the file: ${why}`, id: `berkas tidak bisa dibaca: ${why}` } }]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const line = err instanceof YAMLParseError && err.linePos ? err.linePos[0].line : undefined;
    const what = (err as Error).message.split('\n')[0] ?? '';
    const en = `not valid YAML or JSON${line === undefined ? '' : ` at line ${line}`}: ${what}`;
    throw new ConfigError(path, [{ path: '', message: en, text: { en, id: `bukan YAML atau JSON yang sah${line === undefined ? '' : ` di baris ${line}`}: ${what}` } }]);
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

/** zod's type names, as a technician reads them in Indonesian. */
const TYPE_ID: Record<string, string> = { object: 'objek (bagian berisi kunci)', string: 'teks', number: 'angka', int: 'bilangan bulat', boolean: 'true atau false', array: 'daftar', record: 'objek' };
const typeId = (t: string) => TYPE_ID[t] ?? t;

/** A problem whose words are known in both languages: `en` is also its message for the log. */
const said = (path: string, en: string, id: string): ConfigProblem => ({ path, message: en, text: { en, id } });

/** A schema's own message, in Indonesian too where platform/config-messages.ts has it. */
function own(path: string, message: string, givenEn: string, givenId: string): ConfigProblem {
  const id = schemaMessageId(message);
  return id === undefined ? { path, message: `${message}${givenEn}` } : said(path, `${message}${givenEn}`, `${id}${givenId}`);
}

function describeIssue(issue: z.core.$ZodIssue): ConfigProblem[] {
  const path = issue.path.map(String).join('.');
  const input = (issue as { input?: unknown }).input;
  const given = show(input);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => said(path ? `${path}.${k}` : k, 'unknown key; check its spelling against the configuration reference', 'kunci tidak dikenal; periksa ejaannya di rujukan konfigurasi (docs/configuration.md)'));
    case 'invalid_type':
      return [
        input === undefined
          ? said(path, `missing; expected ${issue.expected}`, `tidak ada; harus ${typeId(issue.expected)}`)
          : said(path, `expected ${issue.expected}, given ${given}`, `harus ${typeId(issue.expected)}, tertulis ${given}`),
      ];
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [said(path, `expected one of ${values}, given ${given}`, `harus salah satu dari ${values}, tertulis ${given}`)];
    }
    case 'invalid_union': {
      const discriminator = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (discriminator && options) {
        const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[discriminator] : input;
        const values = options.map((o) => JSON.stringify(o)).join(', ');
        return [said(path, `expected one of ${values}, given ${show(value)}`, `harus salah satu dari ${values}, tertulis ${show(value)}`)];
      }
      return [own(path, issue.message, `, given ${given}`, `, tertulis ${given}`)];
    }
    case 'too_small':
    case 'too_big': {
      // Bounds on numbers, lengths and lists; a schema's own message (a custom one) stays as written.
      if (!/^Too (small|big)/.test(issue.message)) return [own(path, issue.message, `; given ${given}`, `; tertulis ${given}`)];
      const small = issue.code === 'too_small';
      const limit = String(small ? issue.minimum : issue.maximum);
      const strict = issue.inclusive === false;
      const id =
        issue.origin === 'number' || issue.origin === 'int'
          ? `${small ? 'terlalu kecil' : 'terlalu besar'}: harus ${small ? (strict ? '>' : '>=') : strict ? '<' : '<='}${limit}`
          : issue.origin === 'string'
            ? `${small ? 'terlalu pendek: paling sedikit' : 'terlalu panjang: paling banyak'} ${limit} karakter`
            : issue.origin === 'array'
              ? `${small ? 'terlalu sedikit: paling sedikit' : 'terlalu banyak: paling banyak'} ${limit} butir`
              : undefined;
      return id === undefined ? [{ path, message: `${issue.message}; given ${given}` }] : [said(path, `${issue.message}; given ${given}`, `${id}; tertulis ${given}`)];
    }
    default:
      return [input === undefined ? own(path, issue.message, '', '') : own(path, issue.message, `; given ${given}`, `; tertulis ${given}`)];
  }
}
