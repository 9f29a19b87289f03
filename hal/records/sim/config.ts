/** The simulated record source's configuration, and its line in the record sources' table. */
import { z } from 'zod';
import { defineDriver } from '../../driver.js';

export const simRecordsSchema = () => z.strictObject({
  /** Time the simulated central server takes per record (a slow server is the usual case). */
  latencyMs: z.number().min(0).max(600_000).default(1500).describe('Time the simulated central server takes per record, in milliseconds.'),
  /** Share of fetches that fail (a flapping server), 0 to 1. */
  failureRate: z.number().min(0).max(1).default(0).describe('Share of simulated fetches that fail, from 0 (none) to 1 (all).'),
  /** Record ids that this server never has (answered as not found). */
  missing: z.array(z.string()).default([]).describe('Record ids the simulated server never has (answered "not found").'),
});
export type SimRecordsOptions = z.infer<ReturnType<typeof simRecordsSchema>>;

export const simRecords = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('sim').describe('a simulated central server that makes synthetic records (demo, tests)'),
      sim: simRecordsSchema().prefault({}).describe('The simulated server\'s behaviour.'),
    });
  },
  label: () => ({ id: 'server pusat simulasi', en: 'simulated central server' }),
  can: {},
  async load() {
    const { SimRecords } = await import('./driver.js');
    return (c, ctx) => new SimRecords(c.sim, ctx);
  },
});
