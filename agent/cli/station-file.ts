/**
 * The station's configuration file as the CLI reads it. One file may serve a station and the
 * provincial dashboard, so the CLI (the composition root, the one place that knows both
 * programs) checks the dashboard's section too, with the dashboard's own schema.
 */
import { dashboardSectionSchema } from '../../dashboard/section.js';
import { loadConfig } from '../config/load.js';
import { configSchema, type Config } from '../config/schema.js';
import { useConfiguredLang } from './lang.js';

export const stationFileSchema = configSchema.extend({ dashboard: dashboardSectionSchema.optional() }).describe(configSchema.description ?? '');

/** The station's file; its `language` then decides the CLI's where neither --lang nor the locale did. */
export function loadStationFile(path?: string): Config {
  const config = loadConfig(path, stationFileSchema);
  useConfiguredLang(config.language);
  return config;
}
