/** The simulated card printer's configuration, and its line in the printer family's table. */
import { z } from 'zod';
import { filePath, supplyCapacity } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';

export const simPrinterSchema = () => z.strictObject({
  stateFile: filePath.optional().describe('JSON file re-read on every change, to set supply levels and faults by hand (see README): what a technician does to the real printer.'),
  secondsPerCard: z.number().min(0.01).max(600).default(20).describe('Time the simulated printer takes per card, in seconds.'),
  outputDir: filePath
    .optional()
    .describe('Every card that comes out is written here as <recordId>--<unique>.pdf: what really came out, for tests and demos.'),
  cardsPerHour: z.number().min(0).max(3600).default(0).describe('Demo load: cards the simulated office prints per hour outside the print queue, 0 for none.'),
  capacity: z
    .strictObject({
      ribbon: supplyCapacity.default(500).describe('Cards a full simulated ribbon prints.'),
      film: supplyCapacity.default(1000).describe('Cards a full simulated film prints.'),
      blanks: supplyCapacity.default(100).describe('Cards the simulated hopper holds.'),
    })
    .prefault({})
    .describe('What the simulated printer starts with, full.'),
  lowPercent: z.number().min(0).max(100).default(10).describe('The simulated printer\'s own "low" mark, in percent of capacity (like IPP marker-low-levels).'),
});
export type SimPrinterOptions = z.infer<ReturnType<typeof simPrinterSchema>>;

export const simPrinter = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('sim').describe('a simulated card printer, for the demo and tests'),
      sim: simPrinterSchema().prefault({}).describe('The simulated printer.'),
    });
  },
  label: () => ({ id: 'printer simulasi', en: 'simulated printer' }),
  example: { section: '{driver: sim}', for: { id: 'printer simulasi (demo, pelatihan, uji)', en: 'the simulated printer (demo, training, tests)' } },
  can: { hasQueue: true },
  async load() {
    const { SimPrinter } = await import('./driver.js');
    return (c, ctx) => new SimPrinter(c.sim, ctx);
  },
});
