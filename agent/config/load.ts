import { dirname, isAbsolute, resolve } from 'node:path';
import { readConfigFile, validateWith } from '../../platform/config-file.js';
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
  return resolvePaths(validateWith(configSchema, raw, source), baseDir);
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
