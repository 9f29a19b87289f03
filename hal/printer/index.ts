import type { PrinterConfig } from '../../agent/config/schema.js';
import type { DriverContext } from '../driver.js';
import type { PrinterDriver } from './types.js';

/**
 * Config `printer.driver` → driver. Imports are lazy so a driver's dependencies (an IPP
 * client, a native module) load only when that driver is configured.
 */
export async function createPrinter(config: PrinterConfig, ctx: DriverContext): Promise<PrinterDriver> {
  switch (config.driver) {
    case 'sim': {
      const { SimPrinter } = await import('./sim.js');
      return new SimPrinter(config.sim, ctx);
    }
    case 'ipp': {
      const { IppPrinter } = await import('./ipp/driver.js');
      return new IppPrinter(config, ctx);
    }
  }
}
