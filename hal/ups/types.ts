import type { Lifecycle } from '../driver.js';

export const UPS_STATUSES = ['online', 'on_battery', 'low_battery', 'unknown'] as const;
export type UpsStatus = (typeof UPS_STATUSES)[number];

/** The station's power as the agent judges it (agent/station/power.ts), from the reading and the limits. */
export const POWER_STATES = ['online', 'on_battery', 'low_battery', 'shutdown_imminent', 'comm_lost', 'none'] as const;
export type PowerState = (typeof POWER_STATES)[number];

/**
 * What read() rejects with: comm-lost (no reading: cable, service or device), timeout,
 * not-configured (no UPS at this station), and the USB HID driver's own: the native module
 * unavailable, the system unsupported, the device not found, ambiguous, or not permitted; a
 * HID device that describes itself wrongly throws one of HidErrorCode (hid/error.ts).
 */
export const UPS_ERRORS = ['comm-lost', 'timeout', 'not-configured', 'hid-unavailable', 'hid-unsupported', 'hid-not-found', 'hid-ambiguous', 'hid-permission'] as const;
export type UpsErrorCode = (typeof UPS_ERRORS)[number];

/** What a UPS reports. A number it does not report is null, never 0 or 100. */
export interface UpsReading {
  status: UpsStatus;
  /** Running from the battery (mains lost). Apart from status: a UPS can be low on mains, recharging. */
  onBattery: boolean | null;
  chargePercent: number | null;
  runtimeSeconds: number | null;
  inputVoltage: number | null;
  loadPercent: number | null;
  model: string | null;
  /** The UPS will cut its output soon (NUT's FSD, HID ShutdownImminent); null or absent when it cannot say. */
  shutdownImminent?: boolean | null;
}

export interface UpsDriver extends Lifecycle {
  readonly driver: string;
  /**
   * The current reading. Throws HalError (`comm-lost`, `timeout`, ...) when the UPS cannot be
   * read; the station then reports status unknown with the reason and raises ups.comm_lost.
   */
  read(): Promise<UpsReading>;
}
