import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { decodeCapture, parseDescriptorHex, parseReportsHex } from '../../hal/ups/hid/capture.js';
import { captureUps, descriptorText, reportsText } from '../../hal/ups/hid/dump.js';
import { HidUps } from '../../hal/ups/hid/driver.js';
import { chooseDevice, loadNodeHid, openNodeHid } from '../../hal/ups/hid/node-hid.js';
import type { OpenHid } from '../../hal/ups/hid/transport.js';
import { USAGE } from '../../hal/ups/hid/usages.js';
import { bytesOf, HID_FIXTURES, loadHidFixture } from '../support/hid-fixtures.js';
import { hidOptions, ReplayUps } from '../support/hid-replay.js';
import { settledYet, turn, untilSettled } from '../support/settle.js';
import { quietLog } from '../support/sim.js';

const driverOn = (replay: ReplayUps, extra: Parameters<typeof hidOptions>[0] = {}) => new HidUps(hidOptions(extra), { clock: new ManualClock(), log: quietLog }, replay.open);
const errorOf = async (p: Promise<unknown>): Promise<HalError> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof HalError)) throw new Error(`expected a HalError, got ${String(e)}`);
  return e;
};

describe('HID driver on replayed captures', () => {
  it.each(HID_FIXTURES)('%s: the driver reads what the capture decodes to, asking only for the reports a reading needs', async (name) => {
    const fx = loadHidFixture(name);
    const replay = ReplayUps.fromFixture(name);
    const driver = driverOn(replay);
    await driver.start();
    const r = await driver.read();
    const { reading } = decodeCapture(fx.descriptor, fx.reports, { vendorId: fx.vendorId, productId: fx.productId });
    expect({ ...r, model: null }).toEqual(reading);
    expect(r.model).toBeTruthy();
    const featureIds = new Set([...replay.descriptor.reports.values()].filter((l) => l.kind === 'feature').map((l) => l.reportId));
    expect(new Set(replay.requests).size).toBeLessThan(featureIds.size);
    await driver.stop();
  });

  it("APC: NUT's model name (up to FW:), and a report the UPS refuses reads null while the rest read", async () => {
    const replay = ReplayUps.fromFixture('apc-back-ups-xs-1400u');
    const r = await driverOn(replay).read();
    expect(r.model).toBe('APC Back-UPS XS 1400U');
    // Report 0x31 (input voltage) is not in the capture: the replay refuses it like a stalled UPS.
    expect(replay.requests).toContain(0x31);
    expect(r).toMatchObject({ inputVoltage: null, chargePercent: 100, status: 'online' });
  });

  it('a refused report forgets its old value instead of showing it as current', async () => {
    const replay = ReplayUps.fromFixture('cyberpower-cp1500pfclcd');
    const driver = driverOn(replay);
    expect((await driver.read()).loadPercent).toBe(3);
    replay.features.delete(0x13);
    expect((await driver.read()).loadPercent).toBeNull();
  });

  it('a feature report longer than described reads its described bytes (APC Back-UPS ES/CS), said once; a short one reads null', async () => {
    const replay = ReplayUps.fromFixture('cyberpower-cp1500pfclcd');
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
    let extra = (_id: number) => 2;
    const open: OpenHid = async (sel) => {
      const t = await replay.open(sel);
      return {
        ...t,
        getFeatureReport: async (id, length) => {
          const r = await t.getFeatureReport(id, length);
          const n = extra(id);
          return n >= 0 ? Uint8Array.from([...r, ...new Uint8Array(n).fill(0xee)]) : r.subarray(0, r.length + n);
        },
      };
    };
    const driver = new HidUps(hidOptions(), { clock: new ManualClock(), log }, open);
    const want = { ...(await driverOn(ReplayUps.fromFixture('cyberpower-cp1500pfclcd')).read()) };
    expect(await driver.read()).toEqual(want);
    expect(await driver.read()).toEqual(want);
    const warned = lines.filter((l) => /longer than its descriptor says/.test(String(l.msg)));
    expect(warned.length).toBeGreaterThan(0);
    expect(new Set(warned.map((l) => l.reportId)).size).toBe(warned.length);
    // One byte short of every report: no values at all, so the UPS is lost (refused), not misread.
    extra = () => -1;
    expect((await errorOf(driver.read())).message).toMatch(/answers no feature report \(.*report 0x[0-9a-f]+ is \d+ bytes long/);
    // Short only for the load's report: that value is unknown, the rest still read.
    extra = (id) => (id === 0x13 ? -1 : 0);
    const again = new HidUps(hidOptions(), { clock: new ManualClock(), log }, open);
    expect(await again.read()).toEqual({ ...want, loadPercent: null });
  });

  it('every report refused is a lost UPS; it is opened again after the backoff', async () => {
    const replay = ReplayUps.fromFixture('eaton-5sc-750');
    const clock = new ManualClock();
    const driver = new HidUps(hidOptions(), { clock, log: quietLog }, replay.open);
    await driver.read();
    const saved = new Map(replay.features);
    replay.features.clear();
    expect(await errorOf(driver.read())).toMatchObject({ code: 'comm-lost', message: expect.stringMatching(/answers no feature report/) as string });
    replay.features.clear();
    for (const [k, v] of saved) replay.features.set(k, v);
    expect((await errorOf(driver.read())).message).toMatch(/waiting before trying again/);
    clock.advance(2000);
    expect((await driver.read()).status).toBe('online');
    expect(replay.opens).toBe(2);
  });

  it('without feature polling, input reports the UPS pushes carry the changes', async () => {
    const replay = ReplayUps.fromFixture('apc-back-ups-xs-1400u');
    const driver = driverOn(replay, { pollFeatureReports: false });
    expect((await driver.read()).status).toBe('online');
    const asked = replay.requests.length;
    replay.set(USAGE.acPresent, 0);
    replay.set(USAGE.discharging, 1);
    expect(await driver.read()).toMatchObject({ status: 'on_battery', onBattery: true });
    replay.set(USAGE.shutdownImminent, 1);
    expect(await driver.read()).toMatchObject({ status: 'low_battery', shutdownImminent: true });
    expect(replay.requests.length).toBe(asked);
  });

  it('APC: an old input report (on battery) does not outvote a later feature poll (AC present)', async () => {
    const replay = ReplayUps.fromFixture('apc-back-ups-xs-1400u');
    const driver = driverOn(replay);
    expect((await driver.read()).status).toBe('online');
    replay.set(USAGE.acPresent, 0);
    replay.set(USAGE.discharging, 1);
    expect(await driver.read()).toMatchObject({ status: 'on_battery', onBattery: true });
    // Mains back: the feature reports say so, but no input report is pushed this time.
    replay.set(USAGE.acPresent, 1);
    replay.set(USAGE.discharging, 0);
    replay.inputs.length = 0;
    expect(await driver.read()).toMatchObject({ status: 'online', onBattery: false, discharging: false });
  });

  it('a UPS that opens only after the open timed out is closed when it arrives, not left held', async () => {
    const replay = ReplayUps.fromFixture('eaton-5sc-750');
    let closed = 0;
    let arrive: () => void = () => undefined;
    const open: OpenHid = async (sel) => {
      const t = await replay.open(sel);
      await new Promise<void>((r) => (arrive = r));
      return { ...t, close: () => ((closed += 1), Promise.resolve()) };
    };
    const clock = new ManualClock();
    const driver = new HidUps(hidOptions({ timeoutSeconds: 0.1 }), { clock, log: quietLog }, open);
    const reading = errorOf(driver.read());
    await turn();
    // The open waits on its deadline, on the driver's clock.
    expect(clock.nextTimerIn()).toBe(100);
    clock.advance(100);
    expect((await reading).message).toMatch(/opening the USB UPS did not answer within 100 ms/);
    expect(closed).toBe(0);
    arrive();
    await turn();
    expect(closed).toBe(1);
  });

  it('a close that hangs does not wedge the driver: stop and the next read still end', async () => {
    const replay = ReplayUps.fromFixture('eaton-5sc-750');
    const open: OpenHid = async (sel) => ({ ...(await replay.open(sel)), close: () => new Promise<void>(() => undefined) });
    const clock = new ManualClock();
    const driver = new HidUps(hidOptions({ timeoutSeconds: 0.1 }), { clock, log: quietLog }, open);
    expect((await driver.read()).status).toBe('online');
    const stopping = driver.stop();
    expect(await settledYet(stopping)).toBe(false);
    // The hung close is given the USB timeout on the driver's clock, no more.
    expect(clock.nextTimerIn()).toBe(100);
    clock.advance(100);
    expect(await settledYet(stopping)).toBe(true);
    const again = driver.read();
    expect(await settledYet(again)).toBe(true);
    expect((await again).status).toBe('online');
  });

  it('hid-unsupported (Windows) is permanent: the same message at once, and the UPS is not opened again', async () => {
    let opens = 0;
    const open: OpenHid = () => {
      opens += 1;
      return Promise.resolve({
        info: { vendorId: 0x051d, productId: 0x0002, path: '\\\\?\\hid#vid_051d', manufacturer: null, product: null },
        reportDescriptor: () => Promise.reject(new HalError('hid-unsupported', 'cannot read the report descriptor of \\\\?\\hid#vid_051d on win32', 'On this PC, read the UPS through NUT (ups.driver: nut).')),
        getFeatureReport: () => Promise.reject(new Error('unused')),
        readInput: () => Promise.resolve(null),
        close: () => Promise.resolve(),
      });
    };
    const clock = new ManualClock();
    const driver = new HidUps(hidOptions(), { clock, log: quietLog }, open);
    expect(await errorOf(driver.start())).toMatchObject({ code: 'hid-unsupported', hint: expect.stringMatching(/ups\.driver: nut/) as string });
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      expect(await errorOf(driver.read())).toMatchObject({ code: 'hid-unsupported', message: expect.stringMatching(/on win32/) as string });
    }
    expect(opens).toBe(1);
  });

  it('a device that describes no UPS values is refused with what to use instead', async () => {
    // A 27-byte vendor-page descriptor as serial-over-HID UPSes have (no Power Device usages).
    const vendorOnly = bytesOf('06 00 ff 09 01 a1 01 15 00 26 ff 00 75 08 95 08 09 01 81 02 09 01 91 02 c0');
    const driver = driverOn(new ReplayUps(vendorOnly, []));
    const err = await errorOf(driver.start());
    expect(err.message).toMatch(/describes no UPS values/);
    expect(err.hint).toMatch(/NUT \(nutdrv_qx/);
  });
});

describe('node-hid transport', () => {
  it('node-hid missing: the package to install', async () => {
    const err = await errorOf(loadNodeHid(() => Promise.reject(Object.assign(new Error("Cannot find package 'node-hid'"), { code: 'ERR_MODULE_NOT_FOUND' }))));
    expect(err.code).toBe('hid-unavailable');
    expect(err.hint).toMatch(/npm install node-hid/);
  });

  it('libusb missing: the Debian package to install', async () => {
    const err = await errorOf(loadNodeHid(() => Promise.reject(new Error('libusb-1.0.so.0: cannot open shared object file: No such file or directory'))));
    expect(err.message).toMatch(/libusb-1\.0\.so\.0 is missing/);
    expect(err.hint).toMatch(/apt-get install libusb-1\.0-0 libudev1/);
  });

  it('the real node-hid loads here; with no UPS attached, says so and what to check', async () => {
    const err = await errorOf(openNodeHid({ vendorId: 0x051d }));
    expect(err.code).toBe('hid-not-found');
    expect(err.message).toMatch(/no USB HID device matching vendor 051d/);
    expect(err.hint).toMatch(/USB cable/);
  });

  const kbd = { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 1 };
  const apc = { vendorId: 0x051d, productId: 0x0002, path: '/dev/hidraw1', usagePage: 0x84, product: 'Back-UPS' };
  const cps = { vendorId: 0x0764, productId: 0x0501, path: '/dev/hidraw2', usagePage: 0x84 };

  it('chooses the Power Device, by ids or path when several', () => {
    expect(chooseDevice([kbd, apc], {})).toBe(apc);
    expect(chooseDevice([kbd, apc, cps], { vendorId: 0x0764 })).toBe(cps);
    expect(chooseDevice([kbd, apc, cps], { path: '/dev/hidraw1' })).toBe(apc);
    expect(() => chooseDevice([kbd], {})).toThrow(/no USB HID device of the HID Power Device class is attached/);
    expect(() => chooseDevice([kbd, apc, cps], {})).toThrow(/2 USB devices of the HID Power Device class: 051d:0002 Back-UPS \(\/dev\/hidraw1\); 0764:0501 \(\/dev\/hidraw2\)/);
  });
});

describe('ups dump capture', () => {
  it.each(HID_FIXTURES)('%s: what dump writes decodes to what the driver reads', async (name) => {
    const replay = ReplayUps.fromFixture(name);
    const t = await replay.open({});
    replay.set(USAGE.acPresent, 0); // pushes input reports, which dump collects too
    const clock = new ManualClock();
    const capture = await untilSettled(captureUps(t, 30, clock), clock);
    expect(replay.inputs).toEqual([]);
    expect(capture.descriptorError).toBeNull();
    const descriptorFile = descriptorText(capture);
    const reportsFile = reportsText(capture, new Date(Date.UTC(2027, 0, 5)));
    expect(descriptorFile).toMatch(/^# USB HID report descriptor of /);
    // Every feature report the descriptor has is asked for; the ones the capture lacks are listed as refused.
    expect(capture.refused.length + capture.reports.length).toBeGreaterThanOrEqual(replay.features.size);
    const decoded = decodeCapture(parseDescriptorHex(descriptorFile), parseReportsHex(reportsFile), { vendorId: replay.info.vendorId, productId: replay.info.productId });
    expect([...parseDescriptorHex(descriptorFile)]).toEqual([...replay.descriptorBytes]);
    const driver = driverOn(replay);
    expect({ ...(await driver.read()), model: null }).toEqual(decoded.reading);
  });

  it('a UPS without report ids: the input reports hidraw gives without the id byte still decode', async () => {
    // By hand: UPS.PowerSummary with input ACPresent, Charging, Discharging (3 bits, 5 padding)
    // and RemainingCapacity (8 bits), and a feature RemainingCapacity; no Report ID item at all.
    const noIds = bytesOf(
      '05 84 09 04 a1 01 09 24 a1 02 05 85 09 d0 09 44 09 45 15 00 25 01 75 01 95 03 81 02 75 05 95 01 81 03 09 66 15 00 25 64 75 08 95 01 81 02 09 66 b1 02 c0 c0',
    );
    const replay = new ReplayUps(noIds, [bytesOf('00 5a')], { vendorId: 0x09ae, productId: 0x0001, path: '/dev/hidraw-replay', manufacturer: null, product: 'no ids' });
    expect(replay.descriptor.usesReportIds).toBe(false);
    replay.inputs.push(bytesOf('00 04 50')); // discharging, no mains, 80 %; hidraw hands over "04 50"
    const clock = new ManualClock();
    const capture = await untilSettled(captureUps(await replay.open({}), 30, clock), clock);
    const reportsFile = reportsText(capture, new Date(Date.UTC(2027, 0, 5)));
    expect(reportsFile).toMatch(/^00 04 50$/m);
    const decoded = decodeCapture(parseDescriptorHex(descriptorText(capture)), parseReportsHex(reportsFile));
    expect(decoded.reading).toMatchObject({ status: 'on_battery', onBattery: true, chargePercent: 80, discharging: true });
    replay.inputs.push(bytesOf('00 04 50'));
    expect({ ...(await driverOn(replay).read()), model: null }).toEqual(decoded.reading);
  });
});
