import type { HidField } from './descriptor.js';

/**
 * The usages of the HID Power Device class (usage tables "pdcv10": page 0x84 Power Device,
 * 0x85 Battery System) that a UPS reading needs, plus the collection names used to tell which
 * Voltage is the mains input. Names follow NUT's usbhid-ups, so paths read like its logs
 * ("UPS.PowerSummary.RemainingCapacity") and can be compared with them.
 */
const PD = 0x84 * 0x10000;
const BS = 0x85 * 0x10000;

export const USAGE = {
  ups: PD + 0x04,
  batterySystem: PD + 0x10,
  battery: PD + 0x12,
  powerConverter: PD + 0x16,
  input: PD + 0x1a,
  output: PD + 0x1c,
  flow: PD + 0x1e,
  powerSummary: PD + 0x24,
  presentStatus: PD + 0x02,
  voltage: PD + 0x30,
  percentLoad: PD + 0x35,
  configVoltage: PD + 0x40,
  highVoltageTransfer: PD + 0x54,
  overload: PD + 0x65,
  shutdownImminent: PD + 0x69,
  iManufacturer: PD + 0xfd,
  iProduct: PD + 0xfe,
  belowRemainingCapacityLimit: BS + 0x42,
  remainingTimeLimitExpired: BS + 0x43,
  charging: BS + 0x44,
  discharging: BS + 0x45,
  fullyCharged: BS + 0x46,
  needReplacement: BS + 0x4b,
  remainingCapacity: BS + 0x66,
  fullChargeCapacity: BS + 0x67,
  runTimeToEmpty: BS + 0x68,
  capacityMode: BS + 0x2c,
  acPresent: BS + 0xd0,
} as const;

const NAMES: Record<number, string> = {
  [PD + 0x01]: 'iName',
  [PD + 0x02]: 'PresentStatus',
  [PD + 0x04]: 'UPS',
  [PD + 0x10]: 'BatterySystem',
  [PD + 0x12]: 'Battery',
  [PD + 0x14]: 'Charger',
  [PD + 0x16]: 'PowerConverter',
  [PD + 0x18]: 'OutletSystem',
  [PD + 0x1a]: 'Input',
  [PD + 0x1c]: 'Output',
  [PD + 0x1e]: 'Flow',
  [PD + 0x20]: 'Outlet',
  [PD + 0x24]: 'PowerSummary',
  [PD + 0x30]: 'Voltage',
  [PD + 0x31]: 'Current',
  [PD + 0x32]: 'Frequency',
  [PD + 0x33]: 'ApparentPower',
  [PD + 0x34]: 'ActivePower',
  [PD + 0x35]: 'PercentLoad',
  [PD + 0x40]: 'ConfigVoltage',
  [PD + 0x42]: 'ConfigFrequency',
  [PD + 0x43]: 'ConfigApparentPower',
  [PD + 0x44]: 'ConfigActivePower',
  [PD + 0x45]: 'ConfigPercentLoad',
  [PD + 0x53]: 'LowVoltageTransfer',
  [PD + 0x54]: 'HighVoltageTransfer',
  [PD + 0x56]: 'DelayBeforeStartup',
  [PD + 0x57]: 'DelayBeforeShutdown',
  [PD + 0x58]: 'Test',
  [PD + 0x5a]: 'AudibleAlarmControl',
  [PD + 0x60]: 'Present',
  [PD + 0x61]: 'Good',
  [PD + 0x65]: 'Overload',
  [PD + 0x69]: 'ShutdownImminent',
  [PD + 0xfd]: 'iManufacturer',
  [PD + 0xfe]: 'iProduct',
  [PD + 0xff]: 'iSerialNumber',
  [BS + 0x29]: 'RemainingCapacityLimit',
  [BS + 0x2a]: 'RemainingTimeLimit',
  [BS + 0x2c]: 'CapacityMode',
  [BS + 0x42]: 'BelowRemainingCapacityLimit',
  [BS + 0x43]: 'RemainingTimeLimitExpired',
  [BS + 0x44]: 'Charging',
  [BS + 0x45]: 'Discharging',
  [BS + 0x46]: 'FullyCharged',
  [BS + 0x4b]: 'NeedReplacement',
  [BS + 0x66]: 'RemainingCapacity',
  [BS + 0x67]: 'FullChargeCapacity',
  [BS + 0x68]: 'RunTimeToEmpty',
  [BS + 0x83]: 'DesignCapacity',
  [BS + 0x85]: 'ManufacturerDate',
  [BS + 0x89]: 'iDeviceChemistry',
  [BS + 0x8b]: 'Rechargeable',
  [BS + 0x8c]: 'WarningCapacityLimit',
  [BS + 0x8f]: 'iOEMInformation',
  [BS + 0xd0]: 'ACPresent',
  [BS + 0xd1]: 'BatteryPresent',
  [BS + 0xdb]: 'VoltageNotRegulated',
};

/** A usage's name, or its 8 hex digits as NUT prints unknown ones ("ff860024"). */
export function usageName(usage: number): string {
  return NAMES[usage] ?? (usage >>> 0).toString(16).padStart(8, '0');
}

/** NUT-style path: collection names (a vendor collection type as "[n]"), then the field's usage. */
export function fieldPath(field: HidField): string {
  const parts: string[] = [];
  for (const c of field.collections) {
    parts.push(usageName(c.usage));
    if (c.type >= 0x80) parts.push(`[${c.type & 0x7f}]`);
  }
  parts.push(usageName(field.usage));
  return parts.join('.');
}

/** Whether the field lies inside a collection with this usage, at any depth. */
export function within(field: HidField, usage: number): boolean {
  return field.collections.some((c) => c.usage === usage);
}
