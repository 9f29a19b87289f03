import type { HidField, ReportDescriptor } from './descriptor.js';
import { USAGE } from './usages.js';

/**
 * Vendor fixes to report descriptors that are valid HID but wrong about their own ranges. Each
 * is a fact learnt by NUT's usbhid-ups subdrivers (apc-hid.c, cps-hid.c), applied under the
 * same conditions (vendor and product id, the same report ids) and only when the symptom is
 * present in the descriptor itself. Without the fix the value would fall outside its logical
 * range and read as null, so a fix never invents a number the UPS did not send.
 */

export const VENDOR = { apc: 0x051d, cyberPower: 0x0764, eaton: 0x0463 } as const;

export interface QuirkResult {
  descriptor: ReportDescriptor;
  /** What was changed, for the log and for `ups decode`. */
  applied: string[];
}

function fieldsOf(desc: ReportDescriptor, reportId: number, usage: number): HidField[] {
  return desc.fields.filter((f) => f.reportId === reportId && f.usage === usage);
}

function setRange(fields: HidField[], min: number, max: number): void {
  for (const f of fields) {
    f.logicalMin = min;
    f.logicalMax = max;
  }
}

/** Copy fields (and the layouts that hold them) so the parsed original stays untouched. */
function clone(desc: ReportDescriptor): ReportDescriptor {
  const copies = new Map<HidField, HidField>(desc.fields.map((f) => [f, { ...f }]));
  const reports = new Map(
    [...desc.reports].map(([key, layout]) => [key, { ...layout, fields: layout.fields.map((f) => copies.get(f) ?? f) }]),
  );
  return { ...desc, fields: desc.fields.map((f) => copies.get(f) ?? f), reports };
}

/**
 * APC Back-UPS (051d:0002): Input.Voltage (report 0x31) inherits the nominal-voltage range
 * (e.g. 75..140) so a real 230 V falls outside it. When High Voltage Transfer (0x33) allows more
 * than Voltage does, Voltage becomes 0..2 × that maximum, and Config Voltage (0x30) 0..255.
 */
function apc(desc: ReportDescriptor, applied: string[]): void {
  const hvt = fieldsOf(desc, 0x33, USAGE.highVoltageTransfer)[0];
  if (!hvt) return;
  const voltage = fieldsOf(desc, 0x31, USAGE.voltage);
  if (voltage[0] && hvt.logicalMax > voltage[0].logicalMax) {
    setRange(voltage, 0, hvt.logicalMax * 2);
    applied.push(`APC: input voltage (report 0x31) range widened to 0..${hvt.logicalMax * 2}`);
  }
  const config = fieldsOf(desc, 0x30, USAGE.configVoltage);
  if (config[0] && hvt.logicalMax > config[0].logicalMax) {
    for (const f of config) f.logicalMax = 255;
    applied.push('APC: nominal input voltage (report 0x30) maximum set to 255');
  }
}

const CPS_VOLTAGE_MAX = 511;
const CPS_NOMINAL_POWER_MAX = 2048;

/**
 * CyberPower (0764:0501 and 0601): output (0x12) and input (0x0f) voltage copy the range of
 * High Voltage Transfer (0x10); or their maximum is written as -1 (read as unsigned, "assumed")
 * and is too small; and Config Active Power (0x18) is capped below the UPS's own rating.
 */
function cyberPower(desc: ReportDescriptor, applied: string[]): void {
  const hvt = fieldsOf(desc, 0x10, USAGE.highVoltageTransfer)[0];
  const output = fieldsOf(desc, 0x12, USAGE.voltage);
  const input = fieldsOf(desc, 0x0f, USAGE.voltage);
  const sameAsHvt = (f: HidField | undefined) => f !== undefined && hvt !== undefined && f.logicalMin === hvt.logicalMin && f.logicalMax === hvt.logicalMax;
  if (sameAsHvt(output[0])) {
    const fixInput = sameAsHvt(input[0]);
    setRange(output, 0, CPS_VOLTAGE_MAX);
    applied.push(`CyberPower: output voltage (report 0x12) range 0..${CPS_VOLTAGE_MAX} (it copied High Voltage Transfer's)`);
    if (fixInput) {
      setRange(input, 0, CPS_VOLTAGE_MAX);
      applied.push(`CyberPower: input voltage (report 0x0f) range 0..${CPS_VOLTAGE_MAX}`);
    }
  }
  const o = output[0];
  const i = input[0];
  if (o && i && (o.logicalMaxAssumed || i.logicalMaxAssumed)) {
    let oMax = o.logicalMax;
    let iMax = i.logicalMax;
    if (o.logicalMaxAssumed && oMax < CPS_VOLTAGE_MAX) oMax = CPS_VOLTAGE_MAX;
    if (i.logicalMaxAssumed && iMax < CPS_VOLTAGE_MAX) iMax = CPS_VOLTAGE_MAX;
    if (o.logicalMaxAssumed && oMax < iMax) oMax = iMax;
    else if (i.logicalMaxAssumed && iMax < oMax) iMax = oMax;
    // Never beyond what the field's bits can hold.
    if (o.logicalMaxAssumed) oMax = Math.min(oMax, 2 ** o.bitSize - 1);
    if (i.logicalMaxAssumed) iMax = Math.min(iMax, 2 ** i.bitSize - 1);
    if (oMax !== o.logicalMax) {
      setRange(output, o.logicalMin, oMax);
      applied.push(`CyberPower: output voltage (report 0x12) maximum ${oMax}`);
    }
    if (iMax !== i.logicalMax) {
      setRange(input, i.logicalMin, iMax);
      applied.push(`CyberPower: input voltage (report 0x0f) maximum ${iMax}`);
    }
  }
  const power = fieldsOf(desc, 0x18, 0x840044);
  if (power[0] && power[0].logicalMax < CPS_NOMINAL_POWER_MAX) {
    for (const f of power) f.logicalMax = CPS_NOMINAL_POWER_MAX;
    applied.push(`CyberPower: nominal power (report 0x18) maximum ${CPS_NOMINAL_POWER_MAX}`);
  }
}

export function applyQuirks(desc: ReportDescriptor, vendorId: number | undefined, productId: number | undefined): QuirkResult {
  const applied: string[] = [];
  const out = clone(desc);
  // Without a product id (a capture labelled with the vendor only) the fixes still check for
  // their symptom in the descriptor before changing anything.
  const product = (...ids: number[]) => productId === undefined || ids.includes(productId);
  if (vendorId === VENDOR.apc && product(0x0002)) apc(out, applied);
  if (vendorId === VENDOR.cyberPower && product(0x0501, 0x0601)) cyberPower(out, applied);
  return { descriptor: applied.length > 0 ? out : desc, applied };
}
