/** The Windows spooler printer driver's configuration, and its line in the printer family's table. */
import { z } from 'zod';
import { filePath, supplyCapacity } from '../../config-fields.js';
import { defineDriver } from '../../driver.js';
import { printJobKeys } from '../job-keys.js';

const rollCapacity = () => z.strictObject({
  capacity: supplyCapacity.optional().describe('Cards a full one prints, to turn the percentage the vendor software reports into cards left.'),
});

export const windowsPrinterSchema = () => z.strictObject({
  name: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^\x00-\x1f]+$/, 'the printer name as Windows shows it, e.g. "FARGO HDP5000"')
    .describe('The printer\'s name in Windows (Settings > Printers & scanners, or Get-Printer), e.g. "FARGO HDP5000".'),
  dpi: z.number().int().min(100).max(1200).default(300).describe("The printer's resolution: the card is sent as an image of this many dots per inch (300 dpi CR80 is 1012 x 638)."),
  helperTimeoutSeconds: z
    .number()
    .min(1)
    .max(120)
    .default(20)
    .describe('Longest wait for one answer of the printer helper (PowerShell); a helper that takes longer is ended and started again.'),
  printTimeoutSeconds: z.number().min(5).max(600).default(90).describe('Longest wait for the card to be handed to the Windows spooler.'),
  ...printJobKeys(),
  lowPercent: z.number().min(0).max(100).default(10).describe('Ribbon or film at or under this level, as the vendor software reports it, reads low.'),
  supplies: z
    .strictObject({
      ribbon: rollCapacity().optional().describe('The ribbon.'),
      film: rollCapacity().optional().describe('The retransfer film.'),
    })
    .prefault({})
    .describe('Cards a full ribbon and film print, where the vendor software reports only percentages.'),
  fargoSdk: filePath
    .optional()
    .describe("HID FARGO's printer SDK assembly on this PC (Fargo.PrinterSDK.dll), if installed: ribbon and film levels are then read from its PrinterInfo."),
  helperCommand: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe('For tests and troubleshooting only: the command that starts the printer helper, instead of Windows PowerShell with deploy/windows/printer-helper.ps1.'),
});
export type WindowsPrinterOptions = z.infer<ReturnType<typeof windowsPrinterSchema>>;

export const windowsPrinter = defineDriver({
  get schema() {
    return z.strictObject({
      driver: z.literal('windows').describe('the card printer through the Windows print spooler and its own Windows driver (a USB FARGO, Entrust, ...)'),
      windows: windowsPrinterSchema().describe('The printer in Windows.'),
    });
  },
  label: (c) => ({ id: `printer Windows "${c.windows.name}", ${c.windows.dpi} dpi`, en: `Windows printer "${c.windows.name}", ${c.windows.dpi} dpi` }),
  example: { section: '{driver: windows, windows: {name: "FARGO HDP5000"}}', for: { id: 'printer kartu di Windows, dengan namanya di Pengaturan > Printer & pemindai', en: 'a card printer on Windows, by its name in Settings > Printers & scanners' } },
  // Its first reading waits for Windows PowerShell to start the printer helper.
  firstReadingMs: 45_000,
  can: { hasQueue: true },
  async load() {
    const { WindowsPrinter } = await import('./driver.js');
    return (c, ctx) => new WindowsPrinter(c.windows, ctx);
  },
});
