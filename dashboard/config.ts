/**
 * The dashboard's settings: the `dashboard` section of the contract's configuration, and the
 * whole file `station-agent dashboard --config` reads (mqtt, dataDir, log, dashboard). A
 * station's own file may carry a dashboard section too; the station keys are then ignored.
 */
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { filePath } from '../hal/config-fields.js';
import { readConfigFile, resolveFilePaths, validateWith } from '../platform/config-file.js';
import { logSchema } from '../platform/log.js';
import { mqttSchema } from '../telemetry/config.js';
import { dashboardSectionSchema, isLoopback } from './section.js';

/** The dashboard's own file: the station keys may be present (one file for both) and are not read. */
export const dashboardConfigSchema = z
  .strictObject({
    dataDir: filePath
      .default('./dashboard-data')
      .describe('Folder of the dashboard\'s SQLite database (dashboard.db).'),
    mqtt: mqttSchema().prefault({ url: 'mqtt://127.0.0.1:1883' }),
    log: logSchema().prefault({}),
    dashboard: dashboardSectionSchema().prefault({}),
    station: z.unknown().optional(),
    printer: z.unknown().optional(),
    ups: z.unknown().optional(),
    records: z.unknown().optional(),
    jobs: z.unknown().optional(),
    intervals: z.unknown().optional(),
    alerts: z.unknown().optional(),
    forecast: z.unknown().optional(),
    outbox: z.unknown().optional(),
  })
  .refine((c) => c.mqtt.url !== 'embedded', { message: 'the dashboard connects to the province\'s broker: expected mqtt://HOST:PORT or mqtts://HOST:PORT', path: ['mqtt', 'url'] })
  .refine((c) => isLoopback(c.dashboard.listen) || c.dashboard.tokenFile !== undefined, {
    message: 'listening beyond this PC needs dashboard.tokenFile (a file holding the access token)',
    path: ['dashboard', 'tokenFile'],
  });

export type DashboardConfig = z.infer<typeof dashboardConfigSchema>;


/** The dashboard's configuration; without a file, its defaults (broker on 127.0.0.1:1883). */
export function loadDashboardConfig(path?: string): DashboardConfig {
  const raw = path === undefined ? {} : readConfigFile(path);
  const c = validateWith(dashboardConfigSchema, raw, path ?? '(dashboard defaults)');
  return resolveFilePaths(dashboardConfigSchema, c, path === undefined ? process.cwd() : dirname(resolve(path)));
}
