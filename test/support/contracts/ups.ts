import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HalError } from '../../../hal/errors.js';
import { UPS_STATUSES, type UpsDriver } from '../../../hal/ups/types.js';

/** How a contract test reaches a UPS: its driver, and the controls of the thing behind it. */
export interface UpsHarness {
  driver: UpsDriver;
  setMains(on: boolean): Promise<void>;
  /** Force the UPS's own low-battery flag; undefined gives control back to the UPS. */
  setLowBattery(low: boolean | undefined): Promise<void>;
  /** Break or restore the link between the agent and the UPS. */
  setLink(up: boolean): Promise<void>;
  advance(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Every UPS driver, the simulator included, must pass this suite. */
export function upsContract(name: string, make: () => Promise<UpsHarness>): void {
  describe(`UPS driver contract: ${name}`, () => {
    let h: UpsHarness;
    beforeEach(async () => {
      h = await make();
      await h.driver.start();
    });
    afterEach(async () => {
      await h.driver.stop();
      await h.close();
    });

    it('reads a well-formed state on mains: online, numbers or null within range', async () => {
      const r = await h.driver.read();
      expect(UPS_STATUSES).toContain(r.status);
      expect(r.status).toBe('online');
      expect(r.onBattery).not.toBe(true);
      if (r.chargePercent !== null) expect(r.chargePercent).toBeGreaterThanOrEqual(0);
      if (r.chargePercent !== null) expect(r.chargePercent).toBeLessThanOrEqual(100);
      for (const v of [r.runtimeSeconds, r.inputVoltage, r.loadPercent]) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
    });

    it('mains lost reads as on_battery, and the charge does not rise while on battery', async () => {
      await h.setMains(false);
      const first = await h.driver.read();
      expect(first.status).toBe('on_battery');
      expect(first.onBattery).toBe(true);
      await h.advance(60_000);
      const later = await h.driver.read();
      if (first.chargePercent !== null && later.chargePercent !== null) expect(later.chargePercent).toBeLessThanOrEqual(first.chargePercent);
      await h.setMains(true);
      expect((await h.driver.read()).status).toBe('online');
    });

    it("the UPS's own low-battery flag reads as low_battery", async () => {
      await h.setMains(false);
      await h.setLowBattery(true);
      expect((await h.driver.read()).status).toBe('low_battery');
      await h.setLowBattery(undefined);
      await h.setMains(true);
      expect((await h.driver.read()).status).toBe('online');
    });

    it('a lost link is an error with a reason, never a reading; the link coming back reads again', async () => {
      await h.setLink(false);
      const err: unknown = await h.driver.read().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HalError);
      expect((err as HalError).message).toMatch(/\S/);
      await h.setLink(true);
      expect((await h.driver.read()).status).toBe('online');
    });
  });
}
