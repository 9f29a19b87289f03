import type { UpsReading } from '../types.js';
import type { DecodedReport } from './decode.js';
import type { HidField, ReportDescriptor } from './descriptor.js';
import { VENDOR } from './quirks.js';
import { USAGE, within } from './usages.js';

/**
 * Field values → the contract's UPS reading. Which field stands for what follows NUT's
 * subdriver tables (apc-hid, cps-hid, mge-hid): the same usage can appear in several
 * collections, and the mains input Voltage must not be confused with the output's or the
 * battery's. The status follows usbhid-ups: ACPresent says online or on battery, and a low
 * battery is BelowRemainingCapacityLimit, ShutdownImminent or RemainingTimeLimitExpired.
 */

export interface HidReading extends UpsReading {
  shutdownImminent: boolean | null;
  charging: boolean | null;
  discharging: boolean | null;
  needReplacement: boolean | null;
}

/**
 * The latest value of each field, from the latest report that carried it, with when it was set
 * (a sequence number: one per report decoded), so that the freshest of two fields can win.
 */
export class FieldValues {
  private readonly values = new Map<HidField, { value: number | null; seq: number }>();
  private seq = 0;

  update(decoded: readonly DecodedReport[]): void {
    this.seq += 1;
    for (const d of decoded) for (const v of d.values) this.values.set(v.field, { value: v.value, seq: this.seq });
  }

  /** Values of a report that could not be read this time are unknown, not the previous ones. */
  forget(fields: readonly HidField[]): void {
    this.seq += 1;
    for (const f of fields) this.values.set(f, { value: null, seq: this.seq });
  }

  get(field: HidField): number | null | undefined {
    return this.values.get(field)?.value;
  }

  /** When the field was last set (higher is later); 0 when never. */
  setAt(field: HidField): number {
    return this.values.get(field)?.seq ?? 0;
  }

  clear(): void {
    this.values.clear();
  }
}

type Rank = (f: HidField) => number;

/**
 * The value of the best-ranked field with this usage that has one; at equal rank the most
 * recently set. An input report's value never expires, so it must not outvote a later feature
 * poll of the same usage (on battery in an old input, AC present in this poll: online).
 */
function pick(desc: ReportDescriptor, values: FieldValues, usage: number, rank: Rank): number | null {
  let best: { rank: number; seq: number; input: boolean; value: number } | undefined;
  for (const f of desc.fields) {
    if (f.usage !== usage || (f.flags & 0x02) === 0) continue;
    const r = rank(f);
    const value = values.get(f);
    if (r < 0 || value === undefined || value === null) continue;
    const seq = values.setAt(f);
    const input = f.kind === 'input';
    // Set by the same report (an input and a feature layout of one id): the input, as the UPS pushed it.
    const later = best !== undefined && r === best.rank && (seq > best.seq || (seq === best.seq && input && !best.input));
    if (!best || r < best.rank || later) best = { rank: r, seq, input, value };
  }
  return best ? best.value : null;
}

const summaryFirst: Rank = (f) => (within(f, USAGE.powerSummary) ? 0 : within(f, USAGE.battery) ? 1 : 2);
const statusRank: Rank = (f) => {
  const summary = within(f, USAGE.powerSummary);
  const status = within(f, USAGE.presentStatus);
  return summary && status ? 0 : summary ? 1 : status ? 2 : 3;
};
/** The mains input: a Voltage inside an Input collection (Eaton: PowerConverter.Input.[1]), never the output's. */
const mainsRank: Rank = (f) => {
  if (within(f, USAGE.output)) return -1;
  const input = f.collections.find((c) => c.usage === USAGE.input);
  if (!input) return -1;
  return input.type < 0x80 || (input.type & 0x7f) === 1 ? 0 : 1;
};
const loadRank: Rank = (f) => (within(f, USAGE.powerSummary) ? 0 : within(f, USAGE.output) ? 1 : within(f, USAGE.powerConverter) ? 2 : 3);

