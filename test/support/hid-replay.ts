import { upsSchema } from '../../hal/ups/index.js';
import { ManualClock } from '../../core/clock.js';
import { HalError } from '../../hal/errors.js';
import { encodeField } from '../../hal/ups/hid/decode.js';
import { parseDescriptor, reportKey, type ReportDescriptor, type ReportKind } from '../../hal/ups/hid/descriptor.js';
import type { HidOptions } from '../../hal/ups/hid/config.js';
import { HidUps } from '../../hal/ups/hid/driver.js';
import type { HidDeviceInfo, HidSelector, HidTransport } from '../../hal/ups/hid/transport.js';
import { USAGE } from '../../hal/ups/hid/usages.js';
import type { UpsHarness } from './contracts/ups.js';
import { loadHidFixture, type HidFixtureName } from './hid-fixtures.js';
import { quietLog } from './sim.js';

/**
 * A USB HID UPS made of a capture: it answers feature requests with the captured reports
 * byte for byte (refusing ids the capture lacks, as a UPS stalls on a report it does not
 * implement), pushes input reports when its state changes, and can lose its cable. Changes go
 * through the descriptor's own field layout, so the driver sees what such a UPS would send.
 */
export class ReplayUps {
  readonly descriptor: ReportDescriptor;
  readonly features = new Map<number, Uint8Array>();
  readonly inputs: Uint8Array[] = [];
  linkUp = true;
  opens = 0;
  requests: number[] = [];

  constructor(
    readonly descriptorBytes: Uint8Array,
    reports: readonly Uint8Array[],
    readonly info: HidDeviceInfo = { vendorId: 0x051d, productId: 0x0002, path: '/dev/hidraw-replay', manufacturer: null, product: null },
  ) {
    this.descriptor = parseDescriptor(descriptorBytes);
    for (const r of reports) if (r[0] !== undefined) this.features.set(r[0], Uint8Array.from(r));
  }

  static fromFixture(name: HidFixtureName): ReplayUps {
    const fx = loadHidFixture(name);
    const [manufacturer, model] = fx.oracle.device.split(/ (.*)/);
    // APC's USB product string carries the firmware ("Back-UPS XS 1400U FW:926.T1 .I USB FW:T1").
    const product = fx.vendorId === 0x051d && fx.oracle.firmware ? `${model} FW:${fx.oracle.firmware}` : (model ?? null);
    return new ReplayUps(
      fx.descriptor,
      fx.reports.map((r) => r.bytes),
      { vendorId: fx.vendorId, productId: fx.productId, path: '/dev/hidraw-replay', manufacturer: manufacturer ?? null, product },
    );
  }

  /** Set a usage wherever the UPS reports it; input reports that carry it are pushed. */
  set(usage: number, value: number): void {
    for (const kind of ['feature', 'input'] as ReportKind[]) {
      for (const layout of this.descriptor.reports.values()) {
        if (layout.kind !== kind) continue;
        const fields = layout.fields.filter((f) => f.usage === usage);
        if (fields.length === 0) continue;
        const base = this.features.get(layout.reportId) ?? new Uint8Array(layout.byteLength + 1);
        const report = base.length === layout.byteLength + 1 ? Uint8Array.from(base) : new Uint8Array(layout.byteLength + 1);
        report[0] = layout.reportId;
        const data = report.subarray(1);
        for (const f of fields) encodeField(f, data, value);
        if (kind === 'feature' && this.features.has(layout.reportId)) this.features.set(layout.reportId, report);
        if (kind === 'input' && this.descriptor.reports.has(reportKey('input', layout.reportId))) this.inputs.push(report);
      }
    }
  }

  has(usage: number): boolean {
    return this.descriptor.fields.some((f) => f.usage === usage);
  }

  private check(): void {
    if (!this.linkUp) throw new Error('could not read from HID device');
  }

  open = (_sel: HidSelector): Promise<HidTransport> => {
    if (!this.linkUp) return Promise.reject(new HalError('hid-not-found', 'no USB HID device that is a HID Power Device is attached'));
    this.opens += 1;
    return Promise.resolve({
      info: this.info,
      reportDescriptor: () => (this.check(), Promise.resolve(Uint8Array.from(this.descriptorBytes))),
      getFeatureReport: (id: number, length: number) => {
        this.check();
        this.requests.push(id);
        const r = this.features.get(id);
        if (!r) return Promise.reject(new Error(`report 0x${id.toString(16)}: Broken pipe`));
        if (r.length !== length) return Promise.reject(new Error(`asked ${length} bytes of report 0x${id.toString(16)}, it has ${r.length}`));
        return Promise.resolve(Uint8Array.from(r));
      },
      readInput: () => {
        this.check();
        const r = this.inputs.shift();
        // Linux hidraw gives a device without report ids its input reports without the id byte.
        return Promise.resolve(r === undefined ? null : this.descriptor.usesReportIds ? r : r.subarray(1));
      },
      close: () => Promise.resolve(),
    });
  };
}

export function hidOptions(extra: Partial<HidOptions> = {}): HidOptions {
  const o = upsSchema().parse({ driver: 'hid', timeoutSeconds: 1, ...extra });
  if (o.driver !== 'hid') throw new Error('unreachable');
  return o;
}

/** The UPS contract's controls, played on a replayed capture. */
export function hidReplayHarness(name: HidFixtureName): UpsHarness & { replay: ReplayUps; clock: ManualClock } {
  const replay = ReplayUps.fromFixture(name);
  const clock = new ManualClock();
  const driver = new HidUps(hidOptions(), { clock, log: quietLog }, replay.open);
  let mains = true;
  let charge = 100;
  const power = () => {
    replay.set(USAGE.acPresent, mains ? 1 : 0);
    replay.set(USAGE.discharging, mains ? 0 : 1);
    replay.set(USAGE.charging, 0);
  };
  return {
    driver,
    replay,
    clock,
    setMains: (on) => {
      mains = on;
      power();
      return Promise.resolve();
    },
    setLowBattery: (low) => {
      replay.set(USAGE.belowRemainingCapacityLimit, low ? 1 : 0);
      return Promise.resolve();
    },
    setLink: (up) => {
      replay.linkUp = up;
      // Plugging the cable back takes a person longer than the driver's reconnect backoff.
      if (up) clock.advance(60_000);
      return Promise.resolve();
    },
    advance: (ms) => {
      clock.advance(ms);
      if (!mains) {
        charge = Math.max(0, charge - ms / 60_000);
        replay.set(USAGE.remainingCapacity, Math.round(charge));
      }
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
}
