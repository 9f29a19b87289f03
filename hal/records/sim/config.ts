/** The simulated record source's configuration, and its line in the record sources' table. */
import { z } from 'zod';
import { filePath } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';

export const simRecordsSchema = () => z.strictObject({
  /** Time the simulated central server takes per record (a slow server is the usual case). */
  latencyMs: z.number().min(0).max(600_000).default(1500).describe('Time the simulated central server takes per record, in milliseconds.'),
  /** Share of fetches that fail (a flapping server), 0 to 1. */
  failureRate: z.number().min(0).max(1).default(0).describe('Share of simulated fetches that fail, from 0 (none) to 1 (all).'),
  /** Record ids that this server never has (answered as not found). */
  missing: z.array(z.string()).default([]).describe('Record ids the simulated server never has (answered "not found").'),
  /** The claims file the agents of one simulated office share; without it, claims are not kept. */
  shared: filePath
    .optional()
    .describe(
      'A file on this PC where the simulated centre keeps its claims, shared by every agent that names the same file (the demo and the tests of an office): a record claimed by one is refused to the others. Without it the centre keeps no claims (one card per record holds on this PC only).',
    ),
});
export type SimRecordsOptions = z.infer<ReturnType<typeof simRecordsSchema>>;

export const simRecords = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('sim').describe('a simulated central server that makes synthetic records (demo, tests)'),
      sim: simRecordsSchema().prefault({}).describe('The simulated server\'s behaviour.'),
    });
  },
  label: (c) => (c.sim.shared ? { id: `server pusat simulasi (klaim bersama di ${c.sim.shared})`, en: `simulated central server (claims shared in ${c.sim.shared})` } : { id: 'server pusat simulasi', en: 'simulated central server' }),
  example: { section: '{driver: sim}', for: { id: 'server pusat simulasi (demo, pelatihan, uji)', en: 'the simulated central server (demo, training, tests)' } },
  can: {},
  async load() {
    const { SimRecords } = await import('./driver.js');
    return (c, ctx) => new SimRecords(c.sim, ctx);
  },
});
