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
    case 'hid': {
      // node-hid itself is loaded only when the UPS is opened, so a missing native module is a
      // reading error with a hint, not a crash at start.
      const [{ HidUps }, { openNodeHid }] = await Promise.all([import('./hid/driver.js'), import('./hid/node-hid.js')]);
      return new HidUps(config, ctx, (sel) => openNodeHid(sel));
    }
    case 'none': {
      const { NoUps } = await import('./none.js');
      return new NoUps();
    }
  }
}
