import type { Lifecycle } from '../driver.js';

export const UPS_STATUSES = ['online', 'on_battery', 'low_battery', 'unknown'] as const;
export type UpsStatus = (typeof UPS_STATUSES)[number];

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
}

export interface UpsDriver extends Lifecycle {
  readonly driver: string;
  /**
   * The current reading. Throws HalError (`comm-lost`, `timeout`, ...) when the UPS cannot be
   * read; the station then reports status unknown with the reason and raises ups.comm_lost.
   */
  read(): Promise<UpsReading>;
}
