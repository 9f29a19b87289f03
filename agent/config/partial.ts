/**
 * A configuration file read as far as it goes, for diagnose: the sections that are wrong are
 * stood in for, so the checks that do not need them still run, and the others are named as not
 * run. The stand-ins are never acted on: nothing that needs a broken section runs.
 */
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../../core/errors.js';
import type { DriverExample } from '../../hal/driver.js';
import { PRINTER_DRIVERS } from '../../hal/printer/index.js';
import { UPS_DRIVERS } from '../../hal/ups/index.js';
import { readConfigFile } from '../../platform/config-file.js';
import { loadConfig, validate, type ConfigSchema } from './load.js';
import { configSchema, type Config } from './schema.js';

export interface LoadedConfig {
  config: Config;
  /** What is wrong with the file, when anything is. */
  error?: ConfigError;
  /** The top-level keys with a problem (`ups`, `printer`, `dataDir`): what `config` stands in for. */
  broken: ReadonlySet<string>;
}

const sectionOf = (line: { example: DriverExample } | undefined): unknown => (line ? parseYaml(line.example.section) : undefined);

/**
 * For a required section: a valid one that touches nothing (for a family, its driver without the
 * part, found by what it can do). Other keys are dropped: their defaults apply.
 */
const standIns = (): Record<string, unknown> => ({
  station: { id: 'unknown', province: '00', regency: '0000' },
  mqtt: { url: 'embedded' },
  printer: sectionOf(PRINTER_DRIVERS.find((l) => !l.can.hasQueue)),
  ups: sectionOf(UPS_DRIVERS.find((l) => !l.can.hasUps)),
});

/**
 * The file's configuration; when some of its sections are wrong, the rest with stand-ins and the
 * error. A file that cannot be read, is not a mapping, or stays wrong without those sections
 * throws its error as loadConfig does.
 */
export function loadPartly(path: string | undefined, schema: ConfigSchema = configSchema()): LoadedConfig {
  try {
    return { config: loadConfig(path, schema), broken: new Set() };
  } catch (err) {
    if (!(err instanceof ConfigError) || path === undefined) throw err;
    const broken = new Set(err.problems.map((p) => p.path.split('.')[0] ?? ''));
    if (broken.has('')) throw err;
    const raw = readConfigFile(path);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw err;
    const rest: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
    const stand = standIns();
    for (const key of broken) {
      if (stand[key] !== undefined) rest[key] = stand[key];
      else delete rest[key];
    }
    try {
      return { config: validate(rest, path, dirname(resolve(path)), schema), error: err, broken };
    } catch {
      // Wrong in a way that spans sections: nothing can be trusted apart.
      throw err;
    }
  }
}
