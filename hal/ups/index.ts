/**
 * The UPS family's table of drivers: the only place that names them all. A new driver is a
 * folder beside sim/, nut/, hid/ and none/ (its driver and its config.ts) and one line here.
 */
import type { z } from 'zod';
import { createDriver, driverFacts, familySchema, type DriverContext, type DriverFacts } from '../driver.js';
import { BoundedUps } from './bounded.js';
import { hidUps } from './hid/config.js';
import { noUps } from './none/config.js';
import { nutUps } from './nut/config.js';
import { simUps } from './sim/config.js';
import type { UpsDriver } from './types.js';

export const UPS_DRIVERS = [simUps, nutUps, hidUps, noUps] as const;

export const upsSchema = () => familySchema(UPS_DRIVERS).describe('The UPS that keeps the station running through a power cut. Required in a file: a station says which it has.');
export type UpsConfig = z.infer<ReturnType<typeof upsSchema>>;

/** What a UPS driver can do, for the rest of the agent to ask. */
export interface UpsAbilities {
  /** There is a UPS: power is read, watched (upsWatchKeys) and alerted on. */
  hasUps: boolean;
}

/** What the rest of the agent may know of the configured UPS driver. */
export const upsFacts = (c: UpsConfig): DriverFacts<UpsAbilities> => driverFacts<UpsDriver, UpsAbilities>(UPS_DRIVERS, c);

/** The boundary every UPS is read through: its readings cut to the contract's limits (bounded.ts). */
export const boundUps = (ups: UpsDriver, ctx: DriverContext): UpsDriver => new BoundedUps(ups, ctx.log);

/** Config `ups.driver` → driver, its code imported only now, behind the boundary: whoever reads it gets readings within the contract. */
export const createUps = async (c: UpsConfig, ctx: DriverContext): Promise<UpsDriver> => boundUps(await createDriver<UpsDriver>(UPS_DRIVERS, c, ctx), ctx);
