/** "No UPS at this station", and its line in the UPS family's table. */
import { z } from 'zod';
import { defineDriver } from '../../driver.js';

export const noUps = defineDriver({
  get schema() {
    return z.strictObject({ driver: z.literal('none').describe('no UPS at this station: power readings stay unknown and no power alerts are raised') });
  },
  label: () => ({ id: 'tanpa UPS', en: 'no UPS' }),
  example: { section: '{driver: none}', for: { id: 'stasiun tanpa UPS', en: 'a station without a UPS' } },
  // No UPS: power stays unknown, no power alert is raised and no watch keys apply.
  can: { hasUps: false },
  async load() {
    const { NoUps } = await import('./driver.js');
    return () => new NoUps();
  },
});
