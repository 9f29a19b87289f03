/**
 * The record sources' table of drivers: the only place that names them all. A new source is a
 * folder beside sim/ and http/ (its driver and its config.ts) and one line here.
 */
import type { z } from 'zod';
import { createDriver, driverFacts, familySchema, type DriverContext, type DriverFacts } from '../driver.js';
import { httpRecords } from './http/config.js';
import { simRecords } from './sim/config.js';
import type { RecordSource } from './types.js';

export const RECORD_DRIVERS = [simRecords, httpRecords] as const;

export const recordsSchema = () => familySchema(RECORD_DRIVERS).describe('Where print-ready records come from. Without it, queued jobs wait (held: no record source).');
export type RecordsConfig = z.infer<ReturnType<typeof recordsSchema>>;

/** What the rest of the agent may know of the configured record source. */
export const recordsFacts = (c: RecordsConfig): DriverFacts<object> => driverFacts<RecordSource, object>(RECORD_DRIVERS, c);

/** Config `records.driver` → record source, its code imported only now. */
export const createRecordSource = (c: RecordsConfig, ctx: DriverContext): Promise<RecordSource> => createDriver<RecordSource>(RECORD_DRIVERS, c, ctx);
