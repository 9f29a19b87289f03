/**
 * The station's configuration file as the CLI reads it. One file may serve a station and the
 * provincial dashboard, so the CLI (the composition root, the one place that knows both
 * programs) checks the dashboard's section too, with the dashboard's own schema.
 */
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { loadConfig } from '../config/load.js';
import { loadPartly, type LoadedConfig } from '../config/partial.js';
import { configSchema, type Config } from '../config/schema.js';
import { useConfiguredLang } from './lang.js';

/**
 * Built for each reading and dropped after it: zod's schemas of the whole file were ~0.65 MB of
 * heap that an idle agent held for nothing (measured in a heap snapshot of the running agent).
 */
export function stationFileSchema() {
  const agent = configSchema();
  return agent.extend({ dashboard: dashboardSectionSchema().optional() }).describe(agent.description ?? '');
}

/** The station's file; its `language` then decides the CLI's where neither --lang nor the locale did. */
export function loadStationFile(path?: string): Config {
  const config = loadConfig(path, stationFileSchema());
  useConfiguredLang(config.language);
  return config;
}

/** The station's file read as far as it goes, for diagnose (agent/config/partial.ts). */
export function loadStationFilePartly(path?: string): LoadedConfig {
  const loaded = loadPartly(path, stationFileSchema());
  useConfiguredLang(loaded.config.language);
  return loaded;
}
