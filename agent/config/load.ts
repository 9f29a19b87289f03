import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { configSchema, DEMO_CONFIG, type Config } from './schema.js';

/**
 * Load and validate a configuration file (YAML or JSON; YAML is a superset of JSON).
 * Without a path, the demo configuration applies. Relative paths inside a file are taken
 * relative to the file's own folder, so a service finds them whatever its working folder;
 * the demo's are relative to the working folder.
 */
export function loadConfig(path?: string): Config {
  if (path === undefined) return validate(DEMO_CONFIG, '(demo defaults)', process.cwd());
  return validate(readConfigFile(path), path, dirname(resolve(path)));
}

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

export function validate(raw: unknown, source: string, baseDir: string): Config {
  return resolvePaths(validateWith(configSchema, raw, source), baseDir);
}

/** Any schema of ours, with every problem named by its path, what was given and what was expected. */
export function validateWith<S extends z.ZodType>(schema: S, raw: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(source, result.error.issues.flatMap(describeIssue));
  return result.data;
}

function resolvePaths(config: Config, baseDir: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const opt = (p: string | undefined) => (p === undefined ? undefined : abs(p));
  const c = structuredClone(config);
  c.dataDir = abs(c.dataDir);
  c.mqtt.passwordFile = opt(c.mqtt.passwordFile);
  c.mqtt.ca = opt(c.mqtt.ca);
  c.mqtt.cert = opt(c.mqtt.cert);
  c.mqtt.key = opt(c.mqtt.key);
  if (c.printer.driver === 'sim') c.printer.sim.stateFile = opt(c.printer.sim.stateFile);
  if (c.printer.driver === 'sim') c.printer.sim.outputDir = opt(c.printer.sim.outputDir);
  if (c.ups.driver === 'sim') c.ups.sim.stateFile = opt(c.ups.sim.stateFile);
  if (c.ups.driver === 'nut') c.ups.passwordFile = opt(c.ups.passwordFile);
  if (c.ups.driver === 'nut' && c.ups.tls) c.ups.tls.ca = opt(c.ups.tls.ca);
  if (c.records?.driver === 'http') c.records.http.tokenFile = opt(c.records.http.tokenFile);
  if (c.log.file) c.log.file.path = abs(c.log.file.path);
  return c;
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
