import type { RecordsConfig } from '../../agent/config/schema.js';
import type { DriverContext } from '../driver.js';
import type { RecordSource } from './types.js';

/** Config `records.driver` → record source, imported lazily. */
export async function createRecordSource(config: RecordsConfig, ctx: DriverContext): Promise<RecordSource> {
  switch (config.driver) {
    case 'sim': {
      const { SimRecords } = await import('./sim.js');
      return new SimRecords(config.sim, ctx);
    }
    case 'http': {
      const { HttpRecords } = await import('./http.js');
      return new HttpRecords(config.http, ctx);
    }
  }
}
