/**
 * The printer family's table of drivers: the only place that names them all. A new driver is
 * a folder beside sim/ and ipp/ (its driver and its config.ts) and one line here.
 */
import type { z } from 'zod';
import { createDriver, familySchema, type DriverContext } from '../driver.js';
import { ippPrinter } from './ipp/config.js';
import { withMonitor, withMonitors } from './monitors.js';
import { simPrinter } from './sim/config.js';
import type { PrinterDriver } from './types.js';
import { windowsPrinter } from './windows/config.js';

export const PRINTER_DRIVERS = [simPrinter, ippPrinter, windowsPrinter] as const;

/** Every print path's section, each with the monitors any path can carry (printer.snmp). */
export const printerSchema = () => familySchema(withMonitors(PRINTER_DRIVERS));
export type PrinterConfig = z.infer<ReturnType<typeof printerSchema>>;

/** Config `printer.driver` → driver (with its monitor, if one is configured), its code imported only now. */
export const createPrinter = (c: PrinterConfig, ctx: DriverContext): Promise<PrinterDriver> =>
  withMonitor(c, ctx, (section) => createDriver<PrinterDriver>(PRINTER_DRIVERS, section, ctx));
