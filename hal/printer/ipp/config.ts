/** The IPP printer driver's configuration, and its line in the printer family's table. */
import { z } from 'zod';
import { supplyCapacity } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';
import { printJobKeys } from '../job-keys.js';

const supplyMapping = () => z.strictObject({
  match: z
    .string()
    .min(1)
    .optional()
    .describe('Part of the name the printer gives this consumable (a marker, printer-supply or input-tray name), case-insensitive. Without it: ribbon by type ink-ribbon/ribbon-wax or a name with "ribbon", film by type transfer-unit or a name with "film"/"retransfer", blanks by the first input tray that counts its cards.'),
  capacity: supplyCapacity
    .optional()
    .describe('Cards a full one prints (e.g. 200 for a YMCKO ribbon), to turn the percentage the printer reports into cards left. Without it the cards left are learned from use.'),
});

export const ippPrinterSchema = () => z.strictObject({
  driver: z.literal('ipp').describe('the card printer over IPP: its CUPS queue or its own IPP service'),
  url: z
    .string()
    .regex(/^(ipps?|https?):\/\/[^\s@/]+\/\S*$/, 'expected ipp://HOST[:PORT]/PATH, e.g. ipp://localhost:631/printers/card (a CUPS queue) or ipp://printer.local/ipp/print')
    .describe('The card printer: its CUPS queue (ipp://localhost:631/printers/NAME) or the printer\'s own IPP address. ipps:// for TLS.'),
  timeoutSeconds: z.number().min(0.1).max(120).default(5).describe('Longest wait for one IPP answer.'),
  ...printJobKeys(),
  supplies: z
    .strictObject({
      ribbon: supplyMapping().optional().describe('Where the ribbon is.'),
      film: supplyMapping().optional().describe('Where the retransfer film is.'),
      blanks: supplyMapping().optional().describe('Where the card hopper is.'),
    })
    .prefault({})
    .describe('Where ribbon, film and blanks are among what the printer reports, for a vendor driver that names them its own way.'),
});
export type IppPrinterOptions = z.infer<ReturnType<typeof ippPrinterSchema>>;

export const ippPrinter = defineDriver({
  get schema() {
    return ippPrinterSchema();
  },
  label: (c) => ({ id: `printer IPP ${c.url}`, en: `IPP printer ${c.url}` }),
  example: { section: '{driver: ipp, url: ipp://localhost:631/printers/card}', for: { id: 'printer kartu lewat antrean CUPS-nya (ganti `card` dengan nama antrean dari `lpstat -p`) atau alamat IPP printer itu sendiri', en: "a card printer through its CUPS queue (card: the queue's name in lpstat -p) or the printer's own IPP address" } },
  can: { hasQueue: true },
  async load() {
    const { IppPrinter } = await import('./driver.js');
    return (c, ctx) => new IppPrinter(c, ctx);
  },
});
