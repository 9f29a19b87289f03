/** The simulated UPS's configuration, and its line in the UPS family's table. */
import { z } from 'zod';
import { filePath } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';
import { upsWatchKeys } from '../config.js';

export const simUpsSchema = () => z.strictObject({
  stateFile: filePath
    .optional()
    .describe('JSON file read at every poll to inject mains loss, low battery or a pulled cable (see README "Injecting faults").'),
  /** Runtime on a full battery at the simulated load. */
  runtimeAtFullMinutes: z.number().min(0.1).max(1440).default(30).describe('Simulated runtime on a full battery, in minutes.'),
  /** Time to charge an empty battery on mains. */
  rechargeMinutes: z.number().min(0.1).max(1440).default(240).describe('Simulated time to charge an empty battery on mains, in minutes.'),
  lowBatteryPercent: z.number().min(0).max(100).default(20).describe('Charge, in percent, at which the simulated UPS itself says "low battery".'),
  inputVoltage: z.number().min(0).max(500).default(220).describe('Simulated mains voltage, in volts, while on mains.'),
  loadPercent: z.number().min(0).max(200).default(35).describe('Simulated load, in percent of the UPS\'s rating.'),
});
export type SimUpsOptions = z.infer<ReturnType<typeof simUpsSchema>>;

export const simUps = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('sim').describe('a simulated UPS, for the demo and tests'),
      sim: simUpsSchema().prefault({}).describe('The simulated UPS\'s battery model.'),
      ...upsWatchKeys(),
    });
  },
  label: () => ({ id: 'UPS simulasi', en: 'simulated UPS' }),
  example: { section: '{driver: sim}', for: { id: 'UPS simulasi (demo, pelatihan, uji)', en: 'the simulated UPS (demo, training, tests)' } },
  can: { hasUps: true },
  async load() {
    const { SimUps } = await import('./driver.js');
    return (c, ctx) => new SimUps(c.sim, ctx);
  },
});
