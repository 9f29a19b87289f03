/**
 * The UPS family's table of drivers: the only place that names them all. A new driver is a
 * folder beside sim/, nut/, hid/ and none/ (its driver and its config.ts) and one line here.
 */
import type { z } from 'zod';
import { createDriver, familySchema, type DriverContext } from '../driver.js';
import { hidUps } from './hid/config.js';
import { noUps } from './none/config.js';
import { nutUps } from './nut/config.js';
import { simUps } from './sim/config.js';
import type { UpsDriver } from './types.js';

export const UPS_DRIVERS = [simUps, nutUps, hidUps, noUps] as const;

export const upsSchema = () => familySchema(UPS_DRIVERS).describe('The UPS that keeps the station running through a power cut. Required in a file: a station says which it has.');
export type UpsConfig = z.infer<ReturnType<typeof upsSchema>>;

/** Config `ups.driver` → driver, its code imported only now. */
export const createUps = (c: UpsConfig, ctx: DriverContext): Promise<UpsDriver> => createDriver<UpsDriver>(UPS_DRIVERS, c, ctx);