const flag = (v: number | null): boolean | null => (v === null ? null : v !== 0);

/** CapacityMode 2 is percent (HID Battery System 4.2); in mAh or mWh the charge is a share of the full charge. */
function chargePercent(desc: ReportDescriptor, values: FieldValues, vendorId: number | undefined): number | null {
  const remaining = pick(desc, values, USAGE.remainingCapacity, summaryFirst);
  if (remaining === null) return null;
  const mode = pick(desc, values, USAGE.capacityMode, summaryFirst);
  let percent = remaining;
  if (mode !== null && mode !== 2) {
    const full = pick(desc, values, USAGE.fullChargeCapacity, summaryFirst);
    if (full === null || full <= 0) return null;
    percent = (remaining / full) * 100;
  }
  // CyberPower reports a little over 100 while topping up; NUT caps it at 100 (cps-hid.c).
  if (vendorId === VENDOR.cyberPower && percent > 100) percent = 100;
  return percent < 0 || percent > 100 ? null : Math.round(percent * 10) / 10;
}

/** NUT's model for APC: the product string up to " FW:" (apc-hid.c); others as given. */
export function formatModel(vendorId: number | undefined, manufacturer: string | null, product: string | null): string | null {
  const name = vendorId === VENDOR.apc && product ? product.replace(/\s*FW:.*$/, '') : product;
  const parts = [manufacturer, name].map((s) => s?.trim()).filter((s): s is string => Boolean(s));
  return parts.length > 0 ? parts.join(' ') : null;
}

export interface ReadingContext {
  vendorId?: number | undefined;
  model?: string | null;
}

export function toReading(desc: ReportDescriptor, values: FieldValues, ctx: ReadingContext = {}): HidReading {
  const b = (usage: number) => flag(pick(desc, values, usage, statusRank));
  const acPresent = b(USAGE.acPresent);
  const discharging = b(USAGE.discharging);
  const shutdownImminent = b(USAGE.shutdownImminent);
  const low = [b(USAGE.belowRemainingCapacityLimit), shutdownImminent, b(USAGE.remainingTimeLimitExpired)].some((v) => v === true);
  // On mains while discharging is a self-test or calibration, not a power cut (usbhid-ups: OL DISCHRG).
  const onBattery = acPresent !== null ? !acPresent : discharging === true ? true : null;
  const runtime = pick(desc, values, USAGE.runTimeToEmpty, summaryFirst);
  const voltage = pick(desc, values, USAGE.voltage, mainsRank);
  const load = pick(desc, values, USAGE.percentLoad, loadRank);
  const needReplacement = b(USAGE.needReplacement);
  const overload = b(USAGE.overload);
  return {
    status: low ? 'low_battery' : onBattery === true ? 'on_battery' : onBattery === false ? 'online' : 'unknown',
    onBattery,
    chargePercent: chargePercent(desc, values, ctx.vendorId),
    runtimeSeconds: runtime !== null && runtime >= 0 ? runtime : null,
    inputVoltage: voltage !== null && voltage >= 0 ? Math.round(voltage * 10) / 10 : null,
    loadPercent: load !== null && load >= 0 ? load : null,
    model: ctx.model ?? null,
    shutdownImminent,
    charging: b(USAGE.charging),
    discharging,
    needReplacement,
    statusReason: low || onBattery !== null ? null : 'the UPS reports neither mains present (ACPresent) nor discharging',
    // HID Power Devices have no standard usage for bypass or an output switched off.
    alarms: [...(needReplacement === true ? (['replace_battery'] as const) : []), ...(overload === true ? (['overload'] as const) : [])],
  };
}

/** Whether a descriptor describes a UPS at all: a line status or a battery charge somewhere. */
export function looksLikeUps(desc: ReportDescriptor): boolean {
  const wanted = new Set<number>([USAGE.acPresent, USAGE.remainingCapacity, USAGE.discharging, USAGE.runTimeToEmpty]);
  return desc.fields.some((f) => wanted.has(f.usage));
}
