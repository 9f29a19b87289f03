import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { ConfigError } from '../../core/errors.js';
import { readConfigFile, resolveFilePaths, validateWith } from '../../platform/config-file.js';
import { configSchema, DEMO_CONFIG, type Config } from './schema.js';
import { whatToWrite } from './write-hints.js';

/**
 * Load and validate a configuration file (YAML or JSON; YAML is a superset of JSON).
 * Without a path, the demo configuration applies. Relative paths inside a file are taken
 * relative to the file's own folder, so a service finds them whatever its working folder;
 * the demo's are relative to the working folder.
 */
export function loadConfig(path?: string, schema: ConfigSchema = configSchema()): Config {
  if (path === undefined) return validate(DEMO_CONFIG, '(demo defaults)', process.cwd(), schema);
  return validate(readConfigFile(path), path, dirname(resolve(path)), schema);
}

/**
 * The agent's schema, or one that checks more of the same file (the CLI adds the dashboard's
 * section, which the agent itself does not read).
 */
export type ConfigSchema = z.ZodType<Config>;

export function validate(raw: unknown, source: string, baseDir: string, schema: ConfigSchema = configSchema()): Config {
  try {
    return resolveFilePaths(schema, validateWith(schema, raw, source), baseDir);
  } catch (err) {
    // A whole section missing or wrong: say what to write there, not only what was expected.
    if (!(err instanceof ConfigError)) throw err;
    throw new ConfigError(err.source, err.problems.map((p) => ({ ...p, write: p.write ?? whatToWrite(p) })));
  }
}
