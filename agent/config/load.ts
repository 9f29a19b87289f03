import { dirname, resolve } from 'node:path';
import { readConfigFile, resolveFilePaths, validateWith } from '../../platform/config-file.js';
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

export function validate(raw: unknown, source: string, baseDir: string): Config {
  return resolveFilePaths(configSchema, validateWith(configSchema, raw, source), baseDir);
}
