import type { UpsConfig } from '../../agent/config/schema.js';
import type { DriverContext } from '../driver.js';
import type { UpsDriver } from './types.js';

/** Config `ups.driver` → driver, imported lazily (the HID driver loads a native module). */
export async function createUps(config: UpsConfig, ctx: DriverContext): Promise<UpsDriver> {
  switch (config.driver) {
    case 'sim': {
      const { SimUps } = await import('./sim.js');
      return new SimUps(config.sim, ctx);
    }
    case 'nut': {
      const { NutUps } = await import('./nut/client.js');
      return new NutUps(config, ctx);
    }
    case 'none': {
      const { NoUps } = await import('./none.js');
      return new NoUps();
    }
  }
}
