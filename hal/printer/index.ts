/**
 * The printer family's table of drivers: the only place that names them all. A new driver is
 * a folder beside sim/ and ipp/ (its driver and its config.ts) and one line here.
 */
import type { z } from 'zod';
import { createDriver, driverFacts, familySchema, type DriverContext, type DriverFacts } from '../driver.js';
import { BoundedPrinter } from './bounded.js';
import { ippPrinter } from './ipp/config.js';
import { monitorSecretFiles, withMonitor, withMonitors } from './monitors.js';
import { noPrinter } from './none/config.js';
import { simPrinter } from './sim/config.js';
import type { PrinterDriver } from './types.js';
import { windowsPrinter } from './windows/config.js';

export const PRINTER_DRIVERS = [simPrinter, ippPrinter, windowsPrinter, noPrinter] as const;

/** What a print path can do, for the rest of the agent to ask. */
export interface PrinterAbilities {
  /** It prints cards: the print queue runs, and the printer's alerts are raised. */
  hasQueue: boolean;
}

/** Every print path's section, each with the monitors any path can carry (printer.snmp). */
export const printerSchema = () => familySchema(withMonitors(PRINTER_DRIVERS));
export type PrinterConfig = z.infer<ReturnType<typeof printerSchema>>;

/** What the rest of the agent may know of the configured print path (its monitors' secret files too). */
export function printerFacts(c: PrinterConfig): DriverFacts<PrinterAbilities> {
  const facts = driverFacts<PrinterDriver, PrinterAbilities>(PRINTER_DRIVERS, c);
  return { ...facts, secretFiles: [...facts.secretFiles, ...monitorSecretFiles(c)] };
}

/** The boundary every print path is read through: its readings cut to the contract's limits (bounded.ts). */
export const boundPrinter = (path: PrinterDriver, ctx: DriverContext): PrinterDriver => new BoundedPrinter(path, ctx.log);

/**
 * Config `printer.driver` → driver (with its monitor, if one is configured), its code imported
 * only now, behind the boundary: whoever reads it gets readings within the contract.
 */
export const createPrinter = async (c: PrinterConfig, ctx: DriverContext): Promise<PrinterDriver> =>
  boundPrinter(await withMonitor(c, ctx, (section) => createDriver<PrinterDriver>(PRINTER_DRIVERS, section, ctx)), ctx);
