import { afterEach, describe, expect, it } from 'vitest';
import { upsSchema } from '../../hal/ups/index.js';
import { systemClock } from '../../core/clock.js';
import type { HalError } from '../../hal/errors.js';
import { NutUps } from '../../hal/ups/nut/driver.js';
import type { UpsDriver } from '../../hal/ups/types.js';
import { upsContract } from '../support/contracts/ups.js';
import { startNut, DUMMY_UPS, UPSD, type Nut } from '../support/nut.js';
import { peerAvailable, waitUntil } from '../support/peers.js';
import { quietLog } from '../support/sim.js';

const hasNut = peerAvailable('NUT upsd', UPSD) && peerAvailable('NUT dummy-ups', DUMMY_UPS);

function driverFor(nut: Nut): NutUps {
  const config = upsSchema().parse({ driver: 'nut', port: nut.port, name: 'ups', timeoutSeconds: 2 });
  if (config.driver !== 'nut') throw new Error('unreachable');
  return new NutUps(config, { clock: systemClock, log: quietLog });
}

/** Wait until the driver reads what the dummy UPS was just set to (dummy-ups re-reads its file within about a second). */
async function settle(driver: UpsDriver, pred: (status: string) => boolean): Promise<void> {
  await waitUntil('upsd to report the change', async () => pred(await driver.read().then((r) => r.status, () => 'error')), 10_000, 200);
}

describe.skipIf(!hasNut)('the NUT driver against upsd + dummy-ups', () => {
  upsContract('nut', async () => {
    const nut = await startNut();
    const driver = driverFor(nut);
    await settle(driver, (s) => s === 'online');
    let mains = true;
    let low: boolean | undefined;
    const status = () => `${mains ? 'OL' : 'OB DISCHRG'}${low ? ' LB' : ''}`;
    return {
      driver,
      async setMains(on) {
        mains = on;
        nut.setVars({ 'ups.status': status() });
        await settle(driver, (s) => s === (low ? 'low_battery' : on ? 'online' : 'on_battery'));
      },
      async setLowBattery(v) {
        low = v;
        nut.setVars({ 'ups.status': status() });
        await settle(driver, (s) => s === (v ? 'low_battery' : mains ? 'online' : 'on_battery'));
      },
      async setLink(up) {
        if (up) {
          await nut.startDriver();
          // A NUT driver starting says WAIT for a moment (an answer without a line status): back once it says more.
          await settle(driver, (s) => s !== 'error' && s !== 'unknown');
        } else {
          await nut.killDriver();
          await settle(driver, (s) => s === 'error');
        }
      },
      advance: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 1000))),
      close: () => nut.stop(),
    };
  });

  let nut: Nut | undefined;
  afterEach(async () => {
    await nut?.stop();
    nut = undefined;
  });

  it('a killed NUT driver is a lost link whose hint names the NUT driver', async () => {
    nut = await startNut();
    const driver = driverFor(nut);
    await settle(driver, (s) => s === 'online');
    await nut.killDriver();
    await waitUntil('the driver to be missed', async () => (await driver.read().catch((e: Error) => e)) instanceof Error, 10_000, 200);
    const err = (await driver.read().catch((e: unknown) => e)) as Error & { code: string; hint: string };
    expect(err.code).toBe('comm-lost');
    expect(err.hint).toMatch(/NUT driver/);
  });

  it('upsd not running: refused, with what to start', async () => {
    nut = await startNut();
    const driver = driverFor(nut);
    await nut.stop();
    const err = (await driver.read().catch((e: unknown) => e)) as Error & { hint: string };
    expect(err.message).toMatch(/^upsd refuses connections/);
    expect(err.hint).toMatch(/Start the NUT server \(upsd\)/);
    nut = undefined;
  });

  it('upsd down for a while and back: the driver connects again by itself', async () => {
    nut = await startNut();
    const driver = driverFor(nut);
    await settle(driver, (s) => s === 'online');
    await nut.stopUpsd();
    // Poll through the outage as the station does, long enough for the backoff to grow.
    const during: string[] = [];
    const end = Date.now() + 8000;
    while (Date.now() < end) {
      during.push(await driver.read().then((r) => r.status, (e: HalError) => e.code));
      await new Promise((r) => setTimeout(r, 500));
    }
    // The outage was seen: every read failed as a lost link, none passed off a reading.
    expect(during.length).toBeGreaterThan(10);
    expect(new Set(during)).toEqual(new Set(['comm-lost']));
    await nut.startUpsd();
    await settle(driver, (s) => s === 'online');
  });

  it('a UPS name upsd does not know is named with the setting to check', async () => {
    nut = await startNut();
    const config = upsSchema().parse({ driver: 'nut', port: nut.port, name: 'nosuchups' });
    if (config.driver !== 'nut') throw new Error('unreachable');
    const err = (await new NutUps(config, { clock: systemClock, log: quietLog }).read().catch((e: unknown) => e)) as Error & { hint: string };
    expect(err.message).toMatch(/no UPS named "nosuchups"/);
    expect(err.hint).toMatch(/ups\.name/);
  });
});
