import type { Lifecycle } from '../driver.js';

export const UPS_STATUSES = ['online', 'on_battery', 'low_battery', 'unknown'] as const;
export type UpsStatus = (typeof UPS_STATUSES)[number];

/**
 * The station's power as the agent judges it (agent/station/power.ts), from the reading and the
 * limits. unknown: the UPS answers but says neither on line nor on battery (OFF, TRIM alone);
 * comm_lost_on_battery: the UPS stopped answering after it was last seen on battery, for longer
 * than ups.deadSeconds, and is taken as on battery with its runtime unknown (upsmon's dead UPS).
 */
export const POWER_STATES = ['online', 'on_battery', 'low_battery', 'shutdown_imminent', 'comm_lost', 'comm_lost_on_battery', 'unknown', 'none'] as const;
export type PowerState = (typeof POWER_STATES)[number];

/**
 * Conditions a UPS reports beside its line status: the battery to replace (NUT RB, HID
 * NeedReplacement), an overload (OVER, HID Overload), mains passed straight through with no
 * battery protection (BYPASS), the output switched off (OFF).
 */
export const UPS_ALARMS = ['replace_battery', 'overload', 'bypass', 'output_off'] as const;
export type UpsAlarm = (typeof UPS_ALARMS)[number];

/**
 * What read() rejects with: comm-lost (no reading: cable, service or device), timeout,
 * protocol (something answered that is not the UPS's protocol),
 * not-configured (no UPS at this station), and the USB HID driver's own: the native module
 * unavailable, the system unsupported, the device not found, ambiguous, or not permitted; a
 * HID device that describes itself wrongly throws one of HidErrorCode (hid/error.ts).
 */
export const UPS_ERRORS = ['comm-lost', 'timeout', 'protocol', 'not-configured', 'hid-unavailable', 'hid-unsupported', 'hid-not-found', 'hid-ambiguous', 'hid-permission'] as const;
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
  /** Why status is unknown though the UPS answered (the raw status it gave); absent otherwise. */
  statusReason?: string | null;
  /** The alarms it reports now; absent when the driver cannot tell any. */
  alarms?: UpsAlarm[];
  /** What the UPS says of its battery's age and last self-test, where it says it. */
  battery?: { date: string | null; testResult: string | null };
}

export interface UpsDriver extends Lifecycle {
  readonly driver: string;
  /**
   * The current reading. Throws HalError (`comm-lost`, `timeout`, ...) when the UPS cannot be
   * read; the station then reports status unknown with the reason and raises ups.comm_lost.
   */
  read(): Promise<UpsReading>;
}
