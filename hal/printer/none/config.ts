/** "No printer at this PC" (the office's store PC), and its line in the printer family's table. */
import { z } from 'zod';
import { defineDriver } from '../../driver.js';

export const noPrinter = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z
        .literal('none')
        .describe("no card printer at this PC (the office's store PC, which keeps the store room's book): no print queue, no printer alerts"),
    });
  },
  label: () => ({ id: 'tanpa printer (PC gudang kantor)', en: "no printer (the office's store PC)" }),
  example: { section: '{driver: none}', for: { id: 'PC gudang kantor, tanpa printer kartu', en: "the office's store PC, without a card printer" } },
  can: { hasQueue: false },
  async load() {
    const { NoPrinter } = await import('./driver.js');
    return () => new NoPrinter();
  },
});
